using Microsoft.EntityFrameworkCore.Storage;

namespace CnsExchange.Infrastructure.Sandbox;

/// <summary>
/// Counts stored bytes in the sandbox's storage stripes (<c>cns.charge_storage</c>, see
/// <see cref="Persistence.Configurations.SandboxStorageStripe"/>), in the transaction of what they are for: concurrent
/// uploads cannot pass the quota together, and they wait for each other's commit only when they share a stripe or the
/// quota is nearly used up. The default sandbox (the local set-up's, and the benchmarks') is counted but not limited.
/// A prescription scan is charged by its own INSERT (trigger <c>prescription_scans_charge</c>), under the connection's
/// <see cref="Setting"/>: its save fails whole with <see cref="ExceededSqlState"/> past the quota.
/// </summary>
public sealed class SandboxStorageQuota(long quotaBytes) : ISandboxStorageQuota
{
    private const string ChargeSql = "SELECT cns.charge_storage($1, $2, $3)";

    /// <summary>The session setting the scan's trigger charges under: the quota in bytes, or <c>none</c> (counted, not limited).</summary>
    public const string Setting = "cns.storage_quota";

    /// <summary>SQLSTATE of a write refused by the quota's trigger: nothing of its transaction is stored.</summary>
    public const string ExceededSqlState = "CNSQ0";

    public long QuotaBytes { get; } = quotaBytes;

    /// <summary>The value of <see cref="Setting"/> for a sandbox.</summary>
    public string SettingFor(Guid sandbox) => Limited(sandbox) ? QuotaBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";

    private static bool Limited(Guid sandbox) => sandbox != SandboxIds.Default;

    /// <summary>True when <paramref name="e"/> (or an exception inside it) is a write refused by the quota's trigger.</summary>
    public static bool IsExceeded(Exception e) => e.AndInner().Any(x => x is PostgresException { SqlState: ExceededSqlState });

    public async Task ChargeAsync(IAppDbContext db, long bytes, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not { } transaction) throw new InvalidOperationException("A quota charge belongs in the transaction of what it is for.");
        await ChargeAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), bytes, ct);
    }

    /// <summary>Charges on the caller's connection and transaction: the bytes count only if what they are for is committed.</summary>
    public async Task ChargeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long bytes, CancellationToken ct)
    {
        var sandbox = SandboxScope.RequireId();
        await using var cmd = new NpgsqlCommand(ChargeSql, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter { Value = sandbox });
        cmd.Parameters.Add(new NpgsqlParameter { Value = bytes });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Limited(sandbox) ? QuotaBytes : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        if (await cmd.ExecuteScalarAsync(ct) is not true) throw new SandboxQuotaExceededException(QuotaBytes);
    }
}
