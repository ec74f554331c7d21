using CnsExchange.Application.Features.Events;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.IntegrationTests.Events;

/// <summary>voucher.expiring: each voucher noticed once, whichever process or run notices it.</summary>
public sealed class VoucherExpiryTests(ApiFactory api) : ApiTest(api)
{
    /// <summary>
    /// Several housekeeping runs at once (as several processes run it on one database, each on its own tick) record each
    /// voucher coming within 7 days of its end once: the runs that lose to another's write keep its events
    /// (<c>ux_events_voucher_expiring</c>).
    /// </summary>
    [Fact]
    public async Task Housekeeping_runs_at_once_record_each_expiring_voucher_once()
    {
        var soon = new List<string>();
        for (var i = 0; i < 3; i++)
            soon.Add(await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ValidUntil = new DateOnly(2026, 11, 25 + i) }));
        var later = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ValidUntil = new DateOnly(2026, 12, 31) });

        int[] recorded;
        using (Api.EnterDefaultSandbox())
            recorded = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
                Api.WithScopeAsync(sp => sp.GetRequiredService<IMediator>().Send(new RunEventHousekeeping()).AsTask())));

        var events = await Api.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Set<EventRecord>().AsNoTracking()
            .Where(e => e.Type == EventTypes.VoucherExpiring).Select(e => e.ResourceUrl).ToListAsync());
        Assert.Equal(soon.Select(n => $"/api/v1/vouchers/{n}").Order(), events.Order());
        Assert.DoesNotContain($"/api/v1/vouchers/{later}", events);
        Assert.InRange(recorded.Sum(), 0, 3); // what the runs report recording; the minutely tick may have noticed some first
    }

    /// <summary>
    /// Audit s66: one clock advance past a voucher's validUntil lost its notice, which advancing day by day gives (README:
    /// an advance runs the sandbox's due work in order). A voucher already expired before the advance gets none.
    /// </summary>
    [Fact]
    public async Task One_clock_advance_past_validUntil_notices_the_voucher_as_advancing_day_by_day_does()
    {
        var passed = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ValidUntil = new DateOnly(2027, 2, 23) });
        var expiredBefore = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ValidUntil = new DateOnly(2026, 11, 1) });

        await PaymentRuns.PaymentRunApi.SetClockAsync(Client(Admin), PaymentRuns.PaymentRunApi.Local("2027-02-24", 9));

        var feed = await (await Client(Physio1).GetAsync("/api/v1/events?types=voucher.expiring")).ExpectAsync(System.Net.HttpStatusCode.OK);
        var numbers = feed["items"]!.AsArray().Select(e => (string?)e!["data"]?["number"]).ToList();
        Assert.Equal([passed], numbers);
        Assert.DoesNotContain(expiredBefore, numbers);
    }

    /// <summary>A cancelled voucher (LIF-01) will never be used: no "ends in 7 days, N sessions left" for it.</summary>
    [Fact]
    public async Task A_cancelled_voucher_is_not_noticed_as_expiring()
    {
        var b = await Sandboxes.SandboxApi.CreateAsync(Client(Operator), name: "expiring-cancelled");
        var physio = Client(b.Key("physio-1"));
        var kept = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ValidUntil = new DateOnly(2026, 12, 5) }, b.Id);
        var cancelled = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ValidUntil = new DateOnly(2026, 12, 5) }, b.Id);
        await (await Lifecycle.LifecycleApi.CancelVoucherAsync(physio, cancelled, "prescription withdrawn")).ExpectAsync(System.Net.HttpStatusCode.OK);

        await PaymentRuns.PaymentRunApi.SetClockAsync(Client(b.Key("admin")), PaymentRuns.PaymentRunApi.Local("2026-11-29", 9));

        var feed = await (await physio.GetAsync("/api/v1/events?types=voucher.expiring")).ExpectAsync(System.Net.HttpStatusCode.OK);
        var numbers = feed["items"]!.AsArray().Select(e => (string?)e!["data"]?["number"]).ToList();
        Assert.Equal([kept], numbers);
    }
}
