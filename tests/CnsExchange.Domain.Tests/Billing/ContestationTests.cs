using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Common;
using static CnsExchange.Domain.Tests.Billing.BillingFixture;

namespace CnsExchange.Domain.Tests.Billing;

/// <summary>BIL-15: pending → upheld | overturned | lapsed | withdrawn.</summary>
public sealed class ContestationTests
{
    private static FeeMemoirLine Line(LineOutcome outcome, params Reason[] reasons) => new()
    {
        VoucherNumber = Number, Matricule = BillingFixture.Matricule, ActCode = "ZK11", SessionDate = new DateOnly(2026, 11, 10), ClaimedAmount = 36.80m,
        TariffAmount = 36.80m, RatePercent = 70m, Outcome = outcome, Reasons = [.. reasons],
        CnsAmount = outcome == LineOutcome.Refused ? 0m : 25.76m, PayableAmount = outcome == LineOutcome.Refused ? 0m : 25.76m,
    };

    private static readonly Reason Exhausted = Reason.Refusal("SESSIONS_EXHAUSTED", "BIL-06");

    [Fact]
    public void A_refused_line_may_be_contested_with_one_of_its_reasons()
    {
        Assert.Null(Contestation.WhyNotContestable(Line(LineOutcome.Refused, Exhausted), "SESSIONS_EXHAUSTED", alreadyContested: false));
        Assert.Null(Contestation.WhyNotContestable(Line(LineOutcome.Reduced, Reason.Reduction("AMOUNT_ABOVE_TARIFF", "BIL-10")), "AMOUNT_ABOVE_TARIFF", false));
    }

    [Theory]
    [InlineData("accepted", "line_not_contestable")]
    [InlineData("twice", "line_already_contested")]
    [InlineData("reported", "line_already_reported")]
    [InlineData("in a run", "line_already_reported")]
    [InlineData("not covered", "line_not_contestable")]
    [InlineData("no service", "line_not_contestable")]
    [InlineData("other code", "contestation_code_not_on_line")]
    [InlineData("information code", "contestation_code_not_on_line")]
    [InlineData("released", "line_released")]
    public void A_line_is_contestable_once_while_refused_or_reduced_and_not_yet_reported(string situation, string problem)
    {
        var line = Line(LineOutcome.Refused, Exhausted, Reason.Information("INSURED_SHARE", "BIL-11"));
        var code = "SESSIONS_EXHAUSTED";
        switch (situation)
        {
            case "accepted": line = Line(LineOutcome.Accepted, Reason.Information("INSURED_SHARE", "BIL-11")); code = "INSURED_SHARE"; break;
            case "reported": line.PaymentRunId = Guid.NewGuid(); line.PaidAmount = 0m; break; // its run closed: reported
            case "in a run": line.PaymentRunId = Guid.NewGuid(); break;
            case "not covered": line = Line(LineOutcome.Refused, Reason.Refusal("NOT_COVERED", "BIL-05")); code = "NOT_COVERED"; break;
            case "no service": line = Line(LineOutcome.Refused, Reason.Refusal("VOUCHER_UNKNOWN", "BIL-01")); line.RatePercent = null; code = "VOUCHER_UNKNOWN"; break;
            case "other code": code = "DUPLICATE_LINE"; break;
            case "information code": code = "INSURED_SHARE"; break;
            case "released": line.ReleasedAt = DateTimeOffset.UnixEpoch; break; // its memoir voided (LIF-02)
        }
        Assert.Equal(problem, Contestation.WhyNotContestable(line, code, alreadyContested: situation == "twice")?.Code);
    }

