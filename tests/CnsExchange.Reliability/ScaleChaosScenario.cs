using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using static CnsExchange.Reliability.SandboxApi;

namespace CnsExchange.Reliability;

/// <summary>
/// scripts/scale-out.sh --chaos (issue 22): N API processes behind nginx, mixed load through the proxy (validations,
/// memoirs, billing files, clock moves, payment runs, reads) while a random process is killed with SIGKILL every
/// period and started again. Clients act as a careful integrator would: every write carries an Idempotency-Key (clock
/// moves are absolute), and a request without an answer or with a 502/503/504 is sent again, the same, until answered.
/// Afterwards every acknowledged submission must exist once, nothing is paid twice and no payment run did its work twice.
/// </summary>
public static class ScaleChaosScenario
{
    public sealed record Options(string ApiDll, string ConnectionString, string ProxyUrl, int[] Ports, TimeSpan Duration, TimeSpan KillEvery, string? Inject);

    private sealed class Counters
    {
        public long Acknowledged, Refused, FiveXx, Resent, GaveUp;
    }

    public static async Task RunAsync(Options o, Figures figures)
    {
        var apis = o.Ports.Select(p => new ApiProcess(o.ApiDll, o.ConnectionString, p)).ToArray();
        await apis[0].StartAsync(TimeSpan.FromSeconds(120)); // migrates alone
        await Task.WhenAll(apis.Skip(1).Select(a => a.StartAsync(TimeSpan.FromSeconds(120))));
        try
        {
            await RunLoadAsync(o, apis, figures);
        }
        finally
        {
            foreach (var api in apis) await api.DisposeAsync();
        }
    }

    private static HttpClient Proxy(Options o, string key) =>
        new() { BaseAddress = new Uri(o.ProxyUrl), Timeout = TimeSpan.FromSeconds(30), DefaultRequestHeaders = { { "X-Api-Key", key } } };

