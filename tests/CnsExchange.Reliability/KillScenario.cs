using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using static CnsExchange.Reliability.SandboxApi;

namespace CnsExchange.Reliability;

/// <summary>
/// Runs the API as a process under load and kills it with SIGKILL again and again. Afterwards every submission that
/// was answered 2xx is stored exactly once (a retry with its Idempotency-Key replays it), in-flight ones are stored at
/// most once, and every voucher's session counter equals the sessions actually paid on it, never above the grant.
/// </summary>
public static class KillScenario
{
    private sealed record Sent(string Kind, string Key, string Body, string? Id);

    public static async Task RunAsync(Func<Task<ApiProcess>> start, string connectionString, int kills, Figures figures)
    {
        var api = await start();
        using var admin = Client(api, "sandbox-admin");
        using var provider = Client(api, "sandbox-physio-1");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var insured = await SeedInsuredAsync(admin, 40);
        var vouchers = new List<(string Number, string Matricule)>();
        for (var i = 0; i < insured.Count; i++)
        {
            var decision = await SubmitValidationAsync(provider, insured[i], "90000002", today.AddDays(-10), $"seed-{i}", Guid.NewGuid().ToString());
            if (decision.Status == HttpStatusCode.Created && decision.Body?["voucher"]?["number"] is { } number)
                vouchers.Add((number.GetValue<string>(), insured[i]));
        }
        if (vouchers.Count == 0) throw new InvalidOperationException("no voucher could be created for the kill scenario");

        var answered = new ConcurrentBag<Sent>();
        var inFlight = new ConcurrentBag<Sent>();
        var survived = 0;
        var sequence = 0;
        for (var round = 0; round < kills; round++)
        {
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
            {
                using var client = Client(api, "sandbox-physio-1");
                while (!stop.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref sequence);
                    var key = $"kill-{round}-{n}-{Guid.NewGuid():N}";
                    Sent sent;
                    (HttpStatusCode Status, JsonNode? Body) result;
                    try
                    {
                        if (n % 2 == 0)
                        {
                            var who = insured[n % insured.Count];
                            var body = ValidationJson(who, $"9000000{1 + n % 9}", today.AddDays(-(n / insured.Count % 25)), $"kill {n}");
                            sent = new Sent("validation", key, body, null);
                            inFlight.Add(sent);
                            result = await PostValidationAsync(client, body, key);
                        }
                        else
                        {
                            var v = vouchers[n % vouchers.Count];
                            var body = MemoirJson($"KILL-{n}", v.Number, v.Matricule, today.AddDays(-(n % 9)));
                            sent = new Sent("memoir", key, body, null);
                            inFlight.Add(sent);
                            result = await PostMemoirAsync(client, body, key);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { continue; }
                    if ((int)result.Status is >= 200 and < 300 && result.Body?["id"] is { } id)
                        answered.Add(sent with { Id = id.GetValue<string>() });
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromMilliseconds(800 + Random.Shared.Next(1500)));
            api.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            await api.DisposeAsync();
            api = await start();
            survived++;
        }

        // Every answered submission: still there, once; its key replays the same resource.
        var lost = 0;
        var duplicates = 0;
        using (var check = Client(api, "sandbox-physio-1"))
        {
            foreach (var sent in answered)
            {
                var again = sent.Kind == "validation" ? await PostValidationAsync(check, sent.Body, sent.Key) : await PostMemoirAsync(check, sent.Body, sent.Key);
                if (again.Body?["id"]?.GetValue<string>() != sent.Id) duplicates++;
                var path = sent.Kind == "validation" ? $"/api/v1/validation-requests/{sent.Id}" : $"/api/v1/fee-memoirs/{sent.Id}";
                if ((await check.GetAsync(path)).StatusCode != HttpStatusCode.OK) lost++;
            }
            // In-flight submissions retried with their key: at most one resource each.
            foreach (var sent in inFlight.Where(s => answered.All(a => a.Key != s.Key)).Take(300))
            {
                var first = sent.Kind == "validation" ? await PostValidationAsync(check, sent.Body, sent.Key) : await PostMemoirAsync(check, sent.Body, sent.Key);
                var second = sent.Kind == "validation" ? await PostValidationAsync(check, sent.Body, sent.Key) : await PostMemoirAsync(check, sent.Body, sent.Key);
                if (first.Body?["id"]?.GetValue<string>() != second.Body?["id"]?.GetValue<string>()) duplicates++;
            }
        }

        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var keysTwice = await ScalarAsync(conn, "SELECT count(*) FROM (SELECT scope, key FROM cns.idempotency_records GROUP BY 1, 2 HAVING count(*) > 1) x");
        var inconsistent = await ScalarAsync(conn, """
            SELECT count(*) FROM cns.voucher_services s
            WHERE s.sessions_billed > s.sessions_granted
               OR s.sessions_billed <> (SELECT count(*) FROM cns.fee_memoir_lines l
                                        WHERE l.voucher_service_id = s.id AND l.outcome IN ('Accepted', 'Reduced') AND NOT l.travel)
            """);
        var memoirsWithoutLines = await ScalarAsync(conn, "SELECT count(*) FROM cns.fee_memoirs m WHERE NOT EXISTS (SELECT 1 FROM cns.fee_memoir_lines l WHERE l.memoir_id = m.id)");

        figures.AtLeast("kills survived", survived, 10);
        figures.Info("submissions answered 2xx", answered.Count);
        figures.Zero("lost", lost);
        figures.Zero("duplicates", duplicates + keysTwice);
        figures.Zero("half-stored memoirs", memoirsWithoutLines);
        figures.Zero("inconsistent vouchers", inconsistent);
        await api.DisposeAsync();
    }
}

/// <summary>Valid matricules for test identities, built by the Domain (the one implementation of the check digits).</summary>
public static class Matricules
{
    public static string Create(DateOnly birth, int sequence) => CnsExchange.Domain.Common.Matricule.Create(birth, sequence % 1000).Value;
}
