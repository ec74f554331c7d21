using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using static CnsExchange.Reliability.SandboxApi;

namespace CnsExchange.Reliability;

/// <summary>
/// Runs the API as a process under load and kills it with SIGKILL again and again. Afterwards every submission, answered
/// or in flight at a kill (then retried with its Idempotency-Key until answered), exists exactly once in the database,
/// found by its content (a validation request by its unique diagnosis text, a memoir by its unique reference) rather
/// than by the id a replay gives back; every voucher's session counter equals the sessions actually paid on it, never
/// above the grant.
/// </summary>
public static class KillScenario
{
    public sealed record Sent(string Kind, string Key, string Body, string Fingerprint);

    public static async Task RunAsync(Func<Task<ApiProcess>> start, string connectionString, int kills, Figures figures)
    {
        var api = await start();
        using var admin = Client(api, "sandbox-admin");
        using var provider = Client(api, "sandbox-physio-1");
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var insured = await SeedInsuredAsync(admin, 40);
        var vouchers = new List<(string Number, string Matricule)>();
        for (var i = 0; i < insured.Count; i++)
        {
            var decision = await SubmitValidationAsync(provider, insured[i], "90000002", today.AddDays(-10), $"seed-{i}", Guid.NewGuid().ToString());
            if (decision.Status == HttpStatusCode.Created && decision.Body?["voucher"]?["number"] is { } number)
                vouchers.Add((number.GetValue<string>(), insured[i]));
        }
        if (vouchers.Count == 0) throw new InvalidOperationException("no voucher could be created for the kill scenario");

        var answered = new ConcurrentBag<(Sent Sent, string Id)>();
        var refused = 0;
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
                    if (n % 2 == 0)
                    {
                        var who = insured[n % insured.Count];
                        var diagnosis = $"kill {n}";
                        sent = new Sent("validation", key, ValidationJson(who, $"9000000{1 + n % 9}", today.AddDays(-(n / insured.Count % 25)), diagnosis), diagnosis);
                    }
                    else
                    {
                        var v = vouchers[n % vouchers.Count];
                        var reference = $"KILL-{n}";
                        sent = new Sent("memoir", key, MemoirJson(reference, v.Number, v.Matricule, today.AddDays(-(n % 9))), reference);
                    }
                    (HttpStatusCode Status, JsonNode? Body) result;
                    try
                    {
                        result = await SendAsync(client, sent);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        inFlight.Add(sent); // no answer: the kill came while it was on its way
                        continue;
                    }
                    if ((int)result.Status is >= 200 and < 300 && result.Body?["id"] is { } id) answered.Add((sent, id.GetValue<string>()));
                    else Interlocked.Increment(ref refused);
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromMilliseconds(800 + Random.Shared.Next(1500)));
            // No new request after this: those on their way when the process dies are the ones in flight at the kill.
            await stop.CancelAsync();
            var exit = api.Kill();
            await Task.WhenAll(workers);
            await api.DisposeAsync();
            api = await start(); // throws when the process does not come back ready
            if (KillChecks.DiedBySigkill(exit)) survived++;
            else Console.Error.WriteLine($"kill {round}: the API process ended with {exit?.ToString() ?? "no exit"}, not by SIGKILL");
        }

        KillChecks.Resent resent;
        using (var check = Client(api, "sandbox-physio-1")) resent = await KillChecks.ResendAsync(check, answered.ToList(), inFlight.ToList());
        var (replayedAsAnother, notFound, retriedWithout2xx, retried2xx) = resent;

        // The idempotency records' unique (scope, key) index makes a key stored twice impossible: not a figure.
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var byContent = await KillChecks.ResourcesByContentAsync(conn, answered.Select(a => a.Sent).Concat(inFlight));
        var (lost, duplicates) = KillChecks.LostAndDuplicates(answered.Select(a => a.Sent).Concat(retried2xx), byContent);

        figures.AtLeast("kills survived (exit 137 by SIGKILL, then ready again)", survived, 10);
        figures.Info("submissions answered 2xx", answered.Count);
        figures.Info("submissions answered otherwise (4xx/5xx)", refused);
        figures.Info("submissions in flight at a kill", inFlight.Count);
        figures.Zero("in-flight submissions whose retry was not answered 2xx", retriedWithout2xx);
        figures.Zero("lost (answered or retried 2xx, no resource with its content, or its id not found)", lost + notFound);
        figures.Zero("duplicates (more than one resource with a submission's content)", duplicates);
        figures.Zero("replays answering another id", replayedAsAnother);
        figures.Zero("half-stored memoirs", await KillChecks.MemoirsWithoutLinesAsync(conn));
        figures.Zero("inconsistent vouchers", await KillChecks.InconsistentVouchersAsync(conn));
        await api.DisposeAsync();
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, Sent sent) =>
        sent.Kind == "validation" ? PostValidationAsync(client, sent.Body, sent.Key) : PostMemoirAsync(client, sent.Body, sent.Key);
}

