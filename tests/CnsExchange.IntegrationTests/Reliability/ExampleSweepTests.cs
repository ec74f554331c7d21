using System.Text;
using System.Text.Json.Nodes;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Reimbursement;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.CareAuthorisations;
using CnsExchange.IntegrationTests.Reimbursement;
using CnsExchange.IntegrationTests.Sandboxes;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Xunit.Abstractions;

namespace CnsExchange.IntegrationTests.Reliability;

/// <summary>
/// Every operation's own JSON example (a JSON body, or the JSON part of a multipart one), with each value in it (at any depth: a field, a list, an element of a list, an
/// object in a list) replaced in turn by each of a few wrong values. <see cref="HostileInputTests"/> draws its cases at
/// random and changes top-level fields only; it never sent a list holding a null, which three registry lists and the
/// care-plan feed answered with a 500. Run in a sandbox of its own, with its key of the role the operation admits
/// (<see cref="AdmittedRoles"/>), so that the requests reach the rules and whatever they store stays there.
/// </summary>
public sealed class ExampleSweepTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    /// <summary>Raw JSON put in place of one value.</summary>
    private static readonly string[] WrongValues = ["null", "\"x\"", "\"\"", "0", "-1", "1e30", "true", "[]", "{}", "[null]"];

    /// <summary>Operations left out, each with why.</summary>
    private static readonly string[] Skipped =
    [
        "/api/v1/sandboxes", // the operator's: each valid variant would create and seed a whole sandbox
    ];

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task No_example_with_one_value_wrong_anywhere_in_it_is_answered_5xx_and_every_refusal_is_a_problem()
    {
        var doc = JsonNode.Parse(await (await Client(null).GetAsync("/swagger/v1/swagger.json")).Content.ReadAsStringAsync())!;
        var roles = AdmittedRoles.Of(Api.Services);
        var findings = new List<string>();
        var (operations, sent, fresh) = (0, 0, 0);
        var reached = new Dictionary<string, SortedDictionary<int, int>>();
        await SandboxApi.InOwnSandboxAsync(Client(Operator), "example-sweep", async sandbox =>
        {
            var clients = SandboxApi.Roles.ToDictionary(r => r, r => Client(sandbox.Key(r)));
            var real = await RealResourcesAsync(clients);
            foreach (var resource in real.Keys) reached[resource] = [];
            foreach (var (method, path, example, filePart) in JsonOperations(doc))
            {
                if (Skipped.Contains(path)) continue;
                var urls = Urls(path, real);
                var client = roles.TryGetValue($"{method} {path}", out var role) ? clients.GetValueOrDefault(role) : null;
                Assert.True(client is not null, $"{method} {path}: no role of a sandbox may call it");
                operations++;
                foreach (var (target, resource) in urls)
                foreach (var at in Paths(example))
                foreach (var wrong in WrongValues)
                {
                    var body = Replace(example, at, wrong, ++fresh);
                    using var response = await client.SendAsync(Request(method, target, body, filePart));
                    sent++;
                    var status = (int)response.StatusCode;
                    if (resource is not null) reached[resource][status] = reached[resource].GetValueOrDefault(status) + 1;
                    if (await HostileInputFuzzer.AnswerProblemAsync(response) is { } problem)
                        findings.Add($"{method} {path} {Describe(at)} = {wrong} → {status} {problem}");
                }
            }
        });

        output.WriteLine($"{operations} operations, {sent} requests, {findings.Count} findings; without an example, not swept: {string.Join(", ", Unswept)}");
        foreach (var (resource, statuses) in reached)
            output.WriteLine($"on a real {resource}: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(findings.Count == 0, string.Join("\n", findings.Take(20)));
        // A real resource that only ever answered 400 or 404 was never reached by the handlers it was created for.
        var unreached = reached.Where(r => r.Value.Count > 0 && r.Value.Keys.All(s => s is 400 or 404)).Select(r => r.Key).ToList();
        Assert.True(unreached.Count == 0, $"real resources no variant got past validation and lookup on: {string.Join(", ", unreached)}");
        Assert.True(operations >= 25, $"only {operations} JSON operations with an example were found");
    }

    /// <summary>JSON operations without an example in the document: not swept.</summary>
    private readonly List<string> Unswept = [];

    /// <summary>
    /// The operations that take JSON, with their examples: a JSON body, or the <c>request</c> part of a multipart body
    /// (sent with a small PDF in its file part, named <c>FilePart</c>); an operation with several named examples comes once
    /// for each.
    /// </summary>
    private IEnumerable<(string Method, string Path, JsonNode Example, string? FilePart)> JsonOperations(JsonNode doc)
    {
        foreach (var (path, item) in doc["paths"]!.AsObject())
        foreach (var (method, op) in item!.AsObject())
        {
            if (method is not ("post" or "put" or "patch")) continue;
            var content = op?["requestBody"]?["content"];
            if (content?["application/json"] is { } json)
            {
                var example = json["example"] ?? HostileInputFuzzer.Resolve(doc, json["schema"])?["example"];
                if (example is not null) yield return (method.ToUpperInvariant(), path, example, null);
                else Unswept.Add($"{method.ToUpperInvariant()} {path}");
            }
            else if (content?["multipart/form-data"] is { } form && HostileInputFuzzer.Resolve(doc, form["schema"])?["properties"] is JsonObject parts && parts.ContainsKey("request"))
            {
                // Every named example (the claim has one per kind), else the one example.
                var examples = form["examples"] is JsonObject named
                    ? named.Select(e => e.Value?["value"]?["request"]).ToList()
                    : [form["example"]?["request"]];
                var file = parts.FirstOrDefault(p => p.Value?["format"]?.GetValue<string>() == "binary").Key;
                if (file is null || examples.Any(e => e is null)) Unswept.Add($"{method.ToUpperInvariant()} {path}");
                else foreach (var example in examples) yield return (method.ToUpperInvariant(), path, example!, file);
            }
        }
    }

    /// <summary>
    /// Resources of the sweep's sandbox that paths can name, so that a variant gets past the 404 to the handler: a pending
    /// validation request (the insured in a dependency care plan) for the requester and another for the reviewer, a voucher and a memoir billed on it, a contestation of a
    /// reduced line, a rehabilitation authorisation, a Fango cure given and billed, and a reimbursement claim for its stay
    /// whose nights wait for a reviewer (an establishment the reference data does not list). The sandbox's clock moves three
    /// and a half weeks on, past the cure, before the memoirs are sent: the payment run of those weeks takes none of them.
    /// </summary>
    private static async Task<Dictionary<string, string>> RealResourcesAsync(Dictionary<string, HttpClient> clients)
    {
        var physio = clients["physio-1"];
        var pending = await physio.DecideAsync(ValidationTestSupport.Rx(ValidationTestSupport.DependencyPlan));
        var toReview = await physio.DecideAsync(ValidationTestSupport.Rx(ValidationTestSupport.DependencyPlan) with { Diagnosis = "Neck pain" });
        Assert.Equal(pending.Status, toReview.Status);
        var agreed = await physio.DecideAsync(ValidationTestSupport.Rx());
        var voucher = agreed.Voucher!.Number;
        var rehab = await clients["rehab-1"].RehabAsync(CareTestSupport.Rehab("GER_STAT"));

        var cure = await clients["thermal-1"].CureAsync(CareTestSupport.Cure("T260", start: new DateOnly(2026, 11, 30)));
        await BillingApi.AdvanceDaysAsync(clients["admin"], 24); // Thursday 17 December 2026
        var given = Enumerable.Range(0, 16).Select(new DateOnly(2026, 11, 30).AddDays)
            .Where(d => d.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday).ToList();
        await clients["thermal-1"].BillSessionsAsync(cure, given);
        var claim = await ClaimApi.ClaimAsync(clients["insured-app"], new
        {
            kind = "cure_stay", matricule = ClaimApi.Adult, voucherNumber = cure.Voucher!.Number,
            invoice = new { number = "G-1", date = "2026-12-16", issuer = "Gîte du Parc", issuedTo = "Marie Schmit" },
            stay = new { firstNight = "2026-12-07", lastNight = "2026-12-08", nights = 2, amountPaid = 150.00m },
            lodging = new { kind = "establishment", establishmentCode = "GITE-7" }, statementLanguage = "en",
        });
        Assert.Equal(ClaimLineOutcome.Pending, ClaimApi.Line(claim, 1).Outcome);
        // Billed after the clock moved, so that no payment run has taken the memoirs yet nor lapsed the contestation.
        var memoir = await BillingApi.SubmitAsync(physio, BillingApi.Memoir("SWEEP-1", BillingApi.Line(voucher, "2026-11-20")));
        var reduced = await BillingApi.SubmitAsync(physio, BillingApi.Memoir("SWEEP-2", BillingApi.Line(voucher, "2026-11-21", claimed: 99m)));
        Assert.Equal(LineOutcome.Reduced, reduced.Lines[0].Outcome);
        var contestation = await BillingApi.ContestLineAsync(physio, reduced.Id, 1, new { code = reduced.Lines[0].Reasons[0].Code, text = "Please check." });
        return new()
        {
            ["/api/v1/validation-requests/{id}"] = pending.Id.ToString(),
            ["/api/v1/review/{id}"] = toReview.Id.ToString(), // not the one above, which a variant of the cancel may cancel first
            ["/api/v1/vouchers/{number}"] = voucher,
            ["/api/v1/fee-memoirs/{id}"] = memoir.Id.ToString(),
            ["/api/v1/review/contestations/{id}"] = contestation.Id.ToString(),
            ["/api/v1/rehabilitation-authorisations/{id}"] = rehab.Id.ToString(),
            ["/api/v1/cure-authorisations/{id}"] = cure.Id.ToString(),
            ["/api/v1/review/reimbursement-claims/{id}"] = claim.Id.ToString(),
        };
    }

    /// <summary>
    /// The path with new values; and, where it names a resource the sandbox has, with that resource (the second element
    /// says which).
    /// </summary>
    private static List<(string Url, string? Resource)> Urls(string template, Dictionary<string, string> real)
    {
        var urls = new List<(string, string?)> { (Fill(template), null) };
        foreach (var (prefix, id) in real)
            if (template.StartsWith(prefix, StringComparison.Ordinal))
                urls.Add((Fill(prefix.Replace("{id}", id).Replace("{number}", id) + template[prefix.Length..]), prefix));
        return urls;
    }

    private static string Fill(string template) => template
        .Replace("{id}", Guid.NewGuid().ToString()).Replace("{matricule}", ValidationTestSupport.Adult).Replace("{code}", "PHY0001")
        .Replace("{number}", "K26-0001000-3").Replace("{line}", "1").Replace("{sequence}", "1");

    private static HttpRequestMessage Request(string method, string url, string json, string? filePart)
    {
        HttpContent content = new StringContent(json, Encoding.UTF8, "application/json");
        if (filePart is not null)
        {
            var file = new ByteArrayContent(ValidationTestSupport.Pdf());
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
            content = new MultipartFormDataContent { { content, "request" }, { file, filePart, "document.pdf" } };
        }
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = content };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }

    /// <summary>Every value below the root: each property of an object, each element of a list, at any depth.</summary>
    private static IEnumerable<object[]> Paths(JsonNode? node, object[]? prefix = null)
    {
        prefix ??= [];
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    object[] at = [.. prefix, name];
                    yield return at;
                    foreach (var deeper in Paths(child, at)) yield return deeper;
                }
                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    object[] at = [.. prefix, i];
                    yield return at;
                    foreach (var deeper in Paths(list[i], at)) yield return deeper;
                }
                break;
        }
    }

    /// <summary>
    /// Values that must be new for a request to be stored (a provider's code, a memoir's reference, an invoice's number):
    /// left as in the example, the first variant accepted would take them and every later one stop at its 409, before
    /// the validator or the database could be reached by the value that variant changes.
    /// </summary>
    private static readonly (string[] Path, Func<int, string> Value)[] Unique =
    [
        (["code"], n => $"SWP{n:D6}"),
        (["memoirReference"], n => $"SWEEP-{n}"),
        (["invoice", "number"], n => $"SWEEP-{n}"),
    ];

    private static string Replace(JsonNode example, object[] at, string rawValue, int fresh)
    {
        var copy = example.DeepClone();
        foreach (var (path, freshValue) in Unique)
        {
            if (path.SequenceEqual(at.Take(path.Length).Select(s => s as string))) continue;
            var holder = path[..^1].Aggregate((JsonNode?)copy, (node, step) => node is JsonObject o ? o[step] : null);
            if (holder is JsonObject o && o[path[^1]] is JsonValue) o[path[^1]] = freshValue(fresh);
        }
        var parent = copy;
        foreach (var step in at[..^1]) parent = step is int i ? parent![i] : parent![(string)step];
        var value = JsonNode.Parse(rawValue);
        if (at[^1] is int index) parent!.AsArray()[index] = value;
        else parent!.AsObject()[(string)at[^1]] = value;
        return copy.ToJsonString();
    }

    private static string Describe(object[] at) => string.Concat(at.Select(s => s is int i ? $"[{i}]" : $".{s}")).TrimStart('.');
}
