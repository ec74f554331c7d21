using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Common;
using static CnsExchange.Domain.Tests.Billing.BillingFixture;

namespace CnsExchange.Domain.Tests.Billing;

/// <summary>One row per rule edge of RULES.md §3 (BIL-01…BIL-13).</summary>
public sealed class BillingRuleTests
{
    [Fact]
    public void A_line_within_every_rule_is_accepted_with_the_insured_share_stated()
    {
        var decision = Adjudicate(Facts());
        Assert.Equal(LineOutcome.Accepted, decision.Outcome);
        Assert.Equal(["INSURED_SHARE"], Codes(decision));
        Assert.Equal(new Reason("INSURED_SHARE", ReasonSeverity.Information, "BIL-11", "insuredShare", "11.04"), decision.Reasons[0]);
        Assert.True(decision.Paid);
    }

    [Theory]
    [InlineData("unknown", "VOUCHER_UNKNOWN")]
    [InlineData("other provider", "VOUCHER_UNKNOWN")] // no existence leak (RULES.md BIL-01)
    [InlineData("other insured", "VOUCHER_NOT_OWNED")]
    [InlineData("own", null)]
    public void Bil01_voucher_must_exist_and_belong_to_the_provider_and_insured(string voucherCase, string? code)
    {
        var voucher = Voucher();
        if (voucherCase == "other provider") voucher.ProviderId = OtherProvider;
        if (voucherCase == "other insured") voucher.Matricule = "2012051469331";
        var facts = Facts() with { Voucher = voucherCase == "unknown" ? null : voucher };
        var decision = Adjudicate(facts);
        if (code is null) Assert.Equal(LineOutcome.Accepted, decision.Outcome);
        else
        {
            Assert.Equal(LineOutcome.Refused, decision.Outcome);
            Assert.Equal([code], Codes(decision));
            Assert.Null(decision.RatePercent);
            Assert.Equal(0m, decision.CnsAmount);
        }
    }

    [Theory]
    [InlineData(true, LineOutcome.Accepted)]
    [InlineData(false, LineOutcome.Refused)]
    public void Bil02_third_party_payment_must_be_allowed_on_the_voucher(bool thirdParty, LineOutcome outcome)
    {
        var decision = Adjudicate(Facts(voucher: Voucher(thirdParty: thirdParty)));
        Assert.Equal(outcome, decision.Outcome);
        if (!thirdParty) Assert.Equal(["THIRD_PARTY_NOT_APPLICABLE"], Codes(decision));
    }

    [Theory]
    [InlineData("2026-12-03", LineOutcome.Accepted)] // the deadline itself
    [InlineData("2026-12-04", LineOutcome.Refused)]  // a day late
    public void Bil03_the_first_session_must_be_on_or_before_treatment_start_by(string firstSession, LineOutcome outcome)
    {
        var decision = Adjudicate(Facts("2026-12-10", firstSession: firstSession, today: "2026-12-20"));
        Assert.Equal(outcome, decision.Outcome);
        if (outcome == LineOutcome.Refused)
        {
            Assert.Equal(["TREATMENT_STARTED_TOO_LATE"], Codes(decision));
            Assert.Equal("2026-12-03", decision.Reasons[0].Detail);
        }
    }

    [Fact]
    public void Bil03_the_first_session_is_the_earliest_paid_or_claimed_within_validity()
    {
        var voucher = Voucher();
        var today = new DateOnly(2026, 12, 20);
        DateOnly[] memoir = [new(2026, 12, 10), new(2026, 12, 5), new(2026, 10, 1) /* before the prescription */, new(2026, 12, 25) /* future */];
        Assert.Equal(new DateOnly(2026, 12, 5), TreatmentStartedInTime.FirstSession(voucher, null, memoir, today));
        Assert.Equal(new DateOnly(2026, 11, 20), TreatmentStartedInTime.FirstSession(voucher, new DateOnly(2026, 11, 20), memoir, today));
        Assert.Null(TreatmentStartedInTime.FirstSession(voucher, null, [new DateOnly(2026, 10, 1)], today));
    }

    [Theory]
    [InlineData("2026-11-02", null)]                       // prescription date: first session before the voucher
    [InlineData("2026-11-01", "SESSION_OUTSIDE_VALIDITY")] // the day before it
    [InlineData("2027-02-03", null)]                       // validUntil
    [InlineData("2027-02-04", "SESSION_OUTSIDE_VALIDITY")] // the day after
    public void Bil04_session_within_prescription_date_and_valid_until(string date, string? code)
    {
        var decision = Adjudicate(Facts(date, today: "2027-03-01", firstSession: "2026-11-02"));
        if (code is null) Assert.NotEqual(LineOutcome.Refused, decision.Outcome);
        else
        {
            Assert.Equal([code], Codes(decision));
            Assert.Equal("2026-11-02 – 2027-02-03", decision.Reasons[0].Detail);
        }
    }

