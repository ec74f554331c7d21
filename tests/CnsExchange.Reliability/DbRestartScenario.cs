using System.Diagnostics;
using System.Net.Http.Json;

namespace CnsExchange.Reliability;

/// <summary>
/// PostgreSQL restarts under load: while it is gone the API answers 503 problem details (never hangs, never 500);
/// after it is back each class of database-backed paths recovers within 5 s without a restart. Paths answered from
/// memory are reported apart: their 200s during the outage say nothing about the database.
/// </summary>
public static class DbRestartScenario
{
    /// <summary>What a path needs to answer: the class its recovery is measured in.</summary>
    public enum PathClass
    {
        /// <summary>Reads rows (an insured person, the providers).</summary>
        DatabaseRead,
        /// <summary>Writes rows (an insured person of its own, replaced with a new first name by every request).</summary>
        DatabaseWrite,
        /// <summary>Looks an API key up: a key never seen before, so the 30 s key cache cannot answer (401 is its success).</summary>
        KeyLookup,
        /// <summary>Answered from the process's memory (GET /admin/clock in this version): reported apart.</summary>
        Memory,
    }

    /// <summary>One answer: <paramref name="At"/> when it arrived, <paramref name="Ms"/> how long after the request left.</summary>
    public sealed record Observation(DateTime At, PathClass Class, int Status, double Ms, string? Type);

    /// <summary>No answer, or one slower than 8 s: the API must answer 503 at once while PostgreSQL is gone.</summary>
    public static bool IsHang(Observation o) => o.Status < 0 || o.Ms > HangAfter.TotalMilliseconds;

    public static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(8);

    /// <summary>The answer a class gives when its path works: 401 for an unknown key, 200 otherwise.</summary>
    public static bool IsSuccess(Observation o) => o.Status == (o.Class == PathClass.KeyLookup ? 401 : 200);

    public static readonly PathClass[] DatabaseClasses = [PathClass.DatabaseRead, PathClass.DatabaseWrite, PathClass.KeyLookup];

    private static string Label(PathClass c) => c switch
    {
        PathClass.DatabaseRead => "db reads",
        PathClass.DatabaseWrite => "db writes",
        PathClass.KeyLookup => "api-key lookups",
        _ => "memory-served",
    };

    /// <summary>Wall time: the outage is real, so are its instants.</summary>
    private static DateTime Now() => TimeProvider.System.GetUtcNow().UtcDateTime;

    public static async Task RunAsync(ApiProcess api, Postgres postgres, Figures figures)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var observations = new System.Collections.Concurrent.ConcurrentBag<Observation>();
        using var stop = new CancellationTokenSource();
        const string matricule = "1983081246785";
        // Each writer replaces a person of its own (its first PUT creates it), with the full body PUT requires: two
        // concurrent PUTs of one person collide in the API (DbUpdateConcurrencyException, a 500: not what this measures).
        var writerSequence = 0;

        HttpRequestMessage Make(PathClass c, int n, string written)
        {
            var request = c switch
            {
                PathClass.DatabaseRead => new HttpRequestMessage(HttpMethod.Get, api.BaseUrl + (n % 2 == 0 ? $"/api/v1/admin/insured/{matricule}" : "/api/v1/admin/providers")),
                PathClass.DatabaseWrite => new HttpRequestMessage(HttpMethod.Put, api.BaseUrl + $"/api/v1/admin/insured/{written}")
                {
                    Content = JsonContent.Create(new
                    {
                        firstName = $"Restart{n}", lastName = "Outage", sex = "male", competentFund = "CNS", residenceCountry = "LU", crossBorderWorker = false,
                        affiliations = new[] { new { from = "2000-01-01", to = (string?)null } },
                    }),
                },
                PathClass.KeyLookup => new HttpRequestMessage(HttpMethod.Get, api.BaseUrl + "/api/v1/admin/providers"),
                _ => new HttpRequestMessage(HttpMethod.Get, api.BaseUrl + "/api/v1/admin/clock"),
            };
            request.Headers.Add("X-Api-Key", c == PathClass.KeyLookup ? $"unknown-{Guid.NewGuid():N}" : "sandbox-admin");
            return request;
        }

        // Requests not answered yet, by when they left: the first one that hangs makes the API's async stacks taken (what
        // it waits on), while it still waits. Not earlier: the dump pauses the API, and must not turn a slow answer into a hang.
        var pending = new System.Collections.Concurrent.ConcurrentDictionary<long, DateTime>();
        var sent = 0L;
        using var answered = new CancellationTokenSource(); // every worker has its last answer (or timeout): stop watching
        var stacks = Task.Run(async () =>
        {
            while (!answered.IsCancellationRequested)
            {
                await Task.Delay(250);
                if (pending.Values.Any(left => Now() - left > HangAfter)) return await api.AsyncStacksAsync("db-restart-hang");
            }
            return null;
        });

