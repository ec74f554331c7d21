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
    DateTimeOffset CreatedAt)
{
    public static HospitalStayDto From(HospitalStay s, string providerCode, IReferenceData reference, string language) => new(
        s.Id, providerCode, s.Matricule, s.Kind, s.AdmissionDate, s.DischargeDate, s.Childbirth, s.Room, s.SingleRoomMedicallyNeeded,
        s.AccompanyingParentBed, s.CountryOfCare, s.Status, s.Days,
        new HospitalStayAmountsDto(s.TariffAmount, s.CnsAmount, s.InsuredParticipation, s.NotCoveredAmount),
        s.Status == HospitalStayStatus.Accepted
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
        s.CreatedAt);
}

/// <summary>A stay in a list (newest first).</summary>
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
    DateTimeOffset CreatedAt);