    [Theory]
    [InlineData("2026-11-23", LineOutcome.Accepted)] // today
    [InlineData("2026-11-24", LineOutcome.Refused)]  // tomorrow
    public void Bil04_session_not_in_the_future(string date, LineOutcome outcome)
    {
        var decision = Adjudicate(Facts(date));
        Assert.Equal(outcome, decision.Outcome);
        if (outcome == LineOutcome.Refused) Assert.Equal(["SESSION_DATE_IN_FUTURE"], Codes(decision));
    }

    [Theory]
    [InlineData("ZK11", LineOutcome.Accepted, null)]
    [InlineData("ZK21", LineOutcome.Refused, "ACT_NOT_VALIDATED")] // a real act, not on this voucher
    [InlineData("ZZ99", LineOutcome.Refused, "ACT_NOT_VALIDATED")] // not in the nomenclature
    [InlineData("ZKD1", LineOutcome.Refused, "TRAVEL_NOT_AUTHORISED")] // the travel allowance line on a voucher that does not grant it (BIL-09)
    [InlineData("ZKX9", LineOutcome.Refused, "NOT_COVERED")]
    public void Bil05_act_must_be_validated_and_covered(string act, LineOutcome outcome, string? code)
    {
        var decision = Adjudicate(Facts(act: act));
        Assert.Equal(outcome, decision.Outcome);
        if (code is not null) Assert.Contains(code, Codes(decision));
    }

    [Fact]
    public void Bil05_a_non_cancelled_appointment_is_never_paid_by_cns_and_billed_to_the_insured()
    {
        var decision = Adjudicate(Facts(act: "ZKX9", claimed: 20m));
        Assert.Equal(LineOutcome.Refused, decision.Outcome);
        Assert.Equal(["NOT_COVERED", "INSURED_SHARE"], Codes(decision));
        Assert.Equal(20.00m, decision.TariffAmount);
        Assert.Equal(0m, decision.CnsAmount);
        Assert.Equal(20.00m, decision.InsuredShare);
    }

