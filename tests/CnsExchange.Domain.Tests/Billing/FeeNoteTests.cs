using System.Globalization;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Vouchers;
using static CnsExchange.Domain.Tests.Billing.BillingFixture;

namespace CnsExchange.Domain.Tests.Billing;

/// <summary>INS-02: the fee note prices each session at the tariff of its date, with the shares a memoir line at that tariff gets.</summary>
public sealed class FeeNoteTests
{
    private static decimal D(string s) => decimal.Parse(s, CultureInfo.InvariantCulture);

    [Theory]
    // act,  rate, date,        → tariff, CNS share, insured share (rounded half away from zero to the cent)
    [InlineData("ZK11", 70, "2026-12-31", "36.80", "25.76", "11.04")]
    [InlineData("ZK11", 70, "2027-01-01", "37.72", "26.40", "11.32")] // 26.404: the new letter key from 2027
    [InlineData("ZK21", 80, "2026-12-31", "48.20", "38.56", "9.64")]
    [InlineData("ZK21", 70, "2027-01-01", "49.41", "34.59", "14.82")] // 34.587
    [InlineData("ZK17", 100, "2027-01-01", "49.82", "49.82", "0.00")]
    [InlineData("ZK16", 88, "2026-12-31", "32.40", "28.51", "3.89")] // 28.512
    public void Ins02_each_session_is_priced_at_the_tariff_of_its_date_with_the_cns_and_insured_shares(
        string act, int rate, string date, string tariff, string cns, string insured)
    {
        var (line, problem) = FeeNote.Line(Voucher(rate: rate, act: act), new FeeNoteSession(DateOnly.Parse(date, CultureInfo.InvariantCulture), null), Catalog);
        Assert.Null(problem);
        Assert.Equal((D(tariff), D(cns), D(insured), (decimal)rate, act), (line!.TariffAmount, line.CnsShare, line.InsuredShare, line.RatePercent, line.ActCode));
        Assert.Equal(line.TariffAmount, line.CnsShare + line.InsuredShare); // the insured pays the tariff in full; the two shares split it
    }

    [Theory]
    [InlineData("2026-11-10")]
    [InlineData("2027-01-04")]
    public void Ins02_the_shares_are_those_a_memoir_line_at_the_tariff_gets(string date)
    {
        var voucher = Voucher(rate: 70m);
        voucher.ValidUntil = new DateOnly(2027, 3, 31);
        var (line, _) = FeeNote.Line(voucher, new FeeNoteSession(DateOnly.Parse(date, CultureInfo.InvariantCulture), "ZK11"), Catalog);
        var memoirLine = Adjudicate(Facts(date, claimed: line!.TariffAmount, voucher: voucher, today: "2027-01-15"));
        Assert.Equal((memoirLine.TariffAmount, memoirLine.CnsAmount, memoirLine.InsuredShare), (line.TariffAmount, line.CnsShare, line.InsuredShare));
    }

    [Theory]
    [InlineData("ZK21", FeeNoteSessionProblem.ActNotOnVoucher)]
    [InlineData("ZKD1", FeeNoteSessionProblem.ActNotOnVoucher)]
    [InlineData(null, null)]
    [InlineData("ZK11", null)]
    public void Ins02_a_session_names_an_act_of_the_voucher(string? act, FeeNoteSessionProblem? expected) =>
        Assert.Equal(expected, FeeNote.Line(Voucher(), new FeeNoteSession(new DateOnly(2026, 11, 10), act), Catalog).Problem);

    [Fact]
    public void Ins02_a_voucher_with_two_services_needs_the_act_named()
    {
        var voucher = Voucher(rate: 100m, act: "ZK16");
        voucher.Services.Add(new VoucherService { Id = Guid.NewGuid(), ActCode = "ZK17", SessionsGranted = 24, RatePercent = 100m });
        Assert.Equal(FeeNoteSessionProblem.ActNameNeeded, FeeNote.Line(voucher, new FeeNoteSession(new DateOnly(2026, 11, 10), null), Catalog).Problem);
        Assert.Equal(48.60m, FeeNote.Line(voucher, new FeeNoteSession(new DateOnly(2026, 11, 10), "ZK17"), Catalog).Line!.TariffAmount);
    }

    [Fact]
    public void Ins02_totals_add_up_the_sessions()
    {
        var voucher = Voucher(rate: 70m);
        var lines = new[] { "2026-12-30", "2026-12-31", "2027-01-04" }
            .Select(d => FeeNote.Line(voucher, new FeeNoteSession(DateOnly.Parse(d, CultureInfo.InvariantCulture), null), Catalog).Line!).ToList();
        Assert.Equal(new FeeNoteTotals(3, 36.80m + 36.80m + 37.72m, 25.76m + 25.76m + 26.40m, 11.04m + 11.04m + 11.32m), FeeNote.Totals(lines));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Ins02_accident_cases_are_always_under_third_party_payment_and_get_no_fee_note(bool accidentCase, bool allowed)
    {
        var voucher = Voucher();
        voucher.AccidentCase = accidentCase;
        Assert.Equal(allowed, FeeNote.Allowed(voucher));
    }
}
