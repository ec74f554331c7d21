using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Infrastructure.Payments;
using CnsExchange.IntegrationTests.Support;
using Npgsql;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;
using DbRestart = CnsExchange.Reliability.DbRestartScenario;
using KillChecks = CnsExchange.Reliability.KillChecks;
using PaymentCrash = CnsExchange.Reliability.PaymentRunCrashScenario;
using ProcessFigures = CnsExchange.Reliability.Figures;
using Oversized = CnsExchange.Reliability.OversizedBodiesScenario;
using Hardening = CnsExchange.IntegrationTests.Security.HardeningTests;
using Sent = CnsExchange.Reliability.KillScenario.Sent;
using SandboxApi = CnsExchange.Reliability.SandboxApi;
using Validation_ = CnsExchange.IntegrationTests.Validation.ValidationTestSupport;

namespace CnsExchange.IntegrationTests.Reliability;

/// <summary>
/// Issue 16: every figure the reliability suite prints can show the failure it is named after. Each test injects that
/// failure (tampered rows, a deliberately broken stand-in for the API, an observed outage that recovers late, a process
/// that dies otherwise than by SIGKILL) and runs the very code that computes the figure.
/// </summary>
public sealed class FigureFailureTests(ApiFactory api) : ApiTest(api)
{
    private async Task<NpgsqlConnection> OpenAsync()
    {
        var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    private static Sent Validation(string diagnosis) => new("validation", "figure-" + Guid.NewGuid().ToString("N"),
        SandboxApi.ValidationJson(Validation_.Adult, "90000002", Validation_.Today.AddDays(-10), diagnosis), diagnosis);

    [Fact]
    public async Task Kill_loop_duplicates_count_a_resource_stored_without_its_idempotency_record_which_replayed_ids_do_not_show()
    {
        var sent = Validation("kill 1");
        var client = Client(Physio1);
        Assert.Equal(HttpStatusCode.Created, (await SandboxApi.PostValidationAsync(client, sent.Body, sent.Key)).Status);
        await using var conn = await OpenAsync();
        var healthy = await KillChecks.ResourcesByContentAsync(conn, [sent]);
        Assert.Equal((0, 0L), KillChecks.LostAndDuplicates([sent], healthy));

        // The failure: the resource was stored, its idempotency record was not (a crash between the two). The retry
        // stores a second resource, and a second retry replays that one: comparing the two retries' ids sees nothing.
        await RawSqlWithoutTriggersAsync(Api, "DELETE FROM cns.idempotency_records");
        var retry = await SandboxApi.PostValidationAsync(client, sent.Body, sent.Key);
        var again = await SandboxApi.PostValidationAsync(client, sent.Body, sent.Key);
        Assert.Equal(retry.Body?["id"]?.GetValue<string>(), again.Body?["id"]?.GetValue<string>());
        var byContent = await KillChecks.ResourcesByContentAsync(conn, [sent]);
        Assert.Equal((0, 1L), KillChecks.LostAndDuplicates([sent], byContent));
    }

    [Fact]
    public async Task Kill_loop_lost_half_stored_memoirs_and_inconsistent_vouchers_move_when_the_data_is_broken()
    {
        var sent = Validation("kill 2");
        var created = await SandboxApi.PostValidationAsync(Client(Physio1), sent.Body, sent.Key);
        var voucher = created.Body!["voucher"]!["number"]!.GetValue<string>();
        var memoir = new Sent("memoir", "figure-memoir", SandboxApi.MemoirJson("KILL-2", voucher, Validation_.Adult, Validation_.Today.AddDays(-3)), "KILL-2");
        Assert.Equal(HttpStatusCode.Created, (await SandboxApi.PostMemoirAsync(Client(Physio1), memoir.Body, memoir.Key)).Status);
        await using var conn = await OpenAsync();
        Assert.Equal(0, await KillChecks.MemoirsWithoutLinesAsync(conn));
        Assert.Equal(0, await KillChecks.InconsistentVouchersAsync(conn));

        await RawSqlWithoutTriggersAsync(Api, "UPDATE cns.voucher_services SET sessions_billed = sessions_billed + 1");
        Assert.True(await KillChecks.InconsistentVouchersAsync(conn) > 0);
        await RawSqlWithoutTriggersAsync(Api, "DELETE FROM cns.fee_memoir_lines");
        Assert.Equal(1, await KillChecks.MemoirsWithoutLinesAsync(conn));
        await RawSqlWithoutTriggersAsync(Api, "DELETE FROM cns.fee_memoirs");
        Assert.Equal((1, 0L), KillChecks.LostAndDuplicates([sent, memoir], await KillChecks.ResourcesByContentAsync(conn, [sent, memoir])));
    }

    [Fact]
    public async Task Kill_loop_resend_counts_a_replay_with_another_id_a_missing_resource_and_an_in_flight_retry_refused()
    {
        var client = Client(Physio1);
        var sent = Validation("kill 3");
        var first = await SandboxApi.PostValidationAsync(client, sent.Body, sent.Key);
        var id = first.Body!["id"]!.GetValue<string>();
        var memoir = new Sent("memoir", "figure-key-a",
            SandboxApi.MemoirJson("KILL-3", first.Body!["voucher"]!["number"]!.GetValue<string>(), Validation_.Adult, Validation_.Today.AddDays(-3)), "KILL-3");
        Assert.Equal(HttpStatusCode.Created, (await SandboxApi.PostMemoirAsync(client, memoir.Body, memoir.Key)).Status);
        var healthy = await KillChecks.ResendAsync(client, [(sent, id)], [memoir]);
        Assert.Equal((0, 0, 0, 1), (healthy.ReplayedAsAnother, healthy.NotFound, healthy.RetriedWithout2xx, healthy.Retried2xx.Count));

        // The failures: an answer whose id is not what the key replays nor exists, and an in-flight submission whose
        // content is stored under another key (its retry is refused as a duplicate reference).
        var broken = await KillChecks.ResendAsync(client, [(sent, Guid.NewGuid().ToString())], [memoir with { Key = "figure-key-b" }]);
        Assert.Equal((1, 1, 1, 0), (broken.ReplayedAsAnother, broken.NotFound, broken.RetriedWithout2xx, broken.Retried2xx.Count));
    }

    [Fact]
    public async Task Kills_survived_count_only_a_death_by_sigkill_and_a_payment_run_kill_only_at_its_armed_point()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        sleeper.Kill(entireProcessTree: true);
        await sleeper.WaitForExitAsync();
        Assert.True(KillChecks.DiedBySigkill(sleeper.ExitCode));
        using var quitter = Process.Start(new ProcessStartInfo("sh", ["-c", "exit 3"]) { UseShellExecute = false })!;
        await quitter.WaitForExitAsync();
        Assert.False(KillChecks.DiedBySigkill(quitter.ExitCode));
        Assert.False(KillChecks.DiedBySigkill(null));

        var point = "write_files:provider_written";
        string[] lastWords = [KillProcessPaymentRunFaults.KillMarker(point)];
        Assert.True(PaymentCrash.KilledAtArmedPoint(137, lastWords, point));
        Assert.False(PaymentCrash.KilledAtArmedPoint(0, lastWords, point)); // ended by itself
        Assert.False(PaymentCrash.KilledAtArmedPoint(137, [], point)); // killed, but not by the armed point
        Assert.False(PaymentCrash.KilledAtArmedPoint(137, lastWords, "step:committed"));
    }

