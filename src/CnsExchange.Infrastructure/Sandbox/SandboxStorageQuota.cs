using CnsExchange.Application.Common;
using Npgsql;

namespace CnsExchange.Infrastructure.Sandbox;

/// <summary>
/// Counts stored bytes in the sandbox's row, in one conditional UPDATE: concurrent uploads cannot pass the quota
/// together. The default sandbox (the local set-up's, and the benchmarks') is counted but not limited.
/// </summary>
public sealed class SandboxStorageQuota(NpgsqlDataSource source, long quotaBytes) : ISandboxStorageQuota
{
    private const string ChargeSql =
        "UPDATE cns.sandboxes SET bytes_used = bytes_used + $2 WHERE id = $1 AND (id = $3 OR bytes_used + $2 <= $4)";

    public long QuotaBytes { get; } = quotaBytes;

    public async Task ChargeAsync(long bytes, CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        await ChargeAsync(connection, null, bytes, ct);
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
