using System.Net;
using CnsExchange.Application.Features.Rehabilitation;
using CnsExchange.Domain.Requests;
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

        var queue = await Client(Reviewer).ReviewQueueAsync();
        var items = queue.Items;
        Assert.Equal([physio, rehab], items.Select(i => i.Id.ToString()));
        Assert.Equal([RequestKind.PhysioValidation, RequestKind.RehabilitationAuthorisation], items.Select(i => i.Kind));
        Assert.Equal([true, false], items.Select(i => i.Overdue));
        Assert.Equal(["PHY0001", "REH0001"], items.Select(i => i.ProviderCode));
        Assert.Equal($"{RehabUrl}/{rehab}", items[1].Url);
        Assert.Equal("GER_AMB 2026-12-01/2027-01-31 (62 days)", items[1].Subject);
        Assert.Equal((2, 1), (queue.Total, queue.Overdue));

        // One decision endpoint for every kind.
        var agreed = await Client(Reviewer).ReviewAsync(physio, new { decision = "agree" });
        Assert.Equal((RequestStatus.Agreed, RequestKind.PhysioValidation), (agreed.Status, agreed.Kind));
        Assert.StartsWith("K26-", agreed.Voucher!.Number);
        Assert.Equal([rehab], (await Client(Reviewer).ReviewQueueAsync()).Items.Select(i => i.Id.ToString()));
    }

    [Fact]
    public async Task Requests_of_one_kind_cannot_be_changed_through_the_routes_of_another()
    {
        var rehab = (await Client(Rehab1).RehabAsync(Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 1, 31), declared: DeclaredStay))).Id.ToString();
        await (await Client(Rehab1).PostJsonAsync($"{Physio.Url}/{rehab}/cancel", new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Rehab1).GetAsync($"{Physio.Url}/{rehab}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(RequestStatus.Pending, (await (await Client(Rehab1).GetAsync($"{RehabUrl}/{rehab}")).ExpectAsync<RehabilitationAuthorisationDto>(HttpStatusCode.OK)).Status);
    }
}
