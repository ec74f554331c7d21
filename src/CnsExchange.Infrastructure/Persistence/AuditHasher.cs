using System.Security.Cryptography;
using System.Text;
using CnsExchange.Application.Features.Eligibility;
using Microsoft.EntityFrameworkCore.Storage;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// HMAC-SHA256 of a matricule under the sandbox's audit key, stored in the database so that every process hashes alike;
/// the key is made on first use (a random 256-bit value) and never leaves the server.
/// </summary>
internal sealed class AuditHasher(AppDbContext db) : IAuditHasher
{
    // A concurrent first use may insert first: the statement then sees no row (its snapshot predates that commit); asked again, it does.
    private const string KeySql = """
        WITH made AS (INSERT INTO cns.audit_keys (id, key) VALUES (@id, @key) ON CONFLICT (id) DO NOTHING RETURNING key)
        SELECT key FROM made UNION ALL SELECT key FROM cns.audit_keys WHERE id = @id LIMIT 1
        """;

    public async Task<string> MatriculeHashAsync(string matricule, CancellationToken ct)
    {
        var key = await KeyAsync(ct);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(matricule)));
    }

    private async Task<byte[]> KeyAsync(CancellationToken ct)
    {
        var sandbox = SandboxScope.RequireId();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                await using var command = (NpgsqlCommand)db.Database.GetDbConnection().CreateCommand();
                command.CommandText = KeySql;
                command.Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
                command.Parameters.AddWithValue("id", sandbox);
                command.Parameters.AddWithValue("key", RandomNumberGenerator.GetBytes(32));
                if (await command.ExecuteScalarAsync(ct) is byte[] key) return key;
            }
            throw new InvalidOperationException("The sandbox's audit key could not be read.");
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
