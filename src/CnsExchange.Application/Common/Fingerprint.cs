using System.Security.Cryptography;
using System.Text;

namespace CnsExchange.Application.Common;

/// <summary>The SHA-256 of a request body as the API reads it (camelCase JSON): what an Idempotency-Key is bound to.</summary>
public static class Fingerprint
{
    public static string Of<T>(T value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value, JsonDefaults.Options))));

    /// <summary>
    /// A multipart submission: the request as read (canonical JSON, so whitespace and key order do not count; the text as
    /// sent when it could not be read), a zero byte, and the document's bytes.
    /// </summary>
    public static string OfSubmission<T>(T? request, string requestJson, byte[]? document) where T : class
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(request is null ? requestJson : JsonSerializer.Serialize(request, JsonDefaults.Options)));
        sha.AppendData([0]);
        sha.AppendData(document ?? []);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