    private static readonly DateTime T0 = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DbRestart.Outage Outage = new(T0.AddSeconds(2), T0.AddSeconds(2.2), T0.AddSeconds(6), T0.AddSeconds(7));

    /// <summary>Every class asked every 100 ms from 0 to 20 s: failing with 503 problems while PostgreSQL is down, recovering 0.3 s after it is up.</summary>
    private static List<DbRestart.Observation> HealthyOutage() =>
        Enumerable.Range(0, 200).SelectMany(i => Enum.GetValues<DbRestart.PathClass>().Select(c =>
        {
            var at = T0.AddMilliseconds(i * 100);
            var down = at > Outage.DownAt && at < Outage.UpAt.AddSeconds(0.3);
            var ok = c == DbRestart.PathClass.KeyLookup ? 401 : 200;
            return new DbRestart.Observation(at, c, down && c != DbRestart.PathClass.Memory ? 503 : ok, 12, down && c != DbRestart.PathClass.Memory ? "application/problem+json" : "application/json");
        })).ToList();

    private static ProcessFigures Figures(List<DbRestart.Observation> observations)
    {
        var figures = new ProcessFigures();
        DbRestart.Report(observations, Outage, figures);
        return figures;
    }

    [Fact]
    public void Db_restart_figures_show_a_late_recovery_per_class_an_undatabased_path_5xx_and_hangs()
    {
        var healthy = Figures(HealthyOutage());
        Assert.False(healthy.AnyFailed);
        Assert.Equal("0.3", healthy["db restart db writes recovery seconds"].Value);
        Assert.NotEqual("0", healthy["db restart memory-served answers 200 while PostgreSQL was down (not database-backed: no recovery measured)"].Value);

        // Writes come back 7 s after PostgreSQL while reads are back at once: only the writes' figure shows it.
        var lateWrites = HealthyOutage().Select(o => o.Class == DbRestart.PathClass.DatabaseWrite && o.At > Outage.UpAt && o.At < Outage.UpAt.AddSeconds(7)
            ? o with { Status = 503, Type = "application/problem+json" } : o).ToList();
        var late = Figures(lateWrites);
        Assert.Equal(("7", true), late["db restart db writes recovery seconds"]);
        Assert.Equal(("0.3", false), late["db restart db reads recovery seconds"]);

        // A "database" read answered from memory all along: it never fails, so its recovery means nothing and says so.
        var cached = Figures(HealthyOutage().Select(o => o.Class == DbRestart.PathClass.DatabaseRead ? o with { Status = 200 } : o).ToList());
        Assert.True(cached["db restart db reads failing while PostgreSQL was down"].Failed);
        Assert.True(cached["db restart db reads succeeding while PostgreSQL was down"].Failed);

        // A read that left before PostgreSQL went and was answered (200) 1.5 s later, inside the outage, read the database
        // before it went: not a success while down. The same answer to a read that left inside the outage is one.
        var sentBefore = new DbRestart.Observation(Outage.GoneFrom.AddSeconds(1), DbRestart.PathClass.DatabaseRead, 200, 1500, "application/json");
        Assert.False(Figures([.. HealthyOutage(), sentBefore])["db restart db reads succeeding while PostgreSQL was down"].Failed);
        Assert.Equal(("1", true), Figures([.. HealthyOutage(), sentBefore with { Ms = 500 }])["db restart db reads succeeding while PostgreSQL was down"]);

        var broken = HealthyOutage();
        broken[10] = broken[10] with { Status = 500 };
        broken[20] = broken[20] with { Status = 502 };
        broken[30] = broken[30] with { Status = -1, Ms = 10_000 };
        var i = broken.FindIndex(o => o.Status == 503);
        broken[i] = broken[i] with { Type = "text/plain" };
        var bad = Figures(broken);
        Assert.Equal(("1", true), bad["db restart 500"]);
        Assert.Equal(("1", true), bad["db restart 5xx other than 500 and 503"]);
        Assert.Equal(("1", true), bad["db restart 503 without problem+json"]);
        Assert.Equal(("1", true), bad["db restart hangs (no answer, or slower than 8 s)"]);
        Assert.True(bad["db restart slowest answer ms"].Failed);
        Assert.True(Figures(HealthyOutage().Where(o => o.Status != 503).ToList())["db restart 503 answers"].Failed);
    }

