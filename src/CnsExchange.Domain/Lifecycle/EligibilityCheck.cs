namespace CnsExchange.Domain.Lifecycle;

/// <summary>
/// The audit record of one eligibility question (LIF-06): who asked, when, for which date, what was answered — the person
/// only as a keyed hash of the matricule (HMAC-SHA256 with the sandbox's audit key), never in clear.
/// </summary>
public sealed class EligibilityCheck
{
    public Guid Id { get; set; }
    public Guid ProviderId { get; set; }
    /// <summary>Hex HMAC-SHA256 of the matricule under the sandbox's audit key: the same person gives the same value.</summary>
    public required string MatriculeHash { get; set; }
    public DateOnly AskedDate { get; set; }
    public DateTimeOffset CheckedAt { get; set; }
    public bool Known { get; set; }
    public bool Affiliated { get; set; }
    public int OpenVouchers { get; set; }
}

/// <summary>The secret of a sandbox's keyed hashes (one row per sandbox, its id the sandbox's): made once, never shown.</summary>
public sealed class AuditKey
{
    public Guid Id { get; set; }
    public required byte[] Key { get; set; }
}
