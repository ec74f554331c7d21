namespace CnsExchange.Domain.Hospital;

public enum HospitalStayStatus
{
    /// <summary>Settled: amounts paid by CNS and the insured participation are fixed.</summary>
    Accepted,
    /// <summary>Refused as a whole (unknown or unaffiliated insured, competent fund abroad, overlapping stay).</summary>
    Refused,
    /// <summary>
    /// Accepted, then no longer standing (LIF-04, <c>StayRelease</c>): the settlement line paying its stay days was reversed
    /// by the hospital or recovered by CNS. Its settlement stays as decided; its participation days no longer count toward
    /// HOS-02, it overlaps nothing and takes no more doctors' fees.
    /// </summary>
    Released,
}

/// <summary>A hospital stay sent by a hospital for direct billing to CNS, with its settlement (RULES.md §7).</summary>
public sealed class HospitalStay
{
    public Guid Id { get; set; }
    public Guid ProviderId { get; set; }
    /// <summary>Null when the matricule is not in the registry (refused INSURED_UNKNOWN).</summary>
    public Guid? InsuredId { get; set; }
    public required string Matricule { get; set; }
    public HospitalStayKind Kind { get; set; }
    public DateOnly AdmissionDate { get; set; }
    public DateOnly DischargeDate { get; set; }
    public bool Childbirth { get; set; }
    public RoomKind Room { get; set; }
    public bool SingleRoomMedicallyNeeded { get; set; }
    public bool AccompanyingParentBed { get; set; }
    public required string CountryOfCare { get; set; }
    public HospitalStayStatus Status { get; set; }
    public int Days { get; set; }
    public decimal TariffAmount { get; set; }
    public decimal CnsAmount { get; set; }
    public decimal InsuredParticipation { get; set; }
    public int ParticipationDays { get; set; }
    public decimal NotCoveredAmount { get; set; }
    public decimal? DoctorFeeRatePercent { get; set; }
    public SingleRoomSurcharge? SingleRoomSurcharge { get; set; }
    public decimal? SingleRoomSurchargePercent { get; set; }
    public bool? DoctorsMayBillDirectly { get; set; }
    public decimal? DirectBillingInvoiceAbove { get; set; }
    public List<Reason> Reasons { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the stay was released (<see cref="HospitalStayStatus.Released"/>); null while it stands.</summary>
    public DateTimeOffset? ReleasedAt { get; set; }
    /// <summary>The reversal or recovery of the stay-days line that released the stay: its kind, code, note and line; null for a stay released by the void of its settlement (LIF-02).</summary>
    public Guid? ReleaseDebtId { get; set; }
    public List<HospitalStayLine> Lines { get; set; } = [];
    public List<HospitalStayParticipationYear> ParticipationYears { get; set; } = [];
    public List<HospitalStayOperation> Operations { get; set; } = [];
}

/// <summary>An operation as declared by the hospital (kept with the stay, whatever its outcome).</summary>
public sealed class HospitalStayOperation
{
    public Guid Id { get; set; }
    public Guid StayId { get; set; }
    public int Position { get; set; }
    public required string ActCode { get; set; }
    public bool Main { get; set; }
}

public sealed class HospitalStayLine
{
    public Guid Id { get; set; }
    public Guid StayId { get; set; }
    public int LineNumber { get; set; }
    public StayLineType Type { get; set; }
    public required string Code { get; set; }
    public bool Main { get; set; }
    public int Quantity { get; set; }
    public decimal UnitTariff { get; set; }
    public decimal TariffAmount { get; set; }
    public decimal CnsAmount { get; set; }
    public decimal InsuredAmount { get; set; }
    public bool Covered { get; set; }
    public List<Reason> Reasons { get; set; } = [];
}

/// <summary>The participation of one calendar year of a stay (a stay crossing New Year has two).</summary>
public sealed class HospitalStayParticipationYear
{
    public Guid StayId { get; set; }
    public int Year { get; set; }
    public int StayDays { get; set; }
    public int ExemptDays { get; set; }
    public int ChargedBefore { get; set; }
    public int ChargedDays { get; set; }
    public int? Ceiling { get; set; }
}

/// <summary>
/// Participation days charged to an insured person in a calendar year across all stays (HOS-02 ceiling). One row per
/// (insured, year), locked with SELECT … FOR UPDATE by each stay that charges days in that year.
/// </summary>
public sealed class HospitalParticipationCounter
{
    public Guid InsuredId { get; set; }
    public int Year { get; set; }
    public int DaysCharged { get; set; }
}
