using CnsExchange.Application.Features.Validation;
using CnsExchange.Application.Features.Admin;
using CnsExchange.Domain.Billing;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Payments;
using CnsExchange.Infrastructure.Billing;
using CnsExchange.Infrastructure.Payments;
using CnsExchange.IntegrationTests.Sandboxes;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Hangfire;
using Npgsql;
using Xunit.Abstractions;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.ScaleOut;

/// <summary>
/// Issue 22: what must hold when several API processes, each a Hangfire server, share one PostgreSQL — shown with two
/// hosts on one database. Each test works in a sandbox of its own. In the API collection: not in parallel with its tests,
/// whose memory and timing figures (the 100 MB billing file's heap growth) the two extra hosts and job servers would skew.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TwoHostTests(TwoHostsWithJobs hosts, ITestOutputHelper output) : IClassFixture<TwoHostsWithJobs>
{
    private TwoHostsWithJobs.Host A => hosts.A;
    private TwoHostsWithJobs.Host B => hosts.B;

    [Fact]
    public async Task A_keys_rate_limit_holds_across_two_hosts_within_ten_percent()
    {
        var sandbox = await SandboxApi.CreateAsync(A.As(ApiTest.Operator), mode: "frozen", seed: "standard");
        var created = await (await A.As(sandbox.Key("admin")).PostAsync("/api/v1/admin/providers/PHY0002/keys", null)).ExpectAsync<ProviderCreated>(HttpStatusCode.Created);
        var key = created.ApiKey;
        const int limit = 400;
        const int sent = 800;
        foreach (var host in hosts.Both) (host.RateLimits.TokenLimit, host.RateLimits.TokensPerSecond) = (limit, 1);
        try
        {
            // Each host's first request with the key counts in the address's bucket; from the second on it has the key's.
            foreach (var host in hosts.Both) Assert.Equal(HttpStatusCode.OK, (await host.As(key).GetAsync("/api/v1/reference/letter-key")).StatusCode);
            var started = Stopwatch.GetTimestamp();
            var statuses = new ConcurrentBag<HttpStatusCode>();
            await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                using var client = (worker % 2 == 0 ? A : B).As(key);
                for (var i = 0; i < sent / 8; i++) statuses.Add((await client.GetAsync("/api/v1/reference/letter-key")).StatusCode);
            })));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var admitted = statuses.Count(s => s == HttpStatusCode.OK);
            var allowed = limit + seconds * 1; // the bucket plus its refill (1 a second) while the requests ran
            output.WriteLine($"admitted {admitted} of {sent} in {seconds:0.0} s through two hosts; the key's budget was {allowed:0}");
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
            // Buckets counted per process would admit up to twice the limit; the shared one admits the limit, within 10 %.
            Assert.InRange(admitted, (int)(limit * 0.9), (int)(allowed * 1.1));
        }
        finally
        {
            foreach (var host in hosts.Both) (host.RateLimits.TokenLimit, host.RateLimits.TokensPerSecond) = (1_000_000, 1_000_000);
        }
    }

    [Fact]
    public async Task A_sandbox_deleted_through_one_host_stops_its_keys_on_the_other_at_once()
    {
        var sandbox = await SandboxApi.CreateAsync(A.As(ApiTest.Operator), mode: "frozen", seed: "standard");
        var physioOnB = B.As(sandbox.Key("physio-1"));
        Assert.Equal(HttpStatusCode.OK, (await physioOnB.GetAsync("/api/v1/validation-requests")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await A.As(ApiTest.Operator).DeleteAsync($"/api/v1/sandboxes/{sandbox.Id}")).StatusCode);

        await (await physioOnB.GetAsync("/api/v1/validation-requests")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_same_idempotency_key_sent_to_both_hosts_at_once_stores_one_request()
    {
        var sandbox = await SandboxApi.CreateAsync(A.As(ApiTest.Operator), mode: "frozen", seed: "standard");
        var clients = new[] { A.As(sandbox.Key("physio-1")), B.As(sandbox.Key("physio-1")) };
        const int keys = 10;
        for (var k = 0; k < keys; k++)
        {
            var rx = ValidationTestSupport.Rx() with { Diagnosis = $"two hosts {k}" };
            var scan = ValidationTestSupport.Pdf($"two-hosts-{k}");
            var key = $"two-hosts-{k}-{Guid.NewGuid():N}";
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => clients[i % 2].SubmitAsync(rx, scan, key)));
            var ids = new HashSet<string>();
            foreach (var answer in answers)
            {
                Assert.True(answer.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                if (answer.StatusCode == HttpStatusCode.Created) ids.Add((await answer.ReadAsync<ValidationRequestDto>()).Id.ToString());
            }
            Assert.Single(ids); // every 201 answers the one stored request
        }
        await using var conn = await OpenOwnerAsync();
        Assert.Equal(keys, await SandboxApi.CountAsync(conn, "SELECT count(*) FROM cns.validation_requests WHERE diagnosis LIKE 'two hosts %'"));
    }

    [Fact]
    public async Task Session_counters_hold_when_two_hosts_bill_one_voucher_at_once()
    {
        var sandbox = await SandboxApi.CreateAsync(A.As(ApiTest.Operator), mode: "frozen", seed: "standard");
        var voucher = (await A.As(sandbox.Key("physio-1")).DecideAsync(ValidationTestSupport.Rx())).Voucher!.Number;
        await AdvanceDaysAsync(A.As(sandbox.Key("admin")), 14);
        var clients = new[] { A.As(sandbox.Key("physio-1")), B.As(sandbox.Key("physio-1")) };
        // Six sessions granted; twelve memoirs of one session each, on twelve days, half through each host at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => clients[i % 2].PostJsonAsync("/api/v1/fee-memoirs",
            Memoir($"TWO-{i}", Line(voucher, ValidationTestSupport.Today.AddDays(i - 2).ToString("yyyy-MM-dd"))))));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, ((int)a.StatusCode).ToString()));

        await using var conn = await OpenOwnerAsync();
        var billed = await SandboxApi.CountAsync(conn, "SELECT coalesce(sum(sessions_billed), 0) FROM cns.voucher_services WHERE sandbox_id = $1", sandbox.Id);
        var paidLines = await SandboxApi.CountAsync(conn, """
            SELECT count(*) FROM cns.fee_memoir_lines l JOIN cns.fee_memoirs m ON m.id = l.memoir_id
            WHERE m.sandbox_id = $1 AND l.outcome IN ('Accepted', 'Reduced') AND NOT l.travel
            """, sandbox.Id);
        output.WriteLine($"{answers.Count(a => a.StatusCode == HttpStatusCode.Created)} memoirs stored, {paidLines} sessions accepted, counter {billed}");
        Assert.InRange(billed, 1, 6);
        Assert.Equal(paidLines, billed);
    }

    [Fact]
    public async Task Payment_runs_and_their_slots_execute_once_when_both_hosts_job_servers_run_them()
    {
        var steps = new ConcurrentBag<(string RunId, string Step, bool Failed)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName.StartsWith("payment_run.", StringComparison.Ordinal) && a.GetTagItem("cnsexchange.payment_run.id") is string run)
                    steps.Add((run, a.OperationName, a.Status == ActivityStatusCode.Error));
            },
        };
        ActivitySource.AddActivityListener(listener);

        // A running sandbox: the minutely tick of both job servers pays it, besides the runs started here.
        var sandbox = await SandboxApi.CreateAsync(A.As(ApiTest.Operator), mode: "running", seed: "standard");
        var physio = A.As(sandbox.Key("physio-1"));
        var voucher = (await physio.DecideAsync(ValidationTestSupport.Rx())).Voucher!.Number;
        await SubmitAsync(physio, Memoir("RUN-1", Line(voucher, "2026-11-20"), Line(voucher, "2026-11-21")));
        await SubmitAsync(B.As(sandbox.Key("physio-1")), Memoir("RUN-2", Line(voucher, "2026-11-23")));

        // A run started by hand through A, executed by both job servers at once (B's queue is sent the same run), while
        // both hosts trigger the scheduler tick, which creates and executes the slots that fell due on the sandbox's clock.
        var started = await (await A.As(sandbox.Key("admin")).PostAsync("/api/v1/admin/payment-runs", null)).ExpectAsync<PaymentRunDto>(HttpStatusCode.Accepted);
        var manual = started.Id;
        foreach (var host in hosts.Both)
        {
            host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<PaymentRunJobs>(j => j.ExecuteAsync(sandbox.Id, manual, CancellationToken.None));
            host.Services.GetRequiredService<IRecurringJobManager>().Trigger(PaymentRunServices.SchedulerJobId);
        }

        var admin = A.As(sandbox.Key("admin"));
        var runs = await Eventually.PollAsync(() => PaymentRuns.PaymentRunApi.AllAsync<PaymentRunSummaryDto>(admin, "/api/v1/payment-runs"),
            r => r.Count > 0 && r.All(x => x.Status == PaymentRunStatus.Closed), TimeSpan.FromSeconds(90));
        Assert.All(runs, r => Assert.Equal(PaymentRunStatus.Closed, r.Status));
        await Task.Delay(500); // a second executor that found the run closed ends without a step; let its span close too

        var runIds = runs.Select(r => r.Id.ToString()).ToHashSet();
        Assert.Contains(manual.ToString(), runIds);
        var executed = steps.Where(s => runIds.Contains(s.RunId) && !s.Failed).GroupBy(s => (s.RunId, s.Step)).ToList();
        output.WriteLine($"{runs.Count} run(s), {executed.Count} step executions: " + string.Join(", ", executed.Select(g => $"{g.Key.Step}×{g.Count()}")));
        var executedTwice = executed.Count(g => g.Count() > 1);
        Assert.Equal(0, executedTwice);
        Assert.Equal(runIds.Count * 4, executed.Count); // claim_lines, build_orders, write_files, mark_paid: each once per run

        await using var conn = await OpenOwnerAsync();
        // One order per provider and run (a line holds one run id: it cannot be paid by two), one run per slot.
        Assert.Equal(0, await SandboxApi.CountAsync(conn,
            "SELECT count(*) FROM (SELECT 1 FROM cns.payment_orders WHERE sandbox_id = $1 GROUP BY run_id, provider_id HAVING count(*) > 1) x", sandbox.Id));
        Assert.Equal(0, await SandboxApi.CountAsync(conn,
            "SELECT count(*) FROM (SELECT 1 FROM cns.payment_runs WHERE sandbox_id = $1 GROUP BY slot_key HAVING count(*) > 1) x", sandbox.Id));
    }

    [Fact]
    public async Task A_billing_file_sent_to_both_job_servers_is_processed_once()
    {
        var sandbox = await SandboxApi.CreateAsync(A.As(ApiTest.Operator), mode: "frozen", seed: "standard");
        var physio = A.As(sandbox.Key("physio-1"));
        var voucher = (await physio.DecideAsync(ValidationTestSupport.Rx())).Voucher!.Number;
        var csv = string.Join('\n', ["memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount",
            .. Enumerable.Range(0, 4).Select(i => $"BF-{i},{voucher},{ValidationTestSupport.Adult},2026-11-{20 + i:00},ZK11,false,36.80")]) + "\n";
        var accepted = await UploadAsync(physio, csv, "text/csv");
        var fileId = accepted.Id;
        // The same file queued on both job servers again (a recovery at start-up, a retry): each processes it or finds it done.
        foreach (var host in hosts.Both)
            for (var i = 0; i < 2; i++)
                host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<BillingFileJob>(j => j.ProcessAsync(sandbox.Id, fileId, CancellationToken.None));

        var file = await WaitForFileAsync(B.As(sandbox.Key("physio-1")), fileId.ToString(), TimeSpan.FromSeconds(60));
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        await Task.Delay(1000); // the queued duplicates run meanwhile
        await using var conn = await OpenOwnerAsync();
        Assert.Equal(4, await SandboxApi.CountAsync(conn, "SELECT count(*) FROM cns.fee_memoirs WHERE sandbox_id = $1 AND reference LIKE 'BF-%'", sandbox.Id));
        var acceptedLines = await SandboxApi.CountAsync(conn, """
            SELECT count(*) FROM cns.fee_memoir_lines l JOIN cns.fee_memoirs m ON m.id = l.memoir_id
            WHERE m.sandbox_id = $1 AND l.outcome IN ('Accepted', 'Reduced') AND NOT l.travel
            """, sandbox.Id);
        Assert.Equal(4, await SandboxApi.CountAsync(conn, "SELECT count(*) FROM cns.fee_memoir_lines l JOIN cns.fee_memoirs m ON m.id = l.memoir_id WHERE m.sandbox_id = $1", sandbox.Id));
        Assert.Equal(acceptedLines, await SandboxApi.CountAsync(conn, "SELECT coalesce(sum(sessions_billed), 0) FROM cns.voucher_services WHERE sandbox_id = $1", sandbox.Id));
    }

    [Fact]
    public async Task The_chaos_runs_loss_paid_twice_and_executed_twice_figures_move_when_the_data_is_broken()
    {
        // The counts of scripts/scale-out.sh --chaos, on a closed run of a sandbox of its own, then on that run tampered with.
        var sandbox = await SandboxApi.CreateAsync(A.As(ApiTest.Operator), mode: "frozen", seed: "standard");
        var physio = A.As(sandbox.Key("physio-1"));
        var decision = await physio.DecideAsync(ValidationTestSupport.Rx() with { Diagnosis = "chaos figure" });
        var voucher = decision.Voucher!.Number;
        await SubmitAsync(physio, Memoir("FIG-1", Line(voucher, "2026-11-20")));
        var started = await (await A.As(sandbox.Key("admin")).PostAsync("/api/v1/admin/payment-runs", null)).ExpectAsync<PaymentRunDto>(HttpStatusCode.Accepted);
        await PaymentRuns.PaymentRunApi.WaitForClosedAsync(A.As(sandbox.Key("admin")), started.Id, TimeSpan.FromSeconds(60));
        var sent = new CnsExchange.Reliability.KillScenario.Sent("validation", "", "", "chaos figure");

        await using var conn = await OpenOwnerAsync();
        var (paidTwice, executedTwice) = (await CnsExchange.Reliability.ScaleChecks.PaidTwiceAsync(conn), await CnsExchange.Reliability.ScaleChecks.RunsExecutedTwiceAsync(conn));
        Assert.Equal((0, 0L), CnsExchange.Reliability.KillChecks.LostAndDuplicates([sent], await CnsExchange.Reliability.KillChecks.ResourcesByContentAsync(conn, [sent])));

        await using (var tx = await conn.BeginTransactionAsync())
        {
            // Broken on purpose, then rolled back: a lost request, an order paying twice its lines, a run whose orders differ from
            // what it counted when it built them (as a second execution would leave them), a line paid above payable.
            await using var cmd = new NpgsqlCommand("""
                SET LOCAL session_replication_role = replica;
                UPDATE cns.validation_requests SET diagnosis = 'gone' WHERE diagnosis = 'chaos figure';
                UPDATE cns.payment_orders SET amount = amount * 2 WHERE sandbox_id = @s;
                UPDATE cns.payment_runs SET order_count = order_count + 1 WHERE sandbox_id = @s;
                UPDATE cns.fee_memoir_lines SET paid_amount = payable_amount + 1 WHERE sandbox_id = @s AND payment_run_id IS NOT NULL;
                """, conn, tx);
            cmd.Parameters.AddWithValue("s", sandbox.Id);
            await cmd.ExecuteNonQueryAsync();
            Assert.Equal((1, 0L), CnsExchange.Reliability.KillChecks.LostAndDuplicates([sent], await CnsExchange.Reliability.KillChecks.ResourcesByContentAsync(conn, [sent])));
            Assert.True(await CnsExchange.Reliability.ScaleChecks.PaidTwiceAsync(conn) >= paidTwice + 2); // the order and the line
            Assert.Equal(executedTwice + 1, await CnsExchange.Reliability.ScaleChecks.RunsExecutedTwiceAsync(conn)); // orders unlike the count the run built
            await tx.RollbackAsync();
        }
    }

    private async Task<NpgsqlConnection> OpenOwnerAsync()
    {
        var conn = new NpgsqlConnection(hosts.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }
}
