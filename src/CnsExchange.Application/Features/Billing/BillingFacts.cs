using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Application.Features.Billing;

/// <summary>Loads <see cref="BillingFacts"/> for a set of lines, in bulk, in the caller's transaction.</summary>
public static class BillingFactsLoader
{
    /// <summary>
    /// Loads the facts of <paramref name="lines"/> (a JSON memoir). The voucher services the lines bill are handed to
    /// <paramref name="lockServices"/>, then the hospital stays they name are locked, before the paid lines are read, so
    /// that what is read about them stays true until commit.
    /// </summary>
    public static async Task<BillingFacts> LoadAsync(IAppDbContext db, IBillingLedger ledger, Guid providerId, IReadOnlyCollection<FeeMemoirLineInput> lines,
        Func<IReadOnlyCollection<Guid>, Task> lockServices, CancellationToken ct)
    {
        var parties = await ReadVouchersAndInsuredAsync(db, providerId, lines, ct);
        await lockServices(BillingFacts.ServiceIds(providerId, parties, lines));
        await ReadCancellationsAsync(db, parties, ct);
        // CUR-09: the authorisations are read once the services are locked — recording a cure's interruption locks them
        // too, so an interruption recorded meanwhile is seen.
        parties = parties with { Authorisations = await AuthorisationsAsync(db, parties.Vouchers.Values, ct) };
        var stays = await LockStaysAsync(db, ledger, providerId, lines, ct);
        return BillingFacts.Create(providerId, parties, stays, await ReadPaidAsync(ledger, providerId, lines, ct));
    }

    /// <summary>
    /// The vouchers (with their services) and insured (with affiliations, accident cases and care plans) the lines name,
    /// and the authorisations behind their cure and rehabilitation vouchers. Committed data that billing never changes
    /// (session counters are read under lock elsewhere), so a billing file reads them on a connection of its own while
    /// its own connection writes. Only the provider's own vouchers are read: another provider's voucher is, to the rules
    /// and in the time it takes, exactly an unknown one (BIL-01).
    /// </summary>
    public static async Task<NamedParties> ReadPartiesAsync(IAppDbContext db, Guid providerId, IReadOnlyCollection<FeeMemoirLineInput> lines, CancellationToken ct)
    {
        var parties = await ReadVouchersAndInsuredAsync(db, providerId, lines, ct);
        return parties with { Authorisations = await AuthorisationsAsync(db, parties.Vouchers.Values, ct) };
    }

    /// <summary>The parties of <see cref="ReadPartiesAsync"/> without the authorisations (none read yet).</summary>
    private static async Task<NamedParties> ReadVouchersAndInsuredAsync(IAppDbContext db, Guid providerId, IReadOnlyCollection<FeeMemoirLineInput> lines,
        CancellationToken ct)
    {
        var numbers = BillingFacts.VoucherNumbers(lines);
        var vouchers = numbers.Count == 0 ? new Dictionary<string, Voucher>()
            : await db.Vouchers.AsNoTracking().Where(v => numbers.Contains(v.Number) && v.ProviderId == providerId).ToDictionaryAsync(v => v.Number, ct);
        var matricules = lines.Select(l => l.Matricule).Distinct().ToList();
        var insured = await db.Insured.AsNoTracking().AsSplitQuery().Where(i => matricules.Contains(i.Matricule)).ToDictionaryAsync(i => i.Matricule, ct);
        return new NamedParties(vouchers, insured, new Dictionary<Guid, AuthorisationFacts>());
    }

    /// <summary>
    /// LIF-01: the cancellation of the vouchers read, again once their services are locked — a cancellation locks them too,
    /// so one that committed between the first read and the lock is seen.
    /// </summary>
    private static async Task ReadCancellationsAsync(IAppDbContext db, NamedParties parties, CancellationToken ct)
    {
        if (parties.Vouchers.Count == 0) return;
        var ids = parties.Vouchers.Values.Select(v => v.Id).ToList();
        var cancelled = await db.Vouchers.AsNoTracking().IgnoreAutoIncludes().Where(v => ids.Contains(v.Id) && v.CancelledAt != null)
            .Select(v => new { v.Id, v.CancelledAt }).ToDictionaryAsync(v => v.Id, v => v.CancelledAt, ct);
        foreach (var voucher in parties.Vouchers.Values) voucher.CancelledAt ??= cancelled.GetValueOrDefault(voucher.Id);
    }

