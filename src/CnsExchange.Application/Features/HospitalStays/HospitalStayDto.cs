using CnsExchange.Domain.Hospital;

namespace CnsExchange.Application.Features.HospitalStays;

/// <summary>The settlement totals: tariffAmount = cnsAmount + insuredParticipation + notCoveredAmount.</summary>
/// <param name="TariffAmount">Everything at the official tariffs (day tariffs, operations, accompanying bed).</param>
/// <param name="CnsAmount">Paid by CNS to the hospital.</param>
/// <param name="InsuredParticipation">Daily participation the hospital collects from the insured person (HOS-02/03).</param>
/// <param name="NotCoveredAmount">Tariff of what is not covered (refused operations, accompanying bed over 14): billable to the insured person.</param>
public sealed record HospitalStayAmountsDto(decimal TariffAmount, decimal CnsAmount, decimal InsuredParticipation, decimal NotCoveredAmount);

public sealed record HospitalStayParticipationYearDto(int Year, int StayDays, int ExemptDays, int ChargedBefore, int ChargedDays, int? Ceiling);

/// <param name="Rule">HOS-02 (stationary) or HOS-03 (day hospital, surveillance place).</param>
public sealed record HospitalStayParticipationDto(string Rule, int DaysCharged, decimal Amount, IReadOnlyList<HospitalStayParticipationYearDto> Years);

/// <summary>Terms for the doctors' fee memoirs of the stay (HOS-04, HOS-05).</summary>
/// <param name="SingleRoomSurchargeCovered">Always false: CNS never pays the single-room surcharge.</param>
/// <param name="DirectBillingAllowed">True when the stay exceeds 3 days; otherwise doctors may bill CNS directly only above <paramref name="DirectBillingInvoiceAbove"/> EUR.</param>
public sealed record HospitalStayDoctorFeesDto(
    decimal RatePercent,
    SingleRoomSurcharge SingleRoomSurcharge,
    decimal SingleRoomSurchargePercent,
    bool SingleRoomSurchargeCovered,
    bool DirectBillingAllowed,
    decimal DirectBillingInvoiceAbove);

public sealed record HospitalStayOperationDto(string ActCode, bool Main);

public sealed record HospitalStayLineDto(
    int LineNumber,
    StayLineType Type,
    string Code,
    bool Main,
    int Quantity,
    decimal UnitTariff,
    decimal TariffAmount,
    decimal CnsAmount,
    decimal InsuredAmount,
    bool Covered,
    IReadOnlyList<ReasonDto> Reasons);

/// <summary>How a stay was released: its settlement voided unpaid (LIF-02), or its stay-days line reversed or recovered (LIF-04).</summary>
public enum HospitalStayReleaseKind
{
    Void,
    Reversal,
    Recovery,
}

/// <summary>
/// LIF-02 and LIF-04: why a stay no longer stands (<see cref="StayRelease"/>) — the hospital voided its settlement memoir
/// before a payment run took it (nothing was paid, nothing is owed), or, once paid, the settlement line paying its stay
/// days was reversed by the hospital or recovered by CNS, and the line's paid amount is the hospital's debt. The
/// settlement stays as it was decided (and paid).
/// </summary>
/// <param name="Kind">void or reversal (by the hospital), recovery (by CNS staff).</param>
/// <param name="EntryCode">LINE_REVERSED or LINE_RECOVERED, as the return file lists the debt; null for a void (no debt).</param>
/// <param name="Code">LINE_REVERSED for a reversal; the recovery code (e.g. SESSION_NOT_GIVEN, DOUBLE_FINANCING) for a recovery; null for a void.</param>
/// <param name="Note">The hospital's reason for a void or reversal, CNS staff's note for a recovery.</param>
/// <param name="MemoirId">The stay's settlement memoir.</param>
/// <param name="LineNumber">Its line taken back, the stay days; null for a void (the whole memoir).</param>
/// <param name="DebtId">The debt the next payment run nets (LIF-05); null for a void.</param>
public sealed record HospitalStayReleaseDto(
    DateTimeOffset ReleasedAt,
    HospitalStayReleaseKind Kind,
    string? EntryCode,
    string? Code,
    string? Note,
    Guid MemoirId,
    int? LineNumber,
    Guid? DebtId)
{
    public static HospitalStayReleaseDto Of(DateTimeOffset releasedAt, ProviderDebt debt) =>
        new(releasedAt, debt.Kind == DebtKind.Reversal ? HospitalStayReleaseKind.Reversal : HospitalStayReleaseKind.Recovery,
            LineReversal.EntryCode(debt.Kind), debt.Code, debt.Note, debt.MemoirId, debt.LineNumber, debt.Id);

    /// <summary>
    /// The releases of the released stays among <paramref name="stays"/> (stay id → its release), read with their debts,
    /// or with their voided settlement memoirs.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, HospitalStayReleaseDto>> OfAsync(IAppDbContext db,
        IEnumerable<(Guid StayId, DateTimeOffset? ReleasedAt, Guid? DebtId)> stays, CancellationToken ct)
    {
        var released = stays.Where(s => s.ReleasedAt is not null).ToList();
        if (released.Count == 0) return new Dictionary<Guid, HospitalStayReleaseDto>();
        // One query for the kind the page has (a stay released by a reversal or recovery, or by the void of its settlement).
        var debtIds = released.Where(s => s.DebtId is not null).Select(s => s.DebtId!.Value).ToList();
        var debts = debtIds.Count == 0 ? []
            : await db.Set<ProviderDebt>().AsNoTracking().Where(d => debtIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
        var voidedIds = released.Where(s => s.DebtId is null).Select(s => (Guid?)s.StayId).ToList();
        var voided = voidedIds.Count == 0 ? []
            : await db.Set<FeeMemoir>().AsNoTracking()
                .Where(m => m.Source == FeeMemoirSource.HospitalStay && voidedIds.Contains(m.HospitalStayId))
                .Select(m => new VoidedSettlement(m.HospitalStayId!.Value, m.Id, m.VoidReason)).ToDictionaryAsync(m => m.StayId, ct);
        return released.ToDictionary(s => s.StayId, s => s.DebtId is { } debt
            ? Of(s.ReleasedAt!.Value, debts[debt])
            : new HospitalStayReleaseDto(s.ReleasedAt!.Value, HospitalStayReleaseKind.Void, null, null, voided[s.StayId].VoidReason, voided[s.StayId].MemoirId, null, null));
    }

    private sealed record VoidedSettlement(Guid StayId, Guid MemoirId, string? VoidReason);
}

