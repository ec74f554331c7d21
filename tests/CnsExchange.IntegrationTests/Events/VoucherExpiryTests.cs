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
}