    [Theory]
    [InlineData("ONE_ACT_PER_SESSION", "BIL-07")]
    [InlineData("DUPLICATE_LINE", "BIL-08")]
    [InlineData("SESSION_ALREADY_PAID", "INS-04")]
    public void Bil15_a_line_refused_because_its_session_is_paid_on_another_line_or_claim_is_not_contestable(string code, string rule)
    {
        // Contested with its own code or with another refusal it carries: overturned, the session would be paid twice.
        var line = Line(LineOutcome.Refused, Reason.Refusal(code, rule), Exhausted);
        Assert.Equal("line_not_contestable", Contestation.WhyNotContestable(line, code, alreadyContested: false)?.Code);
        Assert.Equal("line_not_contestable", Contestation.WhyNotContestable(line, "SESSIONS_EXHAUSTED", alreadyContested: false)?.Code);
        Assert.Contains(code, Contestation.WhyNotContestable(line, code, false)?.Message);
        Assert.Null(Contestation.WhyNotContestable(Line(LineOutcome.Refused, Exhausted), "SESSIONS_EXHAUSTED", false));
    }

    [Theory]
    [InlineData(false, "36.80", "25.76")] // rate × tariff
    [InlineData(true, "49.30", "34.51")]  // the travel allowance claimed counts again
    [InlineData(false, "30.00", "21.00")] // never more than claimed
    public void An_overturned_line_becomes_payable_at_the_tariff_times_the_rate(bool travel, string claimed, string payable)
    {
        var line = Line(LineOutcome.Refused, Exhausted);
        line.Travel = travel;
        line.ClaimedAmount = decimal.Parse(claimed, System.Globalization.CultureInfo.InvariantCulture);
        var amount = Contestation.OverturnedAmount(Catalog, line, "physio");
        Assert.Equal(ContestationStatus.Overturned, Contestation.Apply(line, ContestationDecision.Overturn, amount, "ok"));
        Assert.Equal(decimal.Parse(payable, System.Globalization.CultureInfo.InvariantCulture), line.PayableAmount);
        Assert.Equal(LineOutcome.Refused, line.Outcome);
        Assert.Equal(0m, line.CnsAmount);
        Assert.Equal(new Reason("CONTESTATION_OVERTURNED", ReasonSeverity.Information, "BIL-15", null, payable), line.Reasons[^1]);
    }

    [Fact]
    public void An_upheld_contestation_changes_nothing_but_adds_its_reason()
    {
        var line = Line(LineOutcome.Refused, Exhausted);
        Assert.Equal(ContestationStatus.Upheld, Contestation.Apply(line, ContestationDecision.Uphold, 25.76m, " All 8 paid. "));
        Assert.Equal(0m, line.PayableAmount);
        Assert.Equal(ContestationStatus.Upheld, line.ContestationStatus);
        Assert.Equal(new Reason("CONTESTATION_UPHELD", ReasonSeverity.Information, "BIL-15", null, "All 8 paid."), line.Reasons[^1]);
    }

    [Theory]
    [InlineData(LineOutcome.Refused, false, null, 1, null)]
    [InlineData(LineOutcome.Refused, false, "memoir M-1 (BIL-08)", 1, "session_paid_elsewhere")]
    [InlineData(LineOutcome.Refused, true, null, 1, "line_released")]
    [InlineData(LineOutcome.Reduced, false, "memoir M-1 (BIL-08)", 0, null)] // a reduced line already holds and counts its session
    [InlineData(LineOutcome.Reduced, true, null, 1, "line_released")]
    public void Bil15_an_overturn_holds_the_session_unless_the_line_was_released_or_the_session_is_paid_elsewhere(LineOutcome outcome, bool released,
        string? paidElsewhere, int remaining, string? problem)
    {
        var line = Line(outcome, outcome == LineOutcome.Refused ? Exhausted : Reason.Reduction("AMOUNT_ABOVE_TARIFF", "BIL-10"));
        line.VoucherServiceId = Guid.NewGuid();
        if (released) line.ReleasedAt = DateTimeOffset.UnixEpoch;
        Assert.Equal(problem, Contestation.WhyNotOverturnable(line, paidElsewhere, remaining)?.Code);
    }

