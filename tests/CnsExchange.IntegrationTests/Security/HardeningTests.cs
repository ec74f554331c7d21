using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Features.Billing;
using System.Net.Http.Headers;
using System.Text;
using CnsExchange.Api.Endpoints;
using CnsExchange.Api.Infrastructure;
using CnsExchange.Infrastructure.Billing;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.CareAuthorisations;
using CnsExchange.IntegrationTests.Reliability;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Hangfire;
using Hangfire.Storage;
using Npgsql;
using Xunit.Abstractions;

namespace CnsExchange.IntegrationTests.Security;

/// <summary>Issue 15, items 3–7: bounded bodies, slow uploads, invalid keys, headers, consistency.</summary>
public sealed class HardeningTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    /// <summary>A body of a declared length whose bytes are made (slowly, if asked) as they are sent, counting them.</summary>
    private sealed class GeneratedContent(long length, string contentType, int pieceBytes = 64 * 1024, TimeSpan? pause = null, bool chunked = false,
        string prefix = "") : HttpContent
    {
        public long Sent;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(prefix));
            Sent = prefix.Length;
            var piece = Encoding.ASCII.GetBytes(new string('a', pieceBytes));
            while (Sent < length)
            {
                var n = (int)Math.Min(piece.Length, length - Sent);
                await stream.WriteAsync(piece.AsMemory(0, n));
                await stream.FlushAsync();
                Interlocked.Add(ref Sent, n);
                if (pause is { } p) await Task.Delay(p);
            }
        }

        protected override bool TryComputeLength(out long size)
        {
            size = length;
            return !chunked;
        }

        public GeneratedContent WithType()
        {
            Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            return this;
        }
    }

    // ---- item 3: per-endpoint body limits -------------------------------------------------------------------------

    [Fact]
    public async Task An_oversized_memoir_is_413_before_its_body_is_read()
    {
        var content = new GeneratedContent(50L * 1024 * 1024, "application/json").WithType();
        var response = await Client(Physio1).PostAsync("/api/v1/fee-memoirs", content);
        await response.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.True(content.Sent < 2 * 1024 * 1024, $"{content.Sent} bytes were taken before the 413");

        // Without a Content-Length, the body is cut off at the limit (1 MiB).
        var chunked = new GeneratedContent(3L * 1024 * 1024, "application/json", chunked: true, prefix: "{\"memoirReference\":\"").WithType();
        await (await Client(Physio1).PostAsync("/api/v1/fee-memoirs/simulations", chunked)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

        // Any other JSON operation holds 256 KiB.
        var note = new StringContent("{\"note\":\"" + new string('n', 300 * 1024) + "\"}", Encoding.UTF8, "application/json");
        await (await Client(Physio1).PostAsync($"/api/v1/validation-requests/{Guid.NewGuid()}/cancel", note)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task The_validation_request_part_is_limited_to_64_KiB_however_it_is_sent()
    {
        var big = "{\"matricule\":\"" + new string('1', 100 * 1024) + "\"}";
        var asField = new MultipartFormDataContent
        {
            { new StringContent(big), "request" }, // a plain form field: no file name, no content type of JSON
            { new ByteArrayContent(ValidationTestSupport.Pdf()), "scan", "scan.pdf" },
        };
        await (await Client(Physio1).PostAsync(ValidationTestSupport.Url, asField)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

        var asFile = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(big)), "request", "request.json" },
            { new ByteArrayContent(ValidationTestSupport.Pdf()), "scan", "scan.pdf" },
        };
        await (await Client(Physio1).PostAsync(ValidationTestSupport.Url, asFile)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

        // At the limit (64 Ki characters) the field is read and judged as a request, not refused as too large; one
        // character more is a 413. The field is read in pieces, so the edge is checked across them.
        var atLimit = "{\"matricule\":\"" + new string('1', 64 * 1024 - 16) + "\"}";
        Assert.Equal(64 * 1024, atLimit.Length);
        foreach (var (field, tooLarge) in new[] { (atLimit, false), (atLimit + " ", true) })
        {
            var content = new MultipartFormDataContent
            {
                { new StringContent(field), "request" },
                { new ByteArrayContent(ValidationTestSupport.Pdf()), "scan", "scan.pdf" },
            };
            var response = await Client(Physio1).PostAsync(ValidationTestSupport.Url, content);
            if (tooLarge) await response.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
            else Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        // Larger than a scan and a request part can be: refused from the Content-Length.
        var huge = new GeneratedContent(200L * 1024 * 1024, "multipart/form-data; boundary=x").WithType();
        await (await Client(Physio1).PostAsync(ValidationTestSupport.Url, huge)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.True(huge.Sent < 2 * 1024 * 1024, $"{huge.Sent} bytes were taken before the 413");
        Assert.Equal(0, await Api.CountAsync("validation_requests"));
    }

    // ---- item 4: slow billing-file uploads -----------------------------------------------------------------------

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Slow_billing_file_uploads_hold_no_database_transaction()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var csv = Encoding.UTF8.GetBytes("memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\n"
            + string.Concat(Enumerable.Range(10, 5).Select(day => $"SLOW-1,{voucher},{BillingApi.Adult},2026-11-{day},ZK11,false,36.80\n")));
        // Five uploads, 20 bytes every 100 ms each: each body arrives over about 2.5 s.
        var uploads = Enumerable.Range(0, 5).Select(_ => SlowUploadAsync(csv, TimeSpan.FromMilliseconds(100))).ToList();
        var (held, samples) = await HeldTransactionsAsync(Api.ConnectionString, uploads);
        foreach (var upload in uploads)
        {
            var response = await upload;
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await BillingApi.WaitForFileAsync(Client(Physio1), (await response.ReadAsync<BillingFileDto>()).Id.ToString());
        }
        ReliabilityFigures.Report(output, SlowUploadFigures(held, samples));
        Assert.True(samples >= 5, "the uploads were not slow enough to be sampled");
        Assert.Equal(0, held);
    }

    public static (string Name, long Value)[] SlowUploadFigures(long held, long samples) =>
        [("transactions held by slow uploads", held), ("slow upload samples", samples)];

    /// <summary>
    /// Samples, every 50 ms until <paramref name="uploads"/> end, the transactions of the upload's own statements open
    /// for longer than a store takes while waiting for the client (the finding: one per slow upload, for the whole
    /// upload); the most seen at once, and how many samples were taken.
    /// </summary>
    public static async Task<(long Held, long Samples)> HeldTransactionsAsync(string connectionString, IReadOnlyList<Task> uploads)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var idle = new NpgsqlCommand("""
            SELECT count(*) FROM pg_stat_activity WHERE datname = @db AND state = 'idle in transaction'
              AND query LIKE 'INSERT INTO cns.billing_file_c%' AND xact_start < now() - interval '250 milliseconds'
            """, conn);
        idle.Parameters.AddWithValue("db", new NpgsqlConnectionStringBuilder(connectionString).Database!);
        long held = 0, samples = 0;
        while (!uploads.All(u => u.IsCompleted))
        {
            held = Math.Max(held, (long)(await idle.ExecuteScalarAsync())!);
            samples++;
            await Task.Delay(50);
        }
        return (held, samples);
    }

    private Task<HttpResponseMessage> SlowUploadAsync(byte[] body, TimeSpan pause) => SlowUploadAsync(Api, body, pause);

    public static Task<HttpResponseMessage> SlowUploadAsync(ApiFactory api, byte[] body, TimeSpan pause)
    {
        var content = new SlowContent(body, pause);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return api.ClientFor(Physio1).PostAsync("/api/v1/billing-files", content);
    }

    public sealed class SlowContent(byte[] body, TimeSpan pause) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var i = 0; i < body.Length; i += 20)
            {
                await stream.WriteAsync(body.AsMemory(i, Math.Min(20, body.Length - i)));
                await stream.FlushAsync();
                await Task.Delay(pause);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task An_upload_past_its_deadline_is_408_and_keeps_nothing()
    {
        var (status, kept) = await UploadPastDeadlineAsync(Api, deadlineSeconds: 1);
        ReliabilityFigures.Report(output, DeadlineFigures(status, kept));
        Assert.Equal(408, status);
        Assert.Equal(0, kept);
    }

    /// <summary>An upload sending 20 bytes every 100 ms for about 2 s, under a deadline of <paramref name="deadlineSeconds"/>: its status and the billing-file rows kept.</summary>
    public static async Task<(int Status, long RowsKept)> UploadPastDeadlineAsync(ApiFactory api, int deadlineSeconds)
    {
        var options = api.Services.GetRequiredService<BillingEndpoints.UploadOptions>();
        var before = options.UploadDeadlineSeconds;
        int status;
        try
        {
            options.UploadDeadlineSeconds = deadlineSeconds;
            var body = Encoding.UTF8.GetBytes("memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\n" + new string('x', 400));
            using var response = await SlowUploadAsync(api, body, TimeSpan.FromMilliseconds(100));
            status = (int)response.StatusCode;
            if (status == 408) await response.ExpectProblemAsync(HttpStatusCode.RequestTimeout, "upload_timeout");
            else if (status == 202) await BillingApi.WaitForFileAsync(api.ClientFor(Physio1), (await response.ReadAsync<BillingFileDto>()).Id.ToString());
        }
        finally
        {
            options.UploadDeadlineSeconds = before;
        }
        return (status, await api.CountAsync("billing_file_contents") + await api.CountAsync("billing_files"));
    }

    public static (string Name, long Value)[] DeadlineFigures(int status, long rowsKept) =>
        [("slow uploads past the deadline not answered 408", status == 408 ? 0 : 1), ("rows kept by an upload past the deadline", rowsKept)];

    // ---- item 5: invalid keys share the client address's bucket --------------------------------------------------

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Invalid_keys_share_one_small_bucket_per_client_address_and_are_not_logged_at_information_level()
    {
        var options = Api.Services.GetRequiredService<RateLimiting.Options>();
        var (limit, perSecond) = (options.UnverifiedTokenLimit, options.UnverifiedTokensPerSecond);
        // A verified key with its own bucket (its first request counts in the address's bucket, the second makes its own).
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await Client(Physio1).GetAsync("/api/v1/validation-requests")).StatusCode);
        var address = IPAddress.Parse("192.0.2." + Random.Shared.Next(1, 250)); // a bucket of its own, made with the lowered limits
        var logged = Api.Logs.Lines.Count;
        var statuses = new List<int>();
        try
        {
            (options.UnverifiedTokenLimit, options.UnverifiedTokensPerSecond) = (20, 1);
            for (var i = 0; i < 300; i++)
                statuses.Add(await SendFromAsync(address, "wrong-key-" + i));
            // The address's bucket is empty; a verified key from there still has its own.
            Assert.Equal(200, await SendFromAsync(address, Physio1));
        }
        finally
        {
            (options.UnverifiedTokenLimit, options.UnverifiedTokensPerSecond) = (limit, perSecond);
        }
        var limited = statuses.Count(s => s == 429);
        // Authentication (the handler) and authorization (the framework's 401 decision) lines: none at Information.
        var informationLines = Api.Logs.Lines.Skip(logged).Count(l => l.StartsWith("Information CnsExchange.Api.Infrastructure.ApiKeyAuthenticationHandler", StringComparison.Ordinal)
                                                                      || l.StartsWith("Information Microsoft.AspNetCore.Authorization", StringComparison.Ordinal));
        ReliabilityFigures.Report(output, ("invalid-key requests", statuses.Count), ("invalid-key requests limited (429)", limited),
            ("invalid-key information log lines", informationLines));
        Assert.True(limited >= 250, $"{limited} of 300 limited");
        Assert.All(statuses, s => Assert.True(s is 401 or 429, s.ToString()));
        Assert.Equal(0, informationLines);
    }

    private async Task<int> SendFromAsync(IPAddress address, string key)
    {
        var context = await Api.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/api/v1/validation-requests";
            c.Request.Headers["X-Api-Key"] = key;
            c.Connection.RemoteIpAddress = address;
        });
        return context.Response.StatusCode;
    }

    // ---- item 6: headers ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Responses_carry_nosniff_no_store_on_personal_data_and_frame_protection_on_the_uis()
    {
        var list = await Client(Physio1).GetAsync("/api/v1/validation-requests");
        Assert.Equal("nosniff", list.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(list.Headers.CacheControl?.NoStore);
        var problem = await Client(null).GetAsync("/api/v1/validation-requests");
        Assert.Equal("nosniff", problem.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(problem.Headers.CacheControl?.NoStore);
        var reference = await Client(Physio1).GetAsync("/api/v1/reference/acts");
        Assert.Equal("nosniff", reference.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(reference.Headers.CacheControl?.NoStore ?? false);

        foreach (var (url, key) in new (string Url, string? Key)[] { ("/swagger/index.html", null), ("/hangfire", Operator), ("/hangfire-login", null) })
        {
            var ui = await Client(key).GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
            Assert.Contains("frame-ancestors 'none'", ui.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", ui.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.False(ui.Headers.Contains("Server"));
        }
    }

    // ---- item 7: consistency -----------------------------------------------------------------------------------

    [Fact]
    public async Task Memoir_amounts_are_json_numbers_only()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var json = $$"""{"memoirReference":"STR-1","lines":[{"voucherNumber":"{{voucher}}","matricule":"{{BillingApi.Adult}}","sessionDate":"2026-11-10","actCode":"ZK11","travel":false,"claimedAmount":"36.80"}]}""";
        var problem = await (await Client(Physio1).PostAsync("/api/v1/fee-memoirs", new StringContent(json, Encoding.UTF8, "application/json")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        Assert.NotNull(problem["errors"]!["lines[0].claimedAmount"]);
        Assert.Equal(0, await Api.CountAsync("fee_memoirs"));
    }

    [Fact]
    public async Task Binding_errors_name_the_parameter_without_dotnet_type_names()
    {
        var limit = await (await Client(Physio1).GetAsync("/api/v1/fee-memoirs?limit=abc")).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_request");
        var noBody = await (await Client(Physio1).PostAsync("/api/v1/fee-memoirs", new StringContent("", Encoding.UTF8, "application/json")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_request");
        var from = await (await Client(Physio1).GetAsync("/api/v1/validation-requests?from=yesterday")).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_request");
        var nullBody = await (await Client(Admin).PutAsync("/api/v1/admin/clock", new StringContent("null", Encoding.UTF8, "application/json")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_request");
        foreach (var (problem, field) in new[] { (limit, "limit"), (noBody, "body"), (from, "from"), (nullBody, "body") })
        {
            var text = problem.ToJsonString();
            Assert.NotNull(problem["errors"]![field]);
            foreach (var typeName in new[] { "Int32", "int?", "FeeMemoirRequest", "DateOnly", "System.", "Nullable", "Service", "Implicit" })
                Assert.DoesNotContain(typeName, text);
        }
    }

    [Fact]
    public async Task Rejected_billing_files_lose_their_content_after_the_retention_period_by_a_recurring_job()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var good = $"memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\nRET-1,{voucher},{BillingApi.Adult},2026-11-10,ZK11,false,36.80\n";
        const string bad = "memoirReference,voucherNumber\nRET-2,x\n";
        var rejected = await BillingApi.WaitForFileAsync(Client(Physio1), (await BillingApi.UploadAsync(Client(Physio1), bad, "text/csv")).Id.ToString());
        var processed = await BillingApi.WaitForFileAsync(Client(Physio1), (await BillingApi.UploadAsync(Client(Physio1), good, "text/csv")).Id.ToString());
        Assert.Equal((BillingFileStatus.Rejected, BillingFileStatus.Processed), (rejected.Status, processed.Status));

        var retention = Api.Services.GetRequiredService<BillingRetentionOptions>().RejectedContentRetentionDays;
        Api.MoveTo(CareTestSupport.Today.AddDays(retention - 1));
        var recentRejected = await BillingApi.WaitForFileAsync(Client(Physio1), (await BillingApi.UploadAsync(Client(Physio1), bad + "\n", "text/csv")).Id.ToString());
        Assert.Equal(0, await PurgeAsync()); // not yet: the first was rejected retention − 1 days ago
        Api.MoveTo(CareTestSupport.Today.AddDays(retention + 1));
        Assert.True(await PurgeAsync() > 0);

        Assert.Equal(0, await ChunksAsync(rejected.Id.ToString()));
        Assert.True(await ChunksAsync(processed.Id.ToString()) > 0);
        Assert.True(await ChunksAsync(recentRejected.Id.ToString()) > 0);
        // The status resource stays, errors and all.
        var after = await (await Client(Physio1).GetAsync($"/api/v1/billing-files/{rejected.Id}")).ExpectAsync<BillingFileDto>(HttpStatusCode.OK);
        Assert.Equal(BillingFileStatus.Rejected, after.Status);
        Assert.NotEmpty(after.Errors);

        using var storage = Api.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Contains(storage.GetRecurringJobs(), j => j.Id == BillingFileRetentionJob.JobId);
    }

    private Task<int> PurgeAsync() => Api.WithScopeAsync(sp => sp.GetRequiredService<BillingFileRetentionJob>().PurgeRejectedContentsAsync(CancellationToken.None));

    private async Task<long> ChunksAsync(string fileId)
    {
        await using var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM cns.billing_file_chunks k JOIN cns.billing_files f ON f.content_id = k.content_id WHERE f.id = @id", conn);
        cmd.Parameters.AddWithValue("id", Guid.Parse(fileId));
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
