using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Features.Admin;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Infrastructure.Clock;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using CnsExchange.Application.Common;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Hangfire;

namespace CnsExchange.IntegrationTests.Sandboxes;

/// <summary>
/// PUT /admin/clock waits for the due work at most CnsExchange:Sandboxes:AdvanceWaitSeconds: within it 200 as ever,
/// past it 202 with a Location to the advance's status, stored in PostgreSQL and visible to its sandbox only.
/// </summary>
public sealed class ClockAdvanceTests(ApiFactory api) : ApiTest(api)
{
    /// <summary>
    /// A relative move is taken from the clock as it stands when the move holds the sandbox's row: advances sent at once
    /// each move it (they were all read from the same start, and all but one were lost while each answered 200).
    /// </summary>
    [Theory]
    [InlineData("frozen")]
    [InlineData("running")]
    public async Task Advances_sent_at_once_each_move_the_clock(string mode)
    {
        var sandbox = await SandboxApi.CreateAsync(Client(Operator), name: "advances-at-once", mode: mode);
        try
        {
            var admin = Client(sandbox.Key("admin"));
            var before = await (await admin.GetAsync("/api/v1/admin/clock")).ExpectAsync<ClockDto>(HttpStatusCode.OK);
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => admin.PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 1 })));
            foreach (var answer in answers) await answer.ExpectAsync(HttpStatusCode.OK);
            var after = await (await admin.GetAsync("/api/v1/admin/clock")).ExpectAsync<ClockDto>(HttpStatusCode.OK);
            // A running clock also moved with real time in between: a few seconds at most.
            var moved = (after.Now - before.Now) - (after.SystemNow - before.SystemNow);
            Assert.InRange(moved, TimeSpan.FromDays(4) - TimeSpan.FromSeconds(1), TimeSpan.FromDays(4) + TimeSpan.FromSeconds(1));
            // A zero step is no step back, whatever the mode.
            await (await admin.PutJsonAsync("/api/v1/admin/clock", new { advanceHours = 0 })).ExpectAsync(HttpStatusCode.OK);
        }
        finally
        {
            await Client(Operator).DeleteAsync($"/api/v1/sandboxes/{sandbox.Id}");
        }
    }

    private async Task<(CreatedSandbox Sandbox, string Memoir)> SandboxWithABilledMemoirAsync()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), name: "advance");
        var physio = Client(b.Key("physio-1"));
        var voucher = (await physio.DecideAsync(ValidationTestSupport.Rx())).Voucher!.Number;
        var memoir = await Billing.BillingApi.SubmitAsync(physio, Billing.BillingApi.Memoir("ADV-1", Billing.BillingApi.Line(voucher, "2026-11-23")));
        Assert.Equal(FeeMemoirStatus.Adjudicated, memoir.Status);
        return (b, memoir.Id.ToString());
    }

    [Fact]
    public async Task Past_the_wait_budget_the_advance_answers_202_and_its_status_reaches_done_with_the_work_done_once()
    {
        var (b, memoir) = await SandboxWithABilledMemoirAsync();
        var admin = Client(b.Key("admin"));
        var options = Api.Services.GetRequiredService<ClockAdvanceOptions>();
        var budget = options.Wait;
        options.Wait = TimeSpan.Zero;
        HttpResponseMessage response;
        try
        {
            response = await admin.PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 30 });
        }
        finally
        {
            options.Wait = budget;
        }
        var accepted = await response.ExpectAsync<ClockAdvanceDto>(HttpStatusCode.Accepted);
        var location = response.Headers.Location!.ToString();
        Assert.Equal($"/api/v1/admin/clock/advances/{accepted.Id}", location);
        Assert.Equal(ApiFactory.Start, accepted.From);
        Assert.Equal(ApiFactory.Start.AddDays(30), accepted.To);
        // The clock moved at once, whatever the work's progress.
        Assert.Equal(ApiFactory.Start.AddDays(30), (await (await admin.GetAsync("/api/v1/admin/clock")).ExpectAsync<ClockDto>(HttpStatusCode.OK)).Now);

        ClockAdvanceDto status;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            status = await AdvanceAsync(admin, location);
            if (status.Status != "running") break;
            await Task.Delay(100);
        } while (waited.Elapsed < TimeSpan.FromSeconds(60));
        Assert.Equal("done", status.Status);
        Assert.NotNull(status.FinishedAt);
        Assert.Null(status.Error);

        // Done exactly once: one payment run paid the memoir, one return file reports it.
        var physio = Client(b.Key("physio-1"));
        Assert.Equal(FeeMemoirStatus.Paid, (await (await physio.GetAsync($"/api/v1/fee-memoirs/{memoir}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK)).Status);
        Assert.Single(await PaymentRuns.PaymentRunApi.AllAsync<PaymentRunSummaryDto>(admin, "/api/v1/payment-runs"));
        Assert.Single((await (await physio.GetAsync("/api/v1/return-files")).ExpectAsync<Page<ReturnFileDto>>(HttpStatusCode.OK)).Items);

        // Another sandbox's key does not see it.
        await (await Client(Admin).GetAsync(location)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var other = await SandboxApi.CreateAsync(Client(Operator), name: "other", seed: "empty");
        await (await Client(other.Key("admin")).GetAsync(location)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_suites_reset_waits_for_the_due_work_of_an_advance_that_answered_202()
    {
        // Found by a full run on a loaded machine: an advance of one test still paying when the next test began paid that
        // test's memoir (LIF-03's "Adjudicated" read as "Paid"). The reset now waits for such work to end.
        var (b, _) = await SandboxWithABilledMemoirAsync();
        var options = Api.Services.GetRequiredService<ClockAdvanceOptions>();
        var budget = options.Wait;
        options.Wait = TimeSpan.Zero;
        try
        {
            await (await Client(b.Key("admin")).PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 30 })).ExpectAsync(HttpStatusCode.Accepted);
        }
        finally
        {
            options.Wait = budget;
        }

        await Api.ResetAsync();

        await using var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        Assert.Equal(0L, await ApiFactory.AdvisoryLocksOfOthersAsync(conn));
    }

    [Fact]
    public async Task Within_the_default_budget_a_small_advance_answers_200_with_its_work_done()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), Api.Services.GetRequiredService<ClockAdvanceOptions>().Wait);
        var (b, memoir) = await SandboxWithABilledMemoirAsync();
        var admin = Client(b.Key("admin"));
        var moved = await (await admin.PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 30 })).ExpectAsync<ClockDto>(HttpStatusCode.OK);
        Assert.Equal(ApiFactory.Start.AddDays(30), moved.Now);
        Assert.Equal(FeeMemoirStatus.Paid, (await (await Client(b.Key("physio-1")).GetAsync($"/api/v1/fee-memoirs/{memoir}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK)).Status);
        Assert.Single(await PaymentRuns.PaymentRunApi.AllAsync<PaymentRunSummaryDto>(admin, "/api/v1/payment-runs"));
    }

    [Fact]
    public async Task An_advance_a_crashed_process_left_running_is_finished_by_the_sweep_once()
    {
        var (b, memoir) = await SandboxWithABilledMemoirAsync();
        var advanceId = await LeaveRunningAsync(b.Id);
        var admin = Client(b.Key("admin"));
        var location = $"/api/v1/admin/clock/advances/{advanceId}";
        Assert.Equal("running", (await AdvanceAsync(admin, location)).Status);

        var runner = Api.Services.GetRequiredService<ClockAdvanceRunner>();
        var sandboxes = Api.Services.GetRequiredService<ISandboxUnits>();
        await runner.ResumeOrphansAsync(sandboxes, CancellationToken.None);
        await runner.ResumeOrphansAsync(sandboxes, CancellationToken.None); // a second sweep finds nothing left

        var status = await AdvanceAsync(admin, location);
        Assert.Equal("done", status.Status);
        Assert.Equal(FeeMemoirStatus.Paid, (await (await Client(b.Key("physio-1")).GetAsync($"/api/v1/fee-memoirs/{memoir}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK)).Status);
        Assert.Single(await PaymentRuns.PaymentRunApi.AllAsync<PaymentRunSummaryDto>(admin, "/api/v1/payment-runs"));
    }

    /// <summary>
    /// What a process that died after moving the clock 30 days leaves behind: the clock moved, the advance running, no
    /// lock holder.
    /// </summary>
    private async Task<Guid> LeaveRunningAsync(Guid sandboxId)
    {
        var advanceId = Guid.NewGuid();
        await using var owner = new NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            WITH moved AS (UPDATE cns.sandboxes SET clock_frozen_at = $3 WHERE id = $1 RETURNING id)
            INSERT INTO cns.clock_advances (sandbox_id, id, status, from_instant, to_instant, started_at) SELECT id, $2, 'running', $4, $3, $4 FROM moved
            """, owner);
        cmd.Parameters.Add(new NpgsqlParameter { Value = sandboxId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = advanceId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ApiFactory.Start.AddDays(30).UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ApiFactory.Start.UtcDateTime });
        await cmd.ExecuteNonQueryAsync();
        return advanceId;
    }

    /// <summary>
    /// Stop 67's left item: the next advance waited for an advance a crashed process left running until the minutely
    /// sweep resumed it (and, with no sweep, for ten minutes). It now resumes the orphan itself, first, then does its own
    /// work: the sweep is removed here, so only the advance can have done it.
    /// </summary>
    [Fact]
    public async Task The_next_advance_resumes_an_advance_a_crashed_process_left_running_first()
    {
        var (b, memoir) = await SandboxWithABilledMemoirAsync();
        var orphan = await LeaveRunningAsync(b.Id);
        var admin = Client(b.Key("admin"));
        var jobs = Api.Services.GetRequiredService<IRecurringJobManager>();
        jobs.RemoveIfExists(ClockAdvanceJobs.JobId);
        try
        {
            var response = await admin.PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 1 });
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Accepted });
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                var location = response.Headers.Location!.ToString();
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while ((await AdvanceAsync(admin, location)).Status == "running" && waited.Elapsed < TimeSpan.FromSeconds(45)) await Task.Delay(100);
                Assert.Equal("done", (await AdvanceAsync(admin, location)).Status);
            }
            Assert.Equal(ApiFactory.Start.AddDays(31), (await (await admin.GetAsync("/api/v1/admin/clock")).ExpectAsync<ClockDto>(HttpStatusCode.OK)).Now);
            Assert.Equal("done", (await AdvanceAsync(admin, $"/api/v1/admin/clock/advances/{orphan}")).Status);
            Assert.Equal(FeeMemoirStatus.Paid, (await (await Client(b.Key("physio-1")).GetAsync($"/api/v1/fee-memoirs/{memoir}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK)).Status);
            Assert.Single(await PaymentRuns.PaymentRunApi.AllAsync<PaymentRunSummaryDto>(admin, "/api/v1/payment-runs"));
        }
        finally
        {
            ClockAdvanceJobs.Schedule(jobs);
        }
    }

    /// <summary>An advance's status (GET /admin/clock/advances/{id}).</summary>
    private static async Task<ClockAdvanceDto> AdvanceAsync(HttpClient admin, string location) =>
        await (await admin.GetAsync(location)).ExpectAsync<ClockAdvanceDto>(HttpStatusCode.OK);

    [Fact]
    public async Task An_unknown_advance_is_404()
    {
        await (await Client(Admin).GetAsync($"/api/v1/admin/clock/advances/{Guid.NewGuid()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    /// <summary>
    /// Audit s67 (jump): two advances sent close together ran their due work at once, stop by stop interleaved, so the
    /// second one's 28 December slot paid a line whose last chance (PAY-01) was the 23 December run of the first, which
    /// never came. They now take turns, the earlier first.
    /// </summary>
    [Fact]
    public async Task Pay01_two_advances_sent_together_do_their_work_in_time_order()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), name: "advances-together");
        var physio = Client(b.Key("physio-1"));
        var admin = Client(b.Key("admin"));
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options(), b.Id);
        var memoir = await (await physio.PostJsonAsync("/api/v1/fee-memoirs", new
        {
            memoirReference = "TOGETHER-1",
            lines = new[]
            {
                new { voucherNumber = voucher, matricule = "1983081246785", sessionDate = "2026-11-20", actCode = "ZK11", travel = false, claimedAmount = 36.80m },
                new { voucherNumber = voucher, matricule = "1983081246785", sessionDate = "2026-11-21", actCode = "ZK11", travel = false, claimedAmount = 40.00m },
            },
        })).ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created);
        Assert.Equal(LineOutcome.Reduced, memoir.Lines[1].Outcome);
        // Contested and never decided: the line waits for its memoir's last chance to be paid on time (PAY-01).
        await (await physio.PostJsonAsync($"/api/v1/fee-memoirs/{memoir.Id}/lines/2/contestation", new { code = "AMOUNT_ABOVE_TARIFF", text = "Tariff of the day." }))
            .ExpectAsync(HttpStatusCode.Created);

        var first = admin.PutJsonAsync("/api/v1/admin/clock", new { now = PaymentRuns.PaymentRunApi.Local("2026-12-27", 9) });
        await Task.Delay(300);
        var second = admin.PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 30 });
        foreach (var answer in await Task.WhenAll(first, second))
        {
            if (answer.StatusCode == HttpStatusCode.OK) continue;
            var location = answer.Headers.Location!.ToString();
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while ((await AdvanceAsync(admin, location)).Status == "running" && waited.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
        }

        var read = await (await physio.GetAsync($"/api/v1/fee-memoirs/{memoir.Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(new DateOnly(2026, 12, 23), read.DueDate);
        var run = await PaymentRuns.PaymentRunApi.RunAsync(admin, read.Lines[1].Payment!.PaymentRunId);
        Assert.True(run.ExecutionDate <= read.DueDate, $"The contested line was paid by the run of {run.ExecutionDate}, after its memoir's due date {read.DueDate}.");
    }
}
