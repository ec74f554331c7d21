using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CnsExchange.Bench;

/// <summary>
/// P1: validation requests with a 20 KiB scan, all rules, voucher created, against a raw-INSERT baseline of an equal
/// payload; P4 (first half): API RSS under that load.
/// </summary>
public static class ValidationScenario
{
    private const int InsuredCount = 400;
    private const int ScanBytes = 20 * 1024;
    /// <summary>
    /// Load before each measured phase: the API's code path (EF Core, Npgsql, ASP.NET) needs some 10-15 s of load on
    /// 2 cores before the JIT has it optimised; the baseline gets the same warm-up. Steady state is what is compared.
    /// </summary>
    internal static readonly TimeSpan Warmup = TimeSpan.FromSeconds(15);

    /// <summary>Seeds the insured and answers the request factory: (target, path, worker, sequence, API key) → a new prescription.</summary>
    internal static async Task<Func<Uri, string, int, long, string, HttpRequestMessage>> PrepareAsync(BenchContext ctx) =>
        RequestMaker(await SeedInsuredAsync(ctx), ctx.Today, ScanTemplate());

    public static async Task RunAsync(BenchContext ctx, Report report)
    {
        var make = RequestMaker(await SeedInsuredAsync(ctx), ctx.Today, ScanTemplate());
        HttpRequestMessage Make(Uri target, string path, int worker, long sequence, string apiKey = "sandbox-physio-1") =>
            make(target, path, worker, sequence, apiKey);

        var connections = 32;
        var duration = ctx.Duration;
        LoadResult api;
        long peakRss;
        RssParts? atPeak;
        // Where each measured phase's CPU goes (API, PostgreSQL, the bench itself, other processes): the measured reason of a miss.
        var cpu = await CpuMeter.ForAsync(ctx);
        // The baseline first, on a database where no autovacuum of the API's rows can run beside it (after the API phases it
        // gave 637 to 1,792 raw INSERTs/s); the host empties its table when it stops, so its own vacuum does not run beside them.
        var loadBeforeBaseline = LoadAverage();
        LoadResult baseline;
        await using (var baselineHost = await BaselineHost.StartAsync(ctx.ConnectionString, ctx.BaselinePort))
            baseline = await LoadGenerator.RunAsync("P1 baseline (raw INSERT)", baselineHost.BaseUri, connections, duration,
                (w, n) => Make(baselineHost.BaseUri, "/baseline/insert", w, n), r => (int)r.StatusCode == 201, warmup: Warmup, cpu: cpu);
        var loadAfterBaseline = LoadAverage();

        // Steady state, as in a system that has run for a while: load until PostgreSQL has analysed the tables a validation
        // writes (autovacuum's first pass after they filled). Until then the prepared statements' cached plans were made
        // while the tables held a few rows, and some scan a sandbox's rows instead of probing a key (2026-12-03-p1-first-minute.md).
        // In a sandbox of its own, so that the measured phases' prescriptions are new in theirs.
        var (settled, settling) = await SettleAsync(ctx, connections, "bench-p1-settling",
            (w, n, key) => Make(ctx.ApiUri, "/api/v1/validation-requests", w, n, key));
        var loadBefore = LoadAverage();
        await using (var rss = new RssSampler(ctx.ApiPid))
        {
            api = await LoadGenerator.RunAsync("P1 validation (API)", ctx.ApiUri, connections, duration,
                (w, n) => Make(ctx.ApiUri, "/api/v1/validation-requests", w, n),
                r => (int)r.StatusCode == 201, warmup: Warmup, cpu: cpu);
            peakRss = rss.PeakBytes;
            atPeak = rss.AtPeak;
        }
        var loadAfterApi = LoadAverage();
        var agreed = await CountAgreedAsync(ctx);

        // Throughput counts 201s only: a fast error is not a validation.
        var ratio = api.SuccessesPerSecond / baseline.SuccessesPerSecond;
        report.Row("P1", "validation requests answered 201 per s (32 conn.)", Report.F(api.SuccessesPerSecond), Report.F(baseline.SuccessesPerSecond) + " raw INSERT 201/s",
            Report.F(ratio), Target.AtLeastOf("≥ 1,000 201/s", 1000, "/s"), api.SuccessesPerSecond, why: api.Cpu?.WhyRate(api.Successes, 1000));
        report.Row("P1", "validation requests vs the raw-INSERT baseline (32 conn.)", Report.F(api.SuccessesPerSecond) + " 201/s", Report.F(baseline.SuccessesPerSecond) + " raw INSERT 201/s",
            Report.F(ratio), Target.AtLeastOf("≥ 0.6× baseline", 0.6, "×"), ratio, why: WhyRatio(api, baseline));
        if (api.Cpu is { } apiCpu && baseline.Cpu is { } baseCpu)
            report.Info("P1", "CPU per answer (32 conn.): validation vs raw INSERT", apiCpu.Describe(api.Successes),
                baseCpu.Describe(baseline.Successes, "bench (baseline host and load generator)"), Report.F(apiCpu.MsPer(api.Successes) / baseCpu.MsPer(baseline.Successes)));
        report.Info("P1", "p50 / p95 / p99 ms (32 conn.)", $"{Report.F(api.P50Ms)} / {Report.F(api.P95Ms)} / {Report.F(api.P99Ms)}",
            $"{Report.F(baseline.P50Ms)} / {Report.F(baseline.P95Ms)} / {Report.F(baseline.P99Ms)}", Report.F(api.P50Ms / baseline.P50Ms));
        // Latency at low concurrency: at 32 connections p50 is about 32 ÷ throughput, so the latency targets are at 4.
        var few = await LoadGenerator.RunAsync("P1 validation (API, 4 conn.)", ctx.ApiUri, 4, duration,
            (w, n) => Make(ctx.ApiUri, "/api/v1/validation-requests", w, n + 100_000_000), r => (int)r.StatusCode == 201, warmup: TimeSpan.FromSeconds(5), cpu: cpu);
        var fewLatency = $"{Report.F(few.P50Ms)} / {Report.F(few.P95Ms)} / {Report.F(few.P99Ms)}";
        var fewInvalid = few.Errors > 0 ? $"{few.Errors} answers were not 201" : null;
        var fewWhy = few.Cpu?.WhyLatency(few.Successes, 4);
        report.Row("P1", "p50 ms (4 conn.; p50 / p95 / p99)", fewLatency, "-", "-", Target.AtMostOf("p50 ≤ 5 ms", 5, "ms"), few.P50Ms, fewInvalid, fewWhy);
        report.Row("P1", "p99 ms (4 conn.; p50 / p95 / p99)", fewLatency, "-", "-", Target.AtMostOf("p99 ≤ 20 ms", 20, "ms"), few.P99Ms, fewInvalid, fewWhy);
        if (few.Cpu is { } fewCpu)
            report.Info("P1", "CPU per answer (4 conn.)", fewCpu.Describe(few.Successes), "-", "-");
        report.Row("P1", "errors (non-201)", api.Errors.ToString(), baseline.Errors.ToString(), "-", "0", api.Errors == 0);
        // The same load spread over 10 sandboxes (worker w sends as sandbox w mod 10): isolation must not cost throughput.
        var sandboxes = await CreateSandboxesAsync(ctx, 10);
        LoadResult spread;
        try
        {
            spread = await LoadGenerator.RunAsync("P1 validation over 10 sandboxes (API)", ctx.ApiUri, connections, duration,
                (w, n) => Make(ctx.ApiUri, "/api/v1/validation-requests", w, n, sandboxes[w % sandboxes.Count].PhysioKey),
                r => (int)r.StatusCode == 201, warmup: Warmup, cpu: cpu);
        }
        finally
        {
            await DeleteSandboxesAsync(ctx, [.. sandboxes, settling!]);
        }
        var spreadRatio = spread.SuccessesPerSecond / api.SuccessesPerSecond;
        if (spread.Cpu is { } spreadUse)
            report.Info("P1", "CPU per answer over 10 sandboxes (32 conn.)", spreadUse.Describe(spread.Successes),
                api.Cpu?.Describe(api.Successes) + " in one sandbox", api.Cpu is { } one ? Report.F(spreadUse.MsPer(spread.Successes) / one.MsPer(api.Successes)) : "-");
        report.Row("P1", "over 10 sandboxes: 201 per s (32 conn.)", Report.F(spread.SuccessesPerSecond), Report.F(api.SuccessesPerSecond) + " in one sandbox",
            Report.F(spreadRatio), "≥ 0.9× one sandbox", spreadRatio >= 0.9,
            spread.Cpu is { } spreadCpu && api.Cpu is { } oneCpu
                ? $"CPU per answer {Report.F(spreadCpu.MsPer(spread.Successes))} ms over 10 sandboxes against {Report.F(oneCpu.MsPer(api.Successes))} in one " +
                  $"(PostgreSQL {Report.F(spreadCpu.Postgres * 1000 / spread.Successes)}{spreadCpu.OfWhichAutovacuum(spread.Successes)} against " +
                  $"{Report.F(oneCpu.Postgres * 1000 / api.Successes)}{oneCpu.OfWhichAutovacuum(api.Successes)}); " +
                  $"other processes {Report.F(spreadCpu.Other / spreadCpu.Wall.TotalSeconds)} against {Report.F(oneCpu.Other / oneCpu.Wall.TotalSeconds)} cores"
                : null);
        foreach (var (phase, result) in new[] { ("one sandbox, 32 conn.", api), ("4 conn.", few), ("10 sandboxes, 32 conn.", spread) })
            if (result.Cpu?.Autovacuum is { } runs)
                report.Note($"P1 autovacuum while measuring ({phase}): {AutovacuumLog.Describe(runs, result.Successes)}.");
        report.Row("P1", "over 10 sandboxes: errors (non-201)", spread.Errors.ToString(), api.Errors.ToString(), "-", "0", spread.Errors == 0);
        report.Note($"P1 over 10 sandboxes: 10 standard sandboxes (running clocks at the default sandbox's now), each with the same {InsuredCount} insured; " +
                    $"{spread.Requests} requests, statuses {string.Join(", ", spread.StatusCounts.Select(kv => $"{kv.Key}×{kv.Value}"))}; load average after it {LoadAverage()}.");
        // A sampler that read nothing is no figure: 0 MB must not pass for a low one.
        report.Row("P4", "API peak RSS under P1 load (MB)", Report.F(peakRss / 1048576.0), "-", "-", "< 300 MB", peakRss > 0 && peakRss < 300L * 1048576,
            atPeak?.Describe() ?? (peakRss == 0 ? "the API's RSS could not be read" : null));
        if (atPeak is not null) report.Note($"P4 under P1: the API's resident memory at its peak (one-sandbox phase, /proc every 100 ms): {atPeak.Describe()}.");
        report.Note($"P1: {api.Requests} validation requests in {Report.F(api.Duration.TotalSeconds)} s, statuses {string.Join(", ", api.StatusCounts.Select(kv => $"{kv.Key}×{kv.Value}"))}; {agreed} vouchers in the database. " +
                    $"Baseline (measured first): {baseline.Requests} raw INSERTs of the same multipart payload (request JSON as jsonb + 20 KiB scan as bytea) through a minimal ASP.NET endpoint in the bench process. " +
                    $"Before the API phase, {settled} Each phase measured after {Warmup.TotalSeconds:0} s of warm-up load; load average (1/5/15 min) before the baseline {loadBeforeBaseline}, after it {loadAfterBaseline}, before the API phase {loadBefore}, after it {loadAfterApi}.");
    }

