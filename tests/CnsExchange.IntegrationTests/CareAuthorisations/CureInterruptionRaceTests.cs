using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Cures;
using CnsExchange.Domain.Billing;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Sandboxes;
using CnsExchange.IntegrationTests.Support;
using Xunit.Abstractions;
using static CnsExchange.IntegrationTests.CareAuthorisations.CareTestSupport;
using static CnsExchange.IntegrationTests.OtherBilling.OtherBillingSupport;

namespace CnsExchange.IntegrationTests.CareAuthorisations;

/// <summary>
/// CUR-09 under concurrency: the centre bills sessions of a cure while the cure's interruption without valid reason is
/// recorded from a date before them. Whichever comes first, CNS pays no session from the interruption on: the memoir
/// decided after it refuses them CURE_INTERRUPTED, and the interruption recorded after the memoir stops their payment.
/// Each round runs in a sandbox of its own (one cure of one insured), and the interruption leaves 0 to 30 ms after the
/// memoir, so that each side comes first in some rounds.
/// </summary>
public sealed class CureInterruptionRaceTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    private const int Rounds = 12;
    private static readonly DateOnly InterruptedOn = new(2026, 12, 14);

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Cur09_sessions_billed_while_the_cure_is_interrupted_are_never_left_payable_from_the_interruption_on()
    {
        var (refused, stopped) = (0, 0);
        var leaks = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            await SandboxApi.InOwnSandboxAsync(Client(Operator), $"cure-interruption-race-{round}", async sandbox =>
            {
                var centre = Client(sandbox.Key("thermal-1"));
                var cure = await centre.CureAsync(Cure("T260", start: new DateOnly(2026, 11, 30)));
                await BillingApi.AdvanceDaysAsync(Client(sandbox.Key("admin")), 24); // Thursday 17 December 2026
                var voucher = cure.Voucher!.Number;
                var gate = new TaskCompletionSource();
                var lag = TimeSpan.FromMilliseconds(round % 4 * 10);
                var billing = Task.Run(async () =>
                {
                    await gate.Task;
                    return await centre.PostJsonAsync("/api/v1/fee-memoirs", new
                    {
                        memoirReference = $"CUR09-RACE-{round}",
                        lines = new[] { VoucherLine(voucher, Adult, InterruptedOn, "T260", 30.00m), VoucherLine(voucher, Adult, InterruptedOn.AddDays(1), "T260", 30.00m) },
                    });
                });
                var interruption = Task.Run(async () =>
                {
                    await gate.Task;
                    await Task.Delay(lag);
                    return await centre.PostJsonAsync($"{CureUrl}/{cure.Id}/interruption", new { from = InterruptedOn.Iso(), note = "No show since." });
                });
                gate.SetResult();
                var memoirId = (await (await billing).ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created)).Id;
                var recorded = await (await interruption).ExpectAsync<CureAuthorisationDto>(HttpStatusCode.OK);
                Assert.Equal(InterruptedOn, recorded.Authorisation!.InterruptedOn);

                var memoir = await (await centre.GetAsync($"/api/v1/fee-memoirs/{memoirId}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
                foreach (var line in memoir.Lines)
                {
                    if (line.PayableAmount > 0m) leaks.Add($"round {round}: line {line.LineNumber} ({line.SessionDate:yyyy-MM-dd}) {line.Outcome}, payable {line.PayableAmount}");
                    else if (line.Outcome == LineOutcome.Refused) refused++;
                    else stopped++;
                    if (line.PayableAmount == 0m) Assert.Contains(line.Reasons, r => r.Code == "CURE_INTERRUPTED");
                }
            });
        }
        output.WriteLine($"{Rounds} rounds, {2 * Rounds} sessions from the interruption on: refused when billed {refused}, payment stopped by the interruption {stopped}, left payable {leaks.Count}");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }
}
