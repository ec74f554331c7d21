using System.Security.Cryptography;
using System.Text;

namespace CnsExchange.Application.Common;

/// <summary>The SHA-256 of a request body as the API reads it (camelCase JSON): what an Idempotency-Key is bound to.</summary>
public static class Fingerprint
{
    public static string Of<T>(T value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value, JsonDefaults.Options))));
}
