namespace CnsExchange.Infrastructure.Sandbox;

/// <summary>Who an API key is: its role, its sandbox (none for the operator), its provider, and that sandbox's clock now.</summary>
public sealed record KeyIdentity(Guid KeyId, CallerRole Role, Guid? SandboxId, Guid? ProviderId, string? ProviderKind, string? ProviderCode, SandboxClockSetting? Clock);

/// <summary>
/// Reads keys and sandbox clocks before any sandbox is known (authentication), through the SECURITY DEFINER function
/// <c>cns.authenticate_key</c>: the application role sees no sandbox's rows without the sandbox setting. Read on every
/// request, not cached: a moved clock, a revoked key or a deleted sandbox is seen by every process at once.
/// </summary>
/// <param name="operatorClock">The operator's clock (real time): a sandbox's last use and so its deletesAfter, as its creation and the idle-sandbox job read them.</param>
public sealed class SandboxDirectory(NpgsqlDataSource source, TimeSpan idlePeriod, TimeProvider operatorClock) : IAsyncDisposable
{
    public TimeSpan IdlePeriod { get; } = idlePeriod;

    public async Task<KeyIdentity?> AuthenticateAsync(string keyHash, CancellationToken ct)
    {
        await using var cmd = source.CreateCommand("SELECT * FROM cns.authenticate_key($1, $2, $3)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = keyHash });
        cmd.Parameters.Add(new NpgsqlParameter { Value = IdlePeriod });
        cmd.Parameters.Add(new NpgsqlParameter { Value = operatorClock.GetUtcNow().ToUniversalTime() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var role = Enum.Parse<CallerRole>(reader.GetString(1), ignoreCase: true);
        Guid? sandbox = reader.IsDBNull(2) ? null : reader.GetGuid(2);
        return new KeyIdentity(reader.GetGuid(0), role, sandbox,
            reader.IsDBNull(3) ? null : reader.GetGuid(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            sandbox is null ? null : ReadClock(reader, 6));
    }

    /// <summary>A sandbox's stored clock; null when the sandbox does not exist or is being deleted.</summary>
    public async Task<SandboxClockSetting?> ReadClockAsync(Guid sandboxId, CancellationToken ct)
    {
        await using var cmd = source.CreateCommand(
            "SELECT clock_mode, clock_frozen_at, clock_offset FROM cns.sandboxes WHERE id = $1 AND deleting_at IS NULL");
        cmd.Parameters.Add(new NpgsqlParameter { Value = sandboxId });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadClock(reader, 0) : null;
    }

    public async Task<IReadOnlyList<Guid>> ActiveAsync(CancellationToken ct)
    {
        await using var cmd = source.CreateCommand("SELECT id FROM cns.sandboxes WHERE deleting_at IS NULL ORDER BY created_at, id");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    internal static SandboxClockSetting ReadClock(NpgsqlDataReader reader, int first) => new(
        reader.GetString(first) == "frozen" ? ClockMode.Frozen : ClockMode.Running,
        reader.IsDBNull(first + 1) ? null : reader.GetFieldValue<DateTimeOffset>(first + 1),
        reader.GetFieldValue<TimeSpan>(first + 2));

    public ValueTask DisposeAsync() => source.DisposeAsync();
}

/// <summary><see cref="ISandboxUnits"/> over the directory.</summary>
internal sealed class SandboxUnits(SandboxDirectory directory) : ISandboxUnits
{
    public Task<SandboxClockSetting?> ClockAsync(Guid sandboxId, CancellationToken ct) => directory.ReadClockAsync(sandboxId, ct);

    public Task<IReadOnlyList<Guid>> ActiveAsync(CancellationToken ct) => directory.ActiveAsync(ct);
}
