using CnsExchange.Application.Common;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Vouchers;
using Mediator;
using Microsoft.EntityFrameworkCore;

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

/// <summary>Title of care (titre de prise en charge).</summary>
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
    IReadOnlyList<VoucherServiceDto> Services);

public sealed record GetVoucher(string Number) : IQuery<VoucherDto>;

public static class VoucherViews
{
    public static VoucherDto Map(Voucher v, IReferenceData reference)
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
            v.ThirdPartyPayment, v.AccidentCase, v.SourceRequestId, services);
    }
}

public sealed class GetVoucherHandler(IAppDbContext db, IReferenceData reference, ICurrentCaller caller) : IQueryHandler<GetVoucher, VoucherDto>
{
    public async ValueTask<VoucherDto> Handle(GetVoucher query, CancellationToken ct)
    {
        if (!VoucherNumber.IsWellFormed(query.Number))
            throw new BadInputException("number", "A voucher number looks like K26-0001000-5 (kind, year, sequence, check digit).");
        var voucher = await db.Vouchers.AsNoTracking().SingleOrDefaultAsync(v => v.Number == query.Number, ct);
        if (voucher is null || (!caller.IsStaff() && voucher.ProviderId != caller.ProviderId)) throw new NotFoundException("Voucher");
        return VoucherViews.Map(voucher, reference);
    }
}