    /// <summary>
    /// Sends until answered other than 502/503/504 or 409 idempotency_in_progress (the first try still running somewhere):
    /// each try a new message, the same content and key. Final answers other than 2xx are written to standard error.
    /// </summary>
    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(Counters c, HttpClient client, Func<HttpRequestMessage> message, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = message();
                using var response = await client.SendAsync(request, ct);
                if ((int)response.StatusCode >= 500) Interlocked.Increment(ref c.FiveXx);
                var body = await ReadAsync(response);
                var retry = response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
                            || (response.StatusCode == HttpStatusCode.Conflict && body?["code"]?.GetValue<string>() == "idempotency_in_progress");
                if (!retry || attempt == 20)
                {
                    if ((int)response.StatusCode is >= 200 and < 300) Interlocked.Increment(ref c.Acknowledged);
                    else
                    {
                        if ((int)response.StatusCode >= 500 || retry) Interlocked.Increment(ref c.GaveUp);
                        else Interlocked.Increment(ref c.Refused);
                        var text = body?.ToJsonString() ?? "";
                        Console.Error.WriteLine($"chaos: {request.Method} {request.RequestUri} answered {(int)response.StatusCode} after {attempt} tries: {text[..Math.Min(300, text.Length)]}");
                    }
                    return (response.StatusCode, body);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                if (attempt == 20)
                {
                    Interlocked.Increment(ref c.GaveUp);
                    return (0, null);
                }
            }
            Interlocked.Increment(ref c.Resent);
            await Task.Delay(200 * Math.Min(attempt, 5), CancellationToken.None);
        }
    }

    private static HttpRequestMessage Post(string url, HttpContent content, string key)
    {
        var m = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        m.Headers.Add("Idempotency-Key", key);
        return m;
    }

    private static async Task RunLoadAsync(Options o, ApiProcess[] apis, Figures figures)
    {
        var c = new Counters();
        using var admin = Proxy(o, "sandbox-admin");
        var insured = await SeedInsuredAsync(admin, 30);
        var today = await TodayAsync(admin);
        var vouchers = new List<(string Number, string Matricule)>();
        using (var provider = Proxy(o, "sandbox-physio-1"))
            for (var i = 0; i < insured.Count; i++)
            {
                var d = await SubmitValidationAsync(provider, insured[i], "90000002", today.AddDays(-10), $"chaos-seed-{i}", Guid.NewGuid().ToString());
                if (d.Body?["voucher"]?["number"] is { } number) vouchers.Add((number.GetValue<string>(), insured[i]));
            }
        if (vouchers.Count == 0) throw new InvalidOperationException("no voucher for the chaos load");

        var sent = new ConcurrentBag<KillScenario.Sent>();         // answered 2xx: must exist once
        var files = new ConcurrentBag<(string Id, string[] References)>();
        var runs = new ConcurrentBag<string>();
        var clockTargets = new ConcurrentBag<DateTimeOffset>();
        var sequence = 0;
        using var stop = new CancellationTokenSource(o.Duration);
        var ct = stop.Token;

        async Task Loop(Func<Task> body, TimeSpan pause)
        {
            while (!ct.IsCancellationRequested)
            {
                await body();
                if (pause > TimeSpan.Zero) await Task.Delay(pause, CancellationToken.None);
            }
        }

        Task SubmissionWorker() => Loop(async () =>
        {
            using var client = Proxy(o, "sandbox-physio-1");
            var n = Interlocked.Increment(ref sequence);
            var key = $"chaos-{n}-{Guid.NewGuid():N}";
            KillScenario.Sent s;
            if (n % 2 == 0)
            {
                var who = insured[n % insured.Count];
                s = new KillScenario.Sent("validation", key, ValidationJson(who, $"9000000{1 + n % 9}", today.AddDays(-(n / insured.Count % 25)), $"chaos {n}"), $"chaos {n}");
            }
            else
            {
                var v = vouchers[n % vouchers.Count];
                s = new KillScenario.Sent("memoir", key, MemoirJson($"CHAOS-{n}", v.Number, v.Matricule, today.AddDays(-(n % 9))), $"CHAOS-{n}");
            }
            var r = await SendAsync(c, client, () => s.Kind == "validation"
                ? Post("/api/v1/validation-requests", ValidationForm(s.Body, s.Key), s.Key)
                : Post("/api/v1/fee-memoirs", new StringContent(s.Body, Encoding.UTF8, "application/json"), s.Key), CancellationToken.None);
            if ((int)r.Status is >= 200 and < 300) sent.Add(s);
        }, TimeSpan.Zero);

        Task BillingFileWorker() => Loop(async () =>
        {
            using var client = Proxy(o, "sandbox-physio-1");
            var n = Interlocked.Increment(ref sequence);
            var refs = Enumerable.Range(0, 3).Select(i => $"CHAOSFILE-{n}-{i}").ToArray();
            var csv = new StringBuilder("memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\n");
            for (var i = 0; i < refs.Length; i++)
            {
                var v = vouchers[(n + i) % vouchers.Count];
                csv.Append($"{refs[i]},{v.Number},{v.Matricule},{today.AddDays(-((n + i) % 9)):yyyy-MM-dd},ZK11,false,36.80\n");
            }
            var key = $"chaos-file-{n}-{Guid.NewGuid():N}";
            var r = await SendAsync(c, client, () => Post("/api/v1/billing-files", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"), key), CancellationToken.None);
            if (r.Status == HttpStatusCode.Accepted && r.Body?["id"] is { } id) files.Add((id.GetValue<string>(), refs));
        }, TimeSpan.FromSeconds(2));

        Task ClockWorker() => Loop(async () =>
        {
            // Absolute moves: a move sent twice (a retry) lands on the same instant.
            var read = await SendAsync(c, admin, () => new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/clock"), CancellationToken.None);
            if (read.Body?["now"]?.GetValue<DateTimeOffset>() is not { } now) return;
            var target = now.AddMinutes(20);
            var r = await SendAsync(c, admin, () => new HttpRequestMessage(HttpMethod.Put, "/api/v1/admin/clock") { Content = JsonContent.Create(new { now = target }) }, CancellationToken.None);
            if (r.Status == HttpStatusCode.OK) clockTargets.Add(target);
        }, TimeSpan.FromSeconds(5));

        Task PaymentRunWorker() => Loop(async () =>
        {
            var key = $"chaos-run-{Guid.NewGuid():N}";
            var r = await SendAsync(c, admin, () => Post("/api/v1/admin/payment-runs", new ByteArrayContent([]), key), CancellationToken.None);
            if (r.Status == HttpStatusCode.Accepted && r.Body?["id"] is { } id) runs.Add(id.GetValue<string>());
        }, TimeSpan.FromSeconds(10));

        Task ReadWorker() => Loop(async () =>
        {
            using var client = Proxy(o, "sandbox-physio-1");
            await SendAsync(c, client, () => new HttpRequestMessage(HttpMethod.Get, "/api/v1/fee-memoirs?limit=20"), CancellationToken.None);
        }, TimeSpan.FromMilliseconds(100));

        var killedBySigkill = 0;
        var restartFailures = 0;
        var skipped = 0;
        var ready = apis.Select(_ => true).ToArray();
        var restarts = new List<Task>();
        async Task Killer()
        {
            var started = Stopwatch.GetTimestamp();
            for (var slot = 1; ; slot++)
            {
                var next = TimeSpan.FromTicks(o.KillEvery.Ticks * slot);
                if (next >= o.Duration) return;
                var wait = next - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, CancellationToken.None);
                // A random process of those serving, as long as another one serves meanwhile (restarts are slow on a busy machine).
                var serving = Enumerable.Range(0, apis.Length).Where(i => Volatile.Read(ref ready[i])).ToList();
                if (serving.Count < 2)
                {
                    skipped++;
                    continue;
                }
                var victim = serving[Random.Shared.Next(serving.Count)];
                Volatile.Write(ref ready[victim], false);
                var exit = apis[victim].Kill();
                if (KillChecks.DiedBySigkill(exit)) killedBySigkill++;
                Console.Error.WriteLine($"chaos: killed API {victim + 1} (port {o.Ports[victim]}) with SIGKILL at {next.TotalSeconds:0} s, exit {exit}; restarting it");
                restarts.Add(Task.Run(async () =>
                {
                    await apis[victim].DisposeAsync();
                    apis[victim] = new ApiProcess(o.ApiDll, o.ConnectionString, o.Ports[victim]);
                    try
                    {
                        await apis[victim].StartAsync(TimeSpan.FromSeconds(180));
                        Volatile.Write(ref ready[victim], true);
                    }
                    catch (Exception e)
                    {
                        Interlocked.Increment(ref restartFailures);
                        Console.Error.WriteLine($"chaos: restart of API {victim + 1} failed: {e.Message}");
                    }
                }));
            }
        }

        var load = new List<Task>();
        for (var w = 0; w < 4; w++) load.Add(SubmissionWorker());
        load.Add(BillingFileWorker());
        load.Add(ClockWorker());
        load.Add(PaymentRunWorker());
        load.Add(ReadWorker());
        var killer = Killer();
        await Task.WhenAll(load);
        await killer;
        await Task.WhenAll(restarts);

        // Settle: every acknowledged billing file and payment run finishes on the surviving processes.
        using var physio = Proxy(o, "sandbox-physio-1");
        var unfinishedFiles = 0;
        foreach (var (id, _) in files)
        {
            var done = false;
            for (var t = 0; t < 600 && !done; t++)
            {
                var f = await SendAsync(c, physio, () => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/billing-files/{id}"), CancellationToken.None);
                done = f.Body?["status"]?.GetValue<string>() is "processed" or "rejected";
                if (!done) await Task.Delay(200);
            }
            if (!done) unfinishedFiles++;
        }
        var unclosedRuns = 0;
        foreach (var id in runs.Distinct())
        {
            var closed = false;
            for (var t = 0; t < 600 && !closed; t++)
            {
                var r = await SendAsync(c, admin, () => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/payment-runs/{id}"), CancellationToken.None);
                closed = r.Body?["status"]?.GetValue<string>() == "closed";
                if (!closed) await Task.Delay(200);
            }
            if (!closed) unclosedRuns++;
        }
        var finalClock = (await SendAsync(c, admin, () => new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/clock"), CancellationToken.None)).Body?["now"]?.GetValue<DateTimeOffset>();

        await using var conn = new NpgsqlConnection(o.ConnectionString);
        await conn.OpenAsync();
        if (o.Inject == "lose" && sent.FirstOrDefault(s => s.Kind == "validation") is { } victimSent)
        {
            // Failure injection: one acknowledged validation request no longer holds its content (as if never stored).
            await using var cmd = new NpgsqlCommand("UPDATE cns.validation_requests SET diagnosis = diagnosis || ' (injected loss)' WHERE diagnosis = $1", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = victimSent.Fingerprint });
            Console.Error.WriteLine($"chaos: injected the loss of one acknowledged validation request ({await cmd.ExecuteNonQueryAsync()} row)");
        }

        var mustExist = sent.Concat(files.SelectMany(f => f.References.Select(r => new KillScenario.Sent("memoir", "", "", r)))).ToList();
        var byContent = await KillChecks.ResourcesByContentAsync(conn, mustExist);
        var (lost, duplicates) = KillChecks.LostAndDuplicates(mustExist, byContent);
        var runsFound = await ScaleChecks.ExistingRunsAsync(conn, runs.Distinct());
        var clockBehind = finalClock is { } fc && clockTargets.Any(t => fc < t) ? 1 : 0;

        figures.Info("API processes", apis.Length);
        figures.AtLeast($"kills (SIGKILL, exit 137; one every {o.KillEvery.TotalSeconds:0} s)", killedBySigkill, 1);
        figures.Info("kill slots skipped (fewer than 2 processes serving: the others still restarting)", skipped);
        figures.Zero("restarts that did not come back ready", restartFailures);
        figures.Info("requests acknowledged", Interlocked.Read(ref c.Acknowledged));
        figures.Info("requests refused (4xx, as data)", Interlocked.Read(ref c.Refused));
        figures.Info("5xx answers seen by clients (each sent again, same key)", Interlocked.Read(ref c.FiveXx));
        figures.Info("requests sent again after no answer or 502/503/504", Interlocked.Read(ref c.Resent));
        figures.Info("submissions acknowledged (validations, memoirs, memoirs in files)", mustExist.Count);
        figures.Info("billing files acknowledged", files.Count);
        figures.Info("payment runs acknowledged", runs.Distinct().Count());
        figures.Info("clock moves acknowledged", clockTargets.Count);
        figures.Zero("requests answered 5xx, or unanswered, after 20 tries", Interlocked.Read(ref c.GaveUp));
        figures.Zero("lost", lost + (runs.Distinct().Count() - runsFound) + unfinishedFiles + clockBehind);
        figures.Zero("duplicates", duplicates);
        figures.Zero("paid twice", await ScaleChecks.PaidTwiceAsync(conn) + await KillChecks.InconsistentVouchersAsync(conn));
        figures.Zero("payment runs executed twice", await ScaleChecks.RunsExecutedTwiceAsync(conn));
        figures.Zero("payment runs not closed", unclosedRuns);
        figures.Zero("half-stored memoirs", await KillChecks.MemoirsWithoutLinesAsync(conn));
    }

    private static MultipartFormDataContent ValidationForm(string json, string key) => new()
    {
        { new StringContent(json, Encoding.UTF8, "application/json"), "request" },
        { new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4\n% " + key + "\n%%EOF\n")), "scan", "rx.pdf" },
    };

    private static async Task<DateOnly> TodayAsync(HttpClient admin)
    {
        var clock = await (await admin.GetAsync("/api/v1/admin/clock")).Content.ReadFromJsonAsync<JsonNode>();
        return DateOnly.Parse(clock!["localDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The database checks of the chaos run (public: the test suite breaks the data on purpose and watches them move).</summary>
public static class ScaleChecks
{
    /// <summary>
    /// Money paid twice: an order for more (or less) than the lines its run took for that provider, or a line paid above
    /// what it may be paid. (A provider's second order in one run cannot be stored: unique index.)
    /// </summary>
    public static Task<long> PaidTwiceAsync(NpgsqlConnection conn) => ScalarAsync(conn, """
        SELECT (SELECT count(*) FROM cns.payment_orders o
                WHERE o.amount <> (SELECT coalesce(sum(l.payable_amount), 0) FROM cns.fee_memoir_lines l
                                   WHERE l.payment_run_id = o.run_id AND l.provider_id = o.provider_id))
             + (SELECT count(*) FROM cns.fee_memoir_lines WHERE paid_amount > payable_amount)
        """);

    /// <summary>
    /// Closed runs whose work shows twice: more orders or files than the run counted when it built and wrote them, or
    /// two return files for one provider.
    /// </summary>
    public static Task<long> RunsExecutedTwiceAsync(NpgsqlConnection conn) => ScalarAsync(conn, """
        SELECT count(*) FROM cns.payment_runs r
        WHERE r.status = 'Closed' AND (
              r.order_count <> (SELECT count(*) FROM cns.payment_orders o WHERE o.run_id = r.id)
           OR r.file_count <> (SELECT count(*) FROM cns.payment_files f WHERE f.run_id = r.id)
           OR EXISTS (SELECT 1 FROM cns.return_files x WHERE x.run_id = r.id GROUP BY x.provider_id HAVING count(*) > 1))
        """);

    public static async Task<int> ExistingRunsAsync(NpgsqlConnection conn, IEnumerable<string> ids)
    {
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM cns.payment_runs WHERE id = ANY($1)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.Select(Guid.Parse).ToArray() });
        return Convert.ToInt32(await cmd.ExecuteScalarAsync());
    }
}
