using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Hospital;

namespace CnsExchange.Application.Features.HospitalStays;

/// <summary>
/// LIF-02 and LIF-04 on a hospital stay (<see cref="StayRelease"/>): when a stay's settlement memoir is voided, or the line of
/// it that pays its stay days is taken back, the stay is released in the same transaction as the void, reversal or
/// recovery, and its participation days go back to the insured person's HOS-02 counters.
/// </summary>
/// <remarks>
/// Locks, after the caller's lock on the memoir's lines: the stay (as doctors' fee memoirs lock it), then the insured person's
/// participation counters of every year the stay touches, ascending (as recording a stay locks them, before it reads the
/// stays it might overlap). So a doctor's fee and the release are decided one after the other (a fee waiting for the
/// stay reads it released), and a stay recorded at the same moment for the same person either reads the released stay or
/// is recorded before the release, whose days it then saw as used: never in between. Neither of the other two writers
/// takes the other lock, so the order cannot cycle.
/// </remarks>
public sealed class HospitalStayReleases(IAppDbContext db, IBillingLedger ledger, IHospitalParticipationCounters counters)
{
    /// <summary>Releases the stay when <paramref name="line"/>, of a memoir of <paramref name="source"/>, is its stay-days line; otherwise nothing. True when it released it.</summary>
    public Task<bool> ReleaseIfItsStayLineAsync(FeeMemoirSource source, FeeMemoirLine line, Guid debtId, DateTimeOffset now, CancellationToken ct) =>
        source == FeeMemoirSource.HospitalStay && line.HospitalStayId is { } stayId
            ? ReleaseAsync(stayId, stay => StayRelease.ReleasesTheStay(source, line, stay), debtId, now, ct)
            : Task.FromResult(false);

    /// <summary>
    /// Releases the stay <paramref name="memoir"/> settles, voided (LIF-02) at its <c>VoidedAt</c>, with no debt; otherwise
    /// nothing. The whole settlement is voided, so whichever line pays the stay days goes with it.
    /// </summary>
    public Task<bool> ReleaseIfItsSettlementAsync(FeeMemoir memoir, CancellationToken ct) =>
        memoir is { Source: FeeMemoirSource.HospitalStay, HospitalStayId: { } stayId, VoidedAt: { } at }
            ? ReleaseAsync(stayId, _ => true, null, at, ct)
            : Task.FromResult(false);

    private async Task<bool> ReleaseAsync(Guid stayId, Func<HospitalStay, bool> releasesIt, Guid? debtId, DateTimeOffset now, CancellationToken ct)
    {
        await ledger.LockHospitalStaysAsync([stayId], ct);
        var stay = await db.Set<HospitalStay>().AsSplitQuery().SingleAsync(s => s.Id == stayId, ct);
        if (stay.Status != HospitalStayStatus.Accepted || !releasesIt(stay)) return false;

        var givenBack = StayRelease.Release(stay, debtId, now);
        for (var year = stay.AdmissionDate.Year; year <= stay.DischargeDate.Year; year++)
        {
            var counter = await counters.LockAsync(stay.InsuredId!.Value, year, ct);
            counter.DaysCharged -= givenBack.GetValueOrDefault(year);
        }
        return true;
    }
}