/// <summary>A hospital stay and its settlement. <c>reasons</c> lists every reason of the stay and of its lines.</summary>
public sealed record HospitalStayDto(
    Guid Id,
    string ProviderCode,
    string Matricule,
    HospitalStayKind Kind,
    DateOnly AdmissionDate,
    DateOnly DischargeDate,
    bool Childbirth,
    RoomKind Room,
    bool SingleRoomMedicallyNeeded,
    bool AccompanyingParentBed,
    string CountryOfCare,
    HospitalStayStatus Status,
    int Days,
    HospitalStayAmountsDto Amounts,
    HospitalStayParticipationDto? Participation,
    HospitalStayDoctorFeesDto? DoctorFees,
    IReadOnlyList<HospitalStayOperationDto> Operations,
    IReadOnlyList<HospitalStayLineDto> Lines,
    IReadOnlyList<ReasonDto> Reasons,
    DateTimeOffset CreatedAt,
    HospitalStayReleaseDto? Release)
{
    /// <param name="release">The stay's release when it is <c>released</c> (<see cref="HospitalStayReleaseDto.OfAsync"/>).</param>
    public static HospitalStayDto From(HospitalStay s, string providerCode, IReferenceData reference, string language, HospitalStayReleaseDto? release = null) => new(
        s.Id, providerCode, s.Matricule, s.Kind, s.AdmissionDate, s.DischargeDate, s.Childbirth, s.Room, s.SingleRoomMedicallyNeeded,
        s.AccompanyingParentBed, s.CountryOfCare, s.Status, s.Days,
        new HospitalStayAmountsDto(s.TariffAmount, s.CnsAmount, s.InsuredParticipation, s.NotCoveredAmount),
        // A released stay shows what was decided for it: its participation was charged (and paid) as it stands here.
        s.Status != HospitalStayStatus.Refused
            ? new HospitalStayParticipationDto(
                s.Kind == HospitalStayKind.Stationary ? StationaryParticipation.Rule : AmbulatoryParticipation.Rule,
                s.ParticipationDays, s.InsuredParticipation,
                s.ParticipationYears.OrderBy(y => y.Year)
                    .Select(y => new HospitalStayParticipationYearDto(y.Year, y.StayDays, y.ExemptDays, y.ChargedBefore, y.ChargedDays, y.Ceiling)).ToList())
            : null,
        s is { DoctorFeeRatePercent: { } rate, SingleRoomSurcharge: { } surcharge, DoctorsMayBillDirectly: { } direct, DirectBillingInvoiceAbove: { } above }
            ? new HospitalStayDoctorFeesDto(rate, surcharge, s.SingleRoomSurchargePercent ?? 0m, false, direct, above)
            : null,
        s.Operations.OrderBy(o => o.Position).Select(o => new HospitalStayOperationDto(o.ActCode, o.Main)).ToList(),
        s.Lines.OrderBy(l => l.LineNumber).Select(l => new HospitalStayLineDto(l.LineNumber, l.Type, l.Code, l.Main, l.Quantity, l.UnitTariff,
            l.TariffAmount, l.CnsAmount, l.InsuredAmount, l.Covered, reference.Render(l.Reasons, language))).ToList(),
        reference.Render(s.Reasons, language),
        s.CreatedAt,
        release);
}

/// <summary>A stay in a list (newest first); <c>release</c> when it is <c>released</c> (LIF-04).</summary>
public sealed record HospitalStaySummaryDto(
    Guid Id,
    string Matricule,
    HospitalStayKind Kind,
    DateOnly AdmissionDate,
    DateOnly DischargeDate,
    HospitalStayStatus Status,
    int Days,
    decimal CnsAmount,
    decimal InsuredParticipation,
    DateTimeOffset CreatedAt,
    HospitalStayReleaseDto? Release);
