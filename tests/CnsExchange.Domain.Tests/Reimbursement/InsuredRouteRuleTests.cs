using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Reimbursement;
using CnsExchange.Domain.Tests.Billing;
using CnsExchange.Domain.Tests.Physio;
using static CnsExchange.Domain.Tests.Billing.BillingFixture;

namespace CnsExchange.Domain.Tests.Reimbursement;

/// <summary>The insured's route (RULES.md §8): INS-01, INS-03, INS-04.</summary>
public sealed class InsuredRouteRuleTests
{
    [Theory]
    // requested by insured, care country → third-party payment, information code
    [InlineData(false, "LU", true, null)]
    [InlineData(true, "LU", false, "THIRD_PARTY_NOT_APPLICABLE")]
    [InlineData(false, "FR", false, "THIRD_PARTY_NOT_APPLICABLE")]
    [InlineData(true, "FR", false, "THIRD_PARTY_NOT_APPLICABLE")]
    public void Ins01_a_validation_asked_by_the_insured_grants_no_third_party_payment(bool byInsured, string careCountry, bool thirdParty, string? info)
    {
        var rx = PhysioTestData.Rx() with { CareCountry = careCountry };
        var evaluation = PhysioTestData.Evaluate(PhysioTestData.Facts(rx) with { RequestedByInsured = byInsured });

        Assert.Equal(ValidationOutcome.Agreed, evaluation.Outcome);
        Assert.Equal(thirdParty, evaluation.Grant!.ThirdPartyPayment);
        var reason = evaluation.Reasons.SingleOrDefault(r => r.Code == CommonReasonCodes.ThirdPartyNotApplicable);
        Assert.Equal(info, reason?.Code);
        if (byInsured) Assert.Equal(InsuredValidation.Rule, reason!.Rule);
    }

    [Fact]
    public void Ins01_the_provider_may_not_bill_a_voucher_the_insured_asked_for()
    {
        var decision = Adjudicate(Facts(voucher: Voucher(thirdParty: false)));
        Assert.Equal(LineOutcome.Refused, decision.Outcome);
        Assert.Equal([CommonReasonCodes.ThirdPartyNotApplicable], Codes(decision));
    }

