using System.Text.Json.Nodes;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
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
        // Drawn from three roles only, the cases of the sandboxes' operations never got past the 403.
        var admitted = AdmittedRoles.Of(Api.Services).ToDictionary(r => r.Key, r => "sandbox-" + r.Value);
        var fuzzer = new HostileInputFuzzer(doc, new Random(20261123), await RealIdsAsync(), (method, path) => admitted.GetValueOrDefault($"{method} {path}"));
        var client = Client(null);
        var findings = new List<FuzzFinding>();
        var tried = 0;
        var (controlTried, refusedByGuard) = (0, 0);
        var (reached, pastAuthorisation) = (new HashSet<string>(), 0);
        await using var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();

        foreach (var c in fuzzer.Generate(cases))
        {
            var control = HostileInputFuzzer.ControlCharacterKinds.Contains(c.Kind);
            if (await HostileInputFuzzer.TryAsync(c, r => client.SendAsync(r), conn,
                    (status, code) =>
                    {
                        refusedByGuard += control && code == CnsExchange.Application.Common.TextInput.Code ? 1 : 0;
                        if (status is 401 or 403) return;
                        pastAuthorisation++;
                        reached.Add(c.Operation);
                    }) is { } finding) findings.Add(finding);
            tried++;
            if (control) controlTried++;
        }

        // Each operation a role may call got cases past the 401/403, where its rules run.
        var documented = fuzzer.Operations;
        var unreached = admitted.Keys.Where(op => documented.Contains(op) && !reached.Contains(op)).Order().ToList();
        ReliabilityFigures.Report(output, [.. HostileInputFuzzer.Figures(tried, findings),
            .. HostileInputFuzzer.ControlCharacterFigures(controlTried, refusedByGuard, findings),
            ("hostile cases past authorisation (not 401/403)", pastAuthorisation),
            ("operations with a role never reached past authorisation", unreached.Count)]);
        Assert.True(tried >= Math.Min(cases, 1), "no case generated");
        Assert.True(controlTried > 0 || cases < 100, "no control-character case generated");
        // The cases reach the guard (valid JSON carrying escaped control characters), not only the JSON parser.
        Assert.True(refusedByGuard > 0 || cases < 100, "no control-character case was refused by the text guard");
        Assert.True(findings.Count == 0, string.Join("\n", findings.Take(15).Select(f => $"{f.Case.Method} {f.Case.Path} [{f.Case.Kind}] → {f.Status}: {f.Problem}")));
        Assert.True(unreached.Count == 0 || cases < 1000, "never past authorisation: " + string.Join(", ", unreached));
    }

    /// <summary>Ids and numbers of real resources of the sandbox provider: a validation request with its voucher, a memoir, a billing file.</summary>
    private async Task<IReadOnlyList<string>> RealIdsAsync()
    {
        var physio = Client(Physio1);
        var decision = await physio.DecideAsync(ValidationTestSupport.Rx());
        var voucher = decision.Voucher!.Number;
        var memoir = await BillingApi.SubmitAsync(physio, BillingApi.Memoir("FUZZ-1", BillingApi.Line(voucher, "2026-11-20")));
        var csv = $"memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\nFUZZ-2,{voucher},{BillingApi.Adult},2026-11-21,ZK11,false,36.80\n";
        var file = await BillingApi.UploadAsync(physio, csv, "text/csv");
        await BillingApi.WaitForFileAsync(physio, file.Id.ToString());
        return [decision.Id.ToString(), voucher, memoir.Id.ToString(), file.Id.ToString(), "1"];
    }
}
