using System.Net;
using CnsExchange.Application.Features.Events;
using CnsExchange.Application.Features.Webhooks;
using CnsExchange.Domain.Calendar;
using CnsExchange.IntegrationTests.PaymentRuns;
using CnsExchange.IntegrationTests.Sandboxes;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.Events;

/// <summary>
/// Audit s66 (clock): one clock advance ran each listener over the whole span in turn, so a payment run closed on the
/// 26th came before the notices of the 24th and 28th, and every event carried the arrival instant; advancing hour by
/// hour stamps each at its own instant, in time order. The 30-day retention then kept or dropped different events. An
/// advance now stops at each instant work is due, under a clock standing there.
/// </summary>
public sealed class ClockAdvanceEventTimeTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task One_advance_records_the_due_events_at_their_own_instants_in_time_order()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), name: "advance-event-time");
        var physio = Client(b.Key("physio-1"));
        var admin = Client(b.Key("admin"));
        var first = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ValidUntil = new DateOnly(2026, 12, 5) }, b.Id);
        var second = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ValidUntil = new DateOnly(2026, 12, 12) }, b.Id);
        // A session billed today: a payment run pays it within the month.
        await (await physio.PostJsonAsync("/api/v1/fee-memoirs", new
        {
            memoirReference = "EVT-TIME-1",
            lines = new[] { new { voucherNumber = first, matricule = "1983081246785", sessionDate = "2026-11-23", actCode = "ZK11", travel = false, claimedAmount = 36.80m } },
        })).ExpectAsync(HttpStatusCode.Created);

        var to = PaymentRunApi.Local("2026-12-24", 9);
        await PaymentRunApi.SetClockAsync(admin, to);

        var events = await EventsAsync(physio, "voucher.expiring,payment_run.closed");
        var expiring = events.Where(e => e.Type == "voucher.expiring").ToDictionary(e => e.Data.GetProperty("number").GetString()!, e => e.OccurredAt);
        // Each notice at the start (Luxembourg time) of the day its voucher came within 7 days of its end.
        Assert.Equal(LuxembourgCalendar.StartOfDay(new DateOnly(2026, 11, 28)), expiring[first]);
        Assert.Equal(LuxembourgCalendar.StartOfDay(new DateOnly(2026, 12, 5)), expiring[second]);
        // The run at its slot, on its execution date, before the arrival.
        var closed = Assert.Single(events, e => e.Type == "payment_run.closed");
        Assert.Equal(DateOnly.Parse(closed.Data.GetProperty("executionDate").GetString()!), LuxembourgCalendar.LocalDate(closed.OccurredAt));
        Assert.True(closed.OccurredAt < to);
        // The feed's order is the order in time.
        Assert.Equal(events.Select(e => e.OccurredAt).Order(), events.Select(e => e.OccurredAt));

        // A second advance past the retention (30 days) of the first notice drops it, as a clock moved day by day does;
        // stamped with the first advance's arrival, it outlived its 30 days.
        await PaymentRunApi.SetClockAsync(admin, PaymentRunApi.Local("2026-12-30", 9));
        var left = await EventsAsync(physio, "voucher.expiring");
        Assert.DoesNotContain(left, e => e.Data.GetProperty("number").GetString() == first);
        Assert.Contains(left, e => e.Data.GetProperty("number").GetString() == second);
    }

    private static async Task<IReadOnlyList<EventDto>> EventsAsync(HttpClient client, string types)
    {
        var page = await (await client.GetAsync($"/api/v1/events?limit=200&types={types}")).ExpectAsync<EventPage>(HttpStatusCode.OK);
        Assert.False(page.HasMore);
        return page.Items;
    }
}
