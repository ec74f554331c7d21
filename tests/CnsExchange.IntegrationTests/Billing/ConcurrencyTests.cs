using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>BIL-06/07/08 are decided by the database, whatever arrives at the same moment.</summary>
public sealed class ConcurrencyTests(ApiFactory api) : ApiTest(api)
{
    private async Task<List<FeeMemoirDto>> SendInParallelAsync(IEnumerable<object> memoirs)
    {
        var client = Client(Physio1);
        var responses = await Task.WhenAll(memoirs.Select(m => client.PostJsonAsync("/api/v1/fee-memoirs", m)));
        var bodies = new List<FeeMemoirDto>();
        foreach (var r in responses) bodies.Add(await r.ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created));
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
        Assert.Equal(8, lines.Count(l => l.Outcome == LineOutcome.Accepted));
        Assert.Equal(12, lines.Count(l => l.Outcome == LineOutcome.Refused));
        Assert.All(lines.Where(l => l.Outcome == LineOutcome.Refused), l => Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(l)));
        Assert.Equal(8 * 25.76m, lines.Sum(l => l.CnsAmount));
        Assert.Equal(8, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        Assert.Equal(8, await PaidLinesAsync());
    }

    [Fact]
    public async Task The_same_line_sent_in_parallel_is_paid_once()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var bodies = await SendInParallelAsync(Enumerable.Range(0, 10).Select(i => Memoir($"DUP-{i}", Line(voucher, "2026-11-10"))));
        var lines = bodies.Select(b => LineOf(b, 1)).ToList();
        Assert.Single(lines, l => l.Outcome == LineOutcome.Accepted);
        Assert.All(lines.Where(l => l.Outcome == LineOutcome.Refused), l => Assert.Contains("DUPLICATE_LINE", Codes(l)));
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
        Assert.Single(lines, l => l.Outcome == LineOutcome.Accepted);
        Assert.All(lines.Where(l => l.Outcome == LineOutcome.Refused), l =>
            Assert.True(Codes(l).Contains("ONE_ACT_PER_SESSION") || Codes(l).Contains("DUPLICATE_LINE"), string.Join(",", Codes(l))));
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, common) + await VoucherSeed.SessionsBilledAsync(Api, drainage));
        Assert.Equal(1, await PaidLinesAsync());
    }

    /// <summary>
    /// A CSV billing file of <paramref name="lines"/> lines in memoirs of 100: every 1000th line bills
    /// <paramref name="voucher"/> (one session day after another from 2026-11-02), the others an unknown voucher, so
    /// that the job runs long enough for memoirs sent meanwhile to land in the middle of it.
    /// </summary>
    private static string FileBilling(string voucher, int lines = 20_000)
    {
        var unknown = Domain.Vouchers.VoucherNumber.Format(Domain.Vouchers.VoucherKind.Physiotherapy, 2026, 5_000_000);
        var sb = new System.Text.StringBuilder("memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount\n");
        for (var n = 0; n < lines; n++)
        {
            var date = new DateOnly(2026, 11, 2).AddDays(n / 1000 % 20).ToString("yyyy-MM-dd");
            sb.Append($"FILE-{n / 100:0000},{(n % 1000 == 0 ? voucher : unknown)},{Adult},{date},ZK11,36.80\n");
        }
        return sb.ToString();
    }

    /// <summary>Sends the memoirs one after another, a few milliseconds apart, while the file is being processed.</summary>
    private async Task<List<FeeMemoirDto>> TrickleAsync(IEnumerable<object> memoirs)
    {
        var client = Client(Physio1);
        var sent = new List<Task<HttpResponseMessage>>();
        foreach (var memoir in memoirs)
        {
            sent.Add(client.PostJsonAsync("/api/v1/fee-memoirs", memoir));
            await Task.Delay(40);
        }
        var bodies = new List<FeeMemoirDto>();
        foreach (var r in await Task.WhenAll(sent)) bodies.Add(await r.ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created));
        return bodies;
    }

    private Task<List<(string Voucher, DateOnly Date)>> PaidSessionsAsync() => Api.WithScopeAsync(sp =>
        sp.GetRequiredService<AppDbContext>().Set<Domain.Billing.FeeMemoirLine>().Where(l => l.Outcome != Domain.Billing.LineOutcome.Refused)
            .Select(l => new ValueTuple<string, DateOnly>(l.VoucherNumber!, l.SessionDate)).ToListAsync());

    [Fact]
    public async Task A_billing_file_and_json_memoirs_sent_at_once_for_one_8_session_voucher_pay_exactly_8_sessions()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 8 });
        var upload = UploadAsync(Client(Physio1), FileBilling(voucher), "text/csv");
        var json = await TrickleAsync(Enumerable.Range(0, 20)
            .Select(i => Memoir($"JSON-{i:00}", Line(voucher, new DateOnly(2026, 11, 2).AddDays(i).ToString("yyyy-MM-dd")))));
        var file = await WaitForFileAsync(Client(Physio1), (await upload).Id.ToString(), TimeSpan.FromSeconds(60));

        Assert.Equal(BillingFileStatus.Processed, file.Status);
        var paid = await PaidSessionsAsync();
        Assert.Equal(8, paid.Count);
        Assert.Equal(8, paid.Select(p => p.Date).Distinct().Count()); // BIL-08: no session paid twice
        Assert.Equal(8, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        Assert.All(json.Select(b => LineOf(b, 1)).Where(l => l.Outcome == LineOutcome.Refused),
            l => Assert.True(Codes(l).Contains("SESSIONS_EXHAUSTED") || Codes(l).Contains("DUPLICATE_LINE"), string.Join(",", Codes(l))));
    }

    [Fact]
    public async Task A_billing_file_and_json_memoirs_for_one_insured_and_day_on_two_vouchers_pay_one_act_a_day()
    {
        var common = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 24 });
        var drainage = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Category = "lymphatic_drainage", ActCode = "ZK16", Sessions = 24, RatePercent = 100m });
        // The file bills the common voucher; the JSON memoirs the drainage voucher, which the file does not lock.
        var upload = UploadAsync(Client(Physio1), FileBilling(common), "text/csv");
        var json = await TrickleAsync(Enumerable.Range(0, 20)
            .Select(i => Memoir($"JSON-{i:00}", Line(drainage, new DateOnly(2026, 11, 2).AddDays(i).ToString("yyyy-MM-dd"), act: "ZK16", claimed: 32.40m))));
        var file = await WaitForFileAsync(Client(Physio1), (await upload).Id.ToString(), TimeSpan.FromSeconds(60));

        Assert.Equal(BillingFileStatus.Processed, file.Status);
        var paid = await PaidSessionsAsync();
        Assert.Equal(20, paid.Count);
        Assert.Equal(20, paid.Select(p => p.Date).Distinct().Count()); // BIL-07: one act per insured and day
        Assert.Equal(20, await VoucherSeed.SessionsBilledAsync(Api, common) + await VoucherSeed.SessionsBilledAsync(Api, drainage));
        Assert.Equal(paid.Count(p => p.Voucher == common), await VoucherSeed.SessionsBilledAsync(Api, common));
        Assert.All(json.Select(b => LineOf(b, 1)).Where(l => l.Outcome == LineOutcome.Refused), l => Assert.Contains("ONE_ACT_PER_SESSION", Codes(l)));
    }

    [Fact]
    public async Task Bil07_a_file_waits_for_a_memoir_of_the_same_person_on_another_voucher_and_refuses_its_line_of_that_day()
    {
        var common = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 24 });
        var drainage = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Category = "lymphatic_drainage", ActCode = "ZK16", Sessions = 24, RatePercent = 100m });
        var csv = $"memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount\nRACE-1,{common},{Adult},2026-11-10,ZK11,36.80\nRACE-1,{common},{Adult},2026-11-12,ZK11,36.80\n";
        // Registered without queueing the job, so that this test runs it.
        var (fileId, providerId) = await RegisterWithoutJobAsync(Api, csv);

        // A memoir pays the drainage session of 2026-11-10 and is still uncommitted when the file is imported. The file
        // locks no service of the drainage voucher, but it locks the same person (BIL-07 spans vouchers): it waits there,
        // before it reads any fact, and then sees the memoir's line. (Before the person was locked, the file decided to pay
        // its line of that day, its bulk write waited on the memoir's paid line, and the whole import was rolled back and
        // run again: once for every memoir that committed during it.)
        using var sandbox = Api.EnterDefaultSandbox();
        await using var scope = Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var held = await db.Database.BeginTransactionAsync();
        var adjudicator = new FeeMemoirAdjudicator(db, scope.ServiceProvider.GetRequiredService<IBillingLedger>(),
            scope.ServiceProvider.GetRequiredService<Application.Common.IReferenceData>().Catalog, Api.Clock);
        var memoir = await adjudicator.AdjudicateAsync(new MemoirToAdjudicate(providerId, "HELD-1", Domain.Billing.FeeMemoirSource.Api, Api.Clock.GetUtcNow(),
            [new Domain.Billing.FeeMemoirLineInput(drainage, Adult, new DateOnly(2026, 11, 10), "ZK16", false, 32.40m)]), default);
        Assert.Equal(Domain.Billing.LineOutcome.Accepted, memoir.Lines[0].Outcome);

        var run = Api.WithScopeAsync(sp => sp.GetRequiredService<IMediator>().Send(new ProcessBillingFile(fileId)).AsTask());
        await Sql.WaitUntilWaitingOnLockAsync(Api.ConnectionString, "%FROM cns.insured i%FOR NO KEY UPDATE%", run, "The import never waited on the memoir's person.");
        await held.CommitAsync();

        Assert.Equal(Domain.Billing.BillingFileStatus.Processed, await run);
        var file = await (await Client(Physio1).GetAsync($"/api/v1/billing-files/{fileId}")).ExpectAsync<BillingFileDto>(HttpStatusCode.OK);
        var lines = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{file.Memoirs[0].Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(LineOutcome.Refused, LineOf(lines, 1).Outcome);
        Assert.Contains("ONE_ACT_PER_SESSION", Codes(LineOf(lines, 1)));
        Assert.Equal(LineOutcome.Accepted, LineOf(lines, 2).Outcome);
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, common));
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, drainage));
        Assert.Equal(2, await PaidLinesAsync());
    }
}
