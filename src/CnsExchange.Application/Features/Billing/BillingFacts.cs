using CnsExchange.Application.Common;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Vouchers;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.Application.Features.Billing;

/// <summary>A line CNS already pays (BIL-07, BIL-08, BIL-03), as read from the database or settled in this transaction.</summary>
public sealed record PaidLine(Guid? VoucherId, Guid? InsuredId, DateOnly SessionDate, string ActCode, string MemoirReference);

/// <summary>The vouchers and insured that a set of lines names, by voucher number and matricule.</summary>
public sealed record NamedParties(IReadOnlyDictionary<string, Voucher> Vouchers, IReadOnlyDictionary<string, Insured> Insured);

/// <summary>
/// Everything adjudication needs to know about a set of lines (one JSON memoir or a batch of a billing file's memoirs),
/// loaded in bulk: the vouchers and insured they name and the lines already paid on those vouchers and for those insured.
/// Lines settled while the set is adjudicated are recorded here, so that each line sees the ones before it.
/// The one place where <see cref="LineFacts"/> are put together, for every path that adjudicates.
/// </summary>
public sealed class BillingFacts
{
    private readonly Guid _providerId;
    private readonly IReadOnlyDictionary<string, Voucher> _vouchers;
    private readonly IReadOnlyDictionary<string, Insured> _insured;
    private readonly Dictionary<(Guid Voucher, DateOnly Date, string Act), string> _paidLine = [];
    private readonly Dictionary<(Guid Insured, DateOnly Date), List<(Guid? Voucher, string Act)>> _paidSession = [];
    private readonly Dictionary<Guid, DateOnly> _firstPaid = [];

    private BillingFacts(Guid providerId, IReadOnlyDictionary<string, Voucher> vouchers, IReadOnlyDictionary<string, Insured> insured)
    {
        _providerId = providerId;
        _vouchers = vouchers;
        _insured = insured;
    }

    /// <summary>
    /// Loads the facts of <paramref name="lines"/> (a JSON memoir). The voucher services the lines bill are handed to
    /// <paramref name="lockServices"/> before the paid lines are read, so that what is read about them stays true until
    /// commit.
    /// </summary>
    public static async Task<BillingFacts> LoadAsync(IAppDbContext db, IBillingLedger ledger, Guid providerId, IReadOnlyCollection<FeeMemoirLineInput> lines,
        Func<IReadOnlyCollection<Guid>, Task> lockServices, CancellationToken ct)
    {
        var parties = await ReadPartiesAsync(db, lines, ct);
        var facts = Create(providerId, parties, []);
        await lockServices(facts.ServiceIds(lines));
        foreach (var paid in await ReadPaidAsync(ledger, providerId, lines, ct)) facts.Record(paid);
        return facts;
    }

    /// <summary>
    /// The vouchers (with their services) and insured (with affiliations, accident cases and care plans) the lines name.
    /// Committed data that billing never changes (session counters are read under lock elsewhere), so a billing file
    /// reads them on a connection of its own while its own connection writes.
    /// </summary>
    public static async Task<NamedParties> ReadPartiesAsync(IAppDbContext db, IReadOnlyCollection<FeeMemoirLineInput> lines, CancellationToken ct)
    {
        var numbers = lines.Select(l => l.VoucherNumber).Distinct().ToList();
        var vouchers = await db.Vouchers.AsNoTracking().Where(v => numbers.Contains(v.Number)).ToDictionaryAsync(v => v.Number, ct);
        var matricules = lines.Select(l => l.Matricule).Distinct().ToList();
        var insured = await db.Insured.AsNoTracking().AsSplitQuery().Where(i => matricules.Contains(i.Matricule)).ToDictionaryAsync(i => i.Matricule, ct);
        return new NamedParties(vouchers, insured);
    }

    /// <summary>The lines already paid on the vouchers the lines name (BIL-03, BIL-08) and for their insured (BIL-07), in the caller's transaction.</summary>
    public static Task<IReadOnlyList<PaidLine>> ReadPaidAsync(IBillingLedger ledger, Guid providerId, IReadOnlyCollection<FeeMemoirLineInput> lines, CancellationToken ct) =>
        ledger.PaidLinesAsync(providerId, lines.Select(l => l.VoucherNumber).Distinct().ToList(), lines.Select(l => l.Matricule).Distinct().ToList(), ct);

