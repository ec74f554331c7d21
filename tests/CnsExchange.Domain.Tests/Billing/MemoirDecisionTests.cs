using CnsExchange.Domain.Billing;
using static CnsExchange.Domain.Tests.Billing.BillingFixture;

namespace CnsExchange.Domain.Tests.Billing;

/// <summary>
/// One memoir decided without a database (<see cref="MemoirDecision"/>): the lines in decision order, each against the
/// lines settled before it, with totals, sessions consumed and the lines paid — as JSON memoirs, billing files and
/// simulations decide it.
/// </summary>
public sealed class MemoirDecisionTests
{
    private static readonly Guid Service = Voucher().Services[0].Id;

    /// <param name="lines">"date act claimed" per line, in the order sent.</param>
    /// <param name="expected">"outcome" or "outcome CODE" per line, in line number order.</param>
    private static MemoirDecision Decide(int sessions, bool travel, string[] lines, IEnumerable<PaidLine>? paidBefore = null, int? remaining = null)
    {
        var voucher = Voucher(sessions: sessions, travel: travel);
        var parties = new NamedParties(
            new Dictionary<string, Domain.Vouchers.Voucher> { [voucher.Number] = voucher },
            new Dictionary<string, Domain.Registry.Insured> { [Matricule] = Insured() },
            new Dictionary<Guid, AuthorisationFacts>());
        var facts = BillingFacts.Create(Provider, parties, new Dictionary<Guid, Domain.Hospital.HospitalStay>(), paidBefore ?? []);
        var inputs = lines.Select(l => l.Split(' ')).Select(p =>
            new FeeMemoirLineInput(Number, Matricule, DateOnly.Parse(p[0]), p[1], p.Length > 3 && p[3] == "travel", decimal.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var memoir = new FeeMemoir
        {
            Id = Guid.CreateVersion7(), ProviderId = Provider, Reference = "M-NEW", ReceivedOn = Today,
            ReceivedAt = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero),
        };
        return MemoirDecision.Decide(memoir, inputs, null, facts, new Dictionary<Guid, int> { [Service] = remaining ?? sessions }, Catalog, memoir.ReceivedAt);
    }

    private static List<string> Outcomes(MemoirDecision d) =>
        d.Memoir.Lines.Select(l => l.Outcome == LineOutcome.Refused
            ? $"refused {string.Join(",", l.Reasons.Where(r => r.Severity == Domain.Common.ReasonSeverity.Refusal).Select(r => r.Code))}"
            : l.Outcome.ToString().ToLowerInvariant()).ToList();

    [Theory]
    // three sessions on three days of an 8-session voucher: all paid, three sessions consumed
    [InlineData(8, false, new[] { "2026-11-10 ZK11 36.80", "2026-11-11 ZK11 36.80", "2026-11-12 ZK11 36.80" },
        new[] { "accepted", "accepted", "accepted" }, 3, 3)]
    // BIL-06: two sessions granted, three billed: the third finds none left
    [InlineData(2, false, new[] { "2026-11-10 ZK11 36.80", "2026-11-11 ZK11 36.80", "2026-11-12 ZK11 36.80" },
        new[] { "accepted", "accepted", "refused SESSIONS_EXHAUSTED" }, 2, 2)]
    // BIL-07: the same line twice in one memoir is a second act for the session, not a duplicate of an earlier memoir
    [InlineData(8, false, new[] { "2026-11-10 ZK11 36.80", "2026-11-10 ZK11 36.80" },
        new[] { "accepted", "refused ONE_ACT_PER_SESSION" }, 1, 1)]
    // BIL-10: a claim above the tariff is reduced, and still paid
    [InlineData(8, false, new[] { "2026-11-10 ZK11 50.00" }, new[] { "reduced" }, 1, 1)]
    // BIL-09: a travel allowance line sent before its session is decided after it, and consumes no session
    [InlineData(8, true, new[] { "2026-11-10 ZKD1 12.50", "2026-11-10 ZK11 36.80" }, new[] { "accepted", "accepted" }, 1, 2)]
    // BIL-09: no session of the voucher that day, no allowance
    [InlineData(8, true, new[] { "2026-11-10 ZKD1 12.50" }, new[] { "refused TRAVEL_WITHOUT_SESSION" }, 0, 0)]
    public void Bil06_lines_are_decided_in_order_against_the_lines_settled_before_them(int sessions, bool travel, string[] lines, string[] expected,
        int consumed, int paid)
    {
        var decision = Decide(sessions, travel, lines);

        Assert.Equal(expected, Outcomes(decision));
        Assert.Equal(consumed, decision.SessionsConsumed.GetValueOrDefault(Service));
        Assert.Equal(paid, decision.Paid.Count);
        Assert.Equal(FeeMemoirStatus.Adjudicated, decision.Memoir.Status);
        Assert.Equal(Enumerable.Range(1, lines.Length), decision.Memoir.Lines.Select(l => l.LineNumber));
    }

    [Fact]
    public void Bil10_totals_are_the_sums_of_the_lines()
    {
        var decision = Decide(8, false, ["2026-11-10 ZK11 36.80", "2026-11-11 ZK11 50.00", "2026-11-12 ZK99 36.80"]);
        var lines = decision.Memoir.Lines;

        Assert.Equal(lines.Sum(l => l.ClaimedAmount), decision.Memoir.ClaimedTotal);
        Assert.Equal(lines.Sum(l => l.CnsAmount), decision.Memoir.CnsTotal);
        Assert.Equal(lines.Sum(l => l.InsuredShare), decision.Memoir.InsuredShareTotal);
        Assert.Equal((1, 1, 1), (decision.Memoir.AcceptedCount, decision.Memoir.ReducedCount, decision.Memoir.RefusedCount));
        // 70 % of the tariff on both paid lines: the reduced one is cut to the tariff first (BIL-10)
        Assert.Equal(2 * 25.76m, decision.Memoir.CnsTotal);
    }

    [Fact]
    public void Bil08_a_line_paid_in_an_earlier_memoir_is_a_duplicate_naming_that_memoir()
    {
        var voucher = Voucher();
        var earlier = new PaidLine(voucher.Id, voucher.InsuredId, new DateOnly(2026, 11, 10), "ZK11", "M-EARLIER");

        var decision = Decide(8, false, ["2026-11-10 ZK11 36.80", "2026-11-11 ZK11 36.80"], [earlier], remaining: 7);

        var duplicate = decision.Memoir.Lines[0];
        Assert.Equal(LineOutcome.Refused, duplicate.Outcome);
        Assert.Contains(duplicate.Reasons, r => r.Code == BillingReasonCodes.DuplicateLine && r.Detail == "M-EARLIER");
        Assert.Equal(LineOutcome.Accepted, decision.Memoir.Lines[1].Outcome);
        Assert.Equal([new DateOnly(2026, 11, 11)], decision.Paid.Select(p => p.SessionDate));
    }

    [Fact]
    public void Bil06_sessions_left_are_shared_by_the_memoirs_of_one_batch()
    {
        var voucher = Voucher(sessions: 3);
        var parties = new NamedParties(
            new Dictionary<string, Domain.Vouchers.Voucher> { [voucher.Number] = voucher },
            new Dictionary<string, Domain.Registry.Insured> { [Matricule] = Insured() },
            new Dictionary<Guid, AuthorisationFacts>());
        var facts = BillingFacts.Create(Provider, parties, new Dictionary<Guid, Domain.Hospital.HospitalStay>(), []);
        var remaining = new Dictionary<Guid, int> { [Service] = 3 };
        MemoirDecision DecideOne(string reference, params string[] dates) => MemoirDecision.Decide(
            new FeeMemoir { Id = Guid.CreateVersion7(), ProviderId = Provider, Reference = reference, ReceivedOn = Today },
            dates.Select(d => new FeeMemoirLineInput(Number, Matricule, DateOnly.Parse(d), "ZK11", false, 36.80m)).ToList(),
            null, facts, remaining, Catalog, DateTimeOffset.UnixEpoch);

        var first = DecideOne("M-1", "2026-11-10", "2026-11-11");
        var second = DecideOne("M-2", "2026-11-11", "2026-11-12", "2026-11-13");

        Assert.Equal(2, first.SessionsConsumed[Service]);
        Assert.Equal(["refused", "accepted", "refused"], second.Memoir.Lines.Select(l => l.Outcome.ToString().ToLowerInvariant()));
        Assert.Equal(0, remaining[Service]);
    }
    [Fact]
    public void Bil08_facts_renewed_for_the_next_batch_know_its_paid_lines_only()
    {
        var voucher = Voucher();
        var parties = new NamedParties(
            new Dictionary<string, Domain.Vouchers.Voucher> { [voucher.Number] = voucher },
            new Dictionary<string, Domain.Registry.Insured> { [Matricule] = Insured() },
            new Dictionary<Guid, AuthorisationFacts>());
        var stays = new Dictionary<Guid, Domain.Hospital.HospitalStay>();
        PaidLine Paid(int day, string reference) => new(voucher.Id, voucher.InsuredId, new DateOnly(2026, 11, day), "ZK11", reference);
        // Every table holds something before the renewal: sessions, travel, a travel allowance line, a reimbursed session, a doctor's fee.
        var facts = BillingFacts.Create(Provider, parties, stays,
        [
            Paid(10, "M-BEFORE") with { TravelPaid = true },
            Paid(11, "M-BEFORE") with { TravelAllowance = true, TravelPaid = true },
            Paid(12, "CLAIM-1") with { Reimbursed = true },
            Paid(13, "M-BEFORE") with { HospitalStayId = Guid.NewGuid() },
            Paid(14, "CLAIM-2") with { HospitalStayId = Guid.NewGuid(), Reimbursed = true },
        ]);

        var tables = typeof(BillingFacts).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)
            .Where(f => typeof(System.Collections.ICollection).IsAssignableFrom(f.FieldType)).ToList();
        int Count(BillingFacts f, System.Reflection.FieldInfo table) => ((System.Collections.ICollection)table.GetValue(f)!).Count;
        Assert.True(tables.Count >= 10);
        Assert.All(tables, table => Assert.True(Count(facts, table) > 0, $"{table.Name} holds a line before Renew"));

        var renewed = facts.Renew(parties, stays, [Paid(20, "M-NEXT")]);

        Assert.Same(facts, renewed);
        var fresh = BillingFacts.Create(Provider, parties, stays, [Paid(20, "M-NEXT")]);
        Assert.All(tables, table => Assert.True(Count(fresh, table) == Count(renewed, table), $"{table.Name} after Renew holds what Create would"));
        var memo = renewed.ForMemoir([], Today, "M-NEW");
        LineFacts For(int day) => renewed.For(new FeeMemoirLineInput(Number, Matricule, new DateOnly(2026, 11, day), "ZK11", false, 36.80m), Today, memo,
            new Dictionary<Guid, int> { [Service] = 8 });
        Assert.Null(For(10).DuplicateOfMemoir);
        Assert.Equal("M-NEXT", For(20).DuplicateOfMemoir);
    }
}
