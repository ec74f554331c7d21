namespace CnsExchange.Domain.Billing;

/// <summary>
/// A line CNS already pays (BIL-03, BIL-07, BIL-08, CUR-05), as read from the database or settled while deciding:
/// a session under a voucher, or a doctor's fee in a hospital stay (<see cref="HospitalStayId"/>).
/// </summary>
public sealed record PaidLine(Guid? VoucherId, Guid? InsuredId, DateOnly SessionDate, string ActCode, string MemoirReference)
{
    public Guid? HospitalStayId { get; init; }
    /// <summary>BIL-09: the line is a travel allowance line (ZKD1), no session.</summary>
    public bool TravelAllowance { get; init; }
    /// <summary>BIL-09: the line pays a travel allowance for its date (a ZKD1 line, or a session with its travel flag granted).</summary>
    public bool TravelPaid { get; init; }
    /// <summary>INS-04: a session reimbursed to the insured by a claim (<see cref="MemoirReference"/> is then the claim id), not paid to a provider.</summary>
    public bool Reimbursed { get; init; }

    public static PaidLine Of(FeeMemoirLine line, string memoirReference) =>
        new(line.VoucherId, line.InsuredId, line.SessionDate, line.ActCode, memoirReference)
        {
            HospitalStayId = line.HospitalStayId, TravelAllowance = line.TravelAllowance, TravelPaid = line.PaysTravelAllowance,
        };
}

/// <summary>What one memoir's lines say about each other: BIL-03 first sessions per voucher, HOS-05 fee invoice per stay; and its reference (BIL-07 vs BIL-08).</summary>
public sealed record MemoirFacts(IReadOnlyDictionary<Guid, DateOnly?> FirstSessions, IReadOnlyDictionary<Guid, decimal> HospitalFeeInvoices, string Reference);

/// <summary>
/// The decision on one memoir (RULES.md §3), the same for JSON memoirs, simulations and billing files: lines in decision
/// order (a travel allowance after the sessions it goes with, BIL-09), each decided by <see cref="LineAdjudication"/>
/// against facts that include the lines settled before it; totals, sessions consumed per voucher service and the lines
/// paid. Pure: the database settles what concurrency can break (BIL-06/07/08) after the fact, and a caller that loses a
/// race decides a line again with the facts it then reads (<see cref="Line"/> with other facts).
/// </summary>
public sealed class MemoirDecision
{
    private readonly IReadOnlyList<FeeMemoirLineInput> _lines;
    private readonly IReadOnlyList<int>? _sourceLines;
    private readonly BillingFacts _facts;
    private readonly Dictionary<Guid, int> _remaining;
    private readonly ReferenceCatalog _catalog;
    private readonly MemoirFacts _memoirFacts;

    /// <param name="memoir">The memoir received (no lines yet); lines and totals are added to it.</param>
    /// <param name="remaining">Sessions left per voucher service: decremented by every paid session.</param>
    public MemoirDecision(FeeMemoir memoir, IReadOnlyList<FeeMemoirLineInput> lines, IReadOnlyList<int>? sourceLines, BillingFacts facts,
        Dictionary<Guid, int> remaining, ReferenceCatalog catalog)
    {
        Memoir = memoir;
        _lines = lines;
        _sourceLines = sourceLines;
        _facts = facts;
        _remaining = remaining;
        _catalog = catalog;
        _memoirFacts = facts.ForMemoir(lines, memoir.ReceivedOn, memoir.Reference); // BIL-03, HOS-05
    }

    public FeeMemoir Memoir { get; }

    /// <summary>Sessions this decision consumed, per voucher service.</summary>
    public Dictionary<Guid, int> SessionsConsumed { get; } = [];

    /// <summary>Lines this decision pays, in decision order.</summary>
    public List<PaidLine> Paid { get; } = [];

    /// <summary>
    /// Indexes of the lines in the order they are decided: travel allowance lines (BIL-09) after the sessions of the
    /// memoir, whose outcome they depend on; otherwise as sent. Lines keep their numbers.
    /// </summary>
    public IEnumerable<int> Order =>
        Enumerable.Range(0, _lines.Count).OrderBy(i => TravelAllowance.IsAct(_catalog, _lines[i].ActCode, _lines[i].SessionDate) ? 1 : 0);

