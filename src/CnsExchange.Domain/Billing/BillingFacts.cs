using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Domain.Billing;

/// <summary>The authorisation a cure or rehabilitation voucher is billed against (RULES.md §5–6).</summary>
public sealed record AuthorisationFacts(CureAuthorisationTerms? Cure, AuthorisedRehabilitation? Rehabilitation);

/// <summary>
/// The vouchers and insured that a set of lines names, by voucher number and matricule, and the authorisations behind
/// its cure and rehabilitation vouchers, by voucher id.
/// </summary>
public sealed record NamedParties(
    IReadOnlyDictionary<string, Voucher> Vouchers,
    IReadOnlyDictionary<string, Insured> Insured,
    IReadOnlyDictionary<Guid, AuthorisationFacts> Authorisations);

/// <summary>
/// Everything adjudication needs to know about a set of lines (one JSON memoir or a batch of a billing file's memoirs),
/// loaded in bulk by the application: the vouchers and insured they name, the authorisations behind cure and rehabilitation vouchers, the
/// hospital stays doctors' fees name, and the lines already paid on those vouchers, for those insured and in those stays.
/// Lines settled while the set is adjudicated are recorded here, so that each line sees the ones before it (duplicates,
/// another act the same day, the first session, maintenance sessions in the month).
/// The one place where <see cref="LineFacts"/> are put together, for every path that adjudicates.
/// </summary>
public sealed class BillingFacts
{
    private readonly Guid _providerId;
    private NamedParties _parties;
    private IReadOnlyDictionary<Guid, HospitalStay> _stays;
    private readonly Dictionary<DuplicateLine.LineKey, string> _paidLine = [];
    private readonly Dictionary<OneActPerSession.SessionKey, List<(Guid? Voucher, string Act)>> _paidSession = [];
    private readonly Dictionary<Guid, DateOnly> _firstPaid = [];
    private readonly Dictionary<(Guid Voucher, int Year, int Month), int> _paidInMonth = [];
    private readonly Dictionary<(Guid Stay, DateOnly Date, string Act), string> _paidHospitalFee = [];
    /// <summary>INS-08: this doctor's fees in a stay reimbursed to the insured (claim id).</summary>
    private readonly Dictionary<(Guid Stay, DateOnly Date, string Act), string> _reimbursedHospitalFee = [];
    private readonly Dictionary<(Guid Voucher, DateOnly Date), string> _sessionOnDate = [];
    private readonly Dictionary<(Guid Voucher, DateOnly Date), string> _travelPaid = [];
    /// <summary>INS-04: sessions (voucher, date) paid to the provider (memoir reference) and reimbursed to the insured (claim id).</summary>
    private readonly Dictionary<(Guid Voucher, DateOnly Date), string> _paidToProvider = [];
    private readonly Dictionary<(Guid Voucher, DateOnly Date), string> _reimbursed = [];

    private BillingFacts(Guid providerId, NamedParties parties, IReadOnlyDictionary<Guid, HospitalStay> stays)
    {
        _providerId = providerId;
        _parties = parties;
        _stays = stays;
    }

    public static BillingFacts Create(Guid providerId, NamedParties parties, IReadOnlyDictionary<Guid, HospitalStay> stays, IEnumerable<PaidLine> paid)
    {
        var facts = new BillingFacts(providerId, parties, stays);
        foreach (var line in paid) facts.Record(line);
        return facts;
    }

    /// <summary>
    /// These facts made over for another set of lines of the same provider (the next batch of a billing file), as
    /// <see cref="Create"/> would make them: every table cleared, its capacity kept. A file's batches then allocate their
    /// tables once instead of growing them again at each batch (each table of a 2,500-line batch holds thousands of paid
    /// lines: large arrays, allocated and dropped batch after batch, grew the process by tens of MB). Only for the one
    /// caller that holds these facts: whatever it read from them before is read again.
    /// </summary>
    public BillingFacts Renew(NamedParties parties, IReadOnlyDictionary<Guid, HospitalStay> stays, IEnumerable<PaidLine> paid)
    {
        _parties = parties;
        _stays = stays;
        _paidLine.Clear();
        _paidSession.Clear();
        _firstPaid.Clear();
        _paidInMonth.Clear();
        _paidHospitalFee.Clear();
        _reimbursedHospitalFee.Clear();
        _sessionOnDate.Clear();
        _travelPaid.Clear();
        _paidToProvider.Clear();
        _reimbursed.Clear();
        foreach (var line in paid) Record(line);
        return this;
    }

    public static List<string> VoucherNumbers(IEnumerable<FeeMemoirLineInput> lines) => lines.Select(l => l.VoucherNumber).OfType<string>().Distinct().ToList();

    public static List<Guid> StayIds(IEnumerable<FeeMemoirLineInput> lines) => lines.Select(l => l.HospitalStayId).OfType<Guid>().Distinct().ToList();

