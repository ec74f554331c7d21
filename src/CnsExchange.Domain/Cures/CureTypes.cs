namespace CnsExchange.Domain.Cures;

/// <summary>The rule family of a cure kind: which conditions CUR-03…CUR-05 apply.</summary>
public enum CureFamily
{
    /// <summary>T180 (CUR-03).</summary>
    LymphoVenous,
    /// <summary>T190 stationary, T192 ambulatory (CUR-04).</summary>
    Obesity,
    /// <summary>Reinforcement modules after an obesity cure (CUR-04).</summary>
    ObesityReinforcement,
    /// <summary>T200, T203, T206: 24-session cycles (CUR-05).</summary>
    BackNeckShoulder,
    /// <summary>Maintenance sessions after a completed cycle (CUR-05).</summary>
    Maintenance,
    /// <summary>T260, T261 (CUR-06: 70 %).</summary>
    Fango,
}

public enum BodySide
{
    Left,
    Right,
}

/// <summary>Clinical data given by the thermal-centre doctor. Each kind reads only what its conditions need.</summary>
/// <param name="Bmi">Body-mass index (CUR-04).</param>
/// <param name="HbA1cPercent">Glycated haemoglobin in percent (CUR-04: criterion when above 7).</param>
/// <param name="ResistantHypertension">Above 140/90 mmHg despite one year of three antihypertensives (CUR-04).</param>
/// <param name="PolysomnographyProvenApnoea">Sleep apnoea shown by polysomnography in a hospital sleep laboratory (CUR-04).</param>
/// <param name="WaistCm">Waist in cm (CUR-04: android type above 88 women / 102 men; the sex comes from the registry).</param>
/// <param name="CardiacHistory">Documented coronary disease or cardiomyopathy (CUR-04).</param>
/// <param name="ComplicatedVenousInsufficiency">CUR-03 (T180).</param>
/// <param name="Lymphoedema">CUR-03 (T180).</param>
/// <param name="AffectedSide">Shoulder treated (T206, CUR-05).</param>
public sealed record CureClinicalData(
    decimal? Bmi = null,
    decimal? HbA1cPercent = null,
    bool ResistantHypertension = false,
    bool PolysomnographyProvenApnoea = false,
    decimal? WaistCm = null,
    bool CardiacHistory = false,
    bool ComplicatedVenousInsufficiency = false,
    bool Lymphoedema = false,
    BodySide? AffectedSide = null)
{
    public static readonly CureClinicalData None = new();
}

/// <summary>A request for a cure authorisation.</summary>
/// <param name="KindCode">Cure kind (T180, T190, T192, T195, T200, T203, T206, T209, T260, T261).</param>
/// <param name="RequestDate">Date the request reached CNS (today); also the issue date of the authorisation.</param>
/// <param name="RequestedStart">Planned first day of the cure.</param>
/// <param name="CountryOfCare">ISO 3166-1 alpha-2; anything but LU is a cure abroad (S2, CUR-08).</param>
/// <param name="CareNotAvailableInLuxembourg">For a cure abroad: the doctor states the needed care is not available in Luxembourg.</param>
/// <param name="MaintenanceSessionsPerMonth">For maintenance (T209): sessions per month asked for.</param>
public sealed record CureRequest(
    string KindCode,
    DateOnly RequestDate,
    DateOnly RequestedStart,
    CureClinicalData Clinical,
    string CountryOfCare = CureAbroad.HomeCountry,
    bool CareNotAvailableInLuxembourg = false,
    int? MaintenanceSessionsPerMonth = null)
{
    public bool Abroad => !string.Equals(CountryOfCare, CureAbroad.HomeCountry, StringComparison.OrdinalIgnoreCase);
}

/// <summary>An earlier cure authorisation of the insured person, from this system's own history.</summary>
/// <param name="Start">First session; null when the cure never started.</param>
/// <param name="End">Last session once the cure is over (finished or abandoned); null while it is in progress.</param>
/// <param name="SessionsGranted">Sessions or modules granted by the authorisation.</param>
/// <param name="SessionsDone">Sessions actually given (billed).</param>
/// <param name="Side">Shoulder treated (T206).</param>
/// <param name="Own">Authorised at the request of the same provider: only then may a reason show its kind, dates or counts.</param>
public sealed record CureHistoryEntry(
    string KindCode,
    DateOnly AuthorisedOn,
    DateOnly ValidUntil,
    DateOnly? Start,
    DateOnly? End,
    int SessionsGranted,
    int SessionsDone,
    BodySide? Side = null,
    bool Own = true)
{
    /// <summary>Never started and no longer valid on <paramref name="date"/>: it counts for nothing.</summary>
    public bool LapsedOn(DateOnly date) => Start is null && ValidUntil < date;

    /// <summary>Still usable or in progress on <paramref name="date"/>.</summary>
    public bool OpenOn(DateOnly date) => End is null && !LapsedOn(date);
}

/// <summary>Stay allowance granted with a cure (CUR-07): an amount per night (Mondorf, abroad) or per day (residents of Mondorf).</summary>
public sealed record StayAllowanceTerms(string Code, string Unit, decimal Amount);

/// <summary>What a granted cure authorisation allows.</summary>
/// <param name="ValidUntil">CUR-01: the cure must start on or before this date (issue date + 12 months).</param>
/// <param name="Sessions">Sessions or modules granted (null: not counted, e.g. none defined for the kind).</param>
/// <param name="SessionWindowMonths">CUR-05: a 24-session cycle must end within this many months of its first session.</param>
/// <param name="LastSessionBy">Series (reinforcement modules, maintenance): no session after this date.</param>
/// <param name="MaxSessionsPerMonth">Maintenance (CUR-05): at most this many sessions per calendar month.</param>
/// <param name="S2">Cure abroad authorised with an S2 form (CUR-08).</param>
/// <param name="InterruptionDays">CUR-10: days of medical interruptions a reviewer accepted; the cycle window grows by them.</param>
/// <param name="InterruptedOn">CUR-09: the cure was interrupted without valid reason on this date; no session from it on is covered.</param>
public sealed record CureAuthorisationTerms(
    string KindCode,
    CureFamily Family,
    DateOnly IssuedOn,
    DateOnly ValidUntil,
    decimal RatePercent,
    bool ThirdPartyPayment,
    int? Sessions,
    int? SessionWindowMonths,
    DateOnly? LastSessionBy,
    int? MaxSessionsPerMonth,
    StayAllowanceTerms? StayAllowance,
    bool S2,
    string CountryOfCare,
    BodySide? AffectedSide,
    int InterruptionDays = 0,
    DateOnly? InterruptedOn = null)
{
    /// <summary>CUR-05/CUR-10: the last day of a cycle that started on <paramref name="firstSession"/> (6 months, plus accepted interruptions).</summary>
    public DateOnly? CycleLastDay(DateOnly firstSession) =>
        SessionWindowMonths is { } months ? firstSession.AddMonths(months).AddDays(InterruptionDays - 1) : null;
}

/// <summary>The answer to a cure request: terms when granted (possibly with reductions), refusal reasons otherwise.</summary>
public sealed record CureDecision(IReadOnlyList<Reason> Reasons, CureAuthorisationTerms? Terms)
{
    public bool Granted => Terms is not null;
}
