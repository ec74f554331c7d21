using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CnsExchange.Bench;

/// <summary>
/// P7 (issue 20): webhook latency from commit to receipt at 200 events/s (validation requests decided at once, each one
/// event, delivered to a receiver in this process), and P1's throughput with that endpoint receiving every event against
/// P1 without any endpoint, in the same run. The event's occurredAt (sandbox clock, read at the start of its transaction,
/// shifted by the sandbox's offset) stands for the commit: the latency includes the request's own processing.
/// </summary>
public static class WebhookScenario
{
    private const int EventsPerSecond = 200;

    public static async Task RunAsync(BenchContext ctx, Report report)
    {
        var prescriptions = await Prescriptions.ForAsync(ctx, population: 1);
        using var admin = new HttpClient { BaseAddress = ctx.ApiUri };
        admin.DefaultRequestHeaders.Add("X-Api-Key", "sandbox-admin");
        var clock = await admin.GetFromJsonAsync<JsonNode>("/api/v1/admin/clock");
        var offset = clock!["now"]!.GetValue<DateTimeOffset>() - clock["systemNow"]!.GetValue<DateTimeOffset>();

        // (occurredAt, latency) of every event received while measuring; the figure counts the events of the measured
        // phase only, so that a backlog left by the cold warm-up is reported beside it rather than mixed into it.
        var latencies = new ConcurrentBag<(DateTimeOffset OccurredAt, double Ms)>();
        var receipts = new ConcurrentDictionary<Guid, (DateTimeOffset Got, DateTimeOffset Answered)>();
        var measuring = false;
        var port = ctx.BaselinePort + 700;
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext c;
                try { c = await listener.GetContextAsync(); }
                catch (Exception) { return; }
                var got = TimeProvider.System.GetUtcNow();
                var received = got + offset;
                using (var reader = new StreamReader(c.Request.InputStream)) 
                {
                    var body = JsonNode.Parse(await reader.ReadToEndAsync());
                    if (Volatile.Read(ref measuring) && body?["occurredAt"] is { } at)
                        latencies.Add((at.GetValue<DateTimeOffset>(), (received - at.GetValue<DateTimeOffset>()).TotalMilliseconds));
                }
                c.Response.StatusCode = 200;
                var answered = TimeProvider.System.GetUtcNow();
                c.Response.Close();
                if (Guid.TryParse(c.Request.Headers["Cns-Event-Id"], out var eventId)) receipts[eventId] = (got, answered);
            }
        });
        var created = await (await admin.PostAsJsonAsync("/api/v1/webhook-endpoints", new { url = $"http://127.0.0.1:{port}/hook/", types = new[] { "validation_request.decided" } }))
            .Content.ReadFromJsonAsync<JsonNode>();
        var endpointId = created!["endpoint"]!["id"]!.GetValue<string>();

        // 200 events/s: one request every 5 ms, whatever the answers' latency (at most 64 in flight).
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = ctx.ApiUri };
        var sent = 0L;
        var ok = 0L;
        async Task PaceAsync(TimeSpan duration, bool measure)
        {
            Volatile.Write(ref measuring, measure);
            using var inFlight = new SemaphoreSlim(64);
            var tasks = new List<Task>();
            var start = Stopwatch.GetTimestamp();
            for (long i = 0; Stopwatch.GetElapsedTime(start) < duration; i++)
            {
                var due = TimeSpan.FromSeconds((double)i / EventsPerSecond) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero) await Task.Delay(due);
                await inFlight.WaitAsync();
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        using var request = prescriptions.Next(ctx.ApiUri, "/api/v1/validation-requests", "sandbox-physio-1");
                        using var response = await http.SendAsync(request);
                        if (measure) Interlocked.Increment(ref sent);
                        if (measure && response.StatusCode == HttpStatusCode.Created) Interlocked.Increment(ref ok);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                    finally { inFlight.Release(); }
                }));
            }
            await Task.WhenAll(tasks);
        }
        var cpu = await CpuMeter.ForAsync(ctx);
        var warmupStartReal = TimeProvider.System.GetUtcNow();
        await PaceAsync(TimeSpan.FromSeconds(10), measure: false); // warm-up
        var windowStartReal = TimeProvider.System.GetUtcNow();
        var windowStart = windowStartReal + offset;
        var window = Stopwatch.StartNew();
        var cpuStart = cpu?.Read();
        await PaceAsync(ctx.Duration, measure: true);
        var phaseCpu = cpu is not null && cpuStart is not null ? CpuUse.Between(cpuStart, cpu.Read(), Environment.ProcessorCount) : null;
        var windowEndReal = TimeProvider.System.GetUtcNow();
        await Task.Delay(TimeSpan.FromSeconds(5)); // the last deliveries
        Volatile.Write(ref measuring, false);
        var seconds = window.Elapsed.TotalSeconds;
        var all = latencies.ToArray();
        var received = all.Where(l => l.OccurredAt >= windowStart).Select(l => l.Ms).ToList();
        // An event of the measured phase not received 5 s after the phase counts as later than any received one.
        var late = (int)Math.Max(0, ok - received.Count);
        var sorted = received.Concat(Enumerable.Repeat(double.PositiveInfinity, late)).Order().ToArray();
        var p50 = LoadGenerator.Percentile(sorted, 0.5);
        var p99 = LoadGenerator.Percentile(sorted, 0.99);
        var backlog = all.Length - received.Count;
        var endpointGuid = Guid.Parse(endpointId);
        var warmupPace = await DeliveryPace.ReadAsync(ctx.ConnectionString, endpointGuid, warmupStartReal, windowStartReal);
        var phasePace = await DeliveryPace.ReadAsync(ctx.ConnectionString, endpointGuid, windowStartReal, windowEndReal);
        report.Row("P7", "webhook latency commit → receipt at 200 events/s, p50 / p99 ms (events of the measured phase; not received = ∞)",
            $"{Report.F(p50)} / {Report.F(p99)}", "-", "-", "p50 ≤ 250 ms", p50 <= 250, why: phasePace.Why(EventsPerSecond, backlog, phaseCpu));
        report.Info("P7", "dispatcher pace while measuring (from its delivery rows)", phasePace.Describe(), "warm-up: " + warmupPace.Describe(), "-");
        report.Info("P7", "one send's round trip while measuring (delivery rows and the receiver's clock)",
            await DeliveryPace.LegsAsync(ctx.ConnectionString, endpointGuid, windowStartReal, windowEndReal, receipts), "-", "-");
        report.Note("P7 deliveries per 2 s of real time from the warm-up's start (delivery rows: count, dispatcher transactions, mean ms from " +
                    "the event's occurredAt to the attempt's start): " +
                    await DeliveryPace.TimelineAsync(ctx.ConnectionString, endpointGuid, warmupStartReal, windowEndReal.AddSeconds(5), TimeSpan.FromSeconds(2), offset));
        if (phaseCpu is not null)
            report.Info("P7", "CPU while measuring (200 validations/s and their deliveries)", phaseCpu.Describe(ok, "bench (load generator and receiver)"), "-", "-");
        report.Info("P7", "events sent / answered 201 / received / not received 5 s after the phase", $"{sent} / {ok} / {received.Count} / {late}", "-", "-");
        report.Info("P7", "deliveries received per second while measuring (warm-up backlog included) / of them from the warm-up",
            $"{Report.F(all.Length / seconds)} / {backlog}", "-", "-");

        // The outbox's cost on P1: P1's load with the endpoint receiving every event, then with no endpoint.
        var with = await LoadGenerator.RunAsync("P1 with a webhook endpoint", ctx.ApiUri, 32, ctx.Duration,
            (_, _) => prescriptions.Next(ctx.ApiUri, "/api/v1/validation-requests", "sandbox-physio-1"), judge: Prescriptions.Agreed, warmup: TimeSpan.FromSeconds(10));
        await admin.DeleteAsync($"/api/v1/webhook-endpoints/{endpointId}");
        var without = await LoadGenerator.RunAsync("P1 without webhook endpoints", ctx.ApiUri, 32, ctx.Duration,
            (_, _) => prescriptions.Next(ctx.ApiUri, "/api/v1/validation-requests", "sandbox-physio-1"), judge: Prescriptions.Agreed, warmup: TimeSpan.FromSeconds(10));
        var ratio = with.SuccessesPerSecond / without.SuccessesPerSecond;
        report.Row("P7", "P1 agreed/s with a webhook endpoint delivering every event", Report.F(with.SuccessesPerSecond), Report.F(without.SuccessesPerSecond) + " without endpoints",
            Report.F(ratio), "≥ 0.9× (within 10 %)", ratio >= 0.9);
        report.Note($"P7 answers (agreed validations count): with an endpoint {ValidationScenario.Statuses(with)}; without {ValidationScenario.Statuses(without)}.");
        report.Note($"P7: the outbox row is written in both phases (events are always recorded); the comparison prices delivery (dispatcher, receiver, " +
                    $"delivery rows) on P1. Load average {ValidationScenario.LoadAverage()}.");
        listener.Stop();
    }
}
