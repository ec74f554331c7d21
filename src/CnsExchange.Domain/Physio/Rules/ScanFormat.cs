namespace CnsExchange.Domain.Physio.Rules;

public enum ScanProblem
{
    None,
    Empty,
    TooLarge,
    NotAnImageOrPdf,
}

/// <summary>
/// VAL-18: the scan must be PDF, JPEG, PNG or TIFF, checked by its content (magic bytes), not by its name; non-empty;
/// at most <c>scan.max_bytes</c> (10 MiB, sandbox assumption).
/// </summary>
public static class ScanFormat
{
    public const string Rule = "VAL-18";
    public const string MaxBytesParameter = "scan.max_bytes";

    /// <summary>The media type read from the first bytes, or null when it is none of the accepted formats.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith("%PDF-"u8)) return "application/pdf";
        if (content.Length >= 3 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF) return "image/jpeg";
        if (content.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return "image/png";
        if (content.StartsWith("II*\0"u8) || content.StartsWith("MM\0*"u8)) return "image/tiff";
        return null;
    }

    public static ScanProblem Check(long length, ReadOnlySpan<byte> content, long maxBytes)
    {
        if (length == 0) return ScanProblem.Empty;
        if (length > maxBytes) return ScanProblem.TooLarge;
        return Sniff(content) is null ? ScanProblem.NotAnImageOrPdf : ScanProblem.None;
    }

    public static string Extension(string contentType) => contentType switch
    {
        "application/pdf" => ".pdf",
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/tiff" => ".tif",
        _ => ".bin",
    };
}
