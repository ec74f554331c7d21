using CnsExchange.Application.Common;
using CnsExchange.Domain.Physio.Rules;
using CnsExchange.Domain.Reference;

namespace CnsExchange.Application.Features.Validation;

/// <summary>VAL-18 at the door: a scan that is missing, empty, too big or not PDF/JPEG/PNG/TIFF is bad input (400/413/415).</summary>
public static class ScanIntake
{
    public const string Field = "scan";

    public static long MaxBytes(ReferenceCatalog catalog, DateOnly today) => (long)catalog.Parameter(ScanFormat.MaxBytesParameter, today);

    /// <summary>Refuses an upload by its declared length before it is read into memory.</summary>
    public static void CheckLength(long length, long maxBytes)
    {
        if (length > maxBytes) throw TooLarge(maxBytes);
    }

    /// <summary>The content type sniffed from the bytes; throws the problem that fits otherwise.</summary>
    public static string Inspect(byte[]? scan, long maxBytes)
    {
        if (scan is null) throw new BadInputException(Field, "The 'scan' file (the scanned prescription) is required.");
        switch (ScanFormat.Check(scan.LongLength, scan, maxBytes))
        {
            case ScanProblem.Empty:
                throw new BadInputException(Field, "The scan is empty.");
            case ScanProblem.TooLarge:
                throw TooLarge(maxBytes);
            case ScanProblem.NotAnImageOrPdf:
                const string message = "The scan must be a PDF, JPEG, PNG or TIFF file (checked by its content).";
                throw new UnsupportedMediaTypeException(Field, message) { Errors = new Dictionary<string, string[]> { [Field] = [message] } };
        }
        return ScanFormat.Sniff(scan)!;
    }

    private static PayloadTooLargeException TooLarge(long maxBytes)
    {
        var message = $"The scan is larger than {maxBytes} bytes.";
        return new PayloadTooLargeException(Field, message) { Errors = new Dictionary<string, string[]> { [Field] = [message] } };
    }
}