    /// <summary>The authorisations behind cure and rehabilitation vouchers, by voucher id (no query for physiotherapy alone).</summary>
    private static async Task<Dictionary<Guid, AuthorisationFacts>> AuthorisationsAsync(IAppDbContext db, IEnumerable<Voucher> vouchers, CancellationToken ct)
    {
        var result = new Dictionary<Guid, AuthorisationFacts>();
        var bySource = vouchers.Where(v => v.Kind != VoucherKind.Physiotherapy && v.SourceRequestId is not null)
            .DistinctBy(v => v.Id).ToDictionary(v => v.SourceRequestId!.Value, v => v);
        if (bySource.Count == 0) return result;
        var cureIds = bySource.Where(kv => kv.Value.Kind == VoucherKind.Cure).Select(kv => kv.Key).ToList();
        if (cureIds.Count > 0)
            foreach (var cure in await db.Set<CureAuthorisation>().AsNoTracking().Where(c => cureIds.Contains(c.Id))
                         .Select(c => new { c.Id, c.Terms }).ToListAsync(ct))
                if (cure.Terms is not null) result[bySource[cure.Id].Id] = new AuthorisationFacts(cure.Terms, null);
        var rehabIds = bySource.Where(kv => kv.Value.Kind == VoucherKind.Rehabilitation).Select(kv => kv.Key).ToList();
        if (rehabIds.Count > 0)
            foreach (var rehab in await db.Set<RehabilitationAuthorisation>().AsNoTracking().Where(r => rehabIds.Contains(r.Id))
                         .Select(r => new { r.Id, r.AuthorisedFrom, r.AuthorisedTo, r.Service, r.Setting }).ToListAsync(ct))
                if (rehab is { AuthorisedFrom: { } from, AuthorisedTo: { } to })
                    result[bySource[rehab.Id].Id] = new AuthorisationFacts(null,
                        new AuthorisedRehabilitation(from, to, AuthorisedRehabilitation.RuleOf(rehab.Service, rehab.Setting)));
        return result;
    }

    /// <summary>
    /// The hospital stays named by doctors' fee lines, locked (in id order) for the rest of the transaction so that two
    /// memoirs for one stay are decided one after the other (BIL-08); read after the lock, on the caller's connection.
    /// Only doctors bill fees for hospital care. No query when no line names a stay.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, HospitalStay>> LockStaysAsync(IAppDbContext db, IBillingLedger ledger, Guid providerId,
        IReadOnlyCollection<FeeMemoirLineInput> lines, CancellationToken ct)
    {
        var ids = BillingFacts.StayIds(lines);
        if (ids.Count == 0) return new Dictionary<Guid, HospitalStay>();
        var kind = await db.Providers.Where(p => p.Id == providerId).Select(p => p.Kind).SingleAsync(ct);
        if (kind != ProviderKind.Doctor)
            throw new ForbiddenException("Only doctors bill fees for hospital care (lines with hospitalStayId); other providers bill sessions under a voucher.");
        await ledger.LockHospitalStaysAsync(ids, ct);
        return await db.Set<HospitalStay>().AsNoTracking().IgnoreAutoIncludes().Include(s => s.Operations)
            .Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
    }

    /// <summary>
    /// The lines already paid on the vouchers the lines name (BIL-03, BIL-08, CUR-05), for their insured (BIL-07) and in the
    /// stays they name (BIL-08 of doctors' fees), in the caller's transaction.
    /// </summary>
    public static Task<IReadOnlyList<PaidLine>> ReadPaidAsync(IBillingLedger ledger, Guid providerId, IReadOnlyCollection<FeeMemoirLineInput> lines, CancellationToken ct) =>
        ledger.PaidLinesAsync(providerId, BillingFacts.VoucherNumbers(lines), lines.Select(l => l.Matricule).Distinct().ToList(), BillingFacts.StayIds(lines), ct);
}
