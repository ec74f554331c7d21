using System.Net;
using CnsExchange.Application.Features.Rehabilitation;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.CareAuthorisations.CareTestSupport;
using Physio = CnsExchange.IntegrationTests.Validation.ValidationTestSupport;

namespace CnsExchange.IntegrationTests.CareAuthorisations;

/// <summary>Issue 7: one pipeline — the reviewer's queue holds every kind of request, ordered by due time.</summary>
public sealed class CrossKindReviewTests(ApiFactory api) : ApiTest(api)
{
    private static readonly List<DeclaredStayInput> DeclaredStay = [new(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 10), null, "Discharge letter 2026/4711")];

    [Fact]
    public async Task Queue_shows_every_kind_by_due_time_with_overdue_ones_flagged()
    {
        var physio = (await Physio.DecideAsync(Client(Physio1), Physio.Rx(Physio.DependencyPlan))).Id.ToString(); // Monday → due Tuesday
        Api.Clock.Advance(TimeSpan.FromDays(1));
        var rehab = (await Client(Rehab1).RehabAsync(Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 1, 31), declared: DeclaredStay))).Id.ToString(); // Tuesday → due Wednesday
        Api.Clock.Advance(TimeSpan.FromDays(1)); // Wednesday: the physiotherapy request is overdue

        var queue = await (await Client(Reviewer).GetAsync("/api/v1/review/queue")).ExpectAsync(HttpStatusCode.OK);
        var items = queue["items"]!.AsArray();
        Assert.Equal([physio, rehab], items.Select(i => i!["id"]!.GetValue<string>()));
        Assert.Equal(["physio_validation", "rehabilitation_authorisation"], items.Select(i => i!["kind"]!.GetValue<string>()));
        Assert.Equal([true, false], items.Select(i => i!["overdue"]!.GetValue<bool>()));
        Assert.Equal(["PHY0001", "REH0001"], items.Select(i => i!["providerCode"]!.GetValue<string>()));
        Assert.Equal($"{RehabUrl}/{rehab}", items[1]!["url"]!.GetValue<string>());
        Assert.Equal("GER_AMB 2026-12-01/2027-01-31 (62 days)", items[1]!["subject"]!.GetValue<string>());
        Assert.Equal((2, 1), (queue["total"]!.GetValue<int>(), queue["overdue"]!.GetValue<int>()));

        // One decision endpoint for every kind.
        var agreed = await (await Client(Reviewer).PostJsonAsync($"/api/v1/review/{physio}/decision", new { decision = "agree" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("agreed", "physio_validation"), (agreed["status"]!.GetValue<string>(), agreed["kind"]!.GetValue<string>()));
        Assert.StartsWith("K26-", agreed["voucher"]!["number"]!.GetValue<string>());
        var remaining = await (await Client(Reviewer).GetAsync("/api/v1/review/queue")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([rehab], remaining["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Requests_of_one_kind_cannot_be_changed_through_the_routes_of_another()
    {
        var rehab = (await Client(Rehab1).RehabAsync(Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 1, 31), declared: DeclaredStay))).Id.ToString();
        await (await Client(Rehab1).PostJsonAsync($"{Physio.Url}/{rehab}/cancel", new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Rehab1).GetAsync($"{Physio.Url}/{rehab}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("pending", (await (await Client(Rehab1).GetAsync($"{RehabUrl}/{rehab}")).ExpectAsync(HttpStatusCode.OK)).Status());
    }
}
