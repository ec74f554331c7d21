using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Events;
using CnsExchange.Application.Features.Webhooks;
using CnsExchange.Infrastructure.Events;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;
using static CnsExchange.IntegrationTests.Reimbursement.ClaimApi;

namespace CnsExchange.IntegrationTests.Events;

/// <summary>
/// Issue 20's "events of issues that land later (… reimbursement claims)": the insured channel that submits a claim hears
/// of it in its feed and on its own webhook endpoint — decided, then paid by the competent fund (INS-05) — and of nothing
/// else; the provider the claim names does not; staff see everything.
/// </summary>
public sealed class ClaimEventTests(ApiFactory api) : ApiTest(api)
{
    private static readonly string[] ClaimTypes = [EventTypes.ReimbursementClaimDecided, EventTypes.ReimbursementClaimPaid];

    private async Task<List<EventDto>> FeedAsync(string key) =>
        (await (await Client(key).GetAsync("/api/v1/events?limit=200")).ExpectAsync<EventPage>(HttpStatusCode.OK)).Items.ToList();

    private static T Data<T>(WebhookReceiver.Received r) => HttpAssertions.Read<T>(HttpAssertions.Read<EventDto>(r.Body).Data.GetRawText());

    [Fact]
    public async Task The_insured_channel_hears_its_claim_decided_and_paid_on_its_own_endpoint_and_feed_and_the_provider_does_not()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var created = await (await Client(InsuredApp).PostJsonAsync("/api/v1/webhook-endpoints", new { url = receiver.Url, types = Array.Empty<string>() }))
            .ExpectAsync<CreatedWebhookEndpointDto>(HttpStatusCode.Created);
        await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{Adult}/bank-account", new { iban = "LU280019400644750000", bic = "BCEELULL" }))
            .ExpectAsync(HttpStatusCode.OK);

        // A provider's own event on the way: not the channel's.
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ThirdPartyPayment = false });
        var claim = await ClaimAsync(Client(InsuredApp), Physio(voucher, "EV-CLAIM-1", Session("2026-11-05"), Session("2026-10-30")));
        Assert.Equal(25.76m, claim.ReimbursedTotal);

        // The Monday run pays it to the insured.
        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        var got = await receiver.WaitForAsync(r => r.Count >= 2);
        Assert.Equal(ClaimTypes, got.Select(r => r.EventType));
        Assert.All(got, r => Assert.True(WebhookSignature.Verify(created.Secret, r.Signature, r.Body, Api.Clock.GetUtcNow(), TimeSpan.FromMinutes(5))));
        Assert.All(got, r => Assert.Equal($"/api/v1/reimbursement-claims/{claim.Id}", HttpAssertions.Read<EventDto>(r.Body).Resource.Url));
        var decided = Data<ReimbursementClaimDecidedData>(got[0]);
        Assert.Equal(("physiotherapy", "adjudicated", "CNS", 2, 1, 1, 73.60m, 25.76m),
            (decided.Kind, decided.Status, decided.CompetentFund, decided.LineCount, decided.ReimbursedLineCount, decided.RefusedLineCount, decided.PaidTotal, decided.ReimbursedTotal));
        var paid = Data<ReimbursementClaimPaidData>(got[1]);
        Assert.Equal((new DateOnly(2026, 11, 30), "CNS", 25.76m), (paid.ExecutionDate, paid.CompetentFund, paid.Amount));

        // The feeds: the channel its two events only; the provider none of them; staff all.
        var channel = await FeedAsync(InsuredApp);
        Assert.Equal(got.Select(r => r.EventId), channel.Select(e => e.Id.ToString()));
        Assert.DoesNotContain(await FeedAsync(Physio1), e => ClaimTypes.Contains(e.Type));
        var staff = await FeedAsync(Reviewer);
        Assert.Equal(2, staff.Count(e => ClaimTypes.Contains(e.Type)));
        Assert.Contains(staff, e => e.Type == EventTypes.ValidationRequestDecided);
        await Task.Delay(500);
        Assert.Equal(2, receiver.Requests.Count); // nothing of the provider's

        // The channel's endpoint is its own: a provider does not find it, nor staff.
        await (await Client(Physio1).GetAsync($"/api/v1/webhook-endpoints/{created.Endpoint.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Admin).GetAsync($"/api/v1/webhook-endpoints/{created.Endpoint.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Single((await (await Client(InsuredApp).GetAsync("/api/v1/webhook-endpoints")).ExpectAsync<Page<WebhookEndpointDto>>(HttpStatusCode.OK)).Items);
    }
}
