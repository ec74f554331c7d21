using CnsExchange.Domain.Hospital;

namespace CnsExchange.Application.Features.HospitalStays;

/// <summary>One stay: its hospital or CNS staff; another provider gets 404.</summary>
public sealed record GetHospitalStay(Guid Id) : IQuery<HospitalStayDto>;

/// <summary>The caller's stays (staff: all), newest first, filterable by status and admission dates.</summary>
/// <param name="Status">accepted, refused or released (LIF-04: its stay-days line reversed or recovered).</param>
public sealed record ListHospitalStays(string? Cursor, int? Limit, string? Status, DateOnly? AdmittedFrom, DateOnly? AdmittedTo)
    : IQuery<Page<HospitalStaySummaryDto>>;

public sealed class HospitalStayQueryHandlers(IAppDbContext db, IReferenceData reference, ICurrentCaller caller) :
    IQueryHandler<GetHospitalStay, HospitalStayDto>,
    IQueryHandler<ListHospitalStays, Page<HospitalStaySummaryDto>>
{
    public async ValueTask<HospitalStayDto> Handle(GetHospitalStay query, CancellationToken ct)
    {
        var stay = await db.Set<HospitalStay>().AsNoTracking().AsSplitQuery().SingleOrDefaultAsync(s => s.Id == query.Id, ct);
        if (stay is null || (!caller.IsStaff() && stay.ProviderId != caller.RequireProvider())) throw new NotFoundException("Hospital stay");
        var providerCode = await db.Providers.Where(p => p.Id == stay.ProviderId).Select(p => p.Code).SingleAsync(ct);
        var release = await HospitalStayReleaseDto.OfAsync(db, [(stay.Id, stay.ReleasedAt, stay.ReleaseDebtId)], ct);
        return HospitalStayDto.From(stay, providerCode, reference, caller.Language, release.GetValueOrDefault(stay.Id));
    }

    public async ValueTask<Page<HospitalStaySummaryDto>> Handle(ListHospitalStays query, CancellationToken ct)
    {
        var page = PageRequest.Of(query.Cursor, query.Limit);
        var stays = db.Set<HospitalStay>().AsNoTracking().IgnoreAutoIncludes();
        if (!caller.IsStaff())
        {
            var providerId = caller.RequireProvider();
            stays = stays.Where(s => s.ProviderId == providerId);
        }
        if (query.Status is { } text)
        {
            if (!Enum.TryParse<HospitalStayStatus>(text, ignoreCase: true, out var status) || !text.All(char.IsAsciiLetter))
                throw new BadInputException("status", "status must be accepted, refused or released.");
            stays = stays.Where(s => s.Status == status);
        }
        stays = stays.Within(DateWindow.Of(query.AdmittedFrom, query.AdmittedTo), s => s.AdmissionDate);
        var (rows, next) = await stays.NewestFirstAsync(page, s => s.CreatedAt, s => s.Id,
            s => new
            {
                Summary = new HospitalStaySummaryDto(s.Id, s.Matricule, s.Kind, s.AdmissionDate, s.DischargeDate, s.Status, s.Days,
                    s.CnsAmount, s.InsuredParticipation, s.CreatedAt, null),
                s.ReleasedAt,
                s.ReleaseDebtId,
            },
            r => new Cursor(r.Summary.CreatedAt, r.Summary.Id), ct);
        var releases = await HospitalStayReleaseDto.OfAsync(db, rows.Select(r => (r.Summary.Id, r.ReleasedAt, r.ReleaseDebtId)), ct);
        return new Page<HospitalStaySummaryDto>(rows.Select(r => r.Summary with { Release = releases.GetValueOrDefault(r.Summary.Id) }).ToList(), next);
    }
}
