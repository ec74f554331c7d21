using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Billing;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.Lifecycle.LifecycleApi;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.Lifecycle;

/// <summary>LIF-02: POST /fee-memoirs/{id}/cancellation before a payment run takes the memoir.</summary>
public sealed class MemoirVoidTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Lif02_voiding_releases_the_lines_and_gives_the_sessions_back_to_the_voucher()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 2 });
        var memoir = await SubmitAsync(Client(Physio1), Memoir("F-1", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-12"), Line(voucher, "2026-11-13")));
        Assert.Equal(LineOutcome.Refused, LineOf(memoir, 3).Outcome); // SESSIONS_EXHAUSTED
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));

        var voided = await (await VoidAsync(Client(Physio1), memoir.Id.ToString())).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(FeeMemoirStatus.Voided, voided.Status);
        Assert.NotNull(voided.VoidedAt);
        Assert.All(voided.Lines, l => Assert.NotNull(l.ReleasedAt));
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher)); // BIL-06 counter back

        // The same sessions can be billed again: neither DUPLICATE_LINE (BIL-08) nor ONE_ACT_PER_SESSION (BIL-07) nor exhausted.
        var again = await SubmitAsync(Client(Physio1), Memoir("F-2", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-12")));
        Assert.All(again.Lines, l => Assert.Equal(LineOutcome.Accepted, l.Outcome));
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task Lif02_a_voided_memoir_is_never_paid_and_a_memoir_in_a_run_answers_409_pointing_to_reversal()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var voided = await SubmitAsync(Client(Physio1), Memoir("F-1", Line(voucher, "2026-11-10")));
        var paid = await SubmitAsync(Client(Physio1), Memoir("F-2", Line(voucher, "2026-11-12")));
        await (await VoidAsync(Client(Physio1), voided.Id.ToString())).ExpectAsync(HttpStatusCode.OK);

        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        var run = Assert.Single(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs"));
        Assert.Equal(1, run.LineCount);
        Assert.Equal(25.76m, run.TotalAmount);
        var stillVoided = await GetAsync<FeeMemoirDto>(Client(Physio1), $"/api/v1/fee-memoirs/{voided.Id}");
        Assert.Equal(FeeMemoirStatus.Voided, stillVoided.Status);
        Assert.Null(LineOf(stillVoided, 1).Payment);

        var problem = await (await VoidAsync(Client(Physio1), paid.Id.ToString())).ExpectProblemAsync(HttpStatusCode.Conflict, "memoir_in_payment_run");
        Assert.Contains($"/api/v1/fee-memoirs/{paid.Id}/lines/{{lineNumber}}/reversal", problem["detail"]!.GetValue<string>());
        Assert.Equal(FeeMemoirStatus.Paid, (await GetAsync<FeeMemoirDto>(Client(Physio1), $"/api/v1/fee-memoirs/{paid.Id}")).Status);
    }

    [Fact]
    public async Task Lif02_voiding_twice_answers_the_same_the_idempotency_key_replays_and_other_providers_get_404()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var memoir = await SubmitAsync(Client(Physio1), Memoir("F-1", Line(voucher, "2026-11-10")));
        var id = memoir.Id.ToString();
        await (await VoidAsync(Client(Physio2), id)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var first = await (await VoidAsync(Client(Physio1), id, key: "void-1")).ExpectAsync(HttpStatusCode.OK);
        var replay = await (await VoidAsync(Client(Physio1), id, key: "void-1")).ExpectAsync(HttpStatusCode.OK);
        var again = await (await VoidAsync(Client(Physio1), id, "Another reason.")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(first.ToJsonString(), replay.ToJsonString()); // the replay is the first answer to the byte
        var voidedAt = HttpAssertions.Read<FeeMemoirDto>(first.ToJsonString()).VoidedAt;
        Assert.NotNull(voidedAt);
        Assert.Equal(voidedAt, again.VoidedAt);
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher)); // given back once
        await (await VoidAsync(Client(Physio1), id, "")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Lif02_fifty_voids_racing_a_payment_run_each_win_entirely_or_get_409_never_a_line_both_paid_and_released()
    {
        // 50 memoirs of one line each, on 50 days of one voucher; then a payment run and 50 voids at the same moment.
        await SetClockAsync(Client(Admin), Local("2027-01-25", 9)); // weekly slots with nothing to pay create no run
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 60 });
        var ids = new List<string>();
        for (var day = 0; day < 50; day++)
        {
            var memoir = await SubmitAsync(Client(Physio1), Memoir($"R-{day:00}", Line(voucher, new DateOnly(2026, 11, 2).AddDays(day).ToString("yyyy-MM-dd"))));
            Assert.Equal(LineOutcome.Accepted, LineOf(memoir, 1).Outcome);
            ids.Add(memoir.Id.ToString());
        }
        Assert.Empty(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs"));

        await using (await Api.PausePaymentRunTickAsync())
        {
            var start = await (await Client(Admin).PostAsync("/api/v1/admin/payment-runs", null)).ExpectAsync<PaymentRunDto>(HttpStatusCode.Accepted);
            var runId = start.Id;
            var gate = new TaskCompletionSource();
            var run = Task.Run(async () => { await gate.Task; await ExecuteAsync(Api, runId); });
            var voids = ids.Select(id => Task.Run(async () => { await gate.Task; return (id, await VoidAsync(Client(Physio1), id)); })).ToList();
            gate.SetResult();
            await run;
            var outcomes = await Task.WhenAll(voids);
            await WaitForClosedAsync(Client(Admin), runId);

            var won = 0;
            foreach (var (id, response) in outcomes)
            {
                var memoir = await GetAsync<FeeMemoirDto>(Client(Physio1), $"/api/v1/fee-memoirs/{id}");
                var line = LineOf(memoir, 1);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    won++;
                    Assert.Equal(FeeMemoirStatus.Voided, memoir.Status);
                    Assert.Null(line.Payment);
                    Assert.NotNull(line.ReleasedAt);
                }
                else
                {
                    await response.ExpectProblemAsync(HttpStatusCode.Conflict, "memoir_in_payment_run");
                    Assert.Equal(FeeMemoirStatus.Paid, memoir.Status);
                    Assert.Equal(25.76m, line.Payment!.PaidAmount);
                    Assert.Null(line.ReleasedAt);
                }
            }
            var (bothPaidAndReleased, held) = await DbAsync(Api, async db => (
                await db.Set<FeeMemoirLine>().CountAsync(l => l.PaymentRunId != null && l.ReleasedAt != null),
                await db.Set<FeeMemoirLine>().CountAsync(l => l.ReleasedAt == null)));
            Assert.Equal(0, bothPaidAndReleased);
            Assert.Equal(50 - won, held);
            Assert.Equal(50 - won, await VoucherSeed.SessionsBilledAsync(Api, voucher)); // every void gave its session back, once
            var closed = await RunAsync(Client(Admin), runId);
            Assert.Equal(50 - won, closed.Counts!.Lines);
            Assert.Equal(25.76m * (50 - won), closed.TotalAmount);
        }
    }
}
