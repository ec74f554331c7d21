namespace CnsExchange.Bench;

/// <summary>
/// P8 (issue 22): P1's validation requests through nginx with 1, 2 and 3 API processes behind it (each also a Hangfire
/// server), compared with 1 process in the same run; and what the shared rate limiter costs: P1 straight to a process
/// with the limiter (default limits) against the same straight to a process without it. bench/run.sh starts the
/// processes and the proxy and passes their addresses (BENCH_PROXY_URLS, BENCH_LIMITER_ON_URL, BENCH_LIMITER_OFF_URL).
/// </summary>
public static class ScaleOutScenario
{
    /// <summary>Idle time after the warm-up of the processes behind nginx: long enough for the tier-1 compilations it queued.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(BenchContext ctx, Report report)
    {
        var proxies = (Environment.GetEnvironmentVariable("BENCH_PROXY_URLS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(u => new Uri(u)).ToArray();
        if (proxies.Length == 0 || Environment.GetEnvironmentVariable("BENCH_LIMITER_ON_URL") is not { } on || Environment.GetEnvironmentVariable("BENCH_LIMITER_OFF_URL") is not { } off)
        {
            report.Note("P8 needs the proxy and the extra API processes that bench/run.sh starts for it (run `bench/run.sh p8`).");
            return;
        }
        var prescriptions = await Prescriptions.ForAsync(ctx, population: 2);
        const int connections = 32;
        async Task<LoadResult> LoadAsync(string name, Uri target, TimeSpan? duration = null)
        {
            return await LoadGenerator.RunAsync(name, target, connections, duration ?? ctx.Duration, (_, _) => prescriptions.Next(target, "/api/v1/validation-requests", "sandbox-physio-1"),
                judge: Prescriptions.Agreed, warmup: ValidationScenario.Warmup);
        }

        // On a fresh database (`bench/run.sh p8` alone) the first phase would run on tables autovacuum has not analysed
        // yet, with plans made while they held a few rows (2026-12-03-p1-first-minute.md): the limiter-on phase, always
        // first, came out below the limiter-off one in 8 of 9 runs (0.49-0.88x; once 1.26x). As P1 does, load until they
        // are analysed, half the connections to each of the two processes the limiter phases compare, so that both have
        // run as much code before their phase.
        Uri[] limiterProcesses = [new(on), new(off)];
        var sent = 0L;
        var (settled, settling) = await ValidationScenario.SettleAsync(ctx, connections, "bench-p8-settling", prescriptions,
            () => limiterProcesses[Interlocked.Increment(ref sent) % 2], unlessAnalysed: true);
        var loadBefore = ValidationScenario.LoadAverage();
        var limiterOn = await LoadAsync("P1 direct, shared rate limiter on", limiterProcesses[0]);
        var limiterOff = await LoadAsync("P1 direct, rate limiter off", limiterProcesses[1]);
        var ratio = limiterOn.SuccessesPerSecond / limiterOff.SuccessesPerSecond;
        report.Info("P8", "P1 agreed/s straight to one process, shared rate limiter on (default limits) vs off", Report.F(limiterOn.SuccessesPerSecond),
            Report.F(limiterOff.SuccessesPerSecond) + " limiter off", Report.F(ratio));
        report.Info("P8", "p50 ms, limiter on vs off", Report.F(limiterOn.P50Ms), Report.F(limiterOff.P50Ms), Report.F(limiterOn.P50Ms / limiterOff.P50Ms));

        // Every process behind nginx is first warmed up as the 1-process baseline already is (it served the limiter-on
        // phase's load): JIT tiering is each process's start-up cost, paid once in a deployment, not a cost of running
        // several. Without this the 2- and 3-process phases measured processes that had served no request yet. Then a
        // pause, so that the tier-1 compilations the warm-up queued do not run during the next phase (the 1-process
        // one, whose idle neighbours would otherwise still be compiling).
        var warmFor = 2 * ctx.Duration;
        var warm = await LoadAsync($"warm-up of the {proxies.Length} processes behind nginx", proxies[^1], warmFor);
        await Task.Delay(Settle);
        var through = new List<LoadResult>();
        for (var i = 0; i < proxies.Length; i++) through.Add(await LoadAsync($"P1 through nginx, {i + 1} API process(es)", proxies[i]));
        var one = through[0];
        for (var i = 0; i < through.Count; i++)
        {
            var r = through[i];
            var lost = r.Errors;
            report.Row("P8", $"P1 agreed/s through nginx, {i + 1} API process(es) (32 conn.)", Report.F(r.SuccessesPerSecond),
                Report.F(one.SuccessesPerSecond) + " with 1 process", Report.F(r.SuccessesPerSecond / one.SuccessesPerSecond),
                i == 0 ? "0 errors" : "0 errors, ≥ 0.8× 1 process", lost == 0 && (i == 0 || r.SuccessesPerSecond >= 0.8 * one.SuccessesPerSecond));
            report.Info("P8", $"p50 / p95 / p99 ms, {i + 1} process(es)", $"{Report.F(r.P50Ms)} / {Report.F(r.P95Ms)} / {Report.F(r.P99Ms)}",
                $"{Report.F(one.P50Ms)} / {Report.F(one.P95Ms)} / {Report.F(one.P99Ms)}", Report.F(r.P50Ms / one.P50Ms));
        }
        report.Note($"P8: before the limiter phases, {settled}");
        report.Note($"P8: before the phases through nginx, every process behind it was warmed up through the {proxies.Length}-process proxy " +
                    $"for {(ValidationScenario.Warmup + warmFor).TotalSeconds:0} s ({warm.Requests} requests in its last {warmFor.TotalSeconds:0} s, {Report.F(warm.SuccessesPerSecond)} agreed/s), " +
                    $"then left idle for {Settle.TotalSeconds:0} s, so that no phase measures a process's first requests (tier-0 code, JIT compiling) or its " +
                    "neighbours' late compilations; the 1-process baseline (the limiter-on process) had already served the limiter-on phase.");
        report.Note($"P8: {string.Join("; ", through.Append(limiterOn).Append(limiterOff).Select(r => $"{r.Name}: {r.Requests} requests, answers {ValidationScenario.Statuses(r)}"))}. " +
                    $"On {Environment.ProcessorCount} cores the processes share the same cores with PostgreSQL, nginx and the load generator: more processes " +
                    $"cannot add throughput here; the figure that matters is that 2 and 3 lose nothing and cost little. Load average before P8 {loadBefore}, after {ValidationScenario.LoadAverage()}.");
        if (settling is not null)
            report.Note($"P8: deleting the settling sandbox, with the validations of every phase, took {Report.F((await ValidationScenario.DeleteSandboxesAsync(ctx, [settling])).TotalSeconds)} s.");
    }
}