    /// <summary>
    /// Why the ratio to the baseline is what it is: when both phases keep the cores busy, the ratio is about the baseline's
    /// CPU per answer over the validation's.
    /// </summary>
    private static string? WhyRatio(LoadResult api, LoadResult baseline)
    {
        if (api.Cpu is not { } a || baseline.Cpu is not { } b) return null;
        var validation = a.MsPer(api.Successes);
        var insert = b.MsPer(baseline.Successes);
        return $"a validation costs {Report.F(validation)} ms of CPU (API {Report.F(a.Api * 1000 / api.Successes)}, PostgreSQL {Report.F(a.Postgres * 1000 / api.Successes)}, " +
               $"load generator {Report.F(a.Bench * 1000 / api.Successes)}), a raw INSERT {Report.F(insert)} ms (bench {Report.F(b.Bench * 1000 / baseline.Successes)}, " +
               $"PostgreSQL {Report.F(b.Postgres * 1000 / baseline.Successes)}): {Report.F(insert / validation)}× by CPU alone; " +
               $"cores busy {Report.F(a.CoresBusy)} and {Report.F(b.CoresBusy)} of {a.Cores}";
    }

    internal sealed record BenchSandbox(Guid Id, string PhysioKey);

    private static async Task<List<BenchSandbox>> CreateSandboxesAsync(BenchContext ctx, int count, string name = "bench-p1")
    {
        using var admin = new HttpClient { BaseAddress = ctx.ApiUri };
        admin.DefaultRequestHeaders.Add("X-Api-Key", "sandbox-admin");
        var now = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/clock")).GetProperty("now").GetDateTimeOffset();
        using var op = new HttpClient { BaseAddress = ctx.ApiUri };
        op.DefaultRequestHeaders.Add("X-Api-Key", "sandbox-operator");
        var created = new List<BenchSandbox>();
        for (var i = 0; i < count; i++)
        {
            using var response = await op.PostAsJsonAsync("/api/v1/sandboxes", new { name = $"{name}-{i}", clock = new { mode = "running", now }, seed = "standard" });
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var keys = body.GetProperty("keys");
            created.Add(new BenchSandbox(body.GetProperty("id").GetGuid(), keys.GetProperty("physio-1").GetString()!));
            await SeedInsuredAsync(ctx, keys.GetProperty("admin").GetString()!);
        }
        return created;
    }

