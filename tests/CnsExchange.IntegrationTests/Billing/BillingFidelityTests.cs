using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>
/// Answers billing software must be able to trust (issue 14): the insured share never exceeds the claim (BIL-11),
/// BIL-07 vs BIL-08 for identical lines, and the travel allowance billed as its own ZKD1 line (BIL-09), through JSON
/// memoirs, simulations and billing files.
/// </summary>
public sealed class BillingFidelityTests(ApiFactory api) : ApiTest(api)
{
    [Theory]
    [InlineData(100, 30.00, 30.00, 0.00)]  // a 30.00 claim at 100 %: nothing left to the insured, not the tariff's 6.80
    [InlineData(70, 30.00, 21.00, 9.00)]   // the shares add up to the claim, not more
    [InlineData(70, 40.00, 25.76, 11.04)]  // above the tariff 36.80: cut to it
    public async Task Bil11_insured_share_is_the_claim_cut_to_the_tariff_minus_the_cns_share_in_memoirs_and_simulations(int rate, double claimed,
        double cns, double insured)
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { RatePercent = rate });
        var simulation = await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs/simulations",
            Memoir($"B11-S-{rate}-{claimed}", Line(voucher, "2026-11-10", claimed: (decimal)claimed)))).ExpectAsync<FeeMemoirSimulationDto>(HttpStatusCode.OK);
        var memoir = await SubmitAsync(Client(Physio1), Memoir($"B11-{rate}-{claimed}", Line(voucher, "2026-11-10", claimed: (decimal)claimed)));
        foreach (var line in new[] { LineOf(simulation, 1), LineOf(memoir, 1) })
        {
            Assert.Equal((decimal)cns, line.CnsAmount);
            Assert.Equal((decimal)insured, line.InsuredShare);
        }
        Assert.Equal((decimal)insured, memoir.Totals!.InsuredShare);
    }

    [Fact]
    public async Task Bil07_the_same_line_twice_in_one_memoir_is_one_act_per_session_and_Bil08_names_only_an_earlier_memoir()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var first = await SubmitAsync(Client(Physio1), Memoir("B07-1", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-10")));
        Assert.Equal(LineOutcome.Accepted, LineOf(first, 1).Outcome);
        var second = LineOf(first, 2);
        Assert.Equal(["ONE_ACT_PER_SESSION"], Codes(second));
        Assert.DoesNotContain("B07-1", second.Reasons[0].Message);

        var later = await SubmitAsync(Client(Physio1), Memoir("B07-2", Line(voucher, "2026-11-10")));
        var duplicate = LineOf(later, 1);
        Assert.Equal(["DUPLICATE_LINE"], Codes(duplicate));
        Assert.Equal("This line was already accepted in an earlier memoir (B07-1).", duplicate.Reasons[0].Message);
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task Bil09_a_ZKD1_line_beside_a_session_is_paid_at_the_voucher_rate_of_its_own_tariff_and_once_a_day()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Travel = true });
        var detail = await (await Client(Physio1).GetAsync($"/api/v1/vouchers/{voucher}")).ExpectAsync<VoucherDto>(HttpStatusCode.OK);
        Assert.Contains(detail.Services, s => s.TravelAllowanceActCode == "ZKD1");

        var memoir = await SubmitAsync(Client(Physio1), Memoir("B09-1",
            Line(voucher, "2026-11-10", act: "ZKD1", claimed: 12.50m),   // 1 before its session in the memoir: accepted
            Line(voucher, "2026-11-10"),                                 // 2 the session
            Line(voucher, "2026-11-11", act: "ZKD1", claimed: 12.50m),   // 3 no session that day
            Line(voucher, "2026-11-12", claimed: 49.30m, travel: true),  // 4 the travel flag still works
            Line(voucher, "2026-11-12", act: "ZKD1", claimed: 12.50m))); // 5 travel already paid that day by line 4
        var travel = LineOf(memoir, 1);
        Assert.Equal((LineOutcome.Accepted, 12.50m, 70m, 8.75m, 3.75m), (travel.Outcome, travel.TariffAmount, travel.RatePercent,
            travel.CnsAmount, travel.InsuredShare));
        Assert.Equal(LineOutcome.Accepted, LineOf(memoir, 2).Outcome);
        Assert.Equal(["TRAVEL_WITHOUT_SESSION"], Codes(LineOf(memoir, 3)));
        Assert.Equal((LineOutcome.Accepted, 49.30m, 34.51m), (LineOf(memoir, 4).Outcome, LineOf(memoir, 4).TariffAmount, LineOf(memoir, 4).CnsAmount));
        Assert.Equal(["ONE_ACT_PER_SESSION"], Codes(LineOf(memoir, 5)));
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher)); // the allowance consumes no session

        var later = await SubmitAsync(Client(Physio1), Memoir("B09-2",
            Line(voucher, "2026-11-10", act: "ZKD1", claimed: 12.50m),   // paid in B09-1
            Line(voucher, "2026-11-11"),                                 // a session now...
            Line(voucher, "2026-11-11", act: "ZKD1", claimed: 14.00m),   // ...so its allowance is paid (cut to the tariff)
            Line(voucher, "2026-11-12", act: "ZKD1", claimed: 12.50m))); // the travel flag of B09-1 paid it (read from the database)
        Assert.Equal(["DUPLICATE_LINE"], Codes(LineOf(later, 1)));
        Assert.Equal(("DUPLICATE_LINE", "B09-1"), (Codes(LineOf(later, 4)).Single(), LineOf(later, 4).Reasons[0].Detail));
        Assert.Equal((LineOutcome.Reduced, 8.75m, 3.75m), (LineOf(later, 3).Outcome, LineOf(later, 3).CnsAmount, LineOf(later, 3).InsuredShare));
    }

    [Fact]
    public async Task Bil09_without_travel_granted_a_ZKD1_line_is_travel_not_authorised()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var memoir = await SubmitAsync(Client(Physio1), Memoir("B09-NT", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-10", act: "ZKD1", claimed: 12.50m)));
        Assert.Equal(["TRAVEL_NOT_AUTHORISED"], Codes(LineOf(memoir, 2)));
    }

    [Fact]
    public async Task A_billing_file_decides_identical_lines_and_ZKD1_lines_as_a_json_memoir()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Travel = true });
        var csv = $"""
            memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount
            BF-1,{voucher},{Adult},2026-11-10,ZKD1,false,12.50
            BF-1,{voucher},{Adult},2026-11-10,ZK11,false,36.80
            BF-1,{voucher},{Adult},2026-11-10,ZK11,false,36.80
            BF-2,{voucher},{Adult},2026-11-10,ZK11,false,36.80
            BF-2,{voucher},{Adult},2026-11-10,ZKD1,false,12.50
            """;
        var accepted = await UploadAsync(Client(Physio1), csv + "\n", "text/csv");
        var file = await WaitForFileAsync(Client(Physio1), accepted.Id.ToString());
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        var first = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{file.Memoirs![0].Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal((LineOutcome.Accepted, 8.75m), (LineOf(first, 1).Outcome, LineOf(first, 1).CnsAmount));
        Assert.Equal(LineOutcome.Accepted, LineOf(first, 2).Outcome);
        Assert.Equal(["ONE_ACT_PER_SESSION"], Codes(LineOf(first, 3)));
        var second = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{file.Memoirs![1].Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(["DUPLICATE_LINE"], Codes(LineOf(second, 1)));
        Assert.Equal(["DUPLICATE_LINE"], Codes(LineOf(second, 2)));
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }
}
