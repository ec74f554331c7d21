using System.Security.Cryptography;
using System.Text;

namespace CnsExchange.Application.Common;

public static class ApiKeys
{
    /// <summary>Keys are stored as the hex SHA-256 of the key; generated keys carry 256 bits of entropy.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Generate(string prefix) =>
        prefix + "-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