/// <summary>The database checks of the kill loop (public: the suite's tests break the data on purpose and watch them move).</summary>
public static class KillChecks
{
    /// <summary>A process ended by SIGKILL: exit code 128 + 9 (what .NET reports on Linux), not an exit of its own.</summary>
    public static bool DiedBySigkill(int? exitCode) => exitCode == ApiProcess.SigkillExitCode;

    /// <summary>What re-sending the submissions with their keys showed.</summary>
    public sealed record Resent(int ReplayedAsAnother, int NotFound, int RetriedWithout2xx, List<KillScenario.Sent> Retried2xx);

    /// <summary>
    /// Every answered submission re-sent with its key must replay the same id, still found by GET; every submission in
    /// flight at a kill is re-sent with its key as a client would, and must be answered 2xx.
    /// </summary>
    public static async Task<Resent> ResendAsync(HttpClient client, IReadOnlyList<(KillScenario.Sent Sent, string Id)> answered, IReadOnlyList<KillScenario.Sent> inFlight)
    {
        var replayedAsAnother = 0;
        var notFound = 0;
        var retriedWithout2xx = 0;
        var retried2xx = new List<KillScenario.Sent>();
        foreach (var (sent, id) in answered)
        {
            var again = await KillScenario.SendAsync(client, sent);
            if (again.Body?["id"]?.GetValue<string>() != id) replayedAsAnother++;
            var path = sent.Kind == "validation" ? $"/api/v1/validation-requests/{id}" : $"/api/v1/fee-memoirs/{id}";
            if ((await client.GetAsync(path)).StatusCode != HttpStatusCode.OK) notFound++;
        }
        foreach (var sent in inFlight)
        {
            var retry = await KillScenario.SendAsync(client, sent);
            if ((int)retry.Status is >= 200 and < 300) retried2xx.Add(sent);
            else retriedWithout2xx++;
        }
        return new Resent(replayedAsAnother, notFound, retriedWithout2xx, retried2xx);
    }

    /// <summary>How many resources hold each submission's content: validation requests by diagnosis, memoirs by reference.</summary>
    public static async Task<Dictionary<(string Kind, string Fingerprint), long>> ResourcesByContentAsync(NpgsqlConnection conn, IEnumerable<KillScenario.Sent> sent)
    {
        var list = sent.ToList();
        var counts = list.Select(s => (s.Kind, s.Fingerprint)).Distinct().ToDictionary(k => k, _ => 0L);
        async Task CountAsync(string kind, string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.AddWithValue("values", list.Where(s => s.Kind == kind).Select(s => s.Fingerprint).Distinct().ToArray());
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) counts[(kind, reader.GetString(0))] = reader.GetInt64(1);
        }
        await CountAsync("validation", "SELECT diagnosis, count(*) FROM cns.validation_requests WHERE diagnosis = ANY(@values) GROUP BY diagnosis");
        await CountAsync("memoir", "SELECT reference, count(*) FROM cns.fee_memoirs WHERE reference = ANY(@values) GROUP BY reference");
        return counts;
    }

    /// <summary>Of the submissions that must exist: how many have no resource with their content, and how many extra resources there are.</summary>
    public static (int Lost, long Duplicates) LostAndDuplicates(IEnumerable<KillScenario.Sent> mustExist, IReadOnlyDictionary<(string Kind, string Fingerprint), long> byContent)
    {
        var lost = 0;
        foreach (var s in mustExist.DistinctBy(s => (s.Kind, s.Fingerprint)))
            if (byContent.GetValueOrDefault((s.Kind, s.Fingerprint)) == 0) lost++;
        return (lost, byContent.Values.Sum(c => Math.Max(0, c - 1)));
    }

    public static Task<long> InconsistentVouchersAsync(NpgsqlConnection conn) => ScalarAsync(conn, """
        SELECT count(*) FROM cns.voucher_services s
        WHERE s.sessions_billed > s.sessions_granted
           OR s.sessions_billed <> (SELECT count(*) FROM cns.fee_memoir_lines l
                                    WHERE l.voucher_service_id = s.id AND (l.outcome IN ('Accepted', 'Reduced') OR l.contestation_status = 'Overturned')
                                      AND l.released_at IS NULL AND NOT l.travel)
        """);

    public static Task<long> MemoirsWithoutLinesAsync(NpgsqlConnection conn) =>
        ScalarAsync(conn, "SELECT count(*) FROM cns.fee_memoirs m WHERE NOT EXISTS (SELECT 1 FROM cns.fee_memoir_lines l WHERE l.memoir_id = m.id)");
}

/// <summary>Valid matricules for test identities, built by the Domain (the one implementation of the check digits).</summary>
public static class Matricules
{
    public static string Create(DateOnly birth, int sequence) => CnsExchange.Domain.Common.Matricule.Create(birth, sequence % 1000).Value;
}
