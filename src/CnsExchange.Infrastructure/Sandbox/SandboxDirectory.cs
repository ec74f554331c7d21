namespace CnsExchange.Infrastructure.Sandbox;

/// <summary>Who an API key is: its role, its sandbox (none for the operator), its provider, and that sandbox's clock now.</summary>
public sealed record KeyIdentity(Guid KeyId, CallerRole Role, Guid? SandboxId, Guid? ProviderId, string? ProviderKind, string? ProviderCode, SandboxClockSetting? Clock);

/// <summary>
/// Reads keys and sandbox clocks before any sandbox is known (authentication), through the SECURITY DEFINER function
/// <c>cns.authenticate_key</c>: the application role sees no sandbox's rows without the sandbox setting.
/// <para>
/// A valid key's answer is kept in memory, and used only after <see cref="DirectoryChanges.SyncAsync"/> has applied
/// every change committed before the request (a moved clock, a revoked key, a sandbox being deleted): what another
/// process changed is seen on the next request here, as if read from the database. While the listening connection is
/// down the database is read on every request. An entry is read again after a minute, which also notes the sandbox's
/// last use (at most once a minute, as before).
/// </para>
/// </summary>
/// <param name="operatorClock">The operator's clock (real time): a sandbox's last use and so its deletesAfter, as its creation and the idle-sandbox job read them.</param>
public sealed class SandboxDirectory : IAsyncDisposable
{
    /// <summary>How long a kept answer stands before it is read again (the idle tracking's once-a-minute note).</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(1);

    private readonly NpgsqlDataSource source;
    private readonly TimeProvider operatorClock;
    private readonly DirectoryChanges? changes;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (KeyIdentity Identity, DateTimeOffset ReadAt)> kept = new(StringComparer.Ordinal);

    public SandboxDirectory(NpgsqlDataSource source, TimeSpan idlePeriod, TimeProvider operatorClock, DirectoryChanges? changes = null)
    {
        this.source = source;
        this.operatorClock = operatorClock;
        this.changes = changes;
        IdlePeriod = idlePeriod;
        if (changes is not null) changes.Changed += Forget;
    }

    public TimeSpan IdlePeriod { get; }

    public async Task<KeyIdentity?> AuthenticateAsync(string keyHash, CancellationToken ct)
    {
        if (changes is null || !await changes.SyncAsync().WaitAsync(ct)) return await ReadKeyAsync(keyHash, ct);
        var now = operatorClock.GetUtcNow();
        if (kept.TryGetValue(keyHash, out var entry) && now >= entry.ReadAt && now - entry.ReadAt < KeptFor) return entry.Identity;
        var generation = changes.Generation;
        var identity = await ReadKeyAsync(keyHash, ct);
        // Kept only when no change was heard while it was read; one heard later removes it (the lock orders the two).
        if (identity is not null)
            lock (kept)
                if (changes.Generation == generation) kept[keyHash] = (identity, now);
        return identity;
    }

    /// <summary>Drops what a change makes stale: one key, every key of a sandbox, or everything.</summary>
    private void Forget(string change)
    {
        lock (kept) ForgetHeld(change);
    }

    private void ForgetHeld(string change)
    {
        if (change.StartsWith("k:", StringComparison.Ordinal)) kept.TryRemove(change[2..], out _);
        else if (change.StartsWith("s:", StringComparison.Ordinal) && Guid.TryParse(change.AsSpan(2), out var sandbox))
        {
            foreach (var (hash, entry) in kept)
                if (entry.Identity.SandboxId == sandbox) kept.TryRemove(hash, out _);
        }
        else kept.Clear();
    }

    /// <summary>Keys kept in memory now (tests).</summary>
    public int KeptCount => kept.Count;

    private async Task<KeyIdentity?> ReadKeyAsync(string keyHash, CancellationToken ct)
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

    public ValueTask DisposeAsync()
    {
        if (changes is not null) changes.Changed -= Forget;
        return source.DisposeAsync();
    }
}

/// <summary><see cref="ISandboxUnits"/> over the directory.</summary>
internal sealed class SandboxUnits(SandboxDirectory directory) : ISandboxUnits
{
    public Task<SandboxClockSetting?> ClockAsync(Guid sandboxId, CancellationToken ct) => directory.ReadClockAsync(sandboxId, ct);

    public Task<IReadOnlyList<Guid>> ActiveAsync(CancellationToken ct) => directory.ActiveAsync(ct);
}
