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
    /// <summary>
    /// Load before each measured phase: the API's code path (EF Core, Npgsql, ASP.NET) needs some 10-15 s of load on
    /// 2 cores before the JIT has it optimised; the baseline gets the same warm-up. Steady state is what is compared.
    /// </summary>
    internal static readonly TimeSpan Warmup = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(BenchContext ctx, Report report)
    {
        var prescriptions = await Prescriptions.ForAsync(ctx, population: 0);
        HttpRequestMessage Make(Uri target, string path, string apiKey = "sandbox-physio-1") => prescriptions.Next(target, path, apiKey);

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
                (_, _) => Make(baselineHost.BaseUri, "/baseline/insert", "baseline"), (r, _) => Answer.ByStatus(r, (int)r.StatusCode == 201), warmup: Warmup, cpu: cpu);
        var loadAfterBaseline = LoadAverage();

        // Steady state, as in a system that has run for a while: load until PostgreSQL has analysed the tables a validation
        // writes (autovacuum's first pass after they filled). Until then the prepared statements' cached plans were made
        // while the tables held a few rows, and some scan a sandbox's rows instead of probing a key (2026-12-03-p1-first-minute.md).
        // In a sandbox of its own, so that the measured phases' prescriptions are new in theirs.
        var (settled, settling) = await SettleAsync(ctx, connections, "bench-p1-settling", prescriptions, () => ctx.ApiUri);
        var vacuums = new List<string> { await VacuumWrittenTablesAsync(ctx, "one sandbox") };
        var loadBefore = LoadAverage();
        await using (var rss = new RssSampler(ctx.ApiPid))
        {
            api = await LoadGenerator.RunAsync("P1 validation (API)", ctx.ApiUri, connections, duration,
                (_, _) => Make(ctx.ApiUri, "/api/v1/validation-requests"),
                judge: Prescriptions.Agreed, warmup: Warmup, cpu: cpu);
            peakRss = rss.PeakBytes;
            atPeak = rss.AtPeak;
        }
        var loadAfterApi = LoadAverage();
        var agreed = await CountAgreedAsync(ctx);

        // Throughput counts agreed validations only: a fast error or a refusal is not one.
        var ratio = api.SuccessesPerSecond / baseline.SuccessesPerSecond;
        report.Row("P1", "agreed validations (201 agreed) per s (32 conn.)", Report.F(api.SuccessesPerSecond), Report.F(baseline.SuccessesPerSecond) + " raw INSERT 201/s",
            Report.F(ratio), Target.AtLeastOf("≥ 1,000 agreed/s", 1000, "/s"), api.SuccessesPerSecond, why: api.Cpu?.WhyRate(api.Successes, 1000));
        report.Row("P1", "agreed validations vs the raw-INSERT baseline (32 conn.)", Report.F(api.SuccessesPerSecond) + " agreed/s", Report.F(baseline.SuccessesPerSecond) + " raw INSERT 201/s",
            Report.F(ratio), Target.AtLeastOf("≥ 0.6× baseline", 0.6, "×"), ratio, why: WhyRatio(api, baseline));
        if (api.Cpu is { } apiCpu && baseline.Cpu is { } baseCpu)
            report.Info("P1", "CPU per answer (32 conn.): validation vs raw INSERT", apiCpu.Describe(api.Successes),
                baseCpu.Describe(baseline.Successes, "bench (baseline host and load generator)"), Report.F(apiCpu.MsPer(api.Successes) / baseCpu.MsPer(baseline.Successes)));
        report.Info("P1", "p50 / p95 / p99 ms (32 conn.)", $"{Report.F(api.P50Ms)} / {Report.F(api.P95Ms)} / {Report.F(api.P99Ms)}",
            $"{Report.F(baseline.P50Ms)} / {Report.F(baseline.P95Ms)} / {Report.F(baseline.P99Ms)}", Report.F(api.P50Ms / baseline.P50Ms));
        // Latency at low concurrency: at 32 connections p50 is about 32 ÷ throughput, so the latency targets are at 4.
        vacuums.Add(await VacuumWrittenTablesAsync(ctx, "4 connections"));
        var few = await LoadGenerator.RunAsync("P1 validation (API, 4 conn.)", ctx.ApiUri, 4, duration,
            (_, _) => Make(ctx.ApiUri, "/api/v1/validation-requests"), judge: Prescriptions.Agreed, warmup: TimeSpan.FromSeconds(5), cpu: cpu);
        var fewLatency = $"{Report.F(few.P50Ms)} / {Report.F(few.P95Ms)} / {Report.F(few.P99Ms)}";
        var fewInvalid = few.Errors > 0 ? $"{few.Errors} answers were not 201 agreed ({Statuses(few)})" : null;
        var fewWhy = few.Cpu?.WhyLatency(few.Successes, 4);
        report.Row("P1", "p50 ms (4 conn.; p50 / p95 / p99)", fewLatency, "-", "-", Target.AtMostOf("p50 ≤ 5 ms", 5, "ms"), few.P50Ms, fewInvalid, fewWhy);
        report.Row("P1", "p99 ms (4 conn.; p50 / p95 / p99)", fewLatency, "-", "-", Target.AtMostOf("p99 ≤ 20 ms", 20, "ms"), few.P99Ms, fewInvalid, fewWhy);
        if (few.Cpu is { } fewCpu)
            report.Info("P1", "CPU per answer (4 conn.)", fewCpu.Describe(few.Successes), "-", "-");
        report.Row("P1", "answers other than 201 agreed (32 conn. / 4 conn.)", $"{api.Errors} / {few.Errors}", baseline.Errors.ToString() + " not 201", "-", "0", api.Errors == 0 && few.Errors == 0);
        // The same load spread over 10 sandboxes (worker w sends as sandbox w mod 10): isolation must not cost throughput.
        var sandboxes = await CreateSandboxesAsync(ctx, 10, prescriptions);
        LoadResult spread, again;
        TimeSpan deleted;
        try
        {
            vacuums.Add(await VacuumWrittenTablesAsync(ctx, "10 sandboxes"));
            spread = await LoadGenerator.RunAsync("P1 validation over 10 sandboxes (API)", ctx.ApiUri, connections, duration,
                (w, _) => Make(ctx.ApiUri, "/api/v1/validation-requests", sandboxes[w % sandboxes.Count].PhysioKey),
                judge: Prescriptions.Agreed, warmup: Warmup, cpu: cpu);
            // One sandbox again, after: the tables have grown and the machine has run longer by the 10-sandbox phase, so the
            // phase is compared with the mean of one sandbox before and after it; what a later phase loses by coming later
            // (bigger indexes, more dirty pages to write) is then not taken for the cost of spreading the load. Same warm-up
            // as the phases it is compared with.
            vacuums.Add(await VacuumWrittenTablesAsync(ctx, "one sandbox again"));
            again = await LoadGenerator.RunAsync("P1 validation in one sandbox again (API)", ctx.ApiUri, connections, duration,
                (_, _) => Make(ctx.ApiUri, "/api/v1/validation-requests"), judge: Prescriptions.Agreed, warmup: Warmup, cpu: cpu);
        }
        finally
        {
            deleted = await DeleteSandboxesAsync(ctx, [.. sandboxes, settling!]);
        }
        report.Note($"P1 over 10 sandboxes: deleting the 10 sandboxes and the settling one, with what the phases wrote in them, took {Report.F(deleted.TotalSeconds)} s.");
        var oneRate = (api.SuccessesPerSecond + again.SuccessesPerSecond) / 2;
        var spreadRatio = spread.SuccessesPerSecond / oneRate;
        report.Info("P1", "one sandbox, before and after the 10-sandbox phase: agreed per s (32 conn.)",
            $"{Report.F(api.SuccessesPerSecond)} before / {Report.F(again.SuccessesPerSecond)} after", "-", Report.F(again.SuccessesPerSecond / api.SuccessesPerSecond));
        if (spread.Cpu is { } spreadUse && api.Cpu is { } one && again.Cpu is { } oneAgain)
            report.Info("P1", "CPU per answer over 10 sandboxes (32 conn.)", spreadUse.Describe(spread.Successes),
                $"before: {one.Describe(api.Successes)}; after: {oneAgain.Describe(again.Successes)}",
                Report.F(spreadUse.MsPer(spread.Successes) / ((one.MsPer(api.Successes) + oneAgain.MsPer(again.Successes)) / 2)));
        report.Row("P1", "over 10 sandboxes: agreed per s (32 conn.)", Report.F(spread.SuccessesPerSecond),
            $"{Report.F(oneRate)} in one sandbox (mean of {Report.F(api.SuccessesPerSecond)} before and {Report.F(again.SuccessesPerSecond)} after)",
            Report.F(spreadRatio), "≥ 0.9× one sandbox", spreadRatio >= 0.9,
            spread.Cpu is { } spreadCpu && api.Cpu is { } oneCpu && again.Cpu is { } againCpu
                ? $"CPU per answer {Report.F(spreadCpu.MsPer(spread.Successes))} ms over 10 sandboxes against {Report.F(oneCpu.MsPer(api.Successes))} " +
                  $"and {Report.F(againCpu.MsPer(again.Successes))} in one before and after (PostgreSQL {Report.F(spreadCpu.Postgres * 1000 / spread.Successes)}" +
                  $"{spreadCpu.OfWhichAutovacuum(spread.Successes)} against {Report.F(oneCpu.Postgres * 1000 / api.Successes)}{oneCpu.OfWhichAutovacuum(api.Successes)} " +
                  $"and {Report.F(againCpu.Postgres * 1000 / again.Successes)}{againCpu.OfWhichAutovacuum(again.Successes)}); other processes " +
                  $"{Report.F(spreadCpu.Other / spreadCpu.Wall.TotalSeconds)} against {Report.F(oneCpu.Other / oneCpu.Wall.TotalSeconds)} and " +
                  $"{Report.F(againCpu.Other / againCpu.Wall.TotalSeconds)} cores"
                : null);
        foreach (var (phase, result) in new[] { ("one sandbox, 32 conn.", api), ("4 conn.", few), ("10 sandboxes, 32 conn.", spread), ("one sandbox again, 32 conn.", again) })
            if (result.Cpu?.Autovacuum is { } runs)
                report.Note($"P1 autovacuum while measuring ({phase}): {AutovacuumLog.Describe(runs, result.Successes)}.");
        report.Row("P1", "over 10 sandboxes: answers other than 201 agreed", spread.Errors.ToString(), $"{again.Errors} in one sandbox after", "-", "0",
            spread.Errors == 0 && again.Errors == 0);
        report.Note($"P1 over 10 sandboxes: 10 standard sandboxes (running clocks at the default sandbox's now), each with the same {Prescriptions.InsuredCount} insured; " +
                    $"{spread.Requests} requests, answers {Statuses(spread)}; one sandbox again after it: {again.Requests} requests, answers {Statuses(again)}; " +
                    $"4 connections: {few.Requests} requests, answers {Statuses(few)}; load average after them {LoadAverage()}.");
        report.Note($"P1: before each measured phase's warm-up, VACUUM (ANALYZE) of the tables a validation writes, so that no phase starts with the " +
                    $"vacuum the previous one left to autovacuum (one sandbox after the 10-sandbox phase was 0.63-0.88x the first without it, 0.93x after a " +
                    $"60-s pause: bench/results/2026-12-05-bench-new-prescriptions.md): {string.Join("; ", vacuums)}.");
        // A sampler that read nothing is no figure: 0 MB must not pass for a low one.
        report.Row("P4", "API peak RSS under P1 load (MB)", Report.F(peakRss / 1048576.0), "-", "-", "< 300 MB", peakRss > 0 && peakRss < 300L * 1048576,
            atPeak?.Describe() ?? (peakRss == 0 ? "the API's RSS could not be read" : null));
        if (atPeak is not null) report.Note($"P4 under P1: the API's resident memory at its peak (one-sandbox phase, /proc every 100 ms): {atPeak.Describe()}.");
        report.Note($"P1: {api.Requests} validation requests in {Report.F(api.Duration.TotalSeconds)} s, answers {Statuses(api)}; {agreed} vouchers in the database. " +
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

    internal static string Statuses(LoadResult result) => string.Join(", ", result.StatusCounts.Select(kv => $"{kv.Key}×{kv.Value}"));

    internal sealed record BenchSandbox(Guid Id, string PhysioKey);

    private static async Task<List<BenchSandbox>> CreateSandboxesAsync(BenchContext ctx, int count, Prescriptions prescriptions, string name = "bench-p1")
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
            await prescriptions.RegisterInsuredAsync(ctx, keys.GetProperty("admin").GetString()!);
        }
        return created;
    }

    /// <summary>Deletes the sandboxes one by one through the API; the time it took (stop 57: a sandbox of 50,000 validations could not be deleted).</summary>
    internal static async Task<TimeSpan> DeleteSandboxesAsync(BenchContext ctx, IEnumerable<BenchSandbox> sandboxes)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
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
        return watch.Elapsed;
    }

    /// <summary>The machine's load average (other work on a shared machine weighs on every figure).</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>The tables an agreed validation writes.</summary>
    private static readonly string[] WrittenTables =
        ["care_requests", "validation_requests", "prescription_scans", "vouchers", "voucher_services", "prescription_fingerprints", "events"];

    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(150);

    /// <summary>
    /// <see cref="LoadUntilAnalyzedAsync"/> in a sandbox of its own (named <paramref name="sandboxName"/>, returned for the caller
    /// to delete), so that the measured phases' prescriptions are new in theirs: the next ones of <paramref name="prescriptions"/>
    /// (whose insured the sandbox is given), each sent to <paramref name="target"/>. With <paramref name="unlessAnalysed"/>, nothing (and no sandbox) when every table of
    /// <see cref="WrittenTables"/> has been analysed already, by earlier scenarios of the same run.
    /// </summary>
    internal static async Task<(string Said, BenchSandbox? Sandbox)> SettleAsync(BenchContext ctx, int connections, string sandboxName,
        Prescriptions prescriptions, Func<Uri> target, bool unlessAnalysed = false)
    {
        if (unlessAnalysed && (await AnalyzeCountsAsync(ctx)) is var counts && WrittenTables.All(t => counts.GetValueOrDefault(t) > 0))
            return ("the tables a validation writes had been analysed already (by the run's earlier scenarios).", null);
        var settling = (await CreateSandboxesAsync(ctx, 1, prescriptions, sandboxName))[0];
        return (await LoadUntilAnalyzedAsync(ctx, connections, () => prescriptions.Next(target(), "/api/v1/validation-requests", settling.PhysioKey)), settling);
    }

    /// <summary>
    /// Loads the API in 5-s rounds until every table of <see cref="WrittenTables"/> has been analysed since the first round
    /// began (autovacuum runs once a minute: ANALYZE replaces the statistics of near-empty tables and invalidates the plans
    /// made with them), at most <see cref="SettleLimit"/>. Says what it did, for the report.
    /// </summary>
    private static async Task<string> LoadUntilAnalyzedAsync(BenchContext ctx, int connections, Func<HttpRequestMessage> make)
    {
        var before = await AnalyzeCountsAsync(ctx);
        var started = System.Diagnostics.Stopwatch.StartNew();
        long requests = 0;
        for (var round = 0; ; round++)
        {
            var result = await LoadGenerator.RunAsync("P1 settling (until the tables are analysed)", ctx.ApiUri, connections, TimeSpan.FromSeconds(5),
                (_, _) => make(), judge: Prescriptions.Agreed);
            requests += result.Requests;
            var now = await AnalyzeCountsAsync(ctx);
            var waiting = WrittenTables.Where(t => now.GetValueOrDefault(t) <= before.GetValueOrDefault(t)).ToList();
            if (waiting.Count == 0)
                return $"{requests} validation requests in {started.Elapsed.TotalSeconds:0} s of load let autovacuum analyse the tables a validation writes ({string.Join(", ", WrittenTables)}).";
            if (started.Elapsed >= SettleLimit)
                return $"{requests} validation requests in {started.Elapsed.TotalSeconds:0} s of load; **not yet analysed**: {string.Join(", ", waiting)} (the figures below may include plans made on near-empty tables).";
        }
    }

    /// <summary>
    /// VACUUM (ANALYZE) of <see cref="WrittenTables"/>: every measured phase starts as the first one does (right after
    /// autovacuum's pass over the settling load), not in the wake of the previous phase's writes. Says how long it took.
    /// </summary>
    private static async Task<string> VacuumWrittenTablesAsync(BenchContext ctx, string phase)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var conn = new Npgsql.NpgsqlConnection(ctx.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"VACUUM (ANALYZE) {string.Join(", ", WrittenTables.Select(t => "cns." + t))}", conn) { CommandTimeout = 600 };
        await cmd.ExecuteNonQueryAsync();
        return $"{phase} {started.Elapsed.TotalSeconds:0.0} s";
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

}
