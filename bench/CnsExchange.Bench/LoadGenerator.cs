using System.Diagnostics;

namespace CnsExchange.Bench;

/// <param name="Requests">Requests answered (any status).</param>
/// <param name="Successes">Answers that count as success (e.g. only 201 Created for a submission): what throughput is made of.</param>
/// <param name="Errors">Answers that are not a success, and requests that got no answer.</param>
public sealed record LoadResult(string Name, int Connections, TimeSpan Duration, long Requests, long Successes, long Errors,
    double RequestsPerSecond, double P50Ms, double P95Ms, double P99Ms, IReadOnlyDictionary<string, long> StatusCounts)
{
    /// <summary>Successful answers per second: the throughput (answers of other statuses and failures not counted).</summary>
    public double SuccessesPerSecond => Successes / Duration.TotalSeconds;

    /// <summary>Where the measured part's CPU went (warm-up left out), when a meter was given.</summary>
    public CpuUse? Cpu { get; init; }
}

/// <summary>What an answer was: whether it counts towards throughput, and its label in the phase's status counts (the HTTP status, and for
/// a validation its decision, so that a refusal cannot pass for a validation unseen).</summary>
public readonly record struct Answer(bool Success, string Label)
{
    /// <summary>An answer judged by its HTTP status alone, and labelled with it.</summary>
    public static Answer ByStatus(HttpResponseMessage response, bool success) =>
        new(success, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>N concurrent connections for a fixed duration, each sending requests back to back.</summary>
public static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(string name, Uri baseUri, int connections, TimeSpan duration,
        Func<int, long, HttpRequestMessage> makeRequest, Func<HttpResponseMessage, byte[], Answer>? judge = null, TimeSpan? warmup = null, CpuMeter? cpu = null)
    {
        judge ??= (r, _) => Answer.ByStatus(r, r.IsSuccessStatusCode);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };

        // Wall-clock times of the phase, to place it against the cluster's log (autovacuum, checkpoints).
        var warmupStart = TimeProvider.System.GetUtcNow();
        if (warmup is { } w)
            await Drive(http, connections, w, makeRequest, judge, new List<double>[connections], new long[connections], new Dictionary<string, long>[connections], new long[connections], offset: 1_000_000_000);

        var latencies = new List<double>[connections];
        var errors = new long[connections];
        var statuses = new Dictionary<string, long>[connections];
        var successes = new long[connections];
        var cpuStart = cpu?.Read();
        var sw = Stopwatch.StartNew();
        await Drive(http, connections, duration, makeRequest, judge, latencies, errors, statuses, successes, offset: 0);
        var elapsed = sw.Elapsed;
        var measuredEnd = TimeProvider.System.GetUtcNow();
        Console.WriteLine($"   {name}: {(warmup is null ? "" : $"warm-up from {warmupStart:HH:mm:ss.f}, ")}measured {measuredEnd - elapsed:HH:mm:ss.f}–{measuredEnd:HH:mm:ss.f} UTC");
        var cpuUse = cpu is null ? null : CpuUse.Between(cpuStart!, cpu.Read(), Environment.ProcessorCount);

        var all = latencies.SelectMany(l => l).Order().ToArray();
        var merged = statuses.SelectMany(d => d).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        return new LoadResult(name, connections, elapsed, all.Length, successes.Sum(), errors.Sum(), all.Length / elapsed.TotalSeconds,
            Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99), merged) { Cpu = cpuUse };
    }

    private static async Task Drive(HttpClient http, int connections, TimeSpan duration, Func<int, long, HttpRequestMessage> makeRequest,
        Func<HttpResponseMessage, byte[], Answer> judge, List<double>[] latencies, long[] errors, Dictionary<string, long>[] statuses, long[] successes, long offset)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            latencies[worker] = new List<double>(16_384);
            statuses[worker] = new Dictionary<string, long>();
            long n = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                using var request = makeRequest(worker, offset + n++);
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    latencies[worker].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    var answer = judge(response, body);
                    statuses[worker][answer.Label] = statuses[worker].GetValueOrDefault(answer.Label) + 1;
                    if (answer.Success) successes[worker]++;
                    else errors[worker]++;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    errors[worker]++;
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