    public static BillingFacts Create(Guid providerId, NamedParties parties, IEnumerable<PaidLine> paid)
    {
        var facts = new BillingFacts(providerId, parties.Vouchers, parties.Insured);
        foreach (var line in paid) facts.Record(line);
        return facts;
    }

    /// <summary>The voucher services the lines bill (services of this provider's vouchers), to lock.</summary>
    public IReadOnlyCollection<Guid> ServiceIds(IEnumerable<FeeMemoirLineInput> lines) =>
        lines.Select(l => Service(l)?.Id).OfType<Guid>().ToHashSet();

    /// <summary>BIL-01: the voucher of the line when it belongs to this provider and to the insured of the line.</summary>
    public Voucher? Owned(FeeMemoirLineInput line) =>
        _vouchers.GetValueOrDefault(line.VoucherNumber) is { } v && v.ProviderId == _providerId && v.Matricule == line.Matricule ? v : null;

    public VoucherService? Service(FeeMemoirLineInput line) => Owned(line)?.Services.FirstOrDefault(s => s.ActCode == line.ActCode);

    /// <summary>The insured the line is about: the voucher's when the voucher is owned, else the one of the matricule.</summary>
    public Guid? InsuredId(FeeMemoirLineInput line) => Owned(line)?.InsuredId ?? _insured.GetValueOrDefault(line.Matricule)?.Id;

    /// <summary>BIL-03: the first session of each owned voucher's treatment, seen from a memoir's lines.</summary>
    public Dictionary<Guid, DateOnly?> FirstSessions(IReadOnlyList<FeeMemoirLineInput> memoirLines, DateOnly today)
    {
        var result = new Dictionary<Guid, DateOnly?>();
        foreach (var group in memoirLines.Where(l => Owned(l) is not null).GroupBy(l => Owned(l)!))
        {
            DateOnly? paid = _firstPaid.TryGetValue(group.Key.Id, out var first) ? first : null;
            result[group.Key.Id] = TreatmentStartedInTime.FirstSession(group.Key, paid, group.Select(l => l.SessionDate), today);
        }
        return result;
    }

    /// <summary>The facts of one line, for <see cref="LineAdjudication.Adjudicate"/>.</summary>
    public LineFacts For(FeeMemoirLineInput line, DateOnly today, IReadOnlyDictionary<Guid, DateOnly?> firstSessions, IReadOnlyDictionary<Guid, int> remaining)
    {
        var owned = Owned(line);
        var service = owned?.Services.FirstOrDefault(s => s.ActCode == line.ActCode);
        string? duplicateOf = null;
        var otherAct = false;
        if (owned is not null)
        {
            duplicateOf = _paidLine.GetValueOrDefault((owned.Id, line.SessionDate, line.ActCode));
            otherAct = _paidSession.TryGetValue((owned.InsuredId, line.SessionDate), out var acts)
                       && acts.Any(a => !(a.Voucher == owned.Id && a.Act == line.ActCode));
        }
        return new LineFacts
        {
            Line = line,
            ProviderId = _providerId,
            Today = today,
            Voucher = _vouchers.GetValueOrDefault(line.VoucherNumber),
            Insured = _insured.GetValueOrDefault(line.Matricule),
            FirstSessionDate = owned is null ? null : firstSessions.GetValueOrDefault(owned.Id),
            SessionsRemaining = service is null ? null : remaining.GetValueOrDefault(service.Id),
            DuplicateOfMemoir = duplicateOf,
            OtherActSameSession = otherAct,
        };
    }

    /// <summary>Records a paid line, so that the lines adjudicated after it see it (BIL-03, BIL-07, BIL-08).</summary>
    public void Record(PaidLine paid)
    {
        if (paid.VoucherId is { } voucher)
        {
            _paidLine.TryAdd((voucher, paid.SessionDate, paid.ActCode), paid.MemoirReference);
            if (!_firstPaid.TryGetValue(voucher, out var first) || paid.SessionDate < first) _firstPaid[voucher] = paid.SessionDate;
        }
        if (paid.InsuredId is { } insured)
        {
            if (!_paidSession.TryGetValue((insured, paid.SessionDate), out var acts)) _paidSession[(insured, paid.SessionDate)] = acts = [];
            acts.Add((paid.VoucherId, paid.ActCode));
        }
    }
}
