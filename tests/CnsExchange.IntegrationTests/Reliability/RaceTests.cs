using CnsExchange.Domain.Billing;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Application.Features.Billing;
using System.Net;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace CnsExchange.IntegrationTests.Reliability;

/// <summary>Idempotency and races at 100-way concurrency (issue 10, item 6).</summary>
public sealed class RaceTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Hundred_parallel_requests_with_one_idempotency_key_create_exactly_one_request()
    {
        var rx = ValidationTestSupport.Rx();
        var scan = ValidationTestSupport.Pdf("race");
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Client(Physio1).SubmitAsync(rx, scan, "race-key-1")));
        var ids = new List<string>();
        foreach (var r in responses)
            if (r.StatusCode == HttpStatusCode.Created) ids.Add((await r.ReadAsync<ValidationRequestDto>()).Id.ToString());
        var stored = await Api.WithScopeAsync(async sp =>
            await sp.GetRequiredService<CnsExchange.Infrastructure.Persistence.AppDbContext>().Set<CnsExchange.Domain.Physio.ValidationRequest>().CountAsync());
        var vouchers = await Api.WithScopeAsync(async sp => await sp.GetRequiredService<CnsExchange.Infrastructure.Persistence.AppDbContext>().Vouchers.CountAsync());
        ReliabilityFigures.Report(output, IdempotentRaceFigures(responses, ids.Distinct().Count(), stored));
        Assert.All(responses, r => Assert.True((int)r.StatusCode < 500, $"{(int)r.StatusCode}"));
        Assert.Equal(1, stored);
        Assert.Equal(1, vouchers);
        Assert.Single(ids.Distinct());
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Hundred_parallel_memoirs_on_one_voucher_never_pay_more_sessions_than_granted()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 8, PrescriptionDate = new DateOnly(2026, 8, 20), IssuedOn = new DateOnly(2026, 8, 21) });
        // 100 memoirs, each one session on its own day: only 8 can be paid.
        var start = new DateOnly(2026, 8, 21);
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", BillingApi.Memoir($"RACE-{i}", BillingApi.Line(voucher, start.AddDays(i % 90).ToString("yyyy-MM-dd"))))));
        var paid = 0;
        foreach (var r in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
        {
            var memoir = await r.ReadAsync<FeeMemoirDto>();
            paid += memoir.Lines.Count(l => l.Outcome is LineOutcome.Accepted or LineOutcome.Reduced);
        }
        var billed = await VoucherSeed.SessionsBilledAsync(Api, voucher);
        ReliabilityFigures.Report(output, MemoirRaceFigures(responses, paid));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{(int)r.StatusCode}"));
        Assert.True(paid <= 8, $"{paid} sessions paid for 8 granted");
        Assert.Equal(paid, billed);
        Assert.Equal(8, billed);
    }

    /// <summary>One key, 100 requests at once: the answers, the distinct resources answered and the requests stored.</summary>
    public static (string Name, long Value)[] IdempotentRaceFigures(IReadOnlyList<HttpResponseMessage> responses, int distinctIds, int stored) =>
    [
        ("idempotent race answers 201", responses.Count(r => r.StatusCode == HttpStatusCode.Created)),
        ("idempotent race distinct ids answered", distinctIds),
        ("idempotent race requests stored", stored),
        ("idempotent race extra requests", Math.Max(0, stored - 1)),
        ("idempotent race 5xx (503 included)", responses.Count(r => (int)r.StatusCode >= 500)),
    ];

    /// <summary>100 memoirs on one 8-session voucher at once: what was answered and paid.</summary>
    public static (string Name, long Value)[] MemoirRaceFigures(IReadOnlyList<HttpResponseMessage> responses, int paid) =>
    [
        ("race memoirs answered 2xx", responses.Count(r => r.IsSuccessStatusCode)),
        ("race sessions paid", paid),
        ("race sessions paid above grant", Math.Max(0, paid - 8)),
        ("race 5xx other than 503", responses.Count(r => (int)r.StatusCode >= 500 && r.StatusCode != HttpStatusCode.ServiceUnavailable)),
        ("race 503 answers (database busy; allowed)", responses.Count(r => r.StatusCode == HttpStatusCode.ServiceUnavailable)),
    ];
}
