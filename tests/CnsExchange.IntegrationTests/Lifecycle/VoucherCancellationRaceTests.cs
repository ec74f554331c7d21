using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Billing;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Sandboxes;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Xunit.Abstractions;

namespace CnsExchange.IntegrationTests.Lifecycle;

/// <summary>
/// LIF-01 under concurrency: a provider cancels a voucher while a memoir or a billing file bills a session on it. The
/// cancellation is refused once a session is accepted, and a line decided after the cancellation is refused
/// VOUCHER_CANCELLED; sent at the same moment, one of the two wins and never both. Each case runs in a sandbox of its own
/// (its insured's sessions collide with no other test's), whose clock moves a month on after the vouchers are agreed so
/// that every round bills a day of its own.
/// </summary>
public sealed class VoucherCancellationRaceTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    private const int Rounds = 16;

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Lif01_a_memoir_and_the_cancellation_of_its_voucher_sent_at_once_never_leave_a_cancelled_voucher_with_an_accepted_session()
    {
        await InSandboxAsync("voucher-race-json", async (physio, vouchers) =>
        {
            var (cancelled, billed) = (0, 0);
            for (var i = 0; i < vouchers.Count; i++)
            {
                var gate = new TaskCompletionSource();
                var memoir = Task.Run(async () =>
                {
                    await gate.Task;
                    return await physio.PostJsonAsync("/api/v1/fee-memoirs", BillingApi.Memoir($"RACE-{i}", BillingApi.Line(vouchers[i], Day(i))));
                });
                // The memoir does more before it locks the voucher's services than the cancellation: the cancellation leaves
                // 0 to 30 ms after it, so that each side comes first in some rounds.
                var lag = TimeSpan.FromMilliseconds(i % 4 * 10);
                var cancel = Task.Run(async () => { await gate.Task; await Task.Delay(lag); return await LifecycleApi.CancelVoucherAsync(physio, vouchers[i]); });
                gate.SetResult();
                var line = BillingApi.LineOf(await (await memoir).ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created), 1);
                if (await CancellationWonAsync(await cancel, line)) cancelled++;
                else billed++;
            }
            output.WriteLine($"{vouchers.Count} rounds: the cancellation first in {cancelled}, the memoir first in {billed}");
        });
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Lif01_a_billing_file_processed_while_its_vouchers_are_cancelled_pays_no_session_on_a_cancelled_voucher()
    {
        await InSandboxAsync("voucher-race-file", async (physio, vouchers) =>
        {
            var csv = "memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\n"
                      + string.Concat(vouchers.Select((v, i) => $"F-{i},{v},{ValidationTestSupport.Adult},{Day(i)},ZK11,false,36.80\n"));
            var file = await BillingApi.UploadAsync(physio, csv, "text/csv");
            // Every second voucher is cancelled, one every 100 ms from the upload on: while the file waits for its job, goes
            // through it, or is processed.
            var cancellations = await Task.WhenAll(vouchers.Where((_, i) => i % 2 == 0).Select(async (v, k) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * k));
                return await LifecycleApi.CancelVoucherAsync(physio, v);
            }));
            var processed = await BillingApi.WaitForFileAsync(physio, file.Id);
            Assert.Equal(BillingFileStatus.Processed, processed.Status);
            var (cancelled, billed) = (0, 0);
            for (var i = 0; i < vouchers.Count; i += 2)
            {
                if (await CancellationWonAsync(cancellations[i / 2], await LineOfFileAsync(physio, processed, $"F-{i}"))) cancelled++;
                else billed++;
            }
            for (var i = 1; i < vouchers.Count; i += 2)
                Assert.Equal(LineOutcome.Accepted, (await LineOfFileAsync(physio, processed, $"F-{i}")).Outcome);
            output.WriteLine($"{vouchers.Count / 2} cancellations during the file: first in {cancelled}, after the file in {billed}");
        });
    }

    /// <summary>
    /// One of the two won, never both: the cancellation (200) and the line refused VOUCHER_CANCELLED, or the line accepted
    /// and the cancellation refused 409 voucher_has_accepted_sessions. True when the cancellation won.
    /// </summary>
    private static async Task<bool> CancellationWonAsync(HttpResponseMessage cancellation, FeeMemoirLineDto line)
    {
        if (cancellation.StatusCode == HttpStatusCode.OK)
        {
            Assert.Equal((LineOutcome.Refused, "VOUCHER_CANCELLED"), (line.Outcome, string.Join(",", BillingApi.Codes(line))));
            return true;
        }
        await cancellation.ExpectProblemAsync(HttpStatusCode.Conflict, "voucher_has_accepted_sessions");
        Assert.Equal(LineOutcome.Accepted, line.Outcome);
        return false;
    }

    /// <summary>Round <paramref name="i"/>'s session day: 24 November 2026 onwards, one day each.</summary>
    private static string Day(int i) => new DateOnly(2026, 11, 24).AddDays(i).ToString("yyyy-MM-dd");

    private static async Task<FeeMemoirLineDto> LineOfFileAsync(HttpClient physio, BillingFileDto file, string reference)
    {
        var page = await BillingApi.MemoirsAsync(physio, $"?billingFileId={file.Id}&limit=100");
        var summary = page.Items.Single(m => m.MemoirReference == reference);
        var memoir = await LifecycleApi.GetAsync<FeeMemoirDto>(physio, $"/api/v1/fee-memoirs/{summary.Id}");
        return BillingApi.LineOf(memoir, 1);
    }

    /// <summary>
    /// A sandbox of its own with <see cref="Rounds"/> agreed vouchers of one insured (ZK11, 6 sessions each), its clock then
    /// a month on; the sandbox is deleted afterwards.
    /// </summary>
    private Task InSandboxAsync(string name, Func<HttpClient, IReadOnlyList<string>, Task> body) =>
        SandboxApi.InOwnSandboxAsync(Client(Operator), name, async sandbox =>
        {
            var physio = Client(sandbox.Key("physio-1"));
            var vouchers = await physio.AgreedVouchersAsync(Rounds);
            await BillingApi.AdvanceDaysAsync(Client(sandbox.Key("admin")), 30);
            await body(physio, vouchers);
        });
}
