using CnsExchange.Domain.Billing;
using static CnsExchange.Domain.Tests.Billing.BillingFixture;

namespace CnsExchange.Domain.Tests.Billing;

/// <summary>Tariff = round2(coefficient × letter key of the session date); CNS share = round2(min(claimed, tariff) × rate); insured share = min(claimed, tariff) − CNS share.</summary>
public sealed class TariffArithmeticTests
{
    [Theory]
    [InlineData("ZK11", "2026-12-31", "36.80")] // letter key 1.0000
    [InlineData("ZK11", "2027-01-01", "37.72")] // letter key 1.0250: 36.80 × 1.025 = 37.72
    [InlineData("ZK21", "2026-12-31", "48.20")]
    [InlineData("ZK21", "2027-01-01", "49.41")] // 49.405 rounds half away from zero
    [InlineData("ZK16", "2027-01-01", "33.21")]
    [InlineData("ZK17", "2027-01-01", "49.82")] // 49.815
    [InlineData("ZK31", "2027-01-01", "45.20")] // 45.2025
    [InlineData("ZKD1", "2026-12-31", "12.50")]
    [InlineData("ZKD1", "2027-01-01", "12.81")] // 12.8125
    public void Tariff_is_the_coefficient_times_the_letter_key_of_the_session_date(string act, string date, string tariff) =>
        Assert.Equal(decimal.Parse(tariff, System.Globalization.CultureInfo.InvariantCulture), Catalog.TariffOn(act, DateOnly.Parse(date)));

    [Theory]
    // date,       rate, claimed, travel, granted → tariff, CNS share, insured share, outcome
    [InlineData("2026-12-31", 70, "36.80", false, false, "36.80", "25.76", "11.04", LineOutcome.Accepted)]
    [InlineData("2027-01-01", 70, "37.72", false, false, "37.72", "26.40", "11.32", LineOutcome.Accepted)]
    [InlineData("2027-01-01", 70, "36.80", false, false, "37.72", "25.76", "11.04", LineOutcome.Accepted)] // old price claimed after the change
    [InlineData("2026-12-31", 70, "37.72", false, false, "36.80", "25.76", "11.04", LineOutcome.Reduced)]  // new price claimed before it
    [InlineData("2026-12-31", 100, "36.80", false, false, "36.80", "36.80", "0.00", LineOutcome.Accepted)]
    [InlineData("2027-01-01", 100, "37.72", false, false, "37.72", "37.72", "0.00", LineOutcome.Accepted)]
    [InlineData("2026-12-31", 70, "30.00", false, false, "36.80", "21.00", "9.00", LineOutcome.Accepted)]
    [InlineData("2026-12-31", 70, "49.30", true, true, "49.30", "34.51", "14.79", LineOutcome.Accepted)]  // 34.51 = round2(49.30 × 0.7)
    [InlineData("2027-01-01", 70, "50.53", true, true, "50.53", "35.37", "15.16", LineOutcome.Accepted)]  // 37.72 + 12.81
    [InlineData("2026-12-31", 70, "49.30", true, false, "36.80", "25.76", "11.04", LineOutcome.Reduced)]  // travel not granted
    public void Cns_and_insured_shares_follow_the_tariff_of_the_session_date(string date, int rate, string claimed, bool travel, bool granted,
        string tariff, string cns, string insured, LineOutcome outcome)
    {
        static decimal D(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var voucher = Voucher(rate: rate, travel: granted);
        voucher.ValidUntil = new DateOnly(2027, 3, 31);
        var decision = Adjudicate(Facts(date, claimed: D(claimed), travel: travel, voucher: voucher, today: "2027-01-15"));
        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(D(tariff), decision.TariffAmount);
        Assert.Equal(D(cns), decision.CnsAmount);
        Assert.Equal(D(insured), decision.InsuredShare);
        Assert.Equal(rate, decision.RatePercent);
    }
}
