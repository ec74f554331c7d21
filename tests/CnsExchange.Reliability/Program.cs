using CnsExchange.Reliability;

// Usage: CnsExchange.Reliability <api.dll> <connection string> <pg bin dir> <pg data dir> <pg port> [scenario...]
// Prints one figure per line as `name: value`; exits 1 when a figure is out of bounds.
if (args.Length < 5)
{
    Console.Error.WriteLine("usage: CnsExchange.Reliability <api.dll> <connection string> <pg bin dir> <pg data dir> <pg port> [db-restart|kill9|payment-crash|oversized-bodies|webhooks-kill9|scale-chaos]...");
    return 2;
}

var (apiDll, connectionString, pgBin, pgData, pgPort) = (args[0], args[1], args[2], args[3], int.Parse(args[4]));
var scenarios = args.Length > 5 ? args[5..] : ["kill9", "db-restart", "payment-crash", "oversized-bodies", "webhooks-kill9"];
// The API processes may call a receiver on this machine (webhooks-kill9); quick retries fast.
Environment.SetEnvironmentVariable("CnsExchange__Webhooks__Network", "local");
Environment.SetEnvironmentVariable("CnsExchange__Webhooks__QuickRetryDelay", "00:00:00.100");
var postgres = new Postgres(pgBin, pgData, pgPort);
var figures = new Figures();
var port = 18080 + Random.Shared.Next(1000);

async Task<ApiProcess> StartApiAsync()
{
    var process = new ApiProcess(apiDll, connectionString, port);
    await process.StartAsync(TimeSpan.FromSeconds(90));
    return process;
}

foreach (var scenario in scenarios)
{
    // A scenario that throws is a failure of its own: the figures of the others are still printed.
    try
    {
        switch (scenario)
        {
            case "db-restart":
                await using (var api = await StartApiAsync()) await DbRestartScenario.RunAsync(api, postgres, figures);
                break;
            case "kill9":
                await KillScenario.RunAsync(StartApiAsync, connectionString, int.Parse(Environment.GetEnvironmentVariable("KILLS") ?? "12"), figures);
                break;
            case "webhooks-kill9":
                await WebhookKillScenario.RunAsync(StartApiAsync, connectionString, int.Parse(Environment.GetEnvironmentVariable("WEBHOOK_KILLS") ?? "10"), figures);
                break;
            case "oversized-bodies":
                await using (var api = await StartApiAsync()) await OversizedBodiesScenario.RunAsync(api, figures);
                break;
            case "scale-chaos":
                // scripts/scale-out.sh --chaos: the API processes behind its nginx, on the ports it configured.
                await ScaleChaosScenario.RunAsync(new ScaleChaosScenario.Options(apiDll, connectionString,
                    Environment.GetEnvironmentVariable("SCALE_PROXY_URL") ?? throw new InvalidOperationException("SCALE_PROXY_URL is not set"),
                    (Environment.GetEnvironmentVariable("SCALE_API_PORTS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray(),
                    TimeSpan.FromSeconds(int.Parse(Environment.GetEnvironmentVariable("CHAOS_SECONDS") ?? "180")),
                    TimeSpan.FromSeconds(int.Parse(Environment.GetEnvironmentVariable("CHAOS_KILL_EVERY") ?? "15")),
                    Environment.GetEnvironmentVariable("SCALE_INJECT") is { Length: > 0 } inject ? inject : null), figures);
                break;
            case "payment-crash":
                await PaymentRunCrashScenario.RunAsync(apiDll, connectionString, port, figures);
                break;
            default:
                Console.Error.WriteLine($"unknown scenario {scenario}");
                return 2;
        }
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"scenario {scenario} aborted: {e}");
        figures.Zero($"scenario {scenario} aborted", 1);
    }
}

figures.Print(Console.Out);
return figures.AnyFailed ? 1 : 0;