    [Fact]
    public async Task Payment_run_figures_move_when_a_line_is_paid_twice_a_file_a_line_or_a_memoir_changes_or_a_step_is_half_done()
    {
        var run = await AClosedRunAsync(Api);
        var runId = run.Id;
        var expected = await PaymentCrash.SnapshotAsync(Api.ConnectionString);
        Assert.Equal(0, expected.DoublePaid);
        Assert.Equal(0, PaymentCrash.FilesFailingVerification(await VerificationAsync(runId)));

        await RawSqlWithoutTriggersAsync(Api, "UPDATE cns.payment_files SET content = content || '\\x20'::bytea, length = length + 1 WHERE run_id = @id AND format = 'xml'", ("id", runId));
        await RawSqlWithoutTriggersAsync(Api, "UPDATE cns.fee_memoir_lines SET paid_amount = payable_amount + 1 WHERE id = (SELECT id FROM cns.fee_memoir_lines WHERE payment_run_id = @id ORDER BY id LIMIT 1)", ("id", runId));
        await RawSqlWithoutTriggersAsync(Api, "UPDATE cns.fee_memoirs SET status = 'InPaymentRun' WHERE reference = 'F-1'");
        var actual = await PaymentCrash.SnapshotAsync(Api.ConnectionString);
        Assert.True(PaymentCrash.FilesFailingVerification(await VerificationAsync(runId)) > 0);
        Assert.True(actual.DoublePaid > 0);
        Assert.True(PaymentCrash.Differences(expected.Files, actual.Files) > 0);
        Assert.True(PaymentCrash.Differences(expected.Lines, actual.Lines) > 0);
        Assert.True(PaymentCrash.Differences(expected.Memoirs, actual.Memoirs) > 0);
        Assert.Equal(0, PaymentCrash.Differences(expected.Orders, actual.Orders));

        // A run found at an earlier status than its rows show: a step half done.
        var (closed, none) = await PaymentCrash.AfterKillAsync(Api.ConnectionString);
        Assert.Equal(("Closed", 0), (closed, none));
        await RawSqlWithoutTriggersAsync(Api, "UPDATE cns.payment_runs SET status = 'Created' WHERE id = @id", ("id", runId));
        var (status, partial) = await PaymentCrash.AfterKillAsync(Api.ConnectionString);
        Assert.Equal("Created", status);
        Assert.True(partial > 0);
    }