    internal static async Task DeleteSandboxesAsync(BenchContext ctx, IEnumerable<BenchSandbox> sandboxes)
    {
        using var op = new HttpClient { BaseAddress = ctx.ApiUri, Timeout = TimeSpan.FromMinutes(10) };
        op.DefaultRequestHeaders.Add("X-Api-Key", "sandbox-operator");
        foreach (var sandbox in sandboxes)
            for (var attempt = 1; ; attempt++)
            {
                using var answer = await op.DeleteAsync($"/api/v1/sandboxes/{sandbox.Id}");
                // 503 is the API's "collided with a concurrent transaction, send it again" (or database unavailable): retry as
                // a client should, after Retry-After, and say so on the console.
                if (answer.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 5)
                {
                    answer.EnsureSuccessStatusCode();
                    break;
                }
                var wait = answer.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                Console.Error.WriteLine($"DELETE sandbox {sandbox.Id}: 503 ({await answer.Content.ReadAsStringAsync()}), attempt {attempt}; again in {wait.TotalSeconds:0} s");
                await Task.Delay(wait);
            }
    }

    /// <summary>Builds the P1 request of a worker's n-th prescription (insured × doctor × date unique within ~100,000).</summary>
    internal static Func<Uri, string, int, long, string, HttpRequestMessage> RequestMaker(string[] matricules, DateOnly today, byte[] template) => (target, path, worker, sequence, apiKey) =>
    {
        var n = sequence * 64 + worker; // unique across workers (≤ 64 connections)
        // Every request is a new prescription: insured × doctor × date never repeat within a run.
        var insured = matricules[(int)(n % InsuredCount)];
        var doctor = $"9000000{1 + (n / InsuredCount) % 9}";
        var daysBack = (int)(n / (InsuredCount * 9) % 28);
        var json = JsonSerializer.Serialize(new
        {
            matricule = insured,
            doctor = new { code = doctor },
            prescriptionDate = today.AddDays(-daysBack).ToString("yyyy-MM-dd"),
            prescriptionLanguage = "fr",
            category = "common",
            actCode = "ZK11",
            sessions = 6,
            homeVisitMedicallyNecessary = false,
            careCountry = "LU",
            diagnosis = $"bench {worker}-{n}",
        });
        var scan = (byte[])template.Clone();
        BitConverter.GetBytes(n).CopyTo(scan, 16);
        BitConverter.GetBytes(worker).CopyTo(scan, 24);
        var form = new MultipartFormDataContent
        {
            { new StringContent(json, Encoding.UTF8, "application/json"), "request" },
        };
        var file = new ByteArrayContent(scan);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "scan", "prescription.pdf");
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(target, path)) { Content = form };
        message.Headers.Add("X-Api-Key", apiKey);
        return message;
    };

    internal static byte[] ScanTemplate()
    {
        var template = new byte[ScanBytes];
        Random.Shared.NextBytes(template);
        Encoding.ASCII.GetBytes("%PDF-1.4\n").CopyTo(template, 0);
        return template;
    }

    /// <summary>The machine's load average (other work on a shared machine weighs on every figure).</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    internal static async Task<string[]> SeedInsuredAsync(BenchContext ctx, string adminKey = "sandbox-admin")
    {
        using var http = new HttpClient { BaseAddress = ctx.ApiUri };
        http.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        var list = new string[InsuredCount];
        for (var i = 0; i < InsuredCount; i++)
        {
            var birth = new DateOnly(1950, 1, 1).AddDays(i * 37);
            list[i] = Matricule(birth, 500 + i);
            var response = await http.PutAsJsonAsync($"/api/v1/admin/insured/{list[i]}", new
            {
                firstName = "Bench", lastName = $"Person{i}", sex = "female", competentFund = "CNS", residenceCountry = "LU",
                crossBorderWorker = false, affiliations = new[] { new { from = "2000-01-01", to = (string?)null } },
            });
            response.EnsureSuccessStatusCode();
        }
        return list;
    }

    /// <summary>The tables an agreed validation writes.</summary>
    private static readonly string[] WrittenTables =
        ["care_requests", "validation_requests", "prescription_scans", "vouchers", "voucher_services", "prescription_fingerprints", "events"];

    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(150);

    /// <summary>
    /// <see cref="LoadUntilAnalyzedAsync"/> in a sandbox of its own (named <paramref name="sandboxName"/>, returned for the caller
    /// to delete), so that the measured phases' prescriptions are new in theirs; <paramref name="make"/> takes (worker,
    /// sequence, API key). With <paramref name="unlessAnalysed"/>, nothing (and no sandbox) when every table of
    /// <see cref="WrittenTables"/> has been analysed already, by earlier scenarios of the same run.
    /// </summary>
    internal static async Task<(string Said, BenchSandbox? Sandbox)> SettleAsync(BenchContext ctx, int connections, string sandboxName,
        Func<int, long, string, HttpRequestMessage> make, bool unlessAnalysed = false)
    {
        if (unlessAnalysed && (await AnalyzeCountsAsync(ctx)) is var counts && WrittenTables.All(t => counts.GetValueOrDefault(t) > 0))
            return ("the tables a validation writes had been analysed already (by the run's earlier scenarios).", null);
        var settling = (await CreateSandboxesAsync(ctx, 1, sandboxName))[0];
        return (await LoadUntilAnalyzedAsync(ctx, connections, (w, n) => make(w, n, settling.PhysioKey)), settling);
    }

    /// <summary>
    /// Loads the API in 5-s rounds until every table of <see cref="WrittenTables"/> has been analysed since the first round
    /// began (autovacuum runs once a minute: ANALYZE replaces the statistics of near-empty tables and invalidates the plans
    /// made with them), at most <see cref="SettleLimit"/>. Says what it did, for the report.
    /// </summary>
    private static async Task<string> LoadUntilAnalyzedAsync(BenchContext ctx, int connections, Func<int, long, HttpRequestMessage> make)
    {
        var before = await AnalyzeCountsAsync(ctx);
        var started = System.Diagnostics.Stopwatch.StartNew();
        long requests = 0;
        for (var round = 0; ; round++)
        {
            var offset = round * 10_000_000L;
            var result = await LoadGenerator.RunAsync("P1 settling (until the tables are analysed)", ctx.ApiUri, connections, TimeSpan.FromSeconds(5),
                (w, n) => make(w, n + offset), r => (int)r.StatusCode == 201);
            requests += result.Requests;
            var now = await AnalyzeCountsAsync(ctx);
            var waiting = WrittenTables.Where(t => now.GetValueOrDefault(t) <= before.GetValueOrDefault(t)).ToList();
            if (waiting.Count == 0)
                return $"{requests} validation requests in {started.Elapsed.TotalSeconds:0} s of load let autovacuum analyse the tables a validation writes ({string.Join(", ", WrittenTables)}).";
            if (started.Elapsed >= SettleLimit)
                return $"{requests} validation requests in {started.Elapsed.TotalSeconds:0} s of load; **not yet analysed**: {string.Join(", ", waiting)} (the figures below may include plans made on near-empty tables).";
        }
    }

    private static async Task<Dictionary<string, long>> AnalyzeCountsAsync(BenchContext ctx)
    {
        await using var conn = new Npgsql.NpgsqlConnection(ctx.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "SELECT relname, analyze_count + autoanalyze_count FROM pg_stat_user_tables WHERE schemaname = 'cns' AND relname = ANY($1)", conn);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = WrittenTables });
        var counts = new Dictionary<string, long>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private static async Task<long> CountAgreedAsync(BenchContext ctx)
    {
        await using var conn = new Npgsql.NpgsqlConnection(ctx.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM cns.vouchers", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>A valid matricule, built by the Domain (the one implementation of the check digits).</summary>
    internal static string Matricule(DateOnly birth, int sequence) => Domain.Common.Matricule.Create(birth, sequence % 1000).Value;
}
