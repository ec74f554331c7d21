using CnsExchange.Domain.Physio;
using static CnsExchange.Domain.Tests.Physio.PhysioTestData;

namespace CnsExchange.Domain.Tests.Physio;

public sealed class PrescriptionEvaluatorTests
{
    [Fact]
    public void Common_prescription_within_every_rule_is_agreed_at_70_percent_with_third_party_payment()
    {
        var e = Evaluate(Facts(Rx()));
        Assert.Equal(ValidationOutcome.Agreed, e.Outcome);
        Assert.Empty(e.Reasons);
        Assert.Equal(new ServiceGrant(PhysioCategory.Common, "ZK11", 6, 70m, false, true, false), e.Grant);
    }

    [Fact]
    public void All_refusal_reasons_are_reported_together()
    {
        var insured = Person(new DateOnly(1971, 11, 2), "FR", crossBorder: true);
        var e = Evaluate(Facts(Rx(PhysioCategory.Common, "ZK31", 12, date: Today.AddDays(-40), careCountry: "FR"), insured));
        Assert.Equal(ValidationOutcome.Refused, e.Outcome);
        Assert.Equal(["PRESCRIPTION_TOO_OLD", "ACT_NOT_ALLOWED_FOR_CATEGORY", "COMPETENT_FUND_ABROAD"], e.Codes());
        Assert.Null(e.Grant);
    }

    [Fact]
    public void Refusal_wins_over_pending()
    {
        var e = Evaluate(Facts(Rx(doctor: ForeignDoctor("IT"), language: "it")));
        Assert.Equal(ValidationOutcome.Refused, e.Outcome);
        Assert.Equal(["PRESCRIPTION_LANGUAGE_NOT_ACCEPTED"], e.Codes());
    }

    [Fact]
    public void Unknown_insured_is_refused_without_other_insured_checks() =>
        Assert.Equal(["INSURED_UNKNOWN"], Evaluate(Facts(Rx(), unknownInsured: true)).Codes());

    [Fact]
    public void Home_visit_in_luxembourg_grants_the_travel_allowance_at_the_act_rate()
    {
        var e = Evaluate(Facts(Rx(PhysioCategory.LymphaticDrainage, "ZK16", 10, homeVisit: true)));
        Assert.Equal(new ServiceGrant(PhysioCategory.LymphaticDrainage, "ZK16", 10, 70m, true, true, false), e.Grant);
    }

    [Fact]
    public void Reductions_come_with_an_agreement()
    {
        var e = Evaluate(Facts(Rx(sessions: 12)));
        Assert.Equal(ValidationOutcome.Agreed, e.Outcome);
        Assert.Equal(8, e.Grant!.Sessions);
    }

    [Theory]
    [InlineData(PhysioCategory.Common, "2026-12-23", "2027-02-23")]
    [InlineData(PhysioCategory.LymphaticDrainage, "2026-12-23", "2027-02-23")]
    [InlineData(PhysioCategory.PostSurgical, "2026-12-23", "2027-05-23")]
    [InlineData(PhysioCategory.Heavy, "2026-12-23", "2027-11-23")]
    public void Voucher_start_deadline_is_30_days_and_validity_depends_on_the_category(PhysioCategory category, string startBy, string validUntil)
    {
        var terms = PhysioVoucherTerms.For(category, Today, Catalog);
        Assert.Equal((Today, DateOnly.Parse(startBy), DateOnly.Parse(validUntil)), (terms.IssuedOn, terms.TreatmentStartBy, terms.ValidUntil));
    }
}