    private async Task<PaymentRunVerificationDto> VerificationAsync(Guid runId) =>
        await (await Client(Admin).GetAsync($"/api/v1/payment-runs/{runId}/verification")).ExpectAsync<PaymentRunVerificationDto>(HttpStatusCode.OK);

    private static HttpResponseMessage Answer(HttpStatusCode status, string mediaType, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    [Fact]
    public async Task Hostile_figures_count_a_rejected_request_that_updated_a_row_a_5xx_and_an_error_without_a_problem()
    {
        var fuzzCase = new FuzzCase("PUT", "/api/v1/admin/insured/1983081246785", "figure-test", () => null, Admin);
        await using var conn = await OpenAsync();
        var rowsBefore = (await HostileInputFuzzer.DigestAsync(conn)).Values.Sum(d => d.Rows);

        // A deliberately broken stand-in for the API: it changes a row, then rejects the request.
        var findings = new List<FuzzFinding>();
        async Task<HttpResponseMessage> UpdatesThenRejects(HttpRequestMessage _)
        {
            await RawSqlWithoutTriggersAsync(Api, "UPDATE cns.insured SET first_name = first_name || 'x' WHERE matricule = '1983081246785'");
            return Answer(HttpStatusCode.UnprocessableEntity, "application/problem+json", """{"code":"validation_failed"}""");
        }
        findings.Add((await HostileInputFuzzer.TryAsync(fuzzCase, UpdatesThenRejects, conn))!);
        Assert.Equal(rowsBefore, (await HostileInputFuzzer.DigestAsync(conn)).Values.Sum(d => d.Rows)); // row counts alone would not see it
        Assert.Contains("insured", findings[0].Problem);
        findings.Add((await HostileInputFuzzer.TryAsync(fuzzCase, _ => Task.FromResult(Answer(HttpStatusCode.InternalServerError, "text/plain", "boom")), conn))!);
        findings.Add((await HostileInputFuzzer.TryAsync(fuzzCase, _ => Task.FromResult(Answer(HttpStatusCode.BadRequest, "text/plain", "no")), conn))!);
        Assert.Null(await HostileInputFuzzer.TryAsync(fuzzCase,
            _ => Task.FromResult(Answer(HttpStatusCode.BadRequest, "application/problem+json", """{"code":"validation_failed"}""")), conn));

        var figures = HostileInputFuzzer.Figures(3, findings).ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal(1, figures["hostile partial writes (rejected, yet a table's digest changed)"]);
        Assert.Equal(1, figures["hostile 5xx"]);
        Assert.Equal(1, figures["hostile errors without a problem+json with a code"]);
    }

    [Fact]
    public void Rate_limit_figures_count_a_429_without_retry_after_and_a_limited_other_key()
    {
        var withRetry = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        withRetry.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        var without = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        var figures = Foundation.RateLimitTests.Figures([new HttpResponseMessage(HttpStatusCode.OK), withRetry, without], new HttpResponseMessage(HttpStatusCode.TooManyRequests))
            .ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal(2, figures["rate limit answers 429"]);
        Assert.Equal(1, figures["rate limit 429 without Retry-After"]);
        Assert.Equal(1, figures["rate limit spilling onto other keys (other key not answered 200)"]);
    }

    [Fact]
    public void Race_figures_count_503_apart_from_other_5xx_and_extra_stored_requests()
    {
        HttpResponseMessage[] answers = [new(HttpStatusCode.Created), new(HttpStatusCode.ServiceUnavailable), new(HttpStatusCode.BadGateway)];
        var memoirs = RaceTests.MemoirRaceFigures(answers, paid: 9).ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal(1, memoirs["race 5xx other than 503"]);
        Assert.Equal(1, memoirs["race 503 answers (database busy; allowed)"]);
        Assert.Equal(1, memoirs["race sessions paid above grant"]);
        var idempotent = RaceTests.IdempotentRaceFigures(answers, distinctIds: 2, stored: 2).ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal(1, idempotent["idempotent race extra requests"]);
        Assert.Equal(2, idempotent["idempotent race 5xx (503 included)"]);
    }

    [Fact]
    public void Log_privacy_counts_a_line_carrying_a_matricule_or_a_name()
    {
        Api.Logs.Lines.Clear();
        var logger = Api.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("FigureFailureTests");
        Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, "Deliberate leak of {Matricule}", "1983081246785");
        Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, "Nothing personal here");
        Assert.Single(Security.LogPrivacyTests.Leaks(Api.Logs.Lines.ToArray(), ["1983081246785", "Dupont"]));
    }

    [Fact]
    public void Access_figures_count_a_foreign_resource_answered_and_a_role_let_through()
    {
        Assert.True(Security.AccessMatrixTests.IsForeignLeak(HttpStatusCode.OK));
        Assert.False(Security.AccessMatrixTests.IsForeignLeak(HttpStatusCode.NotFound));
        Assert.NotNull(Security.AccessMatrixTests.RoleLeak(["admin"], "provider", 200));
        Assert.NotNull(Security.AccessMatrixTests.RoleLeak(["provider"], "provider", 500));
        Assert.NotNull(Security.AccessMatrixTests.RoleLeak(["provider"], "provider", 401));
        Assert.Null(Security.AccessMatrixTests.RoleLeak(["admin"], "provider", 403));
        Assert.Null(Security.AccessMatrixTests.RoleLeak(["provider"], "provider", 422));
    }

    // ---- issue 15's hostile-input figures: oversized bodies, control characters, slow uploads ---------------------

    private const long MiB = 1024 * 1024;

    /// <summary>A stand-in for the API: every answer from <paramref name="answer"/>, after reading the whole body (no limit).</summary>
    private sealed class StandIn(Func<HttpRequestMessage, string, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            return await answer(request, body);
        }
    }

    private static HttpClient Through(StandIn standIn) => new(standIn) { BaseAddress = new Uri("http://stand-in") };

    [Fact]
    public async Task Oversized_body_figures_count_a_body_taken_whole_a_5xx_a_server_header_and_memory_growing()
    {
        // The API itself (in-process), with 3 MiB bodies: above every limit of the four operations, all refused.
        var healthy = new ProcessFigures();
        using (var http = Api.CreateClient()) await Oversized.RunAsync(http, () => 500, healthy, 3 * MiB, rounds: 1);
        Assert.False(healthy.AnyFailed);
        Assert.Equal("24", healthy["oversized bodies answered 413"].Value);

        // The guard missing: the body read whole, then refused as malformed JSON.
        var taken = new ProcessFigures();
        using (var http = Through(new StandIn((_, _) => Task.FromResult(Answer(HttpStatusCode.BadRequest, "application/problem+json", """{"code":"malformed_json"}""")))))
            await Oversized.RunAsync(http, () => 500, taken, 3 * MiB, rounds: 1);
        Assert.Equal(("24", true), taken["oversized bodies accepted"]);

        // Failing on it, naming the server, and the memory growing with the bodies read.
        var broken = new ProcessFigures();
        var rss = 500.0;
        using (var http = Through(new StandIn((request, _) =>
               {
                   var answer = Answer(request.Method == HttpMethod.Get ? HttpStatusCode.OK : HttpStatusCode.InternalServerError, "text/plain", "boom");
                   answer.Headers.Server.ParseAdd("Kestrel");
                   return Task.FromResult(answer);
               })))
            await Oversized.RunAsync(http, () => rss += 60, broken, 3 * MiB, rounds: 1);
        Assert.Equal(("24", true), broken["oversized bodies 5xx"]);
        Assert.True(broken["responses with a Server header"].Failed);
        Assert.True(broken["RSS increase under 6 concurrent oversized bodies (MB, P4 bound 100)"].Failed);
    }

    [Fact]
    public async Task Control_character_figures_count_a_5xx_when_the_text_reaches_postgresql_unguarded()
    {
        var doc = JsonNode.Parse(await (await Client(null).GetAsync("/swagger/v1/swagger.json")).Content.ReadAsStringAsync())!;
        // Control-character cases of operations taking a body without a path id, sent with a key of the right role.
        var keys = new Dictionary<string, string>
        {
            ["/api/v1/fee-memoirs"] = Physio1, ["/api/v1/fee-memoirs/simulations"] = Physio1, ["/api/v1/validation-requests"] = Physio1, ["/api/v1/admin/providers"] = Admin,
        };
        var cases = new HostileInputFuzzer(doc, new Random(16)).Generate(3000)
            .Where(c => HostileInputFuzzer.ControlCharacterKinds.Contains(c.Kind) && keys.ContainsKey(c.Path))
            .Select(c => c with { ApiKey = keys[c.Path] }).Take(40).ToList();
        await using var conn = await OpenAsync();

        async Task<(long Refused, long Errors)> RunAsync(Func<HttpRequestMessage, Task<HttpResponseMessage>> send)
        {
            var findings = new List<FuzzFinding>();
            var refused = 0;
            foreach (var c in cases)
                if (await HostileInputFuzzer.TryAsync(c, send, conn, (_, code) => refused += code == CnsExchange.Application.Common.TextInput.Code ? 1 : 0) is { } f)
                    findings.Add(f);
            var figures = HostileInputFuzzer.ControlCharacterFigures(cases.Count, refused, findings).ToDictionary(f => f.Name, f => f.Value);
            return (figures["NUL/control-character cases refused by the text guard (400 control_character)"], figures["NUL/control-character 5xx"]);
        }

        // The API: the guard refuses the escaped characters (the raw ones are malformed JSON), nothing fails.
        var client = Client(null);
        var (refusedByApi, errorsOfApi) = await RunAsync(r => client.SendAsync(r));
        Assert.True(refusedByApi > 0);
        Assert.Equal(0, errorsOfApi);

        // Without the guard: the JSON read as is and its strings written to PostgreSQL, which refuses NUL in text (22021).
        var unguarded = new StandIn(async (request, body) =>
        {
            try
            {
                foreach (var text in Strings(JsonNode.Parse(request.Content is MultipartFormDataContent ? body[body.IndexOf('{')..(body.LastIndexOf('}') + 1)] : body)))
                {
                    await using var write = new NpgsqlCommand("SELECT length(@text::text)", conn);
                    write.Parameters.AddWithValue("text", text);
                    await write.ExecuteScalarAsync();
                }
                return Answer(HttpStatusCode.Created, "application/json", "{}");
            }
            catch (System.Text.Json.JsonException)
            {
                return Answer(HttpStatusCode.BadRequest, "application/problem+json", """{"code":"malformed_json"}""");
            }
            catch (PostgresException)
            {
                return Answer(HttpStatusCode.InternalServerError, "application/problem+json", """{"code":"internal_error"}""");
            }
        });
        using var http = Through(unguarded);
        var (refusedUnguarded, errorsUnguarded) = await RunAsync(r => http.SendAsync(r));
        Assert.Equal(0, refusedUnguarded);
        Assert.True(errorsUnguarded > 0);
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };

    [Fact]
    public async Task Slow_upload_figures_count_a_transaction_held_while_the_client_sends_and_an_upload_kept_past_its_deadline()
    {
        // A store that opens its transaction before reading the body (the fault issue 15 removed), fed slowly: the
        // probe of the figure sees its INSERT idle in transaction.
        var slow = new Hardening.SlowContent(new byte[300], TimeSpan.FromMilliseconds(100));
        var upload = Api.WithScopeAsync(async sp =>
        {
            var data = sp.GetRequiredService<CnsExchange.Infrastructure.Billing.BillingDataSource>();
            await using var store = await data.OpenAsync(CancellationToken.None);
            await using var tx = await store.BeginTransactionAsync();
            await using (var header = new NpgsqlCommand("INSERT INTO cns.billing_file_contents (id, size_bytes, sha256, created_at) VALUES (gen_random_uuid(), 0, repeat('0', 64), now())", store, tx))
                await header.ExecuteNonQueryAsync();
            await slow.CopyToAsync(Stream.Null);
            await tx.RollbackAsync();
            return 0;
        });
        var (held, samples) = await Hardening.HeldTransactionsAsync(Api.ConnectionString, [upload]);
        await upload;
        Assert.True(samples >= 5);
        var figures = Hardening.SlowUploadFigures(held, samples).ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal(1, figures["transactions held by slow uploads"]);

        // The deadline left at its default (600 s): the same slow upload is taken, and kept.
        var (status, kept) = await Hardening.UploadPastDeadlineAsync(Api, deadlineSeconds: 600);
        var deadline = Hardening.DeadlineFigures(status, kept).ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal(1, deadline["slow uploads past the deadline not answered 408"]);
        Assert.True(deadline["rows kept by an upload past the deadline"] > 0);
    }
}
