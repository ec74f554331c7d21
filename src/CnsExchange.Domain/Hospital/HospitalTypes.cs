namespace CnsExchange.Domain.Hospital;

public enum HospitalStayKind
{
    /// <summary>At least one night in hospital (HOS-02).</summary>
    Stationary,
    /// <summary>Ambulatory day hospital (HOS-03; doctors' fees 88 % / 100 % under 18).</summary>
    DayHospital,
    /// <summary>Ambulatory surveillance place (HOS-03; doctors' fees 100 %).</summary>
    SurveillancePlace,
}

public enum RoomKind
{
    Standard,
    Single,
}

/// <summary>HOS-04: what the 66 % single-room surcharge on doctors' fees is for this stay.</summary>
public enum SingleRoomSurcharge
{
    /// <summary>Standard room: no surcharge.</summary>
    None,
    /// <summary>Single room for personal convenience: the doctor may charge it to the insured person; CNS never pays it.</summary>
    AtInsuredCharge,
    /// <summary>Single room for medical reasons: the surcharge may not be charged at all.</summary>
    NotChargeable,
}

public enum StayLineType
{
    /// <summary>Standard-room stay and hospital services (HOS-01), less the insured participation (HOS-02/03).</summary>
    StayDays,
    /// <summary>An operation of the stay (HOS-06).</summary>
    Operation,
    /// <summary>Bed of the accompanying parent of a child under 14 (HOS-07).</summary>
    AccompanyingBed,
}

/// <summary>An operation of a stay: its nomenclature act and whether the hospital marks it as the most important one.</summary>
public sealed record StayOperation(string ActCode, bool Main);

/// <summary>A hospital stay as the hospital declares it.</summary>
/// <param name="CountryOfCare">ISO 3166-1 alpha-2 country of the hospital (HOS-08).</param>
public sealed record HospitalStayInput(
    HospitalStayKind Kind,
    DateOnly Admission,
    DateOnly Discharge,
    bool Childbirth,
    RoomKind Room,
    bool SingleRoomMedicallyNeeded,
    bool AccompanyingParentBed,
    string CountryOfCare,
    IReadOnlyList<StayOperation> Operations)
{
    public int Days => StayDays.Count(Admission, Discharge);
}

/// <summary>
/// What earlier stays of the insured person already used: participation days charged per calendar year (HOS-02
/// ceiling, kept by the database across stays) and dates already counted by another stationary stay (the day of a
/// transfer, discharged from one stay and admitted to the next, is a started day of both but charged once).
/// </summary>
public sealed record ParticipationLedger(IReadOnlyDictionary<int, int> ChargedDaysByYear, IReadOnlySet<DateOnly> DatesCountedElsewhere)
{
    public static readonly ParticipationLedger Empty = new(new Dictionary<int, int>(), new HashSet<DateOnly>());

    public int ChargedIn(int year) => ChargedDaysByYear.TryGetValue(year, out var days) ? days : 0;
}

/// <summary>Participation of one calendar year of a stay.</summary>
/// <param name="StayDays">Started days of the stay in that year.</param>
/// <param name="ExemptDays">Days without participation (minor, childbirth, transfer day, ceiling reached).</param>
/// <param name="ChargedBefore">Days already charged to the insured person in that year by earlier stays (stored and shown
/// as those of the same hospital's stays only: another hospital's care is not disclosed).</param>
/// <param name="Ceiling">Yearly ceiling of participation days; null for day hospital / surveillance place.</param>
public sealed record ParticipationYear(int Year, int StayDays, int ExemptDays, int ChargedBefore, int ChargedDays, int? Ceiling);

public sealed record ParticipationResult(string Rule, int DaysCharged, decimal Amount, IReadOnlyList<ParticipationYear> Years, IReadOnlyList<Reason> Reasons);

public sealed record OperationOutcome(string ActCode, bool Main, decimal Tariff, bool Covered, Reason? Reason);

/// <summary>A line of the stay's settlement: tariff, what CNS pays, what the insured person bears.</summary>
public sealed record StayLineResult(
    StayLineType Type,
    string Code,
    bool Main,
    int Quantity,
    decimal UnitTariff,
    decimal TariffAmount,
    decimal CnsAmount,
    decimal InsuredAmount,
    bool Covered,
    IReadOnlyList<Reason> Reasons);

/// <summary>HOS-04/HOS-05 terms for the doctors' fee memoirs of this stay.</summary>
/// <param name="DirectBillingAllowed">True when the stay exceeds 3 days; otherwise only fee invoices above <paramref name="DirectBillingInvoiceAbove"/>.</param>
public sealed record DoctorFeeTerms(
    decimal RatePercent,
    SingleRoomSurcharge SingleRoomSurcharge,
    decimal SingleRoomSurchargePercent,
    bool DirectBillingAllowed,
    decimal DirectBillingInvoiceAbove);

public sealed record HospitalStayAssessment(
    bool Accepted,
    int Days,
    IReadOnlyList<StayLineResult> Lines,
    ParticipationResult? Participation,
    DoctorFeeTerms? DoctorFees,
    IReadOnlyList<Reason> Reasons)
{
    public decimal TariffAmount => Lines.Sum(l => l.TariffAmount);
    public decimal CnsAmount => Lines.Sum(l => l.CnsAmount);
    public decimal InsuredParticipation => Participation?.Amount ?? 0m;
    /// <summary>Tariff of what is not covered (refused operations, accompanying bed over 14): billable to the insured person.</summary>
    public decimal NotCoveredAmount => Lines.Where(l => !l.Covered).Sum(l => l.TariffAmount);

    public static HospitalStayAssessment Refused(int days, IReadOnlyList<Reason> reasons) => new(false, days, [], null, null, reasons);
}

/// <summary>
/// Counting of hospital days. Every calendar day from admission to discharge, both included, is a started day
/// ("journée d'hospitalisation entamée"): admitted Monday and discharged Wednesday is 3 days; admitted and discharged
/// the same day is 1 day. A stay crossing New Year has its days counted in the calendar year each day belongs to.
/// </summary>
public static class StayDays
{
    public static int Count(DateOnly admission, DateOnly discharge) => discharge.DayNumber - admission.DayNumber + 1;

    public static IEnumerable<DateOnly> Dates(DateOnly admission, DateOnly discharge)
    {
        for (var d = admission; d <= discharge; d = d.AddDays(1)) yield return d;
    }

    public static IReadOnlyList<(int Year, int Days)> ByYear(DateOnly admission, DateOnly discharge) =>
        Dates(admission, discharge).GroupBy(d => d.Year).Select(g => (g.Key, g.Count())).ToList();
}
