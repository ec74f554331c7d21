namespace CnsExchange.Domain.Rehabilitation;

public enum RehabService
{
    /// <summary>Centre national de rééducation fonctionnelle et de réadaptation (REH-01).</summary>
    Cnrfr,
    /// <summary>Geriatric rehabilitation in a hospital (REH-02, REH-03).</summary>
    Geriatric,
    /// <summary>Service national de réhabilitation physique, Colpach (REH-04).</summary>
    Snrp,
    /// <summary>Service national de réhabilitation post-oncologique, Colpach (REH-04).</summary>
    Snrpo,
    /// <summary>Cardiac rehabilitation (REH-07), authorised in advance like geriatric ambulatory rehabilitation.</summary>
    Cardiac,
}

public enum RehabOutcome
{
    Granted,
    Refused,
    /// <summary>No authorisation is needed (CNRFR, REH-01).</summary>
    NotRequired,
    /// <summary>Granted as far as the rules can tell, but a person must check something first (a declared stay, REH-02).</summary>
    Pending,
}

/// <summary>A stationary hospital stay of the insured person: known to this system or declared with evidence (REH-02).</summary>
/// <param name="Declared">Declared by the requester with evidence (not a stay this system has recorded): a person checks it.</param>
public sealed record HospitalStayFact(DateOnly Admission, DateOnly Discharge, bool Declared = false)
{
    /// <summary>Days of the stay, admission and discharge days included (same count as hospital participation days).</summary>
    public int Days => Discharge.DayNumber - Admission.DayNumber + 1;
}

/// <summary>The period a rehabilitation authorisation covers (both days included).</summary>
/// <param name="TreatmentDays">Colpach ambulatory (REH-06): the treatment days granted, spread over the period; null = every day of it.</param>
public sealed record RehabAuthorisationTerms(
    DateOnly From,
    DateOnly To,
    decimal RatePercent,
    bool ThirdPartyPayment,
    int ExtensionsGranted,
    int ExtensionsLeft,
    int? TreatmentDays = null)
{
    /// <summary>Days that may be billed: the treatment days, or every day of the period.</summary>
    public int Days => TreatmentDays ?? To.DayNumber - From.DayNumber + 1;
}

/// <summary>The answer to a rehabilitation request; <see cref="Terms"/> when granted, or pending (what a reviewer would grant).</summary>
public sealed record RehabDecision(RehabOutcome Outcome, IReadOnlyList<Reason> Reasons, RehabAuthorisationTerms? Terms)
{
    public static RehabDecision From(IReadOnlyList<Reason> reasons, Func<RehabAuthorisationTerms> terms) =>
        reasons.Any(r => r.Severity == ReasonSeverity.Refusal)
            ? new RehabDecision(RehabOutcome.Refused, reasons, null)
            : new RehabDecision(reasons.Any(r => r.Severity == ReasonSeverity.Pending) ? RehabOutcome.Pending : RehabOutcome.Granted, reasons, terms());
}

/// <summary>Geriatric ambulatory rehabilitation request (REH-02).</summary>
/// <param name="PreviousStays">Stationary hospital stays of the insured person (system history and declared ones).</param>
public sealed record GeriatricAmbulatoryRequest(DateOnly RequestDate, DateOnly Start, DateOnly End, IReadOnlyList<HospitalStayFact> PreviousStays);

/// <summary>Geriatric stationary rehabilitation request (REH-03). <paramref name="Days"/> null = the full period.</summary>
public sealed record GeriatricStationaryRequest(DateOnly RequestDate, DateOnly Admission, int? Days = null);

/// <summary>A running geriatric stationary authorisation, as an extension request sees it.</summary>
public sealed record GeriatricAuthorisationState(DateOnly From, DateOnly To, int ExtensionsGranted);

public sealed record RehabExtensionRequest(DateOnly RequestDate, int Days);

/// <summary>Colpach rehabilitation request (REH-04).</summary>
/// <param name="DifferentPathology">The doctor marked a pathology different from earlier Colpach stays this year.</param>
/// <param name="StableClinicalState">The clinical state is stable.</param>
/// <param name="FunctionalLimitationsAttested">The treating doctor attests functional limitations, comorbidities or an altered general state.</param>
/// <param name="AcuteTherapyEnd">End of the acute cancer therapy (SNRPO).</param>
public sealed record ColpachRequest(
    RehabService Service,
    CareSetting Setting,
    DateOnly RequestDate,
    DateOnly Start,
    int Days,
    bool DifferentPathology,
    bool StableClinicalState,
    bool FunctionalLimitationsAttested,
    DateOnly? AcuteTherapyEnd = null,
    DateOnly? ProgrammeEnd = null)
{
    /// <summary>Stationary: the last of the consecutive days. Ambulatory (REH-06): see <see cref="ColpachAmbulatoryProgramme.LastDay"/>.</summary>
    public DateOnly End => Start.AddDays(Days - 1);
}

/// <summary>Cardiac rehabilitation request (REH-07): the period asked for and the cardiac event or surgery it follows.</summary>
public sealed record CardiacRehabRequest(DateOnly RequestDate, DateOnly Start, DateOnly End, DateOnly? CardiacEventDate);

/// <summary>An earlier Colpach authorisation of the insured person (its granted period, both days included).</summary>
/// <param name="Own">Authorised at the request of the same provider: only then may a reason count its days aloud.</param>
/// <param name="TreatmentDays">Ambulatory (REH-06): the treatment days granted within the period; null = every day of it.</param>
public sealed record ColpachHistoryEntry(RehabService Service, CareSetting Setting, DateOnly From, DateOnly To, bool Own = true, int? TreatmentDays = null);
