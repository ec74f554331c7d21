using Microsoft.EntityFrameworkCore;
using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Events;
using CnsExchange.Application.Features.Webhooks;
using CnsExchange.Infrastructure.Events;
using CnsExchange.IntegrationTests.CareAuthorisations;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Npgsql;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.Events;

/// <summary>Issue 20: the outbox, the feed and signed webhooks, against a real receiver on 127.0.0.1.</summary>
public sealed class WebhookTests(ApiFactory api) : ApiTest(api)
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private async Task<(string Id, string Secret)> RegisterAsync(string key, string url, params string[] types)
    {
        var created = await (await Client(key).PostJsonAsync("/api/v1/webhook-endpoints", new { url, types })).ExpectAsync<CreatedWebhookEndpointDto>(HttpStatusCode.Created);
        return (created.Endpoint.Id.ToString(), created.Secret);
    }

    private void AssertSigned(string secret, WebhookReceiver.Received r) =>
        Assert.True(WebhookSignature.Verify(secret, r.Signature, r.Body, Api.Clock.GetUtcNow(), Tolerance), $"bad signature on {r.EventType}: {r.Signature}");

    private async Task<List<EventDto>> FeedAsync(string key, string query = "")
    {
        var items = new List<EventDto>();
        var after = "";
        while (true)
        {
            var page = await EventsAsync(key, $"limit=200&after={after}{query}");
            items.AddRange(page.Items);
            after = page.NextCursor;
            if (!page.HasMore) return items;
        }
    }

    private async Task<EventPage> EventsAsync(string key, string query) =>
        await (await Client(key).GetAsync($"/api/v1/events?{query}")).ExpectAsync<EventPage>(HttpStatusCode.OK);

    private async Task<WebhookEndpointDto> EndpointAsync(string id) =>
        await (await Client(Physio1).GetAsync($"/api/v1/webhook-endpoints/{id}")).ExpectAsync<WebhookEndpointDto>(HttpStatusCode.OK);

    private async Task<IReadOnlyList<WebhookDeliveryDto>> DeliveriesAsync(string id, string query = "") =>
        (await (await Client(Physio1).GetAsync($"/api/v1/webhook-endpoints/{id}/deliveries{query}")).ExpectAsync<Page<WebhookDeliveryDto>>(HttpStatusCode.OK)).Items;

    [Fact]
    public async Task Every_event_type_reaches_a_real_receiver_signed_and_in_the_feeds_commit_order()
    {
        await using var staff = await WebhookReceiver.StartAsync();
        await using var physio = await WebhookReceiver.StartAsync();
        var (_, staffSecret) = await RegisterAsync(Admin, staff.Url);
        var (_, physioSecret) = await RegisterAsync(Physio1, physio.Url, "validation_request.decided", "fee_memoir.adjudicated", "payment_run.closed");

        // validation_request.decided (agreed at once), request.information_requested, then a reviewer's refusal (decided again).
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        var pending = (await Client(Physio1).DecideAsync(ValidationTestSupport.Rx(ValidationTestSupport.DependencyPlan))).Id;
        await Client(Reviewer).ReviewAsync(pending, new { decision = "request_information", question = "Which days?" });
        // cure_authorisation.decided, rehabilitation_authorisation.decided
        await Client(Thermal1).CureAsync(CareTestSupport.Cure("T200", "1983081246785"));
        await Client(Rehab1).RehabAsync(CareTestSupport.Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 1, 31)));
        // fee_memoir.adjudicated, contestation.decided
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 1, ValidUntil = new DateOnly(2026, 12, 3) });
        var memoir = await SubmitAsync(Client(Physio1), Memoir("EV-1", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-12")));
        var contestation = await ContestLineAsync(Client(Physio1), memoir.Id, 2, new { code = "SESSIONS_EXHAUSTED", text = "Session given." });
        await DecideContestationAsync(Client(Reviewer), contestation.Id, new { decision = "uphold", note = "No." });
        // billing_file.processed and billing_file.rejected
        var other = await VoucherSeed.CreateAsync(Api);
        var good = await UploadAsync(Client(Physio1), $"memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\nEVF-1,{other},{Adult},2026-11-10,ZK11,false,36.80\n", "text/csv");
        Assert.Equal(BillingFileStatus.Processed, (await WaitForFileAsync(Client(Physio1), good.Id.ToString())).Status);
        var bad = await UploadAsync(Client(Physio1), "memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\nEVF-2,nope,1,x,ZK11,false,1\n", "text/csv");
        Assert.Equal(BillingFileStatus.Rejected, (await WaitForFileAsync(Client(Physio1), bad.Id.ToString())).Status);
        // payment_run.closed (the Monday run) and voucher.expiring (validUntil 3 December: noticed from 26 November on the sandbox clock)
        await PaymentRuns.PaymentRunApi.SetClockAsync(Client(Admin), PaymentRuns.PaymentRunApi.Local("2026-11-30", 3));

        string[] all = ["validation_request.decided", "request.information_requested", "cure_authorisation.decided", "rehabilitation_authorisation.decided",
            "fee_memoir.adjudicated", "contestation.decided", "billing_file.processed", "billing_file.rejected", "payment_run.closed", "voucher.expiring"];
        await staff.WaitForAsync(r => all.All(t => r.Any(x => x.EventType == t)));
        var feed = await FeedAsync(Admin);
        var staffGot = await staff.WaitForAsync(r => r.Count >= feed.Count);
        Assert.Equal(feed.Select(e => e.Id.ToString()), staffGot.Select(r => r.EventId)); // every event once, in the feed's order
        foreach (var r in staffGot) AssertSigned(staffSecret, r);
        // The signed bytes (above) are the raw body; what they carry is the event as the feed's DTO.
        foreach (var r in staffGot)
        {
            var body = HttpAssertions.Read<EventDto>(r.Body);
            Assert.Equal(r.EventId, body.Id.ToString());
            Assert.Equal(r.EventType, body.Type);
            Assert.StartsWith("/api/v1/", body.Resource.Url);
        }
        var closed = Data<PaymentRunClosedData>(staffGot.First(r => r.EventType == "payment_run.closed"));
        Assert.StartsWith("/api/v1/return-files/", closed.ReturnFileUrl);
        var expiring = Data<VoucherExpiringData>(staffGot.Single(r => r.EventType == "voucher.expiring" && r.Body.Contains(voucher)));
        Assert.Equal((new DateOnly(2026, 12, 3), 0), (expiring.ValidUntil, expiring.SessionsLeft));

        // The provider's endpoint: its own events of its three types only, in order.
        var mine = (await FeedAsync(Physio1, "&types=validation_request.decided,fee_memoir.adjudicated,payment_run.closed")).Select(e => e.Id.ToString()).ToList();
        var physioGot = await physio.WaitForAsync(r => r.Count >= mine.Count);
        Assert.Equal(mine, physioGot.Select(r => r.EventId));
        Assert.Equal(["fee_memoir.adjudicated", "payment_run.closed", "validation_request.decided"], physioGot.Select(r => r.EventType).Distinct().Order());
        foreach (var r in physioGot) AssertSigned(physioSecret, r);
    }

    /// <summary>A delivered event's <c>data</c>, read strictly as the snapshot DTO of its type.</summary>
    private static T Data<T>(WebhookReceiver.Received r) => HttpAssertions.Read<T>(HttpAssertions.Read<EventDto>(r.Body).Data.GetRawText());

    [Fact]
    public async Task The_feed_shows_a_provider_its_own_events_pages_by_cursor_and_filters_types()
    {
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx(ValidationTestSupport.Minor));
        await Client(Physio2).DecideAsync(ValidationTestSupport.Rx());
        var page1 = await EventsAsync(Physio1, "limit=1");
        Assert.True(page1.HasMore);
        var page2 = await EventsAsync(Physio1, $"limit=1&after={page1.NextCursor}");
        Assert.False(page2.HasMore);
        Assert.NotEqual(page1.Items[0].Id, page2.Items[0].Id);
        var empty = await EventsAsync(Physio1, $"after={page2.NextCursor}");
        Assert.Empty(empty.Items);
        Assert.Equal(page2.NextCursor, empty.NextCursor); // poll again from there
        Assert.Equal(3, (await FeedAsync(Admin)).Count);
        Assert.Single(await FeedAsync(Physio2));
        Assert.Empty(await FeedAsync(Physio1, "&types=payment_run.closed"));
        await (await Client(Physio1).GetAsync("/api/v1/events?types=nope")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await Client(Physio1).GetAsync("/api/v1/events?after=abc")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_receiver_answering_500_twice_then_200_gets_the_event_on_the_third_try()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (id, secret) = await RegisterAsync(Physio1, receiver.Url);
        receiver.Answer(500, 500, 200);
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        var got = await receiver.WaitForAsync(r => r.Count >= 3);
        Assert.Single(got.Select(r => r.EventId).Distinct());
        foreach (var r in got) AssertSigned(secret, r);
        var polled = await Eventually.PollAsync(() => DeliveriesAsync(id), d => d.Count == 3, TimeSpan.FromSeconds(10));
        // Attempts of one pass share the instant of the (fake) clock: read them by attempt number.
        var deliveries = polled.OrderByDescending(d => d.Attempt).ToList();
        Assert.Equal([WebhookDeliveryStatus.Succeeded, WebhookDeliveryStatus.Retrying, WebhookDeliveryStatus.Retrying], deliveries.Select(d => d.Status));
        Assert.Equal([3, 2, 1], deliveries.Select(d => d.Attempt));
        Assert.Equal(500, deliveries[1].ResponseCode);
        Assert.True(deliveries[1].ResponseBody!.Length <= 1024); // the receiver sent 3 KB
        await Task.Delay(500);
        Assert.Equal(3, receiver.Requests.Count); // nothing more once delivered

        // Audit s68 (evt): API.md's lists are "filterable by status and dates"; the delivery log and the feed ignored them.
        var today = CnsExchange.Domain.Calendar.LuxembourgCalendar.LocalDate(Api.Clock.GetUtcNow());
        Assert.Single(await DeliveriesAsync(id, "?status=succeeded"));
        Assert.Equal(2, (await DeliveriesAsync(id, "?status=retrying")).Count);
        Assert.Equal(3, (await DeliveriesAsync(id, $"?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}")).Count);
        Assert.Empty(await DeliveriesAsync(id, $"?from={today.AddDays(1):yyyy-MM-dd}"));
        await (await Client(Physio1).GetAsync($"/api/v1/webhook-endpoints/{id}/deliveries?status=bogus")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var eventId = got[0].EventId;
        Assert.Contains((await FeedAsync(Physio1, $"&from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}")), e => e.Id.ToString() == eventId);
        Assert.DoesNotContain((await FeedAsync(Physio1, $"&to={today.AddDays(-1):yyyy-MM-dd}")), e => e.Id.ToString() == eventId);
        Assert.DoesNotContain((await FeedAsync(Physio1, $"&from={today.AddDays(1):yyyy-MM-dd}")), e => e.Id.ToString() == eventId);
        await (await Client(Physio1).GetAsync($"/api/v1/events?from={today:yyyy-MM-dd}&to={today.AddDays(-1):yyyy-MM-dd}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    /// <summary>
    /// Issue 24 (P7): events waiting for an endpoint go out in one transaction; one failing in the middle keeps the
    /// deliveries before it (the cursor moves past them) and holds back the ones after it until its retry.
    /// </summary>
    [Fact]
    public async Task Waiting_events_go_out_in_one_transaction_and_a_failure_in_the_middle_holds_back_only_what_follows_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (id, _) = await RegisterAsync(Physio1, receiver.Url, "validation_request.decided");
        receiver.Answer(503, 503, 503);
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        await receiver.WaitForAsync(r => r.Count >= 3);
        async Task<DateTimeOffset> NextRetryAsync() =>
            (await Eventually.PollAsync(() => EndpointAsync(id), e => e.NextRetryAt is not null, TimeSpan.FromSeconds(10))).NextRetryAt!.Value;
        var retry = await NextRetryAsync();
        // Four more events while the endpoint waits: at its retry, five are due at once.
        for (var i = 0; i < 4; i++) await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        receiver.Answer(200, 200, 503, 503, 503); // the first two arrive, the third fails its pass
        Api.Clock.Advance(retry - Api.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        var got = await receiver.WaitForAsync(r => r.Count >= 8);
        var secondRetry = await NextRetryAsync();
        await Task.Delay(500);
        Assert.Equal(8, receiver.Requests.Count); // the fourth and fifth wait behind the third
        var ids = got.Select(r => r.EventId).Distinct().ToList();
        Assert.Equal(3, ids.Count);

        // The two deliveries and the failed pass were written by one transaction.
        await using (var conn = new NpgsqlConnection(Api.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT count(*), count(DISTINCT xmin::text) FROM cns.webhook_deliveries WHERE endpoint_id = $1::uuid AND NOT (event_id = $2::uuid AND attempt <= 3)", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = Guid.Parse(ids[0]) });
            await using var rows = await cmd.ExecuteReaderAsync();
            await rows.ReadAsync();
            Assert.Equal((5L, 1L), (rows.GetInt64(0), rows.GetInt64(1)));
        }
        var deliveries = (await DeliveriesAsync(id, "?limit=200"))
            .Select(d => (Event: d.EventId!.Value.ToString(), d.Attempt, d.Status))
            .OrderBy(d => ids.IndexOf(d.Event)).ThenBy(d => d.Attempt).ToList();
        const WebhookDeliveryStatus retrying = WebhookDeliveryStatus.Retrying, succeeded = WebhookDeliveryStatus.Succeeded;
        Assert.Equal([(ids[0], 1, retrying), (ids[0], 2, retrying), (ids[0], 3, retrying), (ids[0], 4, succeeded), (ids[1], 1, succeeded),
            (ids[2], 1, retrying), (ids[2], 2, retrying), (ids[2], 3, retrying)], deliveries);

        // At the next retry the third event and the two behind it arrive, in commit order, once each.
        Api.Clock.Advance(secondRetry - Api.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        got = await receiver.WaitForAsync(r => r.Count >= 11);
        var feed = (await FeedAsync(Physio1, "&types=validation_request.decided")).Select(e => e.Id.ToString()).ToList();
        Assert.Equal(feed, got.Select(r => r.EventId).Distinct());
        Assert.Equal(feed.Skip(2), got.Skip(8).Select(r => r.EventId));
    }

    [Fact]
    public async Task A_failing_endpoint_is_retried_later_with_backoff_and_disabled_after_three_days()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.DefaultStatus = 503;
        var (id, _) = await RegisterAsync(Physio1, receiver.Url);
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        await receiver.WaitForAsync(r => r.Count >= 3);
        var endpoint = await Eventually.PollAsync(() => EndpointAsync(id), e => e.NextRetryAt is not null, TimeSpan.FromSeconds(10));
        var nextRetry = endpoint.NextRetryAt!.Value;
        var wait = nextRetry - Api.Clock.GetUtcNow();
        // webhooks.md: twice at once, then at 30 s × 2ⁿ with jitter ½–1: the first stored retry 15–30 s after the first pass,
        // the next 30–60 s after the second (audit s68: they came 60–120 s and 8–16 min later, backed off by tries).
        Assert.InRange(wait, TimeSpan.FromSeconds(14), TimeSpan.FromSeconds(31));
        await Task.Delay(500);
        Assert.Equal(3, receiver.Requests.Count); // nothing before the retry is due

        Api.Clock.Advance(wait + TimeSpan.FromSeconds(1));
        await receiver.WaitForAsync(r => r.Count >= 6);
        var second = await Eventually.PollAsync(() => EndpointAsync(id), e => e.NextRetryAt is { } at && at > nextRetry, TimeSpan.FromSeconds(10));
        Assert.InRange(second.NextRetryAt!.Value - Api.Clock.GetUtcNow(), TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(61));

        Api.Clock.Advance(TimeSpan.FromDays(3));
        var disabled = await Eventually.PollAsync(() => EndpointAsync(id), e => !e.Enabled, TimeSpan.FromSeconds(15));
        Assert.Contains("3 days", disabled.DisabledReason!);
        var last = (await DeliveriesAsync(id, "?limit=200")).MaxBy(d => d.Attempt)!;
        Assert.Equal(WebhookDeliveryStatus.Failed, last.Status);

        // Disabled, it receives nothing; its owner enables it once the receiver is fixed, and deliveries resume at its
        // cursor: the event committed meanwhile comes now. Another provider does not find it.
        var whileDisabled = await Client(Physio1).DecideAsync(ValidationTestSupport.Rx(ValidationTestSupport.Minor));
        await Task.Delay(1000);
        var sent = receiver.Requests.Count;
        receiver.DefaultStatus = 200;
        await (await Client(Physio2).PostAsync($"/api/v1/webhook-endpoints/{id}/enable", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var enabled = await (await Client(Physio1).PostAsync($"/api/v1/webhook-endpoints/{id}/enable", null)).ExpectAsync<WebhookEndpointDto>(HttpStatusCode.OK);
        Assert.Equal((true, (string?)null, (DateTimeOffset?)null), (enabled.Enabled, enabled.DisabledReason, enabled.DisabledAt));
        var resumed = (await receiver.WaitForAsync(r => r.Count > sent))[sent];
        Assert.Equal(whileDisabled.Id, HttpAssertions.Read<EventDto>(resumed.Body).Resource.Id);
        await Eventually.PollAsync(() => DeliveriesAsync(id), d => d[0].Status == WebhookDeliveryStatus.Succeeded, TimeSpan.FromSeconds(10));
        Assert.True((await (await Client(Physio1).PostAsync($"/api/v1/webhook-endpoints/{id}/enable", null)).ExpectAsync<WebhookEndpointDto>(HttpStatusCode.OK)).Enabled);
    }

    [Fact]
    public async Task A_delivery_is_redelivered_on_request_and_a_ping_tests_the_endpoint()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (id, secret) = await RegisterAsync(Physio1, receiver.Url);
        var ping = await (await Client(Physio1).PostAsync($"/api/v1/webhook-endpoints/{id}/test", null)).ExpectAsync<WebhookDeliveryDto>(HttpStatusCode.OK);
        Assert.Equal((WebhookDeliveryStatus.Succeeded, (int?)200, WebhookDeliveryTrigger.Test), (ping.Status, ping.ResponseCode, ping.Trigger));
        var pinged = Assert.Single(receiver.Requests);
        Assert.Equal("ping", pinged.EventType);
        AssertSigned(secret, pinged);

        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        var first = (await receiver.WaitForAsync(r => r.Count >= 2))[1];
        var delivery = await Eventually.PollAsync(
            async () => (await DeliveriesAsync(id)).FirstOrDefault(d => d.Trigger == WebhookDeliveryTrigger.Automatic),
            d => d is not null, TimeSpan.FromSeconds(10));
        var again = await (await Client(Physio1).PostAsync($"/api/v1/webhook-deliveries/{delivery!.Id}/redelivery", null)).ExpectAsync<WebhookDeliveryDto>(HttpStatusCode.OK);
        Assert.Equal(WebhookDeliveryTrigger.Redelivery, again.Trigger);
        var second = (await receiver.WaitForAsync(r => r.Count >= 3))[2];
        Assert.Equal((first.EventId, first.Body), (second.EventId, second.Body));
        AssertSigned(secret, second);

        // Another provider's endpoint and deliveries are not found; deleting stops deliveries.
        await (await Client(Physio2).GetAsync($"/api/v1/webhook-endpoints/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Physio2).PostAsync($"/api/v1/webhook-deliveries/{delivery.Id}/redelivery", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var list = await (await Client(Physio1).GetAsync("/api/v1/webhook-endpoints")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("secret", list.ToJsonString());
        Assert.Equal(HttpStatusCode.NoContent, (await Client(Physio1).DeleteAsync($"/api/v1/webhook-endpoints/{id}")).StatusCode);
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx(ValidationTestSupport.Minor));
        await Task.Delay(1000);
        Assert.Equal(3, receiver.Requests.Count);
    }

    /// <summary>
    /// A receiver that hangs does not hold its endpoint's DELETE back: the dispatcher holds the endpoint's advisory lock
    /// while it sends, not its row (before, the DELETE waited behind FOR UPDATE until the sends timed out, 3 × 10 s). The
    /// batch that was sending then finds the endpoint gone, records nothing and logs no failure; nothing more is sent.
    /// </summary>
    [Fact]
    public async Task Deleting_an_endpoint_does_not_wait_for_a_receiver_that_hangs()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (id, _) = await RegisterAsync(Physio1, receiver.Url);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Hold = hold;
        var logged = Api.Logs.Lines.Count;
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        await receiver.WaitForAsync(r => r.Count >= 1); // the dispatcher is sending, and waits for the answer

        // One send waits up to its 10 s timeout: a DELETE answered within 8 s did not wait for it.
        var deleted = await Client(Physio1).DeleteAsync($"/api/v1/webhook-endpoints/{id}").WaitAsync(TimeSpan.FromSeconds(8));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Single(receiver.Requests); // still the one request, still unanswered
        hold.SetResult();
        receiver.Hold = null;

        await (await Client(Physio1).GetAsync($"/api/v1/webhook-endpoints/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx(ValidationTestSupport.Minor));
        await Task.Delay(1000);
        Assert.Single(receiver.Requests);
        Assert.Equal(0, await Api.WithScopeAsync(sp => sp.GetRequiredService<CnsExchange.Infrastructure.Persistence.AppDbContext>().Set<WebhookDelivery>().IgnoreQueryFilters()
            .CountAsync(d => d.EndpointId == Guid.Parse(id))));
        Assert.DoesNotContain(Api.Logs.Lines.Skip(logged), l => l.Contains("Webhook delivery to endpoint", StringComparison.Ordinal));
    }

    /// <summary>
    /// API.md: a creating POST takes an Idempotency-Key. The answer's signing secret is shown once and not kept, so a retry
    /// creates no second endpoint and is answered 409 with the first one's URL; another body is 422.
    /// </summary>
    [Fact]
    public async Task A_registration_retried_with_its_idempotency_key_creates_no_second_endpoint()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        Task<HttpResponseMessage> Register(string[] types) =>
            Lifecycle.LifecycleApi.PostAsync(Client(Physio2), "/api/v1/webhook-endpoints", new { url = receiver.Url, types }, "register-hook-1");
        var before = (await PaymentRuns.PaymentRunApi.AllAsync<WebhookEndpointDto>(Client(Physio2), "/api/v1/webhook-endpoints", limit: 1)).Count;
        var created = await (await Register(["voucher.cancelled"])).ExpectAsync<CreatedWebhookEndpointDto>(HttpStatusCode.Created);
        var again = await (await Register(["voucher.cancelled"])).ExpectProblemAsync(HttpStatusCode.Conflict, "idempotent_replay_without_secret");
        Assert.Equal($"/api/v1/webhook-endpoints/{created.Endpoint.Id}", again["resource"]!.GetValue<string>());
        Assert.DoesNotContain(created.Secret, again.ToJsonString());
        await (await Register(["fee_memoir.voided"])).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(before + 1, (await PaymentRuns.PaymentRunApi.AllAsync<WebhookEndpointDto>(Client(Physio2), "/api/v1/webhook-endpoints", limit: 1)).Count);
        await (await Client(Physio2).DeleteAsync($"/api/v1/webhook-endpoints/{created.Endpoint.Id}")).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("http://10.0.0.1/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://127.0.0.2:9/hook")]
    [InlineData("http://[::1]:9/hook")]
    [InlineData("http://192.168.1.10/hook")]
    public async Task The_hosted_policy_refuses_private_loopback_and_link_local_targets(string url)
    {
        var problem = await (await Client(Physio1).PostJsonAsync("/api/v1/webhook-endpoints", new { url })).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "webhook_url_refused");
        Assert.Contains("refuses", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ftp://example.org/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://user:pw@127.0.0.1/hook")]
    [InlineData("/relative")]
    public async Task Only_absolute_http_urls_are_accepted(string url) =>
        await (await Client(Physio1).PostJsonAsync("/api/v1/webhook-endpoints", new { url })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

    [Fact]
    public async Task Events_are_numbered_in_commit_order_and_a_cursor_reader_never_misses_one()
    {
        // Writers insert an event, then wait a random time before committing: insertion order and commit order differ.
        const int writers = 8, perWriter = 15;
        var appConnection = new NpgsqlConnectionStringBuilder(Api.ConnectionString) { Username = "cns_app", Password = "cns-app-local" }.ConnectionString;
        var done = 0;
        async Task WriteAsync(int w)
        {
            await using var conn = new NpgsqlConnection(appConnection);
            await conn.OpenAsync();
            for (var i = 0; i < perWriter; i++)
            {
                await using var tx = await conn.BeginTransactionAsync();
                await using var cmd = new NpgsqlCommand($"""
                    SELECT set_config('cns.sandbox', '{SandboxIds.Default}', true);
                    INSERT INTO cns.events (id, type, occurred_at, resource_id, resource_url, data) VALUES (gen_random_uuid(), 'fee_memoir.adjudicated', now(), gen_random_uuid(), '/x', '{"{"}{"}"}');
                    SELECT pg_sleep(random() * 0.02);
                    """, conn, tx);
                await cmd.ExecuteNonQueryAsync();
                await tx.CommitAsync();
            }
            Interlocked.Increment(ref done);
        }
        var seen = new List<(long Position, string Id)>();
        await using var reader = new NpgsqlConnection(appConnection);
        await reader.OpenAsync();
        // The reader asks, as the feed and the dispatcher do, for what follows its cursor up to the horizon.
        async Task<long> HorizonAsync()
        {
            await using var cmd = new NpgsqlCommand($"SELECT cns.event_horizon('{SandboxIds.Default}')", reader);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        var start = await HorizonAsync();
        long after = start;
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w))).ToList();
        while (true)
        {
            var finished = Volatile.Read(ref done) == writers;
            var horizon = await HorizonAsync();
            await using var tx = await reader.BeginTransactionAsync();
            await using var cmd = new NpgsqlCommand($"""
                SELECT set_config('cns.sandbox', '{SandboxIds.Default}', true);
                SELECT position, id::text FROM cns.events WHERE position > {after} AND position <= {horizon} ORDER BY position;
                """, reader, tx);
            await using (var rows = await cmd.ExecuteReaderAsync())
            {
                await rows.NextResultAsync();
                while (await rows.ReadAsync()) seen.Add((rows.GetInt64(0), rows.GetString(1)));
            }
            await tx.CommitAsync();
            if (seen.Count > 0) after = seen[^1].Position;
            if (finished) break;
        }
        await Task.WhenAll(writing);
        // Every event committed during the run, in position order, as the owner sees them at the end.
        var all = new List<(long Position, string Id)>();
        await using (var tx = await reader.BeginTransactionAsync())
        await using (var cmd = new NpgsqlCommand($"""
            SELECT set_config('cns.sandbox', '{SandboxIds.Default}', true);
            SELECT position, id::text FROM cns.events WHERE position > {start} ORDER BY position;
            """, reader, tx))
        await using (var rows = await cmd.ExecuteReaderAsync())
        {
            await rows.NextResultAsync();
            while (await rows.ReadAsync()) all.Add((rows.GetInt64(0), rows.GetString(1)));
        }
        // The reader, only ever asking for what follows its cursor, saw every committed event once and in order.
        Assert.Equal(writers * perWriter, all.Count);
        Assert.Equal(all, seen);
    }

    [Fact]
    public async Task An_event_exists_only_with_its_change()
    {
        var appConnection = new NpgsqlConnectionStringBuilder(Api.ConnectionString) { Username = "cns_app", Password = "cns-app-local" }.ConnectionString;
        await using var conn = new NpgsqlConnection(appConnection);
        await conn.OpenAsync();
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await using var cmd = new NpgsqlCommand($"""
                SELECT set_config('cns.sandbox', '{SandboxIds.Default}', true);
                INSERT INTO cns.events (id, type, occurred_at, resource_id, resource_url, data) VALUES (gen_random_uuid(), 'fee_memoir.adjudicated', now(), gen_random_uuid(), '/x', '{"{"}{"}"}');
                """, conn, tx);
            await cmd.ExecuteNonQueryAsync();
            await tx.RollbackAsync();
        }
        // A refused memoir (400) stores neither memoir nor event; an accepted one stores both.
        await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", new { memoirReference = "X" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Empty(await FeedAsync(Admin));
        var voucher = await VoucherSeed.CreateAsync(Api);
        var memoir = await SubmitAsync(Client(Physio1), Memoir("TX-1", Line(voucher, "2026-11-10")));
        var e = Assert.Single(await FeedAsync(Admin));
        Assert.Equal(("fee_memoir.adjudicated", memoir.Id), (e.Type, e.Resource.Id));
        Assert.Equal(Api.SandboxNow(), e.OccurredAt);
    }
}
