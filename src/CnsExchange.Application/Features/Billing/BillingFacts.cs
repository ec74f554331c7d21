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
        var parties = await ReadPartiesAsync(db, providerId, lines, ct);
        await lockServices(BillingFacts.ServiceIds(providerId, parties, lines));
        await ReadCancellationsAsync(db, parties, ct);
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
        var numbers = BillingFacts.VoucherNumbers(lines);
        var vouchers = numbers.Count == 0 ? new Dictionary<string, Voucher>()
            : await db.Vouchers.AsNoTracking().Where(v => numbers.Contains(v.Number) && v.ProviderId == providerId).ToDictionaryAsync(v => v.Number, ct);
        var matricules = lines.Select(l => l.Matricule).Distinct().ToList();
        var insured = await db.Insured.AsNoTracking().AsSplitQuery().Where(i => matricules.Contains(i.Matricule)).ToDictionaryAsync(i => i.Matricule, ct);
        return new NamedParties(vouchers, insured, await AuthorisationsAsync(db, vouchers.Values, ct));
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
        ReadPaidAsync(ledger, providerId, lines, null, ct);

    /// <summary>
    /// As above; with <paramref name="keys"/> (a billing file), only for the voucher numbers and matricules that may have
    /// paid lines in the database (<see cref="PaidLineKeys"/>), and no statement at all when none may.
    /// </summary>
    public static Task<IReadOnlyList<PaidLine>> ReadPaidAsync(IBillingLedger ledger, Guid providerId, IReadOnlyCollection<FeeMemoirLineInput> lines,
        PaidLineKeys? keys, CancellationToken ct)
    {
        IEnumerable<string> numbers = BillingFacts.VoucherNumbers(lines), matricules = lines.Select(l => l.Matricule).Distinct();
        if (keys is not null) (numbers, matricules) = (numbers.Where(keys.MayHavePaidLinesOnVoucher), matricules.Where(keys.MayHavePaidSessions));
        return ledger.PaidLinesAsync(providerId, numbers.ToList(), matricules.ToList(), BillingFacts.StayIds(lines), ct);
    }
}

/// <summary>
/// The voucher numbers and matricules of a billing file whose paid lines a batch must read from the database: those that
/// had paid lines when the file began (read once, <see cref="IBillingFileStaging.KeysWithPaidLinesAsync"/>, after its
/// services were locked) and those of the lines paid by the batches the file has written since. A batch's other keys
/// have no paid line to read: on a file of fresh vouchers, most batches then read nothing (the read cost 3 s of a
/// 1M-line file, bench/results/2026-12-06-p2-paid-lines-preload.md). The lines of the batch decided just before are not
/// written yet when the next batch reads; the adjudicator adds them from memory.
/// <para>
/// Kept as hash codes (a few MB for a 1M-line file): a collision only reads a key that has nothing to read. A memoir of
/// another connection that commits a paid line for one of the file's insured after the file began is not read; the file's
/// own line then collides with it on the BIL-07 unique index and the whole file is processed again (as when it commits
/// between a batch's read and its write). The file's vouchers are locked from the start, so nothing else pays on them.
/// </para>
/// </summary>
public sealed class PaidLineKeys(IEnumerable<string> voucherNumbers, IEnumerable<string> matricules)
{
    private readonly HashSet<int> _vouchers = [.. voucherNumbers.Select(Hash)];
    private readonly HashSet<int> _matricules = [.. matricules.Select(Hash)];

    public bool MayHavePaidLinesOnVoucher(string voucherNumber) => _vouchers.Contains(Hash(voucherNumber));

    public bool MayHavePaidSessions(string matricule) => _matricules.Contains(Hash(matricule));

    /// <summary>Records the keys of the paid lines of memoirs just written, for the batches read after this.</summary>
    public void Written(IEnumerable<FeeMemoir> memoirs)
    {
        foreach (var line in memoirs.SelectMany(m => m.Lines).Where(l => l.IsPaidAtAdjudication))
        {
            if (line.VoucherNumber is { } number) _vouchers.Add(Hash(number));
            _matricules.Add(Hash(line.Matricule));
        }
    }

    private static int Hash(string key) => StringComparer.Ordinal.GetHashCode(key);
}
