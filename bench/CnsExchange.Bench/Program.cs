using System.Diagnostics;
using CnsExchange.Bench;

// Usage: CnsExchange.Bench <api url> <api pid> <connection string> <report path> [scenario...]
// Scenarios: p1 (validation + P4 RSS under load), p2 (billing files of 1M lines), p3 (payment run), p4 (RSS while a 100 MB
// billing file is processed), p5 (billing cost per line at 10k, 100k, 1M lines), p6 (sandboxes), p7 (webhook latency and the
// outbox's cost on P1), p8 (P1 through nginx with 1, 2, 3 API processes; the shared rate limiter's cost). Default: all.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: CnsExchange.Bench <api url> <api pid> <connection string> <report path> [p1 p2 p3 p4 p5]");
    return 2;
}

var started = Stopwatch.StartNew();
var duration = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("BENCH_SECONDS") ?? "20", System.Globalization.CultureInfo.InvariantCulture));
// The benchmark writes its seed rows (vouchers, lines) straight into the default sandbox: its sessions carry that sandbox's
// setting, which the sandbox_id columns take as default (the owner's connection is not bound by row-level security).
var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(args[2]) { Options = "-c cns.sandbox=00000000-0000-0000-0000-000000000001" }.ConnectionString;
var ctx = new BenchContext(new Uri(args[0]), int.Parse(args[1]), connectionString, 19000 + Random.Shared.Next(500), duration,
    DateOnly.FromDateTime(DateTime.UtcNow), Path.GetDirectoryName(Path.GetFullPath(args[3]))!);
await WaitReadyAsync(ctx.ApiUri);
// p4 (RSS while a 100 MB file is processed) runs before the 1M-line files of p2 and the payment run of p3, which would
// already have grown the heap; p3 runs before p2 and p5, whose millions of lines its run would otherwise have to pay.
string[] order = ["p1", "p8", "p7", "p6", "p4", "p3", "p2", "p5"];
var scenarios = (args.Length > 4 ? args[4..] : order).OrderBy(s => Array.IndexOf(order, s) is var i and >= 0 ? i : order.Length).ToArray();
var report = new Report();
var billing = new BillingScenarios(ctx);
var gate = LoadGate.FromEnvironment();

foreach (var scenario in scenarios)
{
    // No figure taken on a busy machine unknowingly: wait (bounded) for the load to fall, and say so in the report.
    var load = await gate.WaitQuietAsync();
    report.Phase(scenario.ToUpperInvariant(), load);
    Console.WriteLine($"== {scenario} ({load.Describe()})");
    switch (scenario)
    {
        case "p1": await ValidationScenario.RunAsync(ctx, report); break;
        case "p2": await billing.RunP2Async(report); break;
        case "p3": await new PaymentRunScenario(ctx, billing).RunAsync(report); break;
        case "p4": await billing.RunP4Async(report); break;
        case "p5": await billing.RunP5Async(report); break;
        case "p6": await SandboxScenario.RunAsync(ctx, report); break;
        case "p7": await WebhookScenario.RunAsync(ctx, report); break;
        case "p8": await ScaleOutScenario.RunAsync(ctx, report); break;
        default: report.Note($"Scenario {scenario} is not implemented yet."); break;
    }
}

var machine = $"{Environment.ProcessorCount} cores, {Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
var text = report.Render(machine, started.Elapsed);
await File.WriteAllTextAsync(args[3], text);
Console.WriteLine(text);
return 0;

static async Task WaitReadyAsync(Uri api)
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
    for (var i = 0; i < 240; i++)
    {
        try
        {
            if ((await http.GetAsync(new Uri(api, "/health/ready"))).IsSuccessStatusCode) return;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
        await Task.Delay(500);
    }
    throw new TimeoutException("The API did not become ready.");
}
