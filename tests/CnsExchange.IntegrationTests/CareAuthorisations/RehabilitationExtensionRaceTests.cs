using System.Net;
using CnsExchange.Application.Features.Rehabilitation;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.IntegrationTests.Sandboxes;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.CareAuthorisations.CareTestSupport;

namespace CnsExchange.IntegrationTests.CareAuthorisations;

/// <summary>
/// REH-03 under concurrency: a geriatric stationary rehabilitation has at most two extensions. Six asked at the same moment
/// (each with its own Idempotency-Key) grant exactly two; the others are refused EXTENSION_LIMIT_REACHED, and the voucher
/// counts two. Runs in a sandbox of its own.
/// </summary>
public sealed class RehabilitationExtensionRaceTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Reh03_six_extensions_asked_at_once_grant_exactly_two()
    {
        var sandbox = await SandboxApi.CreateAsync(Client(Operator), name: "rehab-extension-race");
        var deleted = HttpStatusCode.InternalServerError;
        try
        {
            var centre = Client(sandbox.Key("rehab-1"));
            var rehab = await centre.RehabAsync(Rehab("GER_STAT", start: Today));
            var gate = new TaskCompletionSource();
            var asks = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
            {
                await gate.Task;
                return await centre.SendJsonAsync($"{RehabUrl}/{rehab.Id}/extensions", new { days = 10 }, $"race-extension-{i}");
            })).ToList();
            gate.SetResult();
            var decisions = new List<RehabilitationExtensionDecisionDto>();
            foreach (var ask in asks) decisions.Add(await (await ask).ExpectAsync<RehabilitationExtensionDecisionDto>(HttpStatusCode.Created));

            Assert.Equal(2, decisions.Count(d => d.Extension.Outcome == ExtensionOutcome.Granted));
            Assert.All(decisions.Where(d => d.Extension.Outcome != ExtensionOutcome.Granted),
                d => Assert.Equal(["EXTENSION_LIMIT_REACHED"], d.Extension.Reasons.Select(r => r.Code)));
            var voucher = await (await centre.GetAsync($"/api/v1/vouchers/{rehab.Voucher!.Number}")).ExpectAsync<VoucherDto>(HttpStatusCode.OK);
            Assert.Equal(2, voucher.Rehabilitation!.ExtensionsGranted);
            Assert.Equal(rehab.Voucher.Services[0].SessionsGranted + 20, voucher.Services[0].SessionsGranted);
        }
        finally
        {
            deleted = (await Client(Operator).DeleteAsync($"/api/v1/sandboxes/{sandbox.Id}")).StatusCode;
        }
        Assert.Equal(HttpStatusCode.NoContent, deleted);
    }
}
