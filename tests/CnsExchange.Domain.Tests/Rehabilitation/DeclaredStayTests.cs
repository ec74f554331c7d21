using CnsExchange.Domain.Common;
using CnsExchange.Domain.Rehabilitation;
using static CnsExchange.Domain.Tests.Support.TestReference;

namespace CnsExchange.Domain.Tests.Rehabilitation;

/// <summary>REH-02: the prerequisite stay may be declared with evidence; then a reviewer checks it (pending).</summary>
public sealed class DeclaredStayTests
{
    private static RehabDecision Ambulatory(params HospitalStayFact[] stays) =>
        GeriatricAmbulatoryRehab.Decide(Insured(), new GeriatricAmbulatoryRequest(D("2026-11-23"), D("2026-12-01"), D("2027-01-31"), stays), Catalog);

    [Fact]
    public void A_qualifying_declared_stay_makes_the_request_pending_with_the_terms_a_reviewer_would_grant()
    {
        var decision = Ambulatory(new HospitalStayFact(D("2026-09-01"), D("2026-09-10"), Declared: true));
        Assert.Equal(RehabOutcome.Pending, decision.Outcome);
        var reason = Assert.Single(decision.Reasons);
        Assert.Equal(("DECLARED_STAY_TO_VERIFY", ReasonSeverity.Pending, "REH-02", "2026-09-01/2026-09-10"), (reason.Code, reason.Severity, reason.Rule, reason.Detail));
        Assert.Equal((D("2026-12-01"), D("2027-01-31")), (decision.Terms!.From, decision.Terms.To));
    }

    [Fact]
    public void A_stay_known_to_the_system_wins_over_a_declared_one()
    {
        var decision = Ambulatory(new HospitalStayFact(D("2026-10-20"), D("2026-10-30"), Declared: true), new HospitalStayFact(D("2026-06-01"), D("2026-06-07")));
        Assert.Equal(RehabOutcome.Granted, decision.Outcome);
        Assert.Empty(decision.Reasons);
    }

    [Theory]
    [InlineData("2026-09-01", "2026-09-06")] // 6 days
    [InlineData("2025-10-01", "2025-10-20")] // ended more than 12 months before the start
    public void A_declared_stay_that_does_not_qualify_is_refused_not_pending(string admission, string discharge)
    {
        var decision = Ambulatory(new HospitalStayFact(D(admission), D(discharge), Declared: true));
        Assert.Equal(RehabOutcome.Refused, decision.Outcome);
        Assert.Equal("REHAB_CONDITIONS_NOT_MET", Assert.Single(decision.Reasons).Code);
    }

    [Fact]
    public void A_refusal_wins_over_the_pending_check()
    {
        var decision = GeriatricAmbulatoryRehab.Decide(Insured(), new GeriatricAmbulatoryRequest(D("2026-12-02"), D("2026-12-01"), D("2027-01-31"),
            [new HospitalStayFact(D("2026-09-01"), D("2026-09-10"), Declared: true)]), Catalog);
        Assert.Equal(RehabOutcome.Refused, decision.Outcome);
        Assert.Null(decision.Terms);
        Assert.Contains(decision.Reasons, r => r.Code == "REQUEST_AFTER_START");
    }
}
