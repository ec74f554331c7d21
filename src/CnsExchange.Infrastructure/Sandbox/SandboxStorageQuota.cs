using CnsExchange.Application.Common;
using Npgsql;

namespace CnsExchange.Infrastructure.Sandbox;

/// <summary>
/// Counts stored bytes in the sandbox's row, in one conditional UPDATE: concurrent uploads cannot pass the quota
/// together. The default sandbox (the local set-up's, and the benchmarks') is counted but not limited.
/// </summary>
public sealed class SandboxStorageQuota(long quotaBytes) : ISandboxStorageQuota
{
    private const string ChargeSql =
        "UPDATE cns.sandboxes SET bytes_used = bytes_used + $2 WHERE id = $1 AND (id = $3 OR bytes_used + $2 <= $4)";

    public long QuotaBytes { get; } = quotaBytes;

    public async Task ChargeAsync(IAppDbContext db, long bytes, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("A quota charge belongs in the transaction of what it is for.");
        var charged = await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database,
            ChargeSql.Replace("$1", "{0}").Replace("$2", "{1}").Replace("$3", "{2}").Replace("$4", "{3}"),
            [SandboxScope.RequireId(), bytes, SandboxIds.Default, QuotaBytes], ct);
        if (charged == 0) throw new SandboxQuotaExceededException(QuotaBytes);
    }

    /// <summary>Charges on the caller's connection and transaction: the bytes count only if what they are for is committed.</summary>
    public async Task ChargeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long bytes, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(ChargeSql, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter { Value = SandboxScope.RequireId() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = bytes });
        cmd.Parameters.Add(new NpgsqlParameter { Value = SandboxIds.Default });
        cmd.Parameters.Add(new NpgsqlParameter { Value = QuotaBytes });
        if (await cmd.ExecuteNonQueryAsync(ct) == 0) throw new SandboxQuotaExceededException(QuotaBytes);
    }
}