    /// <summary>
    /// The service each line bills; a line whose act is none of its voucher's services (a travel allowance line, BIL-09)
    /// locks them all, so that the session it goes with is decided before or after it, not beside it.
    /// </summary>
    public static IReadOnlyCollection<Guid> ServiceIds(Guid providerId, NamedParties parties, IEnumerable<FeeMemoirLineInput> lines)
    {
        var ids = new HashSet<Guid>();
        foreach (var line in lines)
        {
            if (Owned(providerId, parties, line) is not { } voucher) continue;
            var billed = voucher.Service(line.ActCode);
            if (billed is not null) ids.Add(billed.Id);
            else ids.UnionWith(voucher.Services.Select(s => s.Id));
        }
        return ids;
    }

    private static Voucher? Owned(Guid providerId, NamedParties parties, FeeMemoirLineInput line) =>
        line.VoucherNumber is { } number && parties.Vouchers.GetValueOrDefault(number) is { } v && v.ProviderId == providerId && v.Matricule == line.Matricule
            ? v : null;

    /// <summary>The voucher services the lines bill (services of this provider's vouchers), to lock.</summary>
    public IReadOnlyCollection<Guid> ServiceIds(IEnumerable<FeeMemoirLineInput> lines) => ServiceIds(_providerId, _parties, lines);

    /// <summary>BIL-01: the voucher of the line when it belongs to this provider and to the insured of the line.</summary>
    public Voucher? Owned(FeeMemoirLineInput line) => Owned(_providerId, _parties, line);

    public VoucherService? Service(FeeMemoirLineInput line) => Owned(line)?.Service(line.ActCode);

    /// <summary>The insured the line is about: the voucher's when the voucher is owned, else the one of the matricule.</summary>
    public Guid? OwnedVoucherId(FeeMemoirLineInput line) => Owned(line)?.Id;

    public Guid? InsuredId(FeeMemoirLineInput line) => Owned(line)?.InsuredId ?? _parties.Insured.GetValueOrDefault(line.Matricule)?.Id;

    /// <summary>
    /// What a memoir's lines say about each other: the first session of each owned voucher's treatment (BIL-03, also the
    /// start of a cure) and the fee invoice of each hospital stay, the fees claimed for it with the single-room surcharge
    /// (HOS-05).
    /// </summary>
    public MemoirFacts ForMemoir(IReadOnlyList<FeeMemoirLineInput> memoirLines, DateOnly today, string reference)
    {
        var firstSessions = new Dictionary<Guid, DateOnly?>();
        foreach (var group in memoirLines.Where(l => Owned(l) is not null).GroupBy(l => Owned(l)!))
        {
            DateOnly? paid = _firstPaid.TryGetValue(group.Key.Id, out var first) ? first : null;
            firstSessions[group.Key.Id] = TreatmentStartedInTime.FirstSession(group.Key, paid, group.Select(l => l.SessionDate), today);
        }
        var invoices = memoirLines.Where(l => l.HospitalStayId is not null).GroupBy(l => l.HospitalStayId!.Value)
            .ToDictionary(g => g.Key, g => DirectBilling.FeeInvoice(g));
        return new MemoirFacts(firstSessions, invoices, reference);
    }

