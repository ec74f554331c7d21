using System.Text.Json.Nodes;
using CnsExchange.IntegrationTests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace CnsExchange.IntegrationTests.Reliability;

/// <summary>
/// Hostile input against every endpoint of the OpenAPI document. The normal run tries FUZZ_CASES (default 1500)
/// cases; scripts/reliability.sh runs 10,000.
/// </summary>
public sealed class HostileInputTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Hostile_input_never_yields_5xx_nor_partial_writes_and_errors_are_problems()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_CASES"), out var n) ? n : 1500;
        var doc = JsonNode.Parse(await (await Client(null).GetAsync("/swagger/v1/swagger.json")).Content.ReadAsStringAsync())!;
        var fuzzer = new HostileInputFuzzer(doc, new Random(20261123));
        var client = Client(null);
        var findings = new List<FuzzFinding>();
        var tried = 0;
        await using var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();

        foreach (var c in fuzzer.Generate(cases))
        {
            if (await HostileInputFuzzer.TryAsync(c, r => client.SendAsync(r), conn) is { } finding) findings.Add(finding);
            tried++;
        }

        ReliabilityFigures.Report(output, HostileInputFuzzer.Figures(tried, findings));
        Assert.True(tried >= Math.Min(cases, 1), "no case generated");
        Assert.True(findings.Count == 0, string.Join("\n", findings.Take(15).Select(f => $"{f.Case.Method} {f.Case.Path} [{f.Case.Kind}] → {f.Status}: {f.Problem}")));
    }
}
