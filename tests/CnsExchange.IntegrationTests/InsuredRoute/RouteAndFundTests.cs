using System.Net;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Payments;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.InsuredRoute;

/// <summary>Return files show each listed line's route (third_party for memoir lines) and the insured's competent fund (RULES.md §8).</summary>
public sealed class RouteAndFundTests(ApiFactory api) : ApiTest(api)
{
    private const string CmfepMember = "1978031512369";

    [Fact]
    public async Task Return_file_lines_show_the_third_party_route_and_the_fund_recorded_at_adjudication()
    {
        var cmfep = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Matricule = CmfepMember });
        var cns = await VoucherSeed.CreateAsync(Api);
        await SubmitAsync(Client(Physio1), Memoir("FUND-1",
            Line(cmfep, "2026-11-16", claimed: 40m, matricule: CmfepMember),    // reduced: listed
            Line(cns, "2026-11-17", act: "ZKX9", claimed: 20m)));               // refused: listed
        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        var run = await RunAsync(Client(Admin), Assert.Single(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs")).Id);
        var fileId = run.ReturnFiles.Single(f => f.ProviderCode == "PHY0001").Id;

        var file = await (await Client(Physio1).GetAsync($"/api/v1/return-files/{fileId}")).ExpectAsync(HttpStatusCode.OK);
        var lines = file["lines"]!.AsArray().Select(l => (l!["matricule"]!.GetValue<string>(), l["route"]!.GetValue<string>(), l["competentFund"]!.GetValue<string>()));
        Assert.Equal([(CmfepMember, "third_party", "CMFEP"), ("1983081246785", "third_party", "CNS")], lines.OrderBy(l => l.Item3 == "CNS"));

        // The run's report splits its lines by route and fund.
        var byFund = run.ByRouteAndFund!.Select(f => (f.Route, f.CompetentFund, f.Lines, f.PaidAmount)).ToList();
        Assert.Equal([(PaymentRoute.ThirdParty, "CMFEP", 1, 25.76m), (PaymentRoute.ThirdParty, "CNS", 1, 0m)], byFund);
        Assert.Null((await RunAsync(Client(Physio1), run.Id)).ByRouteAndFund); // staff only

        // The fund is the one recorded when the line was adjudicated: a later change of fund leaves the run's files as built (PAY-06).
        await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{CmfepMember}", new
        {
            firstName = "Marc", lastName = "Thill", sex = "male", competentFund = "EMCFL", residenceCountry = "LU", crossBorderWorker = false,
            affiliations = new[] { new { from = "2000-09-01", to = (string?)null } },
        })).ExpectAsync(HttpStatusCode.OK);
        var check = await (await Client(Admin).GetAsync($"/api/v1/payment-runs/{run.Id}/verification")).ExpectAsync<PaymentRunVerificationDto>(HttpStatusCode.OK);
        Assert.True(check.Identical);
    }
}