    /// <summary>
    /// Audit s68 (cross) F1: an overturned refused line was paid without taking a session of its voucher, so a 1-session
    /// voucher paid two. Sessions paid never exceed sessions granted (BIL-06): with none left, the overturn is refused.
    /// </summary>
    [Theory]
    [InlineData(LineOutcome.Refused, true, 0, "sessions_exhausted")]
    [InlineData(LineOutcome.Refused, true, 1, null)]
    [InlineData(LineOutcome.Refused, true, 3, null)]
    [InlineData(LineOutcome.Refused, false, 0, null)] // no voucher service (a travel allowance line): no session to take
    [InlineData(LineOutcome.Reduced, true, 0, null)] // already counts its session
    public void Bil06_an_overturn_takes_a_session_of_the_voucher_and_none_is_left_to_take(LineOutcome outcome, bool onAService, int remaining,
        string? problem)
    {
        var line = Line(outcome, outcome == LineOutcome.Refused ? Reason.Refusal("SESSION_OUTSIDE_VALIDITY", "BIL-04") : Reason.Reduction("AMOUNT_ABOVE_TARIFF", "BIL-10"));
        if (onAService) line.VoucherServiceId = Guid.NewGuid();
        Assert.Equal(problem, Contestation.WhyNotOverturnable(line, null, remaining)?.Code);
        Assert.Equal(onAService && outcome == LineOutcome.Refused ? line.VoucherServiceId : null, Contestation.ServiceTakenByOverturn(line));
    }

    [Fact]
    public void Bil06_an_overturned_refused_line_holds_and_counts_a_session_of_the_voucher_until_released()
    {
        var line = Line(LineOutcome.Refused, Exhausted);
        Assert.False(PaidLines.Holds(line));
        Assert.False(PaidLines.CountsASession(line));
        Contestation.Apply(line, ContestationDecision.Overturn, 25.76m, null);
        Assert.True(PaidLines.Holds(line));
        Assert.True(PaidLines.IsSession(line));
        Assert.True(PaidLines.CountsASession(line));
        line.ReleasedAt = DateTimeOffset.UnixEpoch;
        Assert.False(PaidLines.Holds(line));
        Assert.False(PaidLines.CountsASession(line));
    }

    /// <summary>
    /// A pending contestation of a memoir its provider voids or replaces (LIF-02, LIF-03) is withdrawn: nothing is left for
    /// a reviewer to decide, since the line is released. A decided one is left as it was.
    /// </summary>
    [Theory]
    [InlineData(ContestationStatus.Pending, false, ContestationStatus.Withdrawn, "memoir-void")]
    [InlineData(ContestationStatus.Pending, true, ContestationStatus.Withdrawn, "memoir-replacement")]
    [InlineData(ContestationStatus.Upheld, false, ContestationStatus.Upheld, "reviewer")]
    [InlineData(ContestationStatus.Overturned, true, ContestationStatus.Overturned, "reviewer")]
    [InlineData(ContestationStatus.Lapsed, false, ContestationStatus.Lapsed, "reviewer")]
    public void Bil15_a_pending_contestation_is_withdrawn_with_its_memoir_and_a_decided_one_is_kept(ContestationStatus before, bool replaced,
        ContestationStatus after, string decidedBy)
    {
        var line = Line(LineOutcome.Refused, Exhausted);
        line.ContestationStatus = before;
        var decided = before == ContestationStatus.Pending ? (DateTimeOffset?)null : DateTimeOffset.UnixEpoch;
        var contestation = new LineContestation
        {
            Code = "SESSIONS_EXHAUSTED", Text = "t", Status = before, DecidedAt = decided, DecidedBy = decided is null ? null : "reviewer",
        };
        var now = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

        Contestation.Withdraw(contestation, line, now, replaced);

        Assert.Equal(after, contestation.Status);
        Assert.Equal(after, line.ContestationStatus);
        Assert.Equal(decidedBy, contestation.DecidedBy);
        var withdrawn = after == ContestationStatus.Withdrawn;
        Assert.Equal(withdrawn ? now : decided, contestation.DecidedAt);
        Assert.Equal(withdrawn ? 0m : null, contestation.PayableAfter);
        Assert.Equal(withdrawn ? ["SESSIONS_EXHAUSTED", "CONTESTATION_WITHDRAWN"] : ["SESSIONS_EXHAUSTED"], line.Reasons.Select(r => r.Code));
    }
}