    [Theory]
    [InlineData(1, LineOutcome.Accepted)]
    [InlineData(0, LineOutcome.Refused)]
    public void Bil06_sessions_paid_never_exceed_sessions_granted(int remaining, LineOutcome outcome)
    {
        var decision = Adjudicate(Facts() with { SessionsRemaining = remaining });
        Assert.Equal(outcome, decision.Outcome);
        if (remaining == 0) Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(decision));
    }

    [Theory]
    [InlineData(false, LineOutcome.Accepted)]
    [InlineData(true, LineOutcome.Refused)]
    public void Bil07_one_act_per_session(bool otherAct, LineOutcome outcome)
    {
        var decision = Adjudicate(Facts() with { OtherActSameSession = otherAct });
        Assert.Equal(outcome, decision.Outcome);
        if (otherAct) Assert.Equal(["ONE_ACT_PER_SESSION"], Codes(decision));
    }

    [Theory]
    [InlineData(null, LineOutcome.Accepted)]
    [InlineData("INV-1", LineOutcome.Refused)]
    public void Bil08_the_same_line_is_paid_once(string? earlier, LineOutcome outcome)
    {
        var decision = Adjudicate(Facts() with { DuplicateOfMemoir = earlier });
        Assert.Equal(outcome, decision.Outcome);
        if (earlier is not null) Assert.Equal(new Reason("DUPLICATE_LINE", ReasonSeverity.Refusal, "BIL-08", null, "INV-1"), decision.Reasons.Single());
    }

    [Theory]
    [InlineData("INV-1", "INV-2", "DUPLICATE_LINE", "INV-1")]      // accepted in an earlier memoir: named
    [InlineData("INV-2", "INV-2", "ONE_ACT_PER_SESSION", null)]   // the same line earlier in this memoir: a second act, no memoir named
    public void Bil07_Bil08_the_same_line_twice_in_one_memoir_is_a_second_act_not_a_duplicate(string paidIn, string thisMemoir, string code, string? detail)
    {
        var decision = Adjudicate(Facts() with { DuplicateOfMemoir = paidIn, MemoirReference = thisMemoir });
        Assert.Equal(LineOutcome.Refused, decision.Outcome);
        var reason = decision.Reasons.Single();
        Assert.Equal((code, detail), (reason.Code, reason.Detail));
    }

    // ---- BIL-09 the travel allowance as its own line (ZKD1) --------------------------------------------------------

    [Theory]
    // granted, session that day, travel already paid in → outcome, codes, CNS share, insured share (ZKD1 12.50)
    [InlineData(true, "ZK11", null, LineOutcome.Accepted, "INSURED_SHARE", "8.75", "3.75")]             // 70 % of its own tariff
    [InlineData(false, "ZK11", null, LineOutcome.Refused, "TRAVEL_NOT_AUTHORISED", "0", "0")]
    [InlineData(true, null, null, LineOutcome.Refused, "TRAVEL_WITHOUT_SESSION", "0", "0")]
    [InlineData(true, "ZK11", "INV-1", LineOutcome.Refused, "DUPLICATE_LINE", "0", "0")]               // an earlier memoir paid it
    [InlineData(true, "ZK11", "INV-2", LineOutcome.Refused, "ONE_ACT_PER_SESSION", "0", "0")]          // this memoir paid it already
    public void Bil09_a_travel_allowance_line_beside_a_session_is_paid_at_the_session_rate_of_its_own_tariff(bool granted, string? session,
        string? travelPaidIn, LineOutcome outcome, string code, string cns, string insured)
    {
        static decimal D(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var decision = Adjudicate(Facts(act: "ZKD1", claimed: 12.50m, voucher: Voucher(travel: granted)) with
        {
            SessionActOnDate = session, TravelPaidInMemoir = travelPaidIn, MemoirReference = "INV-2",
        });
        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal([code], Codes(decision));
        Assert.Equal(D(cns), decision.CnsAmount);
        Assert.Equal(D(insured), decision.InsuredShare);
        Assert.Equal(outcome == LineOutcome.Accepted, decision.TravelAllowanceLine); // consumes no session when paid
        if (outcome == LineOutcome.Accepted) Assert.Equal((12.50m, 70m), (decision.TariffAmount, decision.RatePercent));
    }

    [Fact]
    public void Bil09_the_travel_flag_is_not_paid_twice_on_a_day_a_travel_allowance_line_paid()
    {
        var decision = Adjudicate(Facts(claimed: 49.30m, travel: true, voucher: Voucher(travel: true)) with { TravelPaidInMemoir = "INV-1", MemoirReference = "INV-2" });
        Assert.Equal(LineOutcome.Reduced, decision.Outcome);
        Assert.Equal(36.80m, decision.TariffAmount);
        Assert.Equal(new Reason("DUPLICATE_LINE", ReasonSeverity.Reduction, "BIL-08", "travel", "INV-1"), decision.Reasons[0]);
    }

    [Theory]
    [InlineData(true, LineOutcome.Accepted, "49.30")]
    [InlineData(false, LineOutcome.Reduced, "36.80")]
    public void Bil09_travel_allowance_only_when_granted(bool granted, LineOutcome outcome, string tariff)
    {
        var decision = Adjudicate(Facts(claimed: 49.30m, travel: true, voucher: Voucher(travel: granted)));
        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(decimal.Parse(tariff, System.Globalization.CultureInfo.InvariantCulture), decision.TariffAmount);
        if (!granted) Assert.Equal(new Reason("TRAVEL_NOT_AUTHORISED", ReasonSeverity.Reduction, "BIL-09", "travel"), decision.Reasons[0]);
    }

    [Fact]
    public void Bil09_a_refused_travel_allowance_on_a_refused_line_is_one_more_refusal()
    {
        var decision = Adjudicate(Facts(claimed: 49.30m, travel: true) with { SessionsRemaining = 0 });
        Assert.Equal(LineOutcome.Refused, decision.Outcome);
        Assert.Equal(["SESSIONS_EXHAUSTED", "TRAVEL_NOT_AUTHORISED"], Codes(decision));
        Assert.All(decision.Reasons, r => Assert.Equal(ReasonSeverity.Refusal, r.Severity));
    }

    [Theory]
    [InlineData("36.80", LineOutcome.Accepted)]
    [InlineData("36.81", LineOutcome.Reduced)]
    public void Bil10_a_claim_above_the_tariff_is_cut_to_the_tariff(string claimed, LineOutcome outcome)
    {
        var decision = Adjudicate(Facts(claimed: decimal.Parse(claimed, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(25.76m, decision.CnsAmount);
        if (outcome == LineOutcome.Reduced)
            Assert.Equal(new Reason("AMOUNT_ABOVE_TARIFF", ReasonSeverity.Reduction, "BIL-10", "claimedAmount", "36.80"), decision.Reasons[0]);
    }

    [Theory]
    // rate, claimed → CNS share, insured share (ZK11 tariff 36.80 on the session date)
    [InlineData(70, "30.00", "21.00", "9.00")]   // below the tariff: the shares add up to the claim
    [InlineData(70, "36.80", "25.76", "11.04")]  // at the tariff
    [InlineData(70, "40.00", "25.76", "11.04")]  // above: cut to the tariff (BIL-10)
    [InlineData(80, "30.00", "24.00", "6.00")]
    [InlineData(80, "36.80", "29.44", "7.36")]
    [InlineData(80, "40.00", "29.44", "7.36")]
    [InlineData(88, "30.00", "26.40", "3.60")]
    [InlineData(88, "36.80", "32.38", "4.42")]   // 32.384
    [InlineData(88, "40.00", "32.38", "4.42")]
    [InlineData(100, "30.00", "30.00", "0.00")]  // 100 %: nothing left to the insured, never 6.80
    [InlineData(100, "36.80", "36.80", "0.00")]
    [InlineData(100, "40.00", "36.80", "0.00")]
    public void Bil11_insured_share_is_the_claim_cut_to_the_tariff_minus_the_cns_share(int rate, string claimed, string cns, string share)
    {
        static decimal D(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var decision = Adjudicate(Facts(claimed: D(claimed), voucher: Voucher(rate: rate)));
        Assert.True(decision.Paid);
        Assert.Equal(D(cns), decision.CnsAmount);
        Assert.Equal(D(share), decision.InsuredShare);
        Assert.Equal(share, decision.Reasons.Single(r => r.Code == "INSURED_SHARE").Detail);
        Assert.Equal(Math.Min(D(claimed), 36.80m), decision.CnsAmount + decision.InsuredShare); // never more than was charged
    }

    [Theory]
    // rate, claimed → CNS share, insured share (ZK11 36.80 + ZKD1 12.50 = 49.30 with the travel flag)
    [InlineData(70, "40.00", "28.00", "12.00")]
    [InlineData(70, "49.30", "34.51", "14.79")]
    [InlineData(100, "40.00", "40.00", "0.00")]
    [InlineData(100, "55.00", "49.30", "0.00")]
    public void Bil11_insured_share_of_a_session_with_the_travel_allowance(int rate, string claimed, string cns, string share)
    {
        static decimal D(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var decision = Adjudicate(Facts(claimed: D(claimed), travel: true, voucher: Voucher(rate: rate, travel: true)));
        Assert.Equal(D(cns), decision.CnsAmount);
        Assert.Equal(D(share), decision.InsuredShare);
    }

    [Fact]
    public void Bil11_a_service_cns_does_not_cover_is_billed_to_the_insured_no_more_than_was_charged()
    {
        var decision = Adjudicate(Facts(act: "ZKX9", claimed: 15m));
        Assert.Equal(LineOutcome.Refused, decision.Outcome);
        Assert.Equal(15.00m, decision.InsuredShare);
    }

    [Theory]
    [InlineData("2026-11-10", LineOutcome.Accepted)] // affiliated until the session date
    [InlineData("2026-11-09", LineOutcome.Refused)]  // affiliation ended the day before
    public void Bil12_insured_must_be_affiliated_on_the_session_date(string affiliatedUntil, LineOutcome outcome)
    {
        var decision = Adjudicate(Facts(insured: Insured(DateOnly.Parse(affiliatedUntil))));
        Assert.Equal(outcome, decision.Outcome);
        if (outcome == LineOutcome.Refused)
            Assert.Equal(new Reason("INSURED_NOT_AFFILIATED", ReasonSeverity.Refusal, "BIL-12", "matricule", "2026-11-10"), decision.Reasons.Single());
    }

    [Theory]
    [InlineData("2026-11-09", LineOutcome.Accepted)]
    [InlineData("2026-11-10", LineOutcome.Refused)]
    public void Bil13_no_physiotherapy_paid_on_a_day_the_dependency_insurance_financed_it(string careDay, LineOutcome outcome)
    {
        var decision = Adjudicate(Facts(insured: Insured(null, DateOnly.Parse(careDay))));
        Assert.Equal(outcome, decision.Outcome);
        if (outcome == LineOutcome.Refused) Assert.Equal(["DOUBLE_FINANCING"], Codes(decision));
    }

    [Fact]
    public void Every_refusal_found_is_reported_not_only_the_first()
    {
        var decision = Adjudicate(Facts("2026-11-24", claimed: 40m, insured: Insured(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 24)))
            with { DuplicateOfMemoir = "INV-1", SessionsRemaining = 0 });
        Assert.Equal(LineOutcome.Refused, decision.Outcome);
        Assert.Equal(["SESSION_DATE_IN_FUTURE", "SESSIONS_EXHAUSTED", "DUPLICATE_LINE", "INSURED_NOT_AFFILIATED", "DOUBLE_FINANCING"], Codes(decision));
        Assert.Equal(0m, decision.CnsAmount);
        Assert.Equal(0m, decision.InsuredShare);
    }
}
