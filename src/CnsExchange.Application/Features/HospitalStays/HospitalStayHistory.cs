using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Application.Features.HospitalStays;

/// <summary>Hospital stays known to the system, as other rules read them (REH-02: geriatric ambulatory rehabilitation).</summary>
public static class HospitalStayHistory
{
    /// <summary>Accepted stationary stays of the insured person discharged within [<paramref name="dischargedFrom"/>, <paramref name="dischargedTo"/>].</summary>
    public static async Task<IReadOnlyList<HospitalStayFact>> StationaryStaysAsync(this IAppDbContext db, Guid insuredId,
        DateOnly dischargedFrom, DateOnly dischargedTo, CancellationToken ct) =>
        await db.Set<HospitalStay>().AsNoTracking().IgnoreAutoIncludes()
            .Where(s => s.InsuredId == insuredId && s.Status == HospitalStayStatus.Accepted && s.Kind == HospitalStayKind.Stationary
                        && s.DischargeDate >= dischargedFrom && s.DischargeDate <= dischargedTo)
            .OrderBy(s => s.AdmissionDate)
            .Select(s => new HospitalStayFact(s.AdmissionDate, s.DischargeDate))
            .ToListAsync(ct);
}
