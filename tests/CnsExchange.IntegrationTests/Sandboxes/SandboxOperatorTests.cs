using CnsExchange.Domain.Billing;
using CnsExchange.Infrastructure.Sandbox;
using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Admin;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Application.Features.Sandboxes;
using CnsExchange.Application.Features.Validation;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Npgsql;

namespace CnsExchange.IntegrationTests.Sandboxes;

/// <summary>The operator API: create, list, read and delete sandboxes, and the clock of each.</summary>
public sealed class SandboxOperatorTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_standard_sandbox_comes_with_one_key_per_role_valid_in_it_only()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), name: "ci-run-1");
        Assert.Equal(SandboxApi.Roles.Order(), b.Keys.Keys.Order());
        Assert.Equal(ClockMode.Frozen, b.Body.Clock.Mode);
        Assert.Equal(ApiFactory.Start, b.Body.Clock.Now);
        Assert.Equal(new DateOnly(2026, 11, 23), b.Body.Clock.LocalDate);
        Assert.NotNull(b.Body.DeletesAfter);

        // The keys are stored hashed: no row holds a key as given.
        await using (var owner = new NpgsqlConnection(Api.ConnectionString))
        {
            await owner.OpenAsync();
            foreach (var key in b.Keys.Values)
                Assert.Equal(0, await SandboxApi.CountAsync(owner, "SELECT count(*) FROM cns.api_keys WHERE key_hash = $1 OR name = $1", key));
        }

        // The sandbox's identities are the README's; its admin sees its own registry and clock.
        var insured = await (await Client(b.Key("admin")).GetAsync($"/api/v1/admin/insured/{ValidationTestSupport.Adult}")).ExpectAsync<InsuredDto>(HttpStatusCode.OK);
        Assert.Equal(ValidationTestSupport.Adult, insured.Matricule);
        var ownList = await (await Client(b.Key("physio-1")).GetAsync("/api/v1/validation-requests")).ExpectAsync<Page<ValidationRequestSummaryDto>>(HttpStatusCode.OK);
        Assert.Empty(ownList.Items);
    }

    [Fact]
    public async Task An_empty_sandbox_has_providers_and_keys_but_no_identities()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), seed: "empty");
        await (await Client(b.Key("admin")).GetAsync($"/api/v1/admin/insured/{ValidationTestSupport.Adult}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var providers = await PaymentRuns.PaymentRunApi.AllAsync<ProviderDto>(Client(b.Key("admin")), "/api/v1/admin/providers", limit: 3);
        Assert.Equal(7, providers.Count);
    }

    [Fact]
    public async Task Only_the_operator_creates_and_lists_sandboxes()
    {
        await (await Client(Admin).PostJsonAsync("/api/v1/sandboxes", new { name = "x" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await Client(Admin).GetAsync("/api/v1/sandboxes")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await Client(Operator).PostJsonAsync("/api/v1/sandboxes", new { name = "" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        // The operator belongs to no sandbox: sandbox routes are not for it.
        await (await Client(Operator).GetAsync("/api/v1/admin/clock")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var b = await SandboxApi.CreateAsync(Client(Operator), name: "listed");
        var list = await PaymentRuns.PaymentRunApi.AllAsync<SandboxDto>(Client(Operator), "/api/v1/sandboxes");
        Assert.Contains(list, s => s.Id == b.Id && s.Name == "listed");
        Assert.Contains(list, s => s.Id == SandboxApi.Default);
    }

    [Fact]
    public async Task A_sandboxs_admin_reads_and_deletes_its_own_sandbox_only()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator));
        var c = await SandboxApi.CreateAsync(Client(Operator));
        await (await Client(b.Key("admin")).GetAsync($"/api/v1/sandboxes/{b.Id}")).ExpectAsync(HttpStatusCode.OK);
        await (await Client(b.Key("admin")).GetAsync($"/api/v1/sandboxes/{c.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.NotFound, (await Client(b.Key("admin")).DeleteAsync($"/api/v1/sandboxes/{c.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(b.Key("physio-1")).DeleteAsync($"/api/v1/sandboxes/{b.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Client(b.Key("admin")).DeleteAsync($"/api/v1/sandboxes/{b.Id}")).StatusCode);
        await (await Client(c.Key("admin")).GetAsync($"/api/v1/sandboxes/{c.Id}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Deleting_a_sandbox_removes_all_its_rows_and_files_and_its_keys_answer_401_at_once()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator));
        var decision = await Client(b.Key("physio-1")).DecideAsync(ValidationTestSupport.Rx());
        var voucher = decision.Voucher!.Number;
        var file = await Billing.BillingApi.UploadAsync(Client(b.Key("physio-1")),
            $"memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\nDEL-F,{voucher},{ValidationTestSupport.Adult},2026-11-21,ZK11,false,36.80\n", "text/csv");
        await Billing.BillingApi.WaitForFileAsync(Client(b.Key("physio-1")), file.Id.ToString());
        var defaultRowsBefore = await DefaultRowsAsync();
        // Scans, voucher services and prescription fingerprints have no foreign key to sandboxes of their own (they take
        // their sandbox through their request or voucher, issue 24): the deletion still removes them.
        const string throughParent = """
            SELECT (SELECT count(*) FROM cns.prescription_scans WHERE sandbox_id = $1) + (SELECT count(*) FROM cns.voucher_services WHERE sandbox_id = $1)
                 + (SELECT count(*) FROM cns.prescription_fingerprints WHERE sandbox_id = $1)
            """;
        await using (var before = new NpgsqlConnection(Api.ConnectionString))
        {
            await before.OpenAsync();
            Assert.Equal(4, await SandboxApi.CountAsync(before, throughParent, b.Id)); // 1 scan, 1 service, 2 fingerprints
        }

        Assert.Equal(HttpStatusCode.NoContent, (await Client(Operator).DeleteAsync($"/api/v1/sandboxes/{b.Id}")).StatusCode);

        foreach (var key in b.Keys.Values)
            await (await Client(key).GetAsync("/api/v1/validation-requests")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await Client(Operator).GetAsync($"/api/v1/sandboxes/{b.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await using var owner = new NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync();
        var left = await SandboxApi.CountAsync(owner, """
            SELECT (SELECT count(*) FROM cns.sandboxes WHERE id = $1) + (SELECT count(*) FROM cns.api_keys WHERE sandbox_id = $1)
                 + (SELECT count(*) FROM cns.insured WHERE sandbox_id = $1) + (SELECT count(*) FROM cns.care_requests WHERE sandbox_id = $1)
                 + (SELECT count(*) FROM cns.prescription_scans WHERE sandbox_id = $1) + (SELECT count(*) FROM cns.billing_file_chunks WHERE sandbox_id = $1)
                 + (SELECT count(*) FROM cns.billing_files WHERE sandbox_id = $1) + (SELECT count(*) FROM cns.vouchers WHERE sandbox_id = $1)
            """, b.Id);
        Assert.Equal(0, left);
        Assert.Equal(0, await SandboxApi.CountAsync(owner, throughParent, b.Id));
        Assert.Equal(defaultRowsBefore, await DefaultRowsAsync()); // the default sandbox lost nothing
        await (await Client(Operator).DeleteAsync($"/api/v1/sandboxes/{SandboxApi.Default}")).ExpectProblemAsync(HttpStatusCode.Conflict, "default_sandbox");
    }

    [Fact]
    public async Task The_idle_sandbox_job_deletes_a_sandbox_idle_past_its_limit_on_the_operator_clock_in_bounded_batches_and_nothing_else()
    {
        var idle = await SandboxApi.CreateAsync(Client(Operator), name: "idle");
        var used = await SandboxApi.CreateAsync(Client(Operator), name: "used");
        Assert.Equal(ApiFactory.Start.AddDays(30), idle.Body.DeletesAfter);
        // Many rows in the idle sandbox: 2,500 doctors of its own besides its seed.
        await using (var conn = await SandboxApi.OpenAsAppRoleAsync(Api, idle.Id))
        await using (var bulk = new NpgsqlCommand("INSERT INTO cns.doctors (code, name, country) SELECT 'B' || lpad(g::text, 7, '0'), 'Dr Bulk', 'LU' FROM generate_series(1, 2500) g", conn))
            await bulk.ExecuteNonQueryAsync();
        var usedRows = await SandboxApi.RowsOfAsync(Api.ConnectionString, used.Id);
        var defaultRows = await DefaultRowsAsync();
        var idleRows = await SandboxApi.RowsOfAsync(Api.ConnectionString, idle.Id);
        Assert.True(idleRows > 2500);

        // The operator's clock (not the wall clock, not the sandboxes' own clocks) decides: at 29 days nothing is idle
        // yet; the used sandbox is used then; two days later only the other one is past its limit.
        Api.Clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await RunJanitorAsync());
        await (await Client(used.Key("physio-1")).GetAsync("/api/v1/validation-requests")).ExpectAsync(HttpStatusCode.OK);
        Api.Clock.Advance(TimeSpan.FromDays(2));

        var options = Api.Services.GetRequiredService<SandboxDeletionOptions>();
        var batchRows = options.BatchRows;
        var logged = Api.Logs.Lines.Count;
        try
        {
            options.BatchRows = 200;
            Assert.Equal(1, await RunJanitorAsync());
        }
        finally
        {
            options.BatchRows = batchRows;
        }

        await (await Client(Operator).GetAsync($"/api/v1/sandboxes/{idle.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(idle.Key("admin")).GetAsync("/api/v1/admin/clock")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(0, await SandboxApi.RowsOfAsync(Api.ConnectionString, idle.Id));
        await (await Client(Operator).GetAsync($"/api/v1/sandboxes/{used.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(usedRows, await SandboxApi.RowsOfAsync(Api.ConnectionString, used.Id));
        Assert.Equal(defaultRows, await DefaultRowsAsync());

        // Its rows went in batches of at most 200 rows, each its own statement: at least 2,500 / 200 of them.
        var line = Assert.Single(Api.Logs.Lines.Skip(logged), l => l.Contains($"Sandbox {idle.Id} deleted:", StringComparison.Ordinal));
        var figures = System.Text.RegularExpressions.Regex.Match(line, @"deleted: (\d+) rows in (\d+) batches of at most 200");
        Assert.True(figures.Success, line);
        Assert.True(long.Parse(figures.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= idleRows, line);
        Assert.True(int.Parse(figures.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= 2500 / 200, line);
    }

    /// <summary>Runs the idle-sandbox job once; the number of sandboxes it deleted.</summary>
    private async Task<long> RunJanitorAsync()
    {
        await using var owner = new NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync();
        var before = await SandboxApi.CountAsync(owner, "SELECT count(*) FROM cns.sandboxes");
        await Api.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<SandboxJanitor>().DeleteIdleAsync(CancellationToken.None);
            return 0;
        });
        return before - await SandboxApi.CountAsync(owner, "SELECT count(*) FROM cns.sandboxes");
    }

    private async Task<long> DefaultRowsAsync()
    {
        await using var owner = new NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync();
        return await SandboxApi.CountAsync(owner, "SELECT (SELECT count(*) FROM cns.insured WHERE sandbox_id = $1) + (SELECT count(*) FROM cns.api_keys WHERE sandbox_id = $1)", SandboxApi.Default);
    }

    [Fact]
    public async Task A_frozen_clock_stands_still_until_advanced_and_moves_only_forward()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator));
        var admin = Client(b.Key("admin"));
        Api.Clock.Advance(TimeSpan.FromHours(5)); // real time passes; a frozen sandbox does not see it
        var first = await ClockAsync(admin);
        Assert.Equal(ApiFactory.Start, first.Now);
        Assert.Equal(ClockMode.Frozen, first.Mode);

        // A request stamps the frozen instant: the same on every run of a suite.
        var decision = await Client(b.Key("physio-1")).DecideAsync(ValidationTestSupport.Rx());
        var stored = await (await Client(b.Key("physio-1")).GetAsync($"/api/v1/validation-requests/{decision.Id}")).ExpectAsync<ValidationRequestDto>(HttpStatusCode.OK);
        Assert.Equal(ApiFactory.Start, stored.ReceivedAt);

        var moved = await (await admin.PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 30 })).ExpectAsync<ClockDto>(HttpStatusCode.OK);
        Assert.Equal(ApiFactory.Start.AddDays(30), moved.Now);
        await (await admin.PutJsonAsync("/api/v1/admin/clock", new { now = ApiFactory.Start.AddDays(29) })).ExpectProblemAsync(HttpStatusCode.Conflict, "clock_backwards");

        // The default sandbox's clock did not move.
        var defaultClock = await ClockAsync(Client(Admin));
        Assert.Equal(ApiFactory.Start.AddHours(5), defaultClock.Now);
        Assert.Equal(ClockMode.Running, defaultClock.Mode);
    }

    [Fact]
    public async Task A_running_sandbox_clock_follows_real_time_from_where_it_started()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), mode: "running", now: ApiFactory.Start.AddDays(-10));
        Api.Clock.Advance(TimeSpan.FromMinutes(90));
        var clock = await ClockAsync(Client(b.Key("admin")));
        Assert.Equal(ApiFactory.Start.AddDays(-10).AddMinutes(90), clock.Now);
    }

    private static async Task<ClockDto> ClockAsync(HttpClient admin) =>
        await (await admin.GetAsync("/api/v1/admin/clock")).ExpectAsync<ClockDto>(HttpStatusCode.OK);
}

/// <summary>The README's "One sandbox per test run" sequence, through HTTP.</summary>
public sealed class OneSandboxPerTestRunTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Create_frozen_validate_bill_advance_30_days_read_the_return_file_delete_and_the_default_sandbox_is_untouched()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), name: "ci-run-42");
        var physio = Client(b.Key("physio-1"));
        var voucher = (await physio.DecideAsync(ValidationTestSupport.Rx())).Voucher!.Number;
        var memoir = await Billing.BillingApi.SubmitAsync(physio, Billing.BillingApi.Memoir("CI-1", Billing.BillingApi.Line(voucher, "2026-11-23")));
        Assert.Equal(FeeMemoirStatus.Adjudicated, memoir.Status);

        // The default sandbox bills too; advancing B's clock must pay B's memoir only.
        var voucherA = (await Client(Physio1).DecideAsync(ValidationTestSupport.Rx())).Voucher!.Number;
        var memoirA = await Billing.BillingApi.SubmitAsync(Client(Physio1), Billing.BillingApi.Memoir("CI-1", Billing.BillingApi.Line(voucherA, "2026-11-23")));

        var advanced = await (await Client(b.Key("admin")).PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 30 })).ExpectAsync<ClockDto>(HttpStatusCode.OK);
        Assert.Equal(ApiFactory.Start.AddDays(30), advanced.Now);

        var files = await (await physio.GetAsync("/api/v1/return-files")).ExpectAsync<Page<ReturnFileDto>>(HttpStatusCode.OK);
        var returnFile = files.Items.First().Id;
        await (await physio.GetAsync($"/api/v1/return-files/{returnFile}")).ExpectAsync(HttpStatusCode.OK);
        var paid = await (await physio.GetAsync($"/api/v1/fee-memoirs/{memoir.Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(FeeMemoirStatus.Paid, paid.Status);

        var unpaid = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{memoirA.Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.NotEqual(FeeMemoirStatus.Paid, unpaid.Status);
        Assert.Empty((await (await Client(Physio1).GetAsync("/api/v1/return-files")).ExpectAsync<Page<ReturnFileDto>>(HttpStatusCode.OK)).Items);

        Assert.True(await SandboxApi.RowsOfAsync(Api.ConnectionString, b.Id) > 10);
        var deleted = await Client(Operator).DeleteAsync($"/api/v1/sandboxes/{b.Id}");
        Assert.True(deleted.StatusCode == HttpStatusCode.NoContent, string.Join("\n", Api.Logs.Lines.Where(l => l.Contains("Exception")).TakeLast(3)));
        // Nothing of it is left, in any table: those deleted by sandbox and those whose rows went with their parents'
        // cascade (a voucher's services, a request's scan).
        Assert.Equal(0, await SandboxApi.RowsOfAsync(Api.ConnectionString, b.Id));
        await (await physio.GetAsync("/api/v1/return-files")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}

/// <summary>The stored-bytes quota of a sandbox (2 MiB in the tests' configuration).</summary>
public sealed class SandboxQuotaTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Scans_and_files_past_the_quota_are_refused_with_413_and_nothing_of_them_is_stored()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator));
        var physio = Client(b.Key("physio-1"));
        await physio.DecideAsync(ValidationTestSupport.Rx(), Scan(1_300_000));

        // A billing file that would pass the 2 MiB: refused whole, before any job (nothing left running after the test).
        var file = "memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\n" + new string('#', 900_000) + "\n";
        var refused = await physio.PostAsync("/api/v1/billing-files", new StringContent(file, System.Text.Encoding.UTF8, "text/csv"));
        var problem = await refused.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "sandbox_quota_exceeded");
        Assert.Contains("2 MiB", problem["detail"]!.GetValue<string>());
        // So is a scan.
        await (await physio.SubmitAsync(ValidationTestSupport.Rx(), Scan(900_000))).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "sandbox_quota_exceeded");

        Assert.Equal(1_300_000, await BytesUsedAsync(b.Id)); // the refused ones count for nothing
        await using var owner = new Npgsql.NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync();
        Assert.Equal(0, await SandboxApi.CountAsync(owner, "SELECT count(*) FROM cns.billing_file_contents WHERE sandbox_id = $1", b.Id));
        Assert.Equal(1, await SandboxApi.CountAsync(owner, "SELECT count(*) FROM cns.prescription_scans WHERE sandbox_id = $1", b.Id));

        // The default sandbox is counted, never limited.
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx(), Scan(1_300_000));
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx(ValidationTestSupport.Minor), Scan(1_300_000));
    }

    [Fact]
    public async Task A_scan_whose_request_rolls_back_leaves_the_quota_usage_unchanged()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator));
        var physio = Client(b.Key("physio-1"));
        await using var owner = new Npgsql.NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync();
        // The failure: the scan's row refused by the database at the request's save (a serialization failure, as a
        // concurrent transaction would cause), after the quota was charged.
        await using (var arm = new Npgsql.NpgsqlCommand($"""
            CREATE FUNCTION cns.test_refuse_scan() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.sandbox_id = '{b.Id}' THEN RAISE EXCEPTION 'injected' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER test_refuse_scan BEFORE INSERT ON cns.prescription_scans FOR EACH ROW EXECUTE FUNCTION cns.test_refuse_scan();
            """, owner))
            await arm.ExecuteNonQueryAsync();
        try
        {
            var failed = await physio.SubmitAsync(ValidationTestSupport.Rx(), Scan(300_000));
            await failed.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "concurrency_retry");
        }
        finally
        {
            await using var disarm = new Npgsql.NpgsqlCommand("DROP TRIGGER test_refuse_scan ON cns.prescription_scans; DROP FUNCTION cns.test_refuse_scan();", owner);
            await disarm.ExecuteNonQueryAsync();
        }
        Assert.Equal(0, await BytesUsedAsync(b.Id));
        Assert.Equal(0, await SandboxApi.CountAsync(owner, "SELECT count(*) FROM cns.care_requests WHERE sandbox_id = $1", b.Id));

        // Sent again, it commits, and counts.
        await physio.DecideAsync(ValidationTestSupport.Rx(), Scan(300_000));
        Assert.Equal(300_000, await BytesUsedAsync(b.Id));
    }

    [Fact]
    public async Task The_quota_is_exact_across_sessions_whatever_stripe_each_charges()
    {
        // cns.charge_storage directly, under a quota of 1,000 bytes, from 8 sessions (their stripes: backend pid mod 8).
        var b = await SandboxApi.CreateAsync(Client(Operator), seed: "empty");
        var sessions = new List<Npgsql.NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 8; i++) sessions.Add(await SandboxApi.OpenAsAppRoleAsync(Api, b.Id));
            foreach (var s in sessions) Assert.True(await ChargeAsync(s, 100, b.Id)); // 800
            Assert.True(await ChargeAsync(sessions[0], 150, b.Id));   // 950: more than its stripe was given, within the quota
            Assert.False(await ChargeAsync(sessions[1], 100, b.Id));  // 1,050
            Assert.True(await ChargeAsync(sessions[2], 50, b.Id));    // 1,000 exactly
            Assert.False(await ChargeAsync(sessions[3], 1, b.Id));
            Assert.Equal(1000, await BytesUsedAsync(b.Id));
        }
        finally
        {
            foreach (var s in sessions) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task Concurrent_charges_pass_the_quota_exactly_as_far_as_it_goes()
    {
        // 24 sessions charge 100 bytes each at once under a quota of 1,000, each holding its transaction open a moment:
        // exactly 10 are counted.
        var b = await SandboxApi.CreateAsync(Client(Operator), seed: "empty");
        var sessions = new List<Npgsql.NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 24; i++) sessions.Add(await SandboxApi.OpenAsAppRoleAsync(Api, b.Id));
            var results = await Task.WhenAll(sessions.Select(s => Task.Run(() => ChargeAsync(s, 100, b.Id, holdMs: Random.Shared.Next(0, 30)))));
            Assert.Equal(10, results.Count(ok => ok));
            Assert.Equal(1000, await BytesUsedAsync(b.Id));
        }
        finally
        {
            foreach (var s in sessions) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_fast_path_that_fails_after_waiting_gives_its_stripe_back_before_the_slow_path()
    {
        // X's slow path holds every stripe and shares the quota out again, smaller; A and C wait on their stripes in the
        // fast path, and once X commits their re-check fails. PostgreSQL keeps the row an UPDATE locked before a failed
        // re-check: if A and C kept their stripes, whichever took the slow path's lock would wait for the other's stripe
        // while the other waited for that lock (40P01).
        // Whether both wake before either takes the slow path is a race (about one round in two): six rounds.
        for (var round = 0; round < 6; round++) await FailedFastPathsRoundAsync();
    }

    private async Task FailedFastPathsRoundAsync()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), seed: "empty");
        var opened = new List<Npgsql.NpgsqlConnection>();
        try
        {
            var byStripe = new Dictionary<int, Npgsql.NpgsqlConnection>();
            while (byStripe.Count < 3)
            {
                var s = await SandboxApi.OpenAsAppRoleAsync(Api, b.Id);
                opened.Add(s);
                byStripe.TryAdd(s.ProcessID % 8, s);
            }
            var (x, a, c) = (byStripe.Values.ElementAt(0), byStripe.Values.ElementAt(1), byStripe.Values.ElementAt(2));

            Assert.True(await ChargeAsync(x, 100, b.Id)); // slow path (no stripes yet): 900 free, 112 to each stripe
            await using var xTx = await x.BeginTransactionAsync();
            Assert.True(await ChargeInAsync(x, xTx, 200, b.Id)); // past its stripe: slow path, every stripe locked; 87 each
            var aCharge = ChargeAsync(a, 100, b.Id); // 100 <= 112 before X commits, > 87 after
            var cCharge = ChargeAsync(c, 100, b.Id);
            await WaitUntilWaitingForLockAsync(a.ProcessID, c.ProcessID);
            await xTx.CommitAsync();

            var charged = await Task.WhenAll(aCharge, cCharge);
            Assert.Equal(new[] { true, true }, charged); // 400, 500
            Assert.Equal(500, await BytesUsedAsync(b.Id));
        }
        finally
        {
            foreach (var s in opened) await s.DisposeAsync();
        }
    }

    private async Task WaitUntilWaitingForLockAsync(params int[] pids)
    {
        await using var owner = new Npgsql.NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync();
        for (var i = 0; i < 500; i++)
        {
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1) AND wait_event_type = 'Lock'", owner);
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = pids });
            if ((long)(await cmd.ExecuteScalarAsync())! == pids.Length) return;
            await Task.Delay(10);
        }
        throw new TimeoutException("The sessions never waited for a lock.");
    }

    private static async Task<bool> ChargeInAsync(Npgsql.NpgsqlConnection session, Npgsql.NpgsqlTransaction tx, long bytes, Guid sandbox)
    {
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT cns.charge_storage($1, $2, $3)", session, tx);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = sandbox });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = bytes });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = 1000L });
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>One charge under a 1,000-byte quota in a transaction of its own, committed.</summary>
    private static async Task<bool> ChargeAsync(Npgsql.NpgsqlConnection session, long bytes, Guid sandbox, int holdMs = 0)
    {
        await using var tx = await session.BeginTransactionAsync();
        var charged = await ChargeInAsync(session, tx, bytes, sandbox);
        if (holdMs > 0) await Task.Delay(holdMs);
        await tx.CommitAsync();
        return charged;
    }

    private async Task<long> BytesUsedAsync(Guid sandbox) =>
        (await (await Client(Operator).GetAsync($"/api/v1/sandboxes/{sandbox}")).ExpectAsync<SandboxDto>(HttpStatusCode.OK)).BytesUsed;

    /// <summary>A PDF of the given size, unique (the scan hash is one of the duplicate keys).</summary>
    private static byte[] Scan(int size)
    {
        var scan = new byte[size];
        Random.Shared.NextBytes(scan);
        System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n").CopyTo(scan, 0);
        return scan;
    }
}
