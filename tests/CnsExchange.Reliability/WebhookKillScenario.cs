using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using static CnsExchange.Reliability.SandboxApi;

namespace CnsExchange.Reliability;

/// <summary>
/// Issue 20: events are delivered to a local receiver while the API is killed with SIGKILL again and again. Every event
/// committed for the endpoint is received at least once, none is lost, and per endpoint the first receipts come in
/// position (commit) order. Then a receiver answering 500, 500, 200 gets its event on the third try.
/// </summary>
public static class WebhookKillScenario
{
    /// <summary>The sandbox of the README's keys, where the scenario's endpoint and events live.</summary>
    private const string DefaultSandbox = "00000000-0000-0000-0000-000000000001";

    /// <summary>A real receiver (HttpListener on 127.0.0.1) recording event ids in arrival order.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        public ConcurrentQueue<string> Ids { get; } = new();
        public ConcurrentQueue<int> Script { get; } = new();
        public string Url { get; }

        public Receiver()
        {
            var port = 19000 + Random.Shared.Next(2000);
            Url = $"http://127.0.0.1:{port}/hook/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                Ids.Enqueue(context.Request.Headers["Cns-Event-Id"] ?? "");
                context.Response.StatusCode = Script.TryDequeue(out var status) ? status : 200;
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }

    public static async Task RunAsync(Func<Task<ApiProcess>> start, string connectionString, int kills, Figures figures)
    {
        using var receiver = new Receiver();
        var api = await start();
        // An endpoint starts at the end of the feed: events committed before it (other scenarios of the same run) are not its own.
        long startPosition;
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"SELECT coalesce(max(position), 0) FROM cns.events WHERE type = 'validation_request.decided' AND sandbox_id = '{DefaultSandbox}'", conn);
            startPosition = (long)(await cmd.ExecuteScalarAsync())!;
        }
        using (var admin = Client(api, "sandbox-admin"))
        {
            var created = await admin.PostAsJsonAsync("/api/v1/webhook-endpoints", new { url = receiver.Url, types = new[] { "validation_request.decided" } });
            created.EnsureSuccessStatusCode();
        }
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        List<string> insured;
        using (var admin = Client(api, "sandbox-admin")) insured = await SeedInsuredAsync(admin, 20);

        var survived = 0;
        var sequence = 0;
        for (var round = 0; round < kills; round++)
        {
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                using var client = Client(api, "sandbox-physio-1");
                while (!stop.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref sequence);
                    try
                    {
                        await SubmitValidationAsync(client, insured[n % insured.Count], $"9000000{1 + n % 9}", today.AddDays(-(n % 20)), $"webhook kill {n}", Guid.NewGuid().ToString());
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        // the kill came while it was on its way: committed or not, the database says which
                    }
                }
            })).ToArray();
            await Task.Delay(TimeSpan.FromMilliseconds(1000 + Random.Shared.Next(1500)));
            await stop.CancelAsync();
            var exit = api.Kill();
            await Task.WhenAll(workers);
            await api.DisposeAsync();
            api = await start();
            if (exit == ApiProcess.SigkillExitCode) survived++;
        }
        figures.AtLeast("webhooks: kills survived (SIGKILL during deliveries, then ready again)", survived, kills);

        // Every validation_request.decided committed for the endpoint, in position order (read as the owner).
        var committed = new List<(string Id, long Position)>();
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"SELECT id::text, position FROM cns.events WHERE type = 'validation_request.decided' AND sandbox_id = '{DefaultSandbox}' AND position > $1 ORDER BY position", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = startPosition });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) committed.Add((reader.GetString(0), reader.GetInt64(1)));
        }
        var deadline = TimeProvider.System.GetTimestamp();
        while (committed.Any(c => !receiver.Ids.Contains(c.Id)) && TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(90))
            await Task.Delay(250);
        var received = receiver.Ids.ToList();
        var positions = committed.ToDictionary(c => c.Id, c => c.Position);
        var firsts = received.Where(positions.ContainsKey).Distinct().Select(id => positions[id]).ToList();
        var outOfOrder = firsts.Where((p, i) => i > 0 && p < firsts.Take(i).Max()).Count();
        figures.Info("webhooks: events committed", committed.Count);
        figures.AtLeast("webhooks: delivered at least once", firsts.Count, committed.Count);
        figures.Zero("webhooks: lost", committed.Count(c => !received.Contains(c.Id)));
        figures.Zero("webhooks: delivered out of order (per endpoint)", outOfOrder);
        figures.Info("webhooks: deliveries received twice or more (at least once)", received.Count - received.Distinct().Count());

        // 500, 500, 200: the event arrives on the third try.
        var before = receiver.Ids.Count;
        receiver.Script.Enqueue(500);
        receiver.Script.Enqueue(500);
        receiver.Script.Enqueue(200);
        using (var client = Client(api, "sandbox-physio-1"))
            await SubmitValidationAsync(client, insured[0], "90000001", today.AddDays(-1), "webhook 500 500 200", Guid.NewGuid().ToString());
        var waited = TimeProvider.System.GetTimestamp();
        while (receiver.Ids.Count < before + 3 && TimeProvider.System.GetElapsedTime(waited) < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        var tries = receiver.Ids.Skip(before).ToList();
        figures.Zero("webhooks: 500,500,200 receiver not served by the third try", tries.Count >= 3 && tries.Distinct().Count() == 1 && receiver.Script.IsEmpty ? 0 : 1);
        await api.DisposeAsync();
    }
}
