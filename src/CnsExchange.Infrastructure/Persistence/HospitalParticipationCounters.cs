using CnsExchange.Application.Features.HospitalStays;
using CnsExchange.Domain.Hospital;

namespace CnsExchange.Infrastructure.Persistence;

internal sealed class HospitalParticipationCounters(AppDbContext db) : IHospitalParticipationCounters
{
    public async Task<HospitalParticipationCounter> LockAsync(Guid insuredId, int year, CancellationToken ct)
    {
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO cns.hospital_participation_counters (insured_id, year, days_charged) VALUES ({insuredId}, {year}, 0) ON CONFLICT (insured_id, year) DO NOTHING", ct);
        return await db.Set<HospitalParticipationCounter>()
            .FromSqlInterpolated($"SELECT * FROM cns.hospital_participation_counters WHERE insured_id = {insuredId} AND year = {year} FOR UPDATE")
            .SingleAsync(ct);
    }
}