    public FeeMemoirLineInput Input(int index) => _lines[index];

    /// <summary>The facts of a line against everything settled so far.</summary>
    public LineFacts FactsOf(int index) => _facts.For(_lines[index], Memoir.ReceivedOn, _memoirFacts, _remaining);

    /// <summary>The line decided on <paramref name="facts"/> (not settled yet).</summary>
    public FeeMemoirLine Line(int index, LineFacts facts)
    {
        var input = _lines[index];
        var decision = LineAdjudication.Adjudicate(facts, _catalog);
        return new FeeMemoirLine
        {
            Id = Guid.CreateVersion7(),
            MemoirId = Memoir.Id,
            ProviderId = Memoir.ProviderId,
            LineNumber = index + 1,
            SourceLine = _sourceLines?[index],
            VoucherNumber = input.VoucherNumber,
            VoucherId = _facts.OwnedVoucherId(input),
            VoucherServiceId = decision.TravelAllowanceLine ? null : decision.Service?.Id,
            TravelAllowance = decision.TravelAllowanceLine,
            HospitalStayId = input.HospitalStayId,
            Matricule = input.Matricule,
            InsuredId = _facts.InsuredId(input),
            CompetentFund = facts.Insured?.CompetentFund,
            SessionDate = input.SessionDate,
            ActCode = input.ActCode,
            Travel = input.Travel,
            ClaimedAmount = input.ClaimedAmount,
            SingleRoomSurcharge = input.HospitalStayId is null ? null : input.SingleRoomSurcharge,
            TariffAmount = decision.TariffAmount,
            RatePercent = decision.RatePercent,
            CnsAmount = decision.CnsAmount,
            InsuredShare = decision.InsuredShare,
            Outcome = decision.Outcome,
            Reasons = [.. decision.Reasons],
            PayableAmount = decision.CnsAmount,
            CreatedAt = Memoir.ReceivedAt,
        };
    }

    /// <summary>Settles a decided line: a paid session consumes its service's session (BIL-06), a paid line is seen by the lines after it (BIL-07/08).</summary>
    public void Settle(FeeMemoirLine line)
    {
        if (line.IsPaidAtAdjudication)
        {
            // A doctor's fee in a hospital stay and a travel allowance line consume no voucher session.
            if (line.VoucherServiceId is { } service)
            {
                _remaining[service]--;
                SessionsConsumed[service] = SessionsConsumed.GetValueOrDefault(service) + 1;
            }
            var paid = PaidLine.Of(line, Memoir.Reference);
            _facts.Record(paid);
            Paid.Add(paid);
        }
        Memoir.Lines.Add(line);
        Memoir.AddToTotals(line);
    }

    /// <summary>The database found a voucher service exhausted by another memoir: no session left for the lines after.</summary>
    public void Exhausted(Guid serviceId) => _remaining[serviceId] = 0;

    /// <summary>Lines in number order, status adjudicated.</summary>
    public FeeMemoir Complete(DateTimeOffset adjudicatedAt)
    {
        Memoir.Lines.Sort((a, b) => a.LineNumber.CompareTo(b.LineNumber));
        Memoir.Status = FeeMemoirStatus.Adjudicated;
        Memoir.AdjudicatedAt = adjudicatedAt;
        return Memoir;
    }

    /// <summary>Decides every line against the facts alone (billing files: the services are locked and the indexes stand guard).</summary>
    public static MemoirDecision Decide(FeeMemoir memoir, IReadOnlyList<FeeMemoirLineInput> lines, IReadOnlyList<int>? sourceLines, BillingFacts facts,
        Dictionary<Guid, int> remaining, ReferenceCatalog catalog, DateTimeOffset adjudicatedAt)
    {
        var decision = new MemoirDecision(memoir, lines, sourceLines, facts, remaining, catalog);
        foreach (var i in decision.Order) decision.Settle(decision.Line(i, decision.FactsOf(i)));
        decision.Complete(adjudicatedAt);
        return decision;
    }
}
