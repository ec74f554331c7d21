namespace CnsExchange.Application.Features.Sandboxes;

/// <summary>
/// A sandbox: an isolated world of providers, keys, insured persons and everything they exchange, with its own clock.
/// Its row holds the clock (frozen instant or running offset), when it was last used and when it will be deleted.
/// </summary>
public sealed class SandboxRecord
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public ClockMode ClockMode { get; set; }
    /// <summary>The instant of a frozen clock (null while running).</summary>
    public DateTimeOffset? ClockFrozenAt { get; set; }
    /// <summary>The offset of a running clock over real time.</summary>
    public TimeSpan ClockOffset { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastUsedAt { get; set; }
    /// <summary>When the idle-sandbox job deletes it, unless used before (null: never, the default sandbox).</summary>
    public DateTimeOffset? DeletesAfter { get; set; }
    /// <summary>Bytes of scans and files stored in this sandbox (the quota counts these).</summary>
    public long BytesUsed { get; set; }
    /// <summary>Set when deletion starts: its keys stop working at once, its rows go in batches after.</summary>
    public DateTimeOffset? DeletingAt { get; set; }

    /// <summary>The operator's Idempotency-Key of its creation, if any, and what it was bound to (the request's fingerprint).</summary>
    public string? IdempotencyKey { get; set; }
    public string? RequestHash { get; set; }

    public SandboxClockSetting Clock => new(ClockMode, ClockFrozenAt, ClockOffset);
}
