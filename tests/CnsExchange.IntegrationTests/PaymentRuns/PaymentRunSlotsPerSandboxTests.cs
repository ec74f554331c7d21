using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Payments;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Lifecycle;
using CnsExchange.IntegrationTests.Sandboxes;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.PaymentRuns;

/// <summary>
/// PAY-01/02 per sandbox: every sandbox has the same weekly slots (Monday 02:00 Luxembourg time) and each must get its
/// own run of each. The run of a slot is named after the slot (<see cref="PaymentRunIds.ForSlot"/>); when that name left
/// the sandbox out, the first sandbox to reach a Monday took the id, and every other sandbox's run of that Monday failed on
/// the primary key: its memoirs stayed unpaid past their due date while the clock's answer was 200.
/// </summary>
public sealed class PaymentRunSlotsPerSandboxTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Pay02_two_sandboxes_on_the_same_days_each_get_their_own_weekly_run_and_each_memoir_is_paid()
    {
        await SandboxApi.InOwnSandboxAsync(Client(Operator), "slots-a", async a =>
            await SandboxApi.InOwnSandboxAsync(Client(Operator), "slots-b", async b =>
            {
                var memoirs = new List<(CreatedSandbox Sandbox, FeeMemoirDto Memoir)>();
                foreach (var sandbox in new[] { a, b })
                {
                    var physio = Client(sandbox.Key("physio-1"));
                    var voucher = (await physio.AgreedVouchersAsync(1)).Single();
                    var memoir = await BillingApi.SubmitAsync(physio,
                        BillingApi.Memoir("SLOT-1", BillingApi.Line(voucher, ValidationTestSupport.Today.ToString("yyyy-MM-dd"))));
                    Assert.Equal(FeeMemoirStatus.Adjudicated, memoir.Status);
                    memoirs.Add((sandbox, memoir));
                }

                var runs = new List<PaymentRunSummaryDto>();
                foreach (var (sandbox, memoir) in memoirs)
                {
                    var admin = Client(sandbox.Key("admin"));
                    await SetClockAsync(admin, Local("2026-11-30", 3));
                    var run = Assert.Single(await AllAsync<PaymentRunSummaryDto>(admin, "/api/v1/payment-runs"));
                    Assert.Equal((PaymentRunTrigger.Weekly, PaymentRunStatus.Closed, new DateOnly(2026, 11, 30), 1),
                        (run.Trigger, run.Status, run.ExecutionDate, run.LineCount));
                    var paid = await LifecycleApi.GetAsync<FeeMemoirDto>(Client(sandbox.Key("physio-1")), $"/api/v1/fee-memoirs/{memoir.Id}");
                    Assert.Equal(FeeMemoirStatus.Paid, paid.Status);
                    runs.Add(run);
                }
                Assert.NotEqual(runs[0].Id, runs[1].Id);
                Assert.Equal(PaymentRunIds.ForSlot(a.Id, "weekly:2026-11-30"), runs[0].Id);
                Assert.Equal(PaymentRunIds.ForSlot(b.Id, "weekly:2026-11-30"), runs[1].Id);
            }));
    }
}
