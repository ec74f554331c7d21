using CnsExchange.Domain.Hospital;

namespace CnsExchange.Application.Features.HospitalStays;

/// <summary>HOS-02: the insured person's participation counter of a year, created when missing and locked until the transaction ends.</summary>
public interface IHospitalParticipationCounters
{
    Task<HospitalParticipationCounter> LockAsync(Guid insuredId, int year, CancellationToken ct);
}
