using System.Diagnostics;
using System.Net;

namespace CnsExchange.Reliability;

/// <summary>
/// PostgreSQL restarts under load: while it is gone the API answers 503 problem details (never hangs, never 500);
/// after it is back the API recovers within 5 s without a restart.
/// </summary>
public static class DbRestartScenario
{
    public static async Task RunAsync(ApiProcess api, Postgres postgres, Figures figures)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("X-Api-Key", "sandbox-admin");
        var statuses = new System.Collections.Concurrent.ConcurrentBag<(DateTime At, int Status, double Ms, string? Type)>();
        using var stop = new CancellationTokenSource();

        async Task Load()
        {
            var paths = new[] { "/api/v1/admin/insured/1983081246785", "/api/v1/admin/clock", "/api/v1/admin/providers" };
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                var sw = Stopwatch.StartNew();
                int status;
                string? type = null;
                try
                {
                    using var r = await http.GetAsync(api.BaseUrl + paths[i++ % paths.Length]);
                    status = (int)r.StatusCode;
                    type = r.Content.Headers.ContentType?.MediaType;
                }
                catch (TaskCanceledException) { status = -1; }
                catch (HttpRequestException) { status = -2; }
                statuses.Add((DateTime.UtcNow, status, sw.Elapsed.TotalMilliseconds, type));
                await Task.Delay(20);
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(Load)).ToArray();
        await Task.Delay(1500);
        var downAt = DateTime.UtcNow;
        await postgres.StopAsync();
        await Task.Delay(4000);
        await postgres.StartAsync();
        var upAt = DateTime.UtcNow;

        // Wait until the API answers 200 again, or 30 s.
        var recoveredAt = DateTime.MaxValue;
        var deadline = upAt.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var ok = statuses.Where(s => s.At > upAt && s.Status == 200).OrderBy(s => s.At).FirstOrDefault();
            if (ok != default) { recoveredAt = ok.At; break; }
            await Task.Delay(100);
        }
        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var during = statuses.Where(s => s.At >= downAt && s.At <= upAt).ToList();
        figures.Info("db restart requests during outage", during.Count);
        figures.AtLeast("db restart 503 answers", during.Count(s => s.Status == 503), 1);
        figures.Zero("db restart 500", statuses.Count(s => s.Status == 500));
        figures.Zero("db restart other 5xx", statuses.Count(s => s.Status > 500 && s.Status != 503));
        figures.Zero("db restart non-problem 503", statuses.Count(s => s.Status == 503 && s.Type != "application/problem+json"));
        figures.Zero("db restart hangs", statuses.Count(s => s.Status < 0 || s.Ms > 8000));
        figures.AtMost("db restart recovery seconds", recoveredAt == DateTime.MaxValue ? 999 : (recoveredAt - upAt).TotalSeconds, 5);
        figures.AtMost("db restart slowest answer ms", statuses.Max(s => s.Ms), 8000);
    }
}