        async Task Load(PathClass c)
        {
            var n = 0;
            var written = Matricules.Create(new DateOnly(1970, 1, 1), 990 + Interlocked.Increment(ref writerSequence));
            while (!stop.IsCancellationRequested)
            {
                var sw = Stopwatch.StartNew();
                int status;
                string? type = null;
                var id = Interlocked.Increment(ref sent);
                pending[id] = Now();
                try
                {
                    using var request = Make(c, n++, written);
                    using var r = await http.SendAsync(request);
                    status = (int)r.StatusCode;
                    type = r.Content.Headers.ContentType?.MediaType;
                }
                catch (TaskCanceledException) { status = -1; }
                catch (HttpRequestException) { status = -2; }
                pending.TryRemove(id, out _);
                observations.Add(new Observation(Now(), c, status, sw.Elapsed.TotalMilliseconds, type));
                await Task.Delay(20);
            }
        }

        // Two workers per class, so each class is asked every ~10 ms whatever the others do.
        var workers = Enum.GetValues<PathClass>().SelectMany(c => new[] { Task.Run(() => Load(c)), Task.Run(() => Load(c)) }).ToArray();
        await Task.Delay(1500);
        var downAt = Now();
        await postgres.StopAsync();
        var goneFrom = Now();
        await Task.Delay(4000);
        var goneUntil = Now();
        await postgres.StartAsync();
        var upAt = Now();

        // Wait until every database class has answered successfully again, or 30 s.
        var deadline = upAt.AddSeconds(30);
        while (Now() < deadline && !DatabaseClasses.All(c => observations.Any(o => o.Class == c && o.At > upAt && IsSuccess(o))))
            await Task.Delay(100);
        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        await answered.CancelAsync();
        var stacksFile = await stacks;

        Report(observations.ToList(), new Outage(downAt, goneFrom, goneUntil, upAt), figures);
        if (observations.Count(IsHang) is > 0 and var hung)
            Console.Error.WriteLine($"db restart: {hung} requests hung; the API's last words:\n{api.LastWords(120)}\n" +
                (stacksFile is null ? "(no async stacks taken)" : $"what its pending tasks waited on once a request hung (dotnet-dump dumpasync, {stacksFile}):\n" +
                    string.Join('\n', File.ReadLines(stacksFile).Take(300))));
        foreach (var c in Enum.GetValues<PathClass>())
            if (observations.Count(o => o.Class == c && o.Status >= 500 && o.Status != 503) is > 0 and var n)
                Console.Error.WriteLine($"db restart: {n} answers 5xx other than 503 on {Label(c)}; the API's last words:\n{api.LastWords(120)}");
    }

    /// <summary>
    /// When PostgreSQL was asked to stop (<paramref name="DownAt"/>), was surely gone (from the end of the stop to the
    /// start of the start) and was back and accepting connections (<paramref name="UpAt"/>).
    /// </summary>
    public sealed record Outage(DateTime DownAt, DateTime GoneFrom, DateTime GoneUntil, DateTime UpAt);

    /// <summary>The figures of one outage, from what the load observed (a pure function: tests feed it failures).</summary>
    public static void Report(IReadOnlyList<Observation> observations, Outage outage, Figures figures)
    {
        var (downAt, upAt) = (outage.DownAt, outage.UpAt);
        var during = observations.Where(s => s.At >= downAt && s.At <= upAt).ToList();
        // Wholly inside the window when PostgreSQL was surely gone: sent after it (At − Ms is when the request left) and
        // answered before its restart. A request sent just before the stop may have read the database before it went,
        // however late its answer arrives on a loaded machine.
        var gone = observations.Where(s => s.At.AddMilliseconds(-s.Ms) > outage.GoneFrom && s.At < outage.GoneUntil).ToList();
        var database = observations.Where(o => o.Class != PathClass.Memory).ToList();
        figures.Info("db restart requests during outage", during.Count);
        figures.AtLeast("db restart 503 answers", during.Count(s => s.Status == 503), 1);
        figures.Zero("db restart 500", observations.Count(s => s.Status == 500));
        figures.Zero("db restart 5xx other than 500 and 503", observations.Count(s => s.Status > 500 && s.Status != 503));
        figures.Zero("db restart 503 without problem+json", observations.Count(s => s.Status == 503 && s.Type != "application/problem+json"));
        figures.Zero("db restart hangs (no answer, or slower than 8 s)", observations.Count(IsHang));
        foreach (var c in DatabaseClasses)
        {
            // A class that kept succeeding while PostgreSQL was down is not database-backed: its recovery would mean nothing.
            figures.AtLeast($"db restart {Label(c)} failing while PostgreSQL was down", gone.Count(o => o.Class == c && !IsSuccess(o)), 1);
            figures.Zero($"db restart {Label(c)} succeeding while PostgreSQL was down", gone.Count(o => o.Class == c && IsSuccess(o)));
            var first = database.Where(o => o.Class == c && o.At > upAt && IsSuccess(o)).Select(o => (DateTime?)o.At).Min();
            figures.AtMost($"db restart {Label(c)} recovery seconds", first is { } at ? (at - upAt).TotalSeconds : 999, 5);
        }
        figures.Info("db restart memory-served answers 200 while PostgreSQL was down (not database-backed: no recovery measured)",
            gone.Count(o => o.Class == PathClass.Memory && o.Status == 200));
        figures.AtMost("db restart slowest answer ms", observations.Count == 0 ? 0 : observations.Max(s => s.Ms), HangAfter.TotalMilliseconds);
    }
}
