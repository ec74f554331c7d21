using System.Security.Cryptography;

namespace CnsExchange.Application.Features.PaymentRuns.Files;

/// <summary>
/// A file produced for a payment run (pain.001 or a return file): its bytes, how to serve it and its
/// SHA-256 content hash, which is stored with the run and shown to clients (PAY-06: rebuilding a file
/// from the same model gives the same bytes, hence the same hash).
/// </summary>
public sealed record GeneratedFile(string FileName, string MediaType, byte[] Content)
{
    /// <summary>Lower-case hex SHA-256 of <see cref="Content"/>.</summary>
    public string Sha256 { get; } = ContentHash.Sha256Hex(Content);

    public long Length => Content.LongLength;
}

public static class ContentHash
{
    /// <summary>SHA-256 of the bytes as 64 lower-case hex digits.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string Sha256Hex(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }
}
