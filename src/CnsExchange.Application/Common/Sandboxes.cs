namespace CnsExchange.Application.Common;

public static class SandboxIds
{
    /// <summary>The sandbox of the README's keys and identities; the migration that introduced sandboxes created it.</summary>
    public static readonly Guid Default = new("00000000-0000-0000-0000-000000000001");
}

public enum ClockMode
{
    /// <summary>Real time plus an offset that only grows.</summary>
    Running,
    /// <summary>Time stands still at an instant until advanced: every run of a test suite sees the same timestamps.</summary>
    Frozen,
}

/// <summary>A sandbox clock as stored in its row: frozen at an instant, or running at an offset over real time.</summary>
public sealed record SandboxClockSetting(ClockMode Mode, DateTimeOffset? FrozenAt, TimeSpan Offset)
{
    public static readonly SandboxClockSetting RealTime = new(ClockMode.Running, null, TimeSpan.Zero);

    public DateTimeOffset Now(TimeProvider realTime) => Now(realTime.GetUtcNow());

    public DateTimeOffset Now(DateTimeOffset realNow) =>
        (Mode == ClockMode.Frozen && FrozenAt is { } at ? at : realNow + Offset).ToUniversalTime();
}

/// <summary>
/// The sandbox of the current unit of work (an HTTP request, a job, a seeding) and its clock. Set once at the start of
/// the unit (API-key middleware, the job's first line) and flowing with the async context: the EF query filters, the
/// database setting of row-level security and the <see cref="TimeProvider"/> all read it.
/// </summary>
public sealed class SandboxScope
{
    private static readonly AsyncLocal<SandboxScope?> Ambient = new();

    private SandboxScope(Guid id, SandboxClockSetting clock)
    {
        Id = id;
        Clock = clock;
    }

    public Guid Id { get; }

    /// <summary>The clock read at the start of the unit; replaced when this unit moves it.</summary>
    public SandboxClockSetting Clock { get; set; }

    public static SandboxScope? Current => Ambient.Value;

    /// <summary>The sandbox of the current unit of work; an operation outside any sandbox fails here rather than see nothing.</summary>
    public static Guid RequireId() => Current?.Id ?? throw new InvalidOperationException("No sandbox in this unit of work.");

    /// <summary>Enters a sandbox until the returned handle is disposed (the previous one comes back).</summary>
    public static IDisposable Enter(Guid id, SandboxClockSetting clock)
    {
        var previous = Ambient.Value;
        Ambient.Value = new SandboxScope(id, clock);
        return new Exit(previous);
    }

    private sealed class Exit(SandboxScope? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}

/// <summary>The stored-bytes quota of the current sandbox (scans and billing files).</summary>
public interface ISandboxStorageQuota
{
    /// <summary>
    /// Counts <paramref name="bytes"/> against the sandbox in <paramref name="db"/>'s transaction (the bytes count only if
    /// what they are for commits); throws <see cref="SandboxQuotaExceededException"/> past its quota.
    /// </summary>
    Task ChargeAsync(IAppDbContext db, long bytes, CancellationToken ct);
}
