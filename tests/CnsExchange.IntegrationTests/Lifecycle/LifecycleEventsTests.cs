using System.Net;
using CnsExchange.Application.Features.Events;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.Lifecycle.LifecycleApi;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.Lifecycle;

/// <summary>The lifecycle's changes publish their events in their transaction: voucher.cancelled, fee_memoir.voided, fee_memoir_line.reversed/recovered.</summary>
public sealed class LifecycleEventsTests(ApiFactory api) : ApiTest(api)
{
    private const string Types = "voucher.cancelled,fee_memoir.voided,fee_memoir_line.reversed,fee_memoir_line.recovered";

    [Fact]
    public async Task Cancellations_voids_replacements_reversals_and_recoveries_appear_in_the_event_feed()
    {
        var cancelled = await VoucherSeed.CreateAsync(Api);
        await (await CancelVoucherAsync(Client(Physio1), cancelled, "Patient moved abroad.")).ExpectAsync(HttpStatusCode.OK);

        var voucher = await VoucherSeed.CreateAsync(Api);
        var voided = (await SubmitAsync(Client(Physio1), Memoir("EV-VOID", Line(voucher, "2026-11-09")))).Id.ToString();
        await (await VoidAsync(Client(Physio1), voided)).ExpectAsync(HttpStatusCode.OK);
        var replaced = (await SubmitAsync(Client(Physio1), Memoir("EV-OLD", Line(voucher, "2026-11-10")))).Id.ToString();
        await SubmitAsync(Client(Physio1), new { memoirReference = "EV-NEW", lines = new[] { Line(voucher, "2026-11-11") }, replaces = replaced });

        var paid = (await SubmitAsync(Client(Physio1), Memoir("EV-PAID", Line(voucher, "2026-11-16"), Line(voucher, "2026-11-17")))).Id.ToString();
        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        await (await ReverseAsync(Client(Physio1), paid, 1)).ExpectAsync(HttpStatusCode.Created);
        await (await RecoverAsync(Client(Reviewer), paid, 2, code: "SESSION_NOT_GIVEN", note: "Not given.")).ExpectAsync(HttpStatusCode.Created);

        var page = await (await Client(Physio1).GetAsync($"/api/v1/events?limit=50&types={Types}")).ExpectAsync<EventPage>(HttpStatusCode.OK);
        var events = page.Items;
        Assert.Equal(["voucher.cancelled", "fee_memoir.voided", "fee_memoir.voided", "fee_memoir_line.reversed", "fee_memoir_line.recovered"],
            events.Select(e => e.Type));
        // Each event's data is the snapshot its change recorded, read strictly as that snapshot's record.
        T Data<T>(int i) => HttpAssertions.Read<T>(events[i].Data.GetRawText());
        var voucherCancelled = Data<VoucherCancelledData>(0);
        Assert.Equal((cancelled, "Patient moved abroad.", $"/api/v1/vouchers/{cancelled}"),
            (voucherCancelled.Number, voucherCancelled.Reason, events[0].Resource.Url));
        Assert.Equal([("EV-VOID", false), ("EV-OLD", true)],
            new[] { Data<FeeMemoirVoidedData>(1), Data<FeeMemoirVoidedData>(2) }.Select(d => (d.Reference, d.Replaced)));
        Assert.Equal([("LINE_REVERSED", 1, 25.76m), ("SESSION_NOT_GIVEN", 2, 25.76m)],
            new[] { Data<FeeMemoirLineTakenBackData>(3), Data<FeeMemoirLineTakenBackData>(4) }.Select(d => (d.Code, d.LineNumber, d.Amount)));
        Assert.All(events.Skip(1), e => Assert.StartsWith("/api/v1/fee-memoirs/", e.Resource.Url));

        // Another provider sees none of them.
        var theirs = await (await Client(Physio2).GetAsync($"/api/v1/events?types={Types}")).ExpectAsync<EventPage>(HttpStatusCode.OK);
        Assert.Empty(theirs.Items);
    }
}