    [Theory]
    // third-party voucher?, date, act, paid → outcome, reimbursed, codes (memoir line rules on the insured's route)
    [InlineData(false, "2026-11-10", "ZK11", "36.80", LineOutcome.Accepted, "25.76", "INSURED_SHARE")]
    [InlineData(true, "2026-11-10", "ZK11", "36.80", LineOutcome.Accepted, "25.76", "INSURED_SHARE")]
    [InlineData(false, "2026-11-10", "ZK11", "30.00", LineOutcome.Accepted, "21.00", "INSURED_SHARE")]
    [InlineData(false, "2026-11-10", "ZK11", "45.00", LineOutcome.Reduced, "25.76", "AMOUNT_ABOVE_TARIFF,INSURED_SHARE")]
    [InlineData(false, "2026-10-30", "ZK11", "36.80", LineOutcome.Refused, "0", "SESSION_OUTSIDE_VALIDITY")]
    [InlineData(false, "2026-11-24", "ZK11", "36.80", LineOutcome.Refused, "0", "SESSION_DATE_IN_FUTURE")]
    [InlineData(false, "2026-11-10", "ZK21", "48.20", LineOutcome.Refused, "0", "ACT_NOT_VALIDATED")]
    [InlineData(false, "2026-11-10", "ZKX9", "20.00", LineOutcome.Refused, "0", "NOT_COVERED,INSURED_SHARE")]
    public void Ins03_each_session_follows_the_voucher_rules_and_is_reimbursed_at_rate_times_min_paid_tariff(
        bool thirdParty, string date, string act, string paid, LineOutcome outcome, string reimbursed, string codes)
    {
        var facts = Facts(date: date, act: act, claimed: decimal.Parse(paid, System.Globalization.CultureInfo.InvariantCulture), voucher: Voucher(thirdParty: thirdParty));
        var decision = PhysioClaimAdjudication.Adjudicate(facts, Catalog);

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(decimal.Parse(reimbursed, System.Globalization.CultureInfo.InvariantCulture), decision.CnsAmount);
        Assert.Equal(codes.Split(','), Codes(decision));
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, "INVOICE_MISSING")]
    public void Ins03_a_claim_needs_its_receipted_invoice(bool attached, string? code) =>
        Assert.Equal(code, PhysioClaimAdjudication.InvoiceCheck(attached)?.Code);

    [Theory]
    // route of the line, the session paid on the other route → outcome
    [InlineData(true, null, LineOutcome.Accepted)]
    [InlineData(true, "memoir M-1", LineOutcome.Refused)]
    [InlineData(false, null, LineOutcome.Accepted)]
    [InlineData(false, "claim 0192", LineOutcome.Refused)]
    public void Ins04_a_session_is_paid_once_across_routes(bool insuredRoute, string? paidElsewhere, LineOutcome outcome)
    {
        var facts = Facts() with { SessionPaidOnOtherRoute = paidElsewhere, InsuredRoute = insuredRoute };
        var decision = LineAdjudication.Adjudicate(facts, Catalog);

        Assert.Equal(outcome, decision.Outcome);
        if (paidElsewhere is null) return;
        var reason = Assert.Single(decision.Reasons);
        Assert.Equal((ReimbursementReasonCodes.SessionAlreadyPaid, SessionPaidOnce.Rule, paidElsewhere), (reason.Code, reason.Rule, reason.Detail));
    }

    [Fact]
    public void Ins04_billing_facts_tell_each_route_what_the_other_paid()
    {
        var voucher = Voucher();
        var parties = new NamedParties(new Dictionary<string, Domain.Vouchers.Voucher> { [Number] = voucher },
            new Dictionary<string, Domain.Registry.Insured> { [BillingFixture.Matricule] = Insured() }, new Dictionary<Guid, AuthorisationFacts>());
        var facts = BillingFacts.Create(Provider, parties, new Dictionary<Guid, Domain.Hospital.HospitalStay>(),
        [
            new PaidLine(voucher.Id, voucher.InsuredId, new DateOnly(2026, 11, 5), "ZK11", "M-1"),
            new PaidLine(voucher.Id, voucher.InsuredId, new DateOnly(2026, 11, 6), "ZK11", "claim-1") { Reimbursed = true },
        ]);
        var remaining = new Dictionary<Guid, int> { [voucher.Services[0].Id] = 6 };
        LineFacts For(string date, bool insuredRoute, string reference)
        {
            var line = new FeeMemoirLineInput(Number, BillingFixture.Matricule, DateOnly.Parse(date), "ZK11", false, 36.80m);
            return facts.For(line, Today, facts.ForMemoir([line], Today, reference), remaining, insuredRoute);
        }

        Assert.Equal("memoir M-1", For("2026-11-05", insuredRoute: true, "claim-2").SessionPaidOnOtherRoute);
        Assert.Equal("claim claim-1", For("2026-11-06", insuredRoute: true, "claim-2").SessionPaidOnOtherRoute);
        Assert.Equal("claim claim-1", For("2026-11-06", insuredRoute: false, "M-2").SessionPaidOnOtherRoute);
        Assert.Null(For("2026-11-05", insuredRoute: false, "M-2").SessionPaidOnOtherRoute); // the memoir route's own: BIL-08
        Assert.Equal("M-1", For("2026-11-05", insuredRoute: false, "M-2").DuplicateOfMemoir);
        Assert.Null(For("2026-11-07", insuredRoute: true, "claim-2").SessionPaidOnOtherRoute);
        Assert.Equal(new DateOnly(2026, 11, 5), For("2026-11-07", insuredRoute: true, "claim-2").FirstSessionDate);
    }
}
