using CnsExchange.Domain.Requests;

namespace CnsExchange.Domain.Cures;

/// <summary>
/// A thermal centre's request for a cure authorisation (RULES.md §5) and, once agreed, its terms; the voucher of kind
/// Cure is the authorisation the centre bills against. The lifecycle is the one every request shares.
/// </summary>
public sealed class CureAuthorisation : CareRequest
{
    public CureAuthorisation() => Kind = RequestKind.CureAuthorisation;

    /// <summary>The doctor of the thermal centre who asks for the cure.</summary>
    public required string DoctorCode { get; set; }
    public required string KindCode { get; set; }
    public DateOnly RequestedStart { get; set; }
    /// <summary>ISO 3166-1 alpha-2; anything but LU is a cure abroad (S2, CUR-08).</summary>
    public required string CountryOfCare { get; set; }
    public bool CareNotAvailableInLuxembourg { get; set; }
    public int? MaintenanceSessionsPerMonth { get; set; }
    public CureClinicalData Clinical { get; set; } = CureClinicalData.None;
    /// <summary>What the authorisation allows (agreed; while pending, what an agreement would allow); null when refused.</summary>
    public CureAuthorisationTerms? Terms { get; set; }
    /// <summary>Interruptions reported by the centre or recorded by a reviewer (CUR-09, CUR-10), in the order recorded.</summary>
    public List<CureInterruption> Interruptions { get; set; } = [];

    public bool Abroad => ToCureRequest().Abroad;

    public CureRequest ToCureRequest() =>
        new(KindCode, ReceivedOn, RequestedStart, Clinical, CountryOfCare, CareNotAvailableInLuxembourg, MaintenanceSessionsPerMonth);
}

public enum CureInterruptionKind
{
    /// <summary>Certified by the treating doctor; extends the cycle once a reviewer accepts it (CUR-10).</summary>
    Medical,
    /// <summary>Without valid reason: the cure is not covered from then on (CUR-09).</summary>
    WithoutValidReason,
}

public enum CureInterruptionStatus
{
    /// <summary>A medical interruption waiting for a reviewer (CUR-10).</summary>
    Pending,
    Accepted,
    Rejected,
    /// <summary>An interruption without valid reason, in force once recorded (CUR-09).</summary>
    Recorded,
}

/// <summary>An interruption of a cure (CUR-09, CUR-10). <paramref name="To"/> is null for an interruption without valid reason (the cure ends).</summary>
/// <param name="CertificateReference">CUR-10: the reference of the treating doctor's certificate.</param>
/// <param name="CertificateId">
/// CUR-10 with LIF-07: the attachment that is the certificate itself (<c>medical_certificate</c>); until it is attached, a
/// medical interruption is pending <c>DOCUMENT_MISSING</c> and cannot be accepted.
/// </param>
public sealed record CureInterruption(
    int Sequence,
    CureInterruptionKind Kind,
    DateOnly From,
    DateOnly? To,
    string? CertificateReference,
    string? Note,
    string RecordedBy,
    DateTimeOffset RecordedAt,
    CureInterruptionStatus Status,
    string? DecidedBy = null,
    DateTimeOffset? DecidedAt = null,
    string? DecisionNote = null,
    Guid? CertificateId = null)
{
    /// <summary>LIF-07: a medical interruption still waiting for the treating doctor's certificate.</summary>
    public bool AwaitsCertificate => Kind == CureInterruptionKind.Medical && Status == CureInterruptionStatus.Pending && CertificateId is null;
}

/// <summary>
/// An earlier cure authorisation of the insured person as this system knows it: the authorisation, and the sessions
/// billed on its voucher (how many, first and last session date).
/// </summary>
/// <param name="SessionWindowMonths">CUR-05 cycles: all sessions within this many months of the first one.</param>
/// <param name="LastSessionBy">Series (reinforcement, maintenance): no session after this date.</param>
public sealed record CureCourse(
    string KindCode,
    DateOnly AuthorisedOn,
    DateOnly ValidUntil,
    int SessionsGranted,
    int SessionsDone,
    DateOnly? FirstSession,
    DateOnly? LastSession,
    BodySide? Side,
    int? SessionWindowMonths,
    DateOnly? LastSessionBy,
    int InterruptionDays = 0)
{
    /// <summary>
    /// The entry the cure rules read (CUR-02, CUR-04, CUR-05). A cure is over — and its <see cref="CureHistoryEntry.End"/>
    /// is its last session — once every session granted was given, or once no further session can be billed on it
    /// (its cycle window, its series end or its validity has passed, whichever applies); until then it is in progress.
    /// Without any session it has not started (and lapses with its validity).
    /// </summary>
    public CureHistoryEntry ToHistoryEntry(DateOnly today)
    {
        if (SessionsDone <= 0) return new CureHistoryEntry(KindCode, AuthorisedOn, ValidUntil, null, null, SessionsGranted, 0, Side);
        // Sessions billed without dates: started (at the earliest on the authorisation date) and still in progress.
        if (FirstSession is not { } first || LastSession is not { } last)
            return new CureHistoryEntry(KindCode, AuthorisedOn, ValidUntil, FirstSession ?? AuthorisedOn, null, SessionsGranted, SessionsDone, Side);
        var lastPossible = SessionWindowMonths is { } months
            ? first.AddMonths(months).AddDays(InterruptionDays - 1) // CUR-10: accepted medical interruptions extend the cycle
            : LastSessionBy ?? (ValidUntil > last ? ValidUntil : last);
        var over = SessionsDone >= SessionsGranted || today > lastPossible;
        return new CureHistoryEntry(KindCode, AuthorisedOn, ValidUntil, first, over ? last : null, SessionsGranted, SessionsDone, Side);
    }
}
