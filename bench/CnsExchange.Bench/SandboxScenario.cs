using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace CnsExchange.Bench;

/// <summary>
/// P6: creating a standard sandbox through the operator API (its providers, doctors, identities and eight keys), 50 times
/// in a row; the same-run baseline is reading one sandbox back (one operator round trip through the same stack).
/// </summary>
public static class SandboxScenario
{
    private const int Count = 50;
    private const string OperatorKey = "sandbox-operator";

    public static async Task RunAsync(BenchContext ctx, Report report)
    {
        using var http = new HttpClient { BaseAddress = ctx.ApiUri };
        http.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);
        var created = new List<string>();
        var create = new double[Count];
        var read = new double[Count];
        for (var i = 0; i < Count; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.PostAsJsonAsync("/api/v1/sandboxes", new { name = $"bench-{i}", clock = new { mode = "frozen" }, seed = "standard" });
            response.EnsureSuccessStatusCode();
            create[i] = watch.Elapsed.TotalMilliseconds;
            var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            created.Add(id);
            watch.Restart();
            (await http.GetAsync($"/api/v1/sandboxes/{id}")).EnsureSuccessStatusCode();
            read[i] = watch.Elapsed.TotalMilliseconds;
        }
        foreach (var id in created) await http.DeleteAsync($"/api/v1/sandboxes/{id}");

        Array.Sort(create);
        Array.Sort(read);
        var (p50, p95) = (LoadGenerator.Percentile(create, 0.50), LoadGenerator.Percentile(create, 0.95));
        var (b50, b95) = (LoadGenerator.Percentile(read, 0.50), LoadGenerator.Percentile(read, 0.95));
        report.Row("P6", $"create a standard sandbox, p50 / p95 ms over {Count}", $"{Report.F(p50)} / {Report.F(p95)}",
            $"{Report.F(b50)} / {Report.F(b95)} read one back", Report.F(p50 / b50), "p50 ≤ 100 ms", p50 <= 100);
        report.Note($"P6 creates {Count} standard sandboxes one after the other (frozen clock, README seed: providers, doctors, " +
                    "identities, eight keys hashed), then deletes them. Baseline: GET of the sandbox just created.");
    }
}
