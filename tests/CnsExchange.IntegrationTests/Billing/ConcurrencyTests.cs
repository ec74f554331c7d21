using System.Net;
using System.Text.Json.Nodes;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>BIL-06/07/08 are decided by the database, whatever arrives at the same moment.</summary>
public sealed class ConcurrencyTests(ApiFactory api) : ApiTest(api)
{
    private async Task<List<JsonNode>> SendInParallelAsync(IEnumerable<object> memoirs)
    {
        var client = Client(Physio1);
        var responses = await Task.WhenAll(memoirs.Select(m => client.PostJsonAsync("/api/v1/fee-memoirs", m)));
        var bodies = new List<JsonNode>();
        foreach (var r in responses) bodies.Add(await r.ExpectAsync(HttpStatusCode.Created));
        return bodies;
    }

    private Task<int> PaidLinesAsync() => Api.WithScopeAsync(sp =>
        sp.GetRequiredService<AppDbContext>().Set<Domain.Billing.FeeMemoirLine>().CountAsync(l => l.Outcome != Domain.Billing.LineOutcome.Refused));

    [Fact]
    public async Task Twenty_memoirs_sent_in_parallel_for_one_8_session_voucher_pay_exactly_8_sessions()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 8 });
        var first = new DateOnly(2026, 11, 2);
        var bodies = await SendInParallelAsync(Enumerable.Range(0, 20)
            .Select(i => Memoir($"PAR-{i:00}", Line(voucher, first.AddDays(i).ToString("yyyy-MM-dd")))));

        var lines = bodies.Select(b => LineOf(b, 1)).ToList();
        Assert.Equal(8, lines.Count(l => Outcome(l) == "accepted"));
        Assert.Equal(12, lines.Count(l => Outcome(l) == "refused"));
        Assert.All(lines.Where(l => Outcome(l) == "refused"), l => Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(l)));
        Assert.Equal(8 * 25.76m, lines.Sum(l => Amount(l, "cnsAmount")));
        Assert.Equal(8, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        Assert.Equal(8, await PaidLinesAsync());
    }

    [Fact]
    public async Task The_same_line_sent_in_parallel_is_paid_once()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var bodies = await SendInParallelAsync(Enumerable.Range(0, 10).Select(i => Memoir($"DUP-{i}", Line(voucher, "2026-11-10"))));
        var lines = bodies.Select(b => LineOf(b, 1)).ToList();
        Assert.Single(lines, l => Outcome(l) == "accepted");
        Assert.All(lines.Where(l => Outcome(l) == "refused"), l => Assert.Contains("DUPLICATE_LINE", Codes(l)));
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task Two_acts_for_one_insured_and_day_on_two_vouchers_in_parallel_pay_one()
    {
        var common = await VoucherSeed.CreateAsync(Api);
        var drainage = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Category = "lymphatic_drainage", ActCode = "ZK16", Sessions = 24, RatePercent = 100m });
        var bodies = await SendInParallelAsync(Enumerable.Range(0, 10).Select(i => i % 2 == 0
            ? Memoir($"ONE-{i}", Line(common, "2026-11-10"))
            : Memoir($"ONE-{i}", Line(drainage, "2026-11-10", act: "ZK16", claimed: 32.40m))));
        var lines = bodies.Select(b => LineOf(b, 1)).ToList();
        Assert.Single(lines, l => Outcome(l) == "accepted");
        Assert.All(lines.Where(l => Outcome(l) == "refused"), l =>
            Assert.True(Codes(l).Contains("ONE_ACT_PER_SESSION") || Codes(l).Contains("DUPLICATE_LINE"), string.Join(",", Codes(l))));
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, common) + await VoucherSeed.SessionsBilledAsync(Api, drainage));
        Assert.Equal(1, await PaidLinesAsync());
    }
}
