using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Application.Features.Vouchers;

/// <summary>A validated service: sessions granted, already billed (raised only by adjudicated memoirs) and remaining.</summary>
public sealed record VoucherServiceDto(
    string ActCode,
    int SessionsGranted,
    int SessionsBilled,
    int SessionsRemaining,
    decimal RatePercent,
    decimal TariffOnIssue,
    bool TravelAllowanceGranted,
    string? TravelAllowanceActCode,
    decimal? TravelAllowanceTariffOnIssue);

/// <summary>Stay allowance of a cure (CUR-07): <c>amount</c> per <c>unit</c> (night in Mondorf or abroad; day for residents of Mondorf).</summary>
public sealed record CureStayAllowanceDto(string Code, string Unit, decimal Amount);

/// <summary>What a cure authorisation allows (CUR-01…CUR-08).</summary>
/// <param name="ValidUntil">CUR-01: the cure must start on or before this date (one year).</param>
/// <param name="Sessions">Sessions or modules granted.</param>
/// <param name="SessionWindowMonths">CUR-05: a 24-session cycle ends within this many months of its first session.</param>
/// <param name="LastSessionBy">Series (reinforcement modules, maintenance): no session after this date.</param>
/// <param name="MaxSessionsPerMonth">Maintenance: at most this many sessions per calendar month.</param>
/// <param name="S2">A cure abroad authorised with an S2 form (CUR-08): no third-party payment here.</param>
public sealed record CureTermsDto(
    string KindCode, CureFamily Family, DateOnly IssuedOn, DateOnly ValidUntil, decimal RatePercent, bool ThirdPartyPayment, int? Sessions,
    int? SessionWindowMonths, DateOnly? LastSessionBy, int? MaxSessionsPerMonth, CureStayAllowanceDto? StayAllowance, bool S2, string CountryOfCare,
    BodySide? AffectedSide, int InterruptionDays, DateOnly? InterruptedOn)
{
    public static CureTermsDto Of(CureAuthorisationTerms t) => new(
        t.KindCode, t.Family, t.IssuedOn, t.ValidUntil, t.RatePercent, t.ThirdPartyPayment, t.Sessions, t.SessionWindowMonths, t.LastSessionBy,
        t.MaxSessionsPerMonth, t.StayAllowance is { } a ? new CureStayAllowanceDto(a.Code, a.Unit, a.Amount) : null, t.S2, t.CountryOfCare, t.AffectedSide,
        t.InterruptionDays, t.InterruptedOn);
}

/// <summary>The period a rehabilitation authorisation covers (both days included) and its extensions (REH-03).</summary>
public sealed record RehabilitationTermsDto(
    string KindCode, DateOnly From, DateOnly To, int Days, decimal RatePercent, bool ThirdPartyPayment, int ExtensionsGranted, int ExtensionsLeft)
{
    public static RehabilitationTermsDto Of(string kindCode, RehabAuthorisationTerms t) =>
        new(kindCode, t.From, t.To, t.Days, t.RatePercent, t.ThirdPartyPayment, t.ExtensionsGranted, t.ExtensionsLeft);
}

/// <summary>Title of care (titre de prise en charge). <c>cure</c> / <c>rehabilitation</c>: the terms of an authorisation voucher.</summary>
public sealed record VoucherDto(
    string Number,
    VoucherKind Kind,
    string Matricule,
    string Category,
    DateOnly PrescriptionDate,
    DateOnly IssuedOn,
    DateOnly TreatmentStartBy,
    DateOnly ValidUntil,
    bool ThirdPartyPayment,
    bool AccidentCase,
    Guid? SourceRequestId,
    IReadOnlyList<VoucherServiceDto> Services,
    CureTermsDto? Cure = null,
    RehabilitationTermsDto? Rehabilitation = null,
    VoucherCancellationDto? Cancellation = null);

/// <summary>LIF-01: when and why the voucher was cancelled; lines received since are refused VOUCHER_CANCELLED.</summary>
public sealed record VoucherCancellationDto(DateTimeOffset CancelledAt, string Reason);

public sealed record GetVoucher(string Number) : IQuery<VoucherDto>;

public static class VoucherViews
{
    /// <summary>A voucher with the terms of the authorisation it comes from (cures, rehabilitation).</summary>
    public static async Task<VoucherDto> MapAsync(IAppDbContext db, IReferenceData reference, Voucher v, CancellationToken ct)
    {
        if (v.SourceRequestId is not { } source) return Map(v, reference);
        return v.Kind switch
        {
            VoucherKind.Cure => Map(v, reference, cure: await db.Set<CureAuthorisation>().AsNoTracking().Where(c => c.Id == source)
                .Select(c => c.Terms).SingleOrDefaultAsync(ct) is { } terms ? CureTermsDto.Of(terms) : null),
            VoucherKind.Rehabilitation => Map(v, reference, rehabilitation: await db.Set<RehabilitationAuthorisation>().AsNoTracking()
                .SingleOrDefaultAsync(r => r.Id == source, ct) is { Terms: { } t } r ? RehabilitationTermsDto.Of(r.KindCode, t) : null),
            _ => Map(v, reference),
        };
    }

    public static async Task<VoucherDto> LoadAsync(IAppDbContext db, IReferenceData reference, Guid voucherId, CancellationToken ct) =>
        await MapAsync(db, reference, await db.Vouchers.AsNoTracking().SingleAsync(v => v.Id == voucherId, ct), ct);

    public static VoucherDto Map(Voucher v, IReferenceData reference, CureTermsDto? cure = null, RehabilitationTermsDto? rehabilitation = null)
    {
        var catalog = reference.Catalog;
        var travelAct = v.Kind == VoucherKind.Physiotherapy
            ? catalog.Acts.Where(a => a.Domain == PhysioCategories.ActDomain && a.Category == PhysioCategories.TravelActCategory).On(v.IssuedOn)
            : null;
        var services = v.Services.OrderBy(s => s.ActCode, StringComparer.Ordinal).Select(s => new VoucherServiceDto(
            s.ActCode, s.SessionsGranted, s.SessionsBilled, s.SessionsGranted - s.SessionsBilled, s.RatePercent, s.TariffOnIssue,
            s.TravelAllowanceGranted,
            s.TravelAllowanceGranted ? travelAct?.Code : null,
            s.TravelAllowanceGranted && travelAct is not null ? catalog.TariffOn(travelAct.Code, v.IssuedOn) : null)).ToList();
        return new VoucherDto(v.Number, v.Kind, v.Matricule, v.Category, v.PrescriptionDate, v.IssuedOn, v.TreatmentStartBy, v.ValidUntil,
            v.ThirdPartyPayment, v.AccidentCase, v.SourceRequestId, services, cure, rehabilitation,
            v.CancelledAt is { } at ? new VoucherCancellationDto(at, v.CancellationReason ?? "") : null);
    }
}

public sealed class GetVoucherHandler(IAppDbContext db, IReferenceData reference, ICurrentCaller caller) : IQueryHandler<GetVoucher, VoucherDto>
{
    public async ValueTask<VoucherDto> Handle(GetVoucher query, CancellationToken ct)
    {
        if (!VoucherNumber.HasShape(query.Number))
            throw new BadInputException("number", "A voucher number looks like K26-0001000-5 (kind, year, sequence, check digit).");
        var voucher = await db.Vouchers.AsNoTracking().SingleOrDefaultAsync(v => v.Number == query.Number, ct);
        if (voucher is null || (!caller.IsStaff() && voucher.ProviderId != caller.ProviderId)) throw new NotFoundException("Voucher");
        return await VoucherViews.MapAsync(db, reference, voucher, ct);
    }
}