    /// <summary>
    /// The facts of one line, for <see cref="LineAdjudication.Adjudicate"/>. <paramref name="insuredRoute"/>: a session of a
    /// reimbursement claim (INS-03), whose reference is the claim id; a session paid on the other route is INS-04's.
    /// </summary>
    public LineFacts For(FeeMemoirLineInput line, DateOnly today, MemoirFacts memoir, IReadOnlyDictionary<Guid, int> remaining, bool insuredRoute = false)
    {
        var owned = Owned(line);
        var service = owned?.Service(line.ActCode);
        var stay = line.HospitalStayId is { } stayId ? _stays.GetValueOrDefault(stayId) : null;
        string? duplicateOf = null;
        var otherAct = false;
        if (owned is not null)
        {
            duplicateOf = _paidLine.GetValueOrDefault(new(owned.Id, line.SessionDate, line.ActCode));
            otherAct = _paidSession.TryGetValue(new(_providerId, owned.InsuredId, line.SessionDate), out var acts)
                       && acts.Any(a => !(a.Voucher == owned.Id && a.Act == line.ActCode));
        }
        string? otherRoute = null;
        if (owned is null && stay is not null)
        {
            var fee = (stay.Id, line.SessionDate, line.ActCode);
            var paidToDoctor = _paidHospitalFee.GetValueOrDefault(fee);
            var reimbursedIn = _reimbursedHospitalFee.GetValueOrDefault(fee);
            if (insuredRoute)
            {
                // INS-08: the same fee twice in this claim is BIL-07's; paid to the doctor, or reimbursed by an earlier claim, is paid already.
                duplicateOf = reimbursedIn == memoir.Reference ? reimbursedIn : null;
                otherRoute = paidToDoctor is not null ? "memoir " + paidToDoctor
                    : reimbursedIn is not null && reimbursedIn != memoir.Reference ? "claim " + reimbursedIn : null;
            }
            else
            {
                duplicateOf = paidToDoctor;
                otherRoute = reimbursedIn is not null ? "claim " + reimbursedIn : null;
            }
        }
        if (owned is not null)
        {
            var session = (owned.Id, line.SessionDate);
            var claim = _reimbursed.GetValueOrDefault(session);
            if (insuredRoute)
            {
                // Reimbursed in this claim already: a second act that day (BIL-07); in an earlier claim or paid to the provider: INS-04.
                duplicateOf = claim == memoir.Reference ? claim : null;
                otherRoute = _paidToProvider.TryGetValue(session, out var memoirReference) ? "memoir " + memoirReference
                    : claim is not null && claim != memoir.Reference ? "claim " + claim : null;
            }
            else if (claim is not null) otherRoute = "claim " + claim;
        }
        var authorisation = owned is null ? null : _parties.Authorisations.GetValueOrDefault(owned.Id);
        return new LineFacts
        {
            InsuredRoute = insuredRoute,
            SessionPaidOnOtherRoute = otherRoute,
            Line = line,
            ProviderId = _providerId,
            Today = today,
            Voucher = line.VoucherNumber is null ? null : _parties.Vouchers.GetValueOrDefault(line.VoucherNumber),
            Insured = _parties.Insured.GetValueOrDefault(line.Matricule),
            FirstSessionDate = owned is null ? null : memoir.FirstSessions.GetValueOrDefault(owned.Id),
            SessionsRemaining = service is null ? null : remaining.GetValueOrDefault(service.Id),
            DuplicateOfMemoir = duplicateOf,
            OtherActSameSession = otherAct,
            MemoirReference = memoir.Reference,
            SessionActOnDate = owned is null ? null : _sessionOnDate.GetValueOrDefault((owned.Id, line.SessionDate)),
            TravelPaidInMemoir = owned is null ? null : _travelPaid.GetValueOrDefault((owned.Id, line.SessionDate)),
            CureTerms = authorisation?.Cure,
            Rehabilitation = authorisation?.Rehabilitation,
            SessionsPaidInMonth = authorisation?.Cure?.MaxSessionsPerMonth is not null
                ? _paidInMonth.GetValueOrDefault((owned!.Id, line.SessionDate.Year, line.SessionDate.Month))
                : 0,
            HospitalStay = stay,
            HospitalFeeInvoice = line.HospitalStayId is { } invoiced ? memoir.HospitalFeeInvoices.GetValueOrDefault(invoiced) : 0m,
        };
    }

    /// <summary>Records a paid line, so that the lines adjudicated after it see it (BIL-03, BIL-07, BIL-08, CUR-05).</summary>
    public void Record(PaidLine paid)
    {
        if (paid.HospitalStayId is { } stay)
        {
            // A doctor's fee is no session: it counts for BIL-08 in its stay only (not for BIL-07, like the unique index).
            (paid.Reimbursed ? _reimbursedHospitalFee : _paidHospitalFee).TryAdd((stay, paid.SessionDate, paid.ActCode), paid.MemoirReference);
            return;
        }
        if (paid.Reimbursed)
        {
            // INS-04: the session is the insured's; it starts the treatment (BIL-03) like any session paid under the voucher.
            if (paid.VoucherId is not { } reimbursedVoucher) return;
            _reimbursed.TryAdd((reimbursedVoucher, paid.SessionDate), paid.MemoirReference);
            if (!_firstPaid.TryGetValue(reimbursedVoucher, out var firstReimbursed) || paid.SessionDate < firstReimbursed) _firstPaid[reimbursedVoucher] = paid.SessionDate;
            return;
        }
        if (paid.VoucherId is { } travelVoucher)
        {
            if (paid.TravelPaid) _travelPaid.TryAdd((travelVoucher, paid.SessionDate), paid.MemoirReference);
            if (paid.TravelAllowance)
            {
                // A travel allowance line is no session: not the start of treatment, not a second act (BIL-07).
                _paidLine.TryAdd(new(travelVoucher, paid.SessionDate, paid.ActCode), paid.MemoirReference);
                return;
            }
            _sessionOnDate.TryAdd((travelVoucher, paid.SessionDate), paid.ActCode);
            _paidToProvider.TryAdd((travelVoucher, paid.SessionDate), paid.MemoirReference);
        }
        if (paid.VoucherId is { } voucher && _paidLine.TryAdd(new(voucher, paid.SessionDate, paid.ActCode), paid.MemoirReference))
        {
            // The same paid line may be read twice (by voucher and by insured): counted once.
            if (!_firstPaid.TryGetValue(voucher, out var first) || paid.SessionDate < first) _firstPaid[voucher] = paid.SessionDate;
            var month = (voucher, paid.SessionDate.Year, paid.SessionDate.Month);
            _paidInMonth[month] = _paidInMonth.GetValueOrDefault(month) + 1;
        }
        if (paid.InsuredId is { } insured)
        {
            var session = new OneActPerSession.SessionKey(_providerId, insured, paid.SessionDate);
            if (!_paidSession.TryGetValue(session, out var acts)) _paidSession[session] = acts = new(1); // mostly one act a session
            acts.Add((paid.VoucherId, paid.ActCode));
        }
    }
}
