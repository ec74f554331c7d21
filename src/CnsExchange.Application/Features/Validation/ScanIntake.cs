using CnsExchange.Domain.Physio.Rules;
using CnsExchange.Domain.Reference;

namespace CnsExchange.Application.Features.Validation;

/// <summary>
/// VAL-18 at the door: a scan that is missing, empty, too big or not PDF/JPEG/PNG/TIFF is bad input (400/413/415). The same
/// checks guard every uploaded document (attachments), named by their own form <c>field</c>.
/// </summary>
public static class ScanIntake
{
    public const string Field = "scan";

    public static long MaxBytes(ReferenceCatalog catalog, DateOnly today) => (long)catalog.Parameter(ScanFormat.MaxBytesParameter, today);

    /// <summary>Refuses an upload by its declared length before it is read into memory.</summary>
    public static void CheckLength(long length, long maxBytes, string field = Field)
    {
        if (length > maxBytes) throw TooLarge(maxBytes, field);
    }

    /// <summary>The content type sniffed from the bytes; throws the problem that fits otherwise.</summary>
    public static string Inspect(byte[]? scan, long maxBytes, string field = Field)
    {
        var noun = field == Field ? "scan" : "file";
        if (scan is null)
            throw new BadInputException(field, field == Field ? "The 'scan' file (the scanned prescription) is required." : $"The '{field}' file is required.");
        switch (ScanFormat.Check(scan.LongLength, scan, maxBytes))
        {
            case ScanProblem.Empty:
                throw new BadInputException(field, $"The {noun} is empty.");
            case ScanProblem.TooLarge:
                throw TooLarge(maxBytes, field);
            case ScanProblem.NotAnImageOrPdf:
                var message = $"The {noun} must be a PDF, JPEG, PNG or TIFF file (checked by its content).";
                throw new UnsupportedMediaTypeException(field, message) { Errors = new Dictionary<string, string[]> { [field] = [message] } };
        }
        return ScanFormat.Sniff(scan)!;
    }

    private static PayloadTooLargeException TooLarge(long maxBytes, string field)
    {
        var message = $"The {(field == Field ? "scan" : "file")} is larger than {maxBytes} bytes.";
        return new PayloadTooLargeException(field, message) { Errors = new Dictionary<string, string[]> { [field] = [message] } };
    }
}
