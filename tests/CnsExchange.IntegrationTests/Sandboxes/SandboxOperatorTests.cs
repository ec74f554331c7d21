using System.Net;
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
        Assert.Equal("frozen", b.Body["clock"]!["mode"]!.GetValue<string>());
        Assert.Equal(ApiFactory.Start, b.Body["clock"]!["now"]!.GetValue<DateTimeOffset>());
        Assert.Equal("2026-11-23", b.Body["clock"]!["localDate"]!.GetValue<string>());
        Assert.NotNull(b.Body["deletesAfter"]);

        // The keys are stored hashed: no row holds a key as given.
        await using (var owner = new NpgsqlConnection(Api.ConnectionString))
        {
            await owner.OpenAsync();
            foreach (var key in b.Keys.Values)
                Assert.Equal(0, await SandboxApi.CountAsync(owner, "SELECT count(*) FROM cns.api_keys WHERE key_hash = $1 OR name = $1", key));
        }

        // The sandbox's identities are the README's; its admin sees its own registry and clock.
        var insured = await (await Client(b.Key("admin")).GetAsync($"/api/v1/admin/insured/{ValidationTestSupport.Adult}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ValidationTestSupport.Adult, insured["matricule"]!.GetValue<string>());
        var ownList = await (await Client(b.Key("physio-1")).GetAsync("/api/v1/validation-requests")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(ownList["items"]!.AsArray());
    }

    [Fact]
    public async Task An_empty_sandbox_has_providers_and_keys_but_no_identities()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), seed: "empty");
        await (await Client(b.Key("admin")).GetAsync($"/api/v1/admin/insured/{ValidationTestSupport.Adult}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var providers = await (await Client(b.Key("admin")).GetAsync("/api/v1/admin/providers")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(7, providers.AsArray().Count);
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
        var list = await (await Client(Operator).GetAsync("/api/v1/sandboxes")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(list.AsArray(), s => s!["id"]!.GetValue<Guid>() == b.Id && s["name"]!.GetValue<string>() == "listed");
        Assert.Contains(list.AsArray(), s => s!["id"]!.GetValue<Guid>() == SandboxApi.Default);
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
        var voucher = decision["voucher"]!["number"]!.GetValue<string>();
        var file = await Billing.BillingApi.UploadAsync(Client(b.Key("physio-1")),
            $"memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\nDEL-F,{voucher},{ValidationTestSupport.Adult},2026-11-21,ZK11,false,36.80\n", "text/csv");
        await Billing.BillingApi.WaitForFileAsync(Client(b.Key("physio-1")), file["id"]!.GetValue<string>());
        var defaultRowsBefore = await DefaultRowsAsync();

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
        Assert.Equal(defaultRowsBefore, await DefaultRowsAsync()); // the default sandbox lost nothing
        await (await Client(Operator).DeleteAsync($"/api/v1/sandboxes/{SandboxApi.Default}")).ExpectProblemAsync(HttpStatusCode.Conflict, "default_sandbox");
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
        var first = await (await admin.GetAsync("/api/v1/admin/clock")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ApiFactory.Start, first["now"]!.GetValue<DateTimeOffset>());
        Assert.Equal("frozen", first["mode"]!.GetValue<string>());

        // A request stamps the frozen instant: the same on every run of a suite.
        var decision = await Client(b.Key("physio-1")).DecideAsync(ValidationTestSupport.Rx());
        var stored = await (await Client(b.Key("physio-1")).GetAsync($"/api/v1/validation-requests/{decision["id"]}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ApiFactory.Start, stored["receivedAt"]!.GetValue<DateTimeOffset>());

        var moved = await (await admin.PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 30 })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ApiFactory.Start.AddDays(30), moved["now"]!.GetValue<DateTimeOffset>());
        await (await admin.PutJsonAsync("/api/v1/admin/clock", new { now = ApiFactory.Start.AddDays(29) })).ExpectProblemAsync(HttpStatusCode.Conflict, "clock_backwards");

        // The default sandbox's clock did not move.
        var defaultClock = await (await Client(Admin).GetAsync("/api/v1/admin/clock")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ApiFactory.Start.AddHours(5), defaultClock["now"]!.GetValue<DateTimeOffset>());
        Assert.Equal("running", defaultClock["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_running_sandbox_clock_follows_real_time_from_where_it_started()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), mode: "running", now: ApiFactory.Start.AddDays(-10));
        Api.Clock.Advance(TimeSpan.FromMinutes(90));
        var clock = await (await Client(b.Key("admin")).GetAsync("/api/v1/admin/clock")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ApiFactory.Start.AddDays(-10).AddMinutes(90), clock["now"]!.GetValue<DateTimeOffset>());
    }
}

/// <summary>The README's "One sandbox per test run" sequence, through HTTP.</summary>
public sealed class OneSandboxPerTestRunTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Create_frozen_validate_bill_advance_30_days_read_the_return_file_delete_and_the_default_sandbox_is_untouched()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), name: "ci-run-42");
        var physio = Client(b.Key("physio-1"));
        var voucher = (await physio.DecideAsync(ValidationTestSupport.Rx()))["voucher"]!["number"]!.GetValue<string>();
        var memoir = await Billing.BillingApi.SubmitAsync(physio, Billing.BillingApi.Memoir("CI-1", Billing.BillingApi.Line(voucher, "2026-11-23")));
        Assert.Equal("adjudicated", memoir["status"]!.GetValue<string>());

        // The default sandbox bills too; advancing B's clock must pay B's memoir only.
        var voucherA = (await Client(Physio1).DecideAsync(ValidationTestSupport.Rx()))["voucher"]!["number"]!.GetValue<string>();
        var memoirA = await Billing.BillingApi.SubmitAsync(Client(Physio1), Billing.BillingApi.Memoir("CI-1", Billing.BillingApi.Line(voucherA, "2026-11-23")));

        var advanced = await (await Client(b.Key("admin")).PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 30 })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ApiFactory.Start.AddDays(30), advanced["now"]!.GetValue<DateTimeOffset>());

        var files = await (await physio.GetAsync("/api/v1/return-files")).ExpectAsync(HttpStatusCode.OK);
        var returnFile = files["items"]!.AsArray().First()!["id"]!.GetValue<string>();
        await (await physio.GetAsync($"/api/v1/return-files/{returnFile}")).ExpectAsync(HttpStatusCode.OK);
        var paid = await (await physio.GetAsync($"/api/v1/fee-memoirs/{memoir["id"]}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("paid", paid["status"]!.GetValue<string>());

        var unpaid = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{memoirA["id"]}")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual("paid", unpaid["status"]!.GetValue<string>());
        Assert.Empty((await (await Client(Physio1).GetAsync("/api/v1/return-files")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray());

        var deleted = await Client(Operator).DeleteAsync($"/api/v1/sandboxes/{b.Id}");
        Assert.True(deleted.StatusCode == HttpStatusCode.NoContent, string.Join("\n", Api.Logs.Lines.Where(l => l.Contains("Exception")).TakeLast(3)));
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

        var sandbox = await (await Client(Operator).GetAsync($"/api/v1/sandboxes/{b.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1_300_000, sandbox["bytesUsed"]!.GetValue<long>()); // the refused ones count for nothing
        await using var owner = new Npgsql.NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync();
        Assert.Equal(0, await SandboxApi.CountAsync(owner, "SELECT count(*) FROM cns.billing_file_contents WHERE sandbox_id = $1", b.Id));
        Assert.Equal(1, await SandboxApi.CountAsync(owner, "SELECT count(*) FROM cns.prescription_scans WHERE sandbox_id = $1", b.Id));

        // The default sandbox is counted, never limited.
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx(), Scan(1_300_000));
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx(ValidationTestSupport.Minor), Scan(1_300_000));
    }

    /// <summary>A PDF of the given size, unique (the scan hash is one of the duplicate keys).</summary>
    private static byte[] Scan(int size)
    {
        var scan = new byte[size];
        Random.Shared.NextBytes(scan);
        System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n").CopyTo(scan, 0);
        return scan;
    }
}
