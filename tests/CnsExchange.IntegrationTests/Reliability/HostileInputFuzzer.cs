using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CnsExchange.IntegrationTests.Support;
using Npgsql;

namespace CnsExchange.IntegrationTests.Reliability;

/// <summary>One generated hostile request.</summary>
public sealed record FuzzCase(string Method, string Path, string Kind, Func<HttpContent?> Body, string ApiKey)
{
    /// <summary>The operation, as the OpenAPI document names it: method and path template.</summary>
    public string Operation { get; init; } = "";
}

public sealed record FuzzFinding(FuzzCase Case, int Status, string Problem);

/// <summary>
/// Generates hostile requests for every operation of the OpenAPI document: malformed and truncated JSON, wrong
/// types, huge numbers, impossible dates, unicode edge cases, oversized bodies, wrong content types and multipart
/// abuse, NUL and other control characters (in JSON bodies, inside the multipart JSON part, in file names), and paths
/// that name real resources (<paramref name="realIds"/>), so that requests get past the 404 to where text is written.
/// The oracle: never a 5xx, every error is problem+json with a code, and a rejected request writes nothing.
/// <para>
/// With <paramref name="admittedKey"/> (method and path template → a key whose role the operation admits), three cases
/// in four carry that key, so that they get past the 403 to the rules; the fourth a key drawn from three roles.
/// </para>
/// </summary>
public sealed class HostileInputFuzzer(JsonNode openApi, Random random, IReadOnlyList<string>? realIds = null,
    Func<string, string, string?>? admittedKey = null)
{
    /// <summary>Kinds whose strings carry NUL or other C0 control characters (issue 15).</summary>
    public static readonly string[] ControlCharacterKinds = ["control-characters", "multipart-control-characters"];

    private static readonly string[] ControlStrings =
    [
        "\u0000", "a\u0000b", "\u0001", "x\u0007y", "\u001b[31m", "\u001f", "\u007f", "tab\there", "line\r\nbreak", "\u0000\u0000\u0000",
    ];

    private static readonly string[] Keys = ["sandbox-physio-1", "sandbox-reviewer", "sandbox-admin"];

    private static readonly string[] HostileStrings =
    [
        "", " ", "\u0000", "\ud800", "\udfff", "\u202e\u0645\u0631\u062d\u0628\u0627", "😀🏥💶", "e\u0301", "ﬁ", "\t\r\n",
        "'; DROP TABLE cns.insured; --", "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "../../../../etc/passwd",
        "%00", "\\u0000", new string('A', 10_000), "1983081246785", "null", "NaN", "-0", "1e309",
    ];

    private static readonly string[] HostileNumbers =
    [
        "1e309", "-1e309", "99999999999999999999999999999", "-99999999999999999999999999999", "1.7976931348623157e308",
        "0.0000000000000000000000001", "-1", "0", "2147483648", "-2147483649", "9223372036854775808", "1.5", "\"12\"",
    ];

    private static readonly string[] HostileDates =
    [
        "\"0001-01-01\"", "\"9999-12-31\"", "\"2026-02-30\"", "\"2026-13-01\"", "\"not-a-date\"", "\"2026-11-23T25:00:00\"",
        "\"\"", "20261123", "\"1900-01-01\"", "\"2100-01-01\"",
    ];

    public IEnumerable<FuzzCase> Generate(int count)
    {
        var operations = AllOperations().ToList();
        if (operations.Count == 0) yield break;
        for (var i = 0; i < count; i++)
        {
            var op = operations[i % operations.Count];
            yield return MakeCase(op, i / operations.Count);
        }
    }

    private sealed record Operation(string Method, string PathTemplate, JsonNode? JsonSchema, JsonNode? MultipartSchema)
    {
        public string Name => $"{Method} {PathTemplate}";
    }

    /// <summary>Every operation of the document: method and path template.</summary>
    public IReadOnlySet<string> Operations => AllOperations().Select(o => o.Name).ToHashSet();

    private IEnumerable<Operation> AllOperations()
    {
        foreach (var (path, item) in openApi["paths"]!.AsObject())
        {
            foreach (var (method, op) in item!.AsObject())
            {
                if (method is "parameters") continue;
                var content = op?["requestBody"]?["content"];
                yield return new Operation(method.ToUpperInvariant(), path,
                    Resolve(content?["application/json"]?["schema"]), Resolve(content?["multipart/form-data"]?["schema"]));
            }
        }
    }

    /// <summary>
    /// The schema a reference names: <c>$ref</c>, or <c>allOf</c> of one reference (how the document types request
    /// bodies, with the operation's example beside it, since issue 23a). Without it the fuzzer saw no properties.
    /// </summary>
    private JsonNode? Resolve(JsonNode? schema) => Resolve(openApi, schema);

    /// <inheritdoc cref="Resolve(JsonNode?)"/>
    public static JsonNode? Resolve(JsonNode doc, JsonNode? schema)
    {
        for (var depth = 0; depth < 10; depth++)
        {
            if (schema?["$ref"] is { } reference) schema = doc["components"]!["schemas"]![reference.GetValue<string>().Split('/').Last()];
            else if (schema?["allOf"] is JsonArray { Count: 1 } only) schema = only[0];
            else break;
        }
        return schema;
    }

    private FuzzCase MakeCase(Operation op, int round)
    {
        var path = FillPath(op.PathTemplate);
        var key = admittedKey?.Invoke(op.Method, op.PathTemplate) is { } admitted && random.Next(4) != 0 ? admitted : Keys[random.Next(Keys.Length)];
        if (op.Method is "GET" or "DELETE")
            return new FuzzCase(op.Method, path + HostileQuery(), "hostile-path-or-query", () => null, key) { Operation = op.Name };

        var kinds = op.MultipartSchema is not null
            ? new[] { "multipart-abuse", "multipart-bad-json", "multipart-missing-part", "wrong-content-type", "malformed-json", "oversized", "multipart-control-characters", "multipart-control-characters", "odd-charset" }
            : new[] { "malformed-json", "truncated-json", "wrong-types", "huge-numbers", "bad-dates", "unicode", "wrong-content-type", "oversized", "deep-nesting", "control-characters", "control-characters", "odd-charset" };
        var kind = kinds[(round + random.Next(kinds.Length)) % kinds.Length];
        if (kind == "oversized" && random.Next(20) != 0) kind = kinds[0]; // large bodies are costly: keep them rare
        return new FuzzCase(op.Method, path, kind, () => Body(op, kind), key) { Operation = op.Name };
    }

    private string FillPath(string template)
    {
        var values = new[] { Guid.NewGuid().ToString(), "1983081246785", "K26-0001000-3", "0", "-1", "99999999999", "%2e%2e", "abc", "😀", new string('9', 300) };
        var sb = new StringBuilder();
        foreach (var segment in template.Split('/'))
        {
            if (segment.Length == 0) continue;
            // Half the time a real id (of any resource: the wrong kind is a 404 too), so the request reaches the writes.
            var value = realIds is { Count: > 0 } && random.Next(2) == 0 ? realIds[random.Next(realIds.Count)] : values[random.Next(values.Length)];
            sb.Append('/').Append(segment.StartsWith('{') ? Uri.EscapeDataString(value) : segment);
        }
        return sb.ToString();
    }

    private string HostileQuery()
    {
        var options = new[] { "", "?limit=-5", "?limit=100000000000", "?cursor=%00%01", "?cursor=" + new string('x', 3000), "?from=2026-02-30", "?status=%F0%9F%98%80", "?year=99999999999999" };
        return options[random.Next(options.Length)];
    }

    private HttpContent Body(Operation op, string kind)
    {
        switch (kind)
        {
            case "malformed-json":
                return Json(new[] { "{", "{\"a\":", "[", "}", "{\"a\" 1}", "{'a':1}", "\u0000", "{\"a\":1,}", "tru", "{\"\\ud800\":1}" }[random.Next(10)]);
            case "truncated-json":
                var full = BaseObject(op.JsonSchema).ToJsonString();
                return Json(full[..Math.Max(1, random.Next(full.Length))]);
            case "wrong-types":
                return Json(Mutate(op.JsonSchema, _ => new[] { "\"x\"", "[]", "{}", "true", "123", "null" }[random.Next(6)]));
            case "huge-numbers":
                return Json(Mutate(op.JsonSchema, s => IsNumeric(s) ? HostileNumbers[random.Next(HostileNumbers.Length)] : null));
            case "bad-dates":
                return Json(Mutate(op.JsonSchema, s => IsDate(s) ? HostileDates[random.Next(HostileDates.Length)] : null));
            case "unicode":
                return Json(Mutate(op.JsonSchema, s => s?["type"]?.GetValue<string>() == "string" && !IsDate(s)
                    ? JsonValue.Create(HostileStrings[random.Next(HostileStrings.Length)])!.ToJsonString() : null));
            case "wrong-content-type":
                var content = new StringContent(BaseObject(op.JsonSchema ?? op.MultipartSchema).ToJsonString(), Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue(new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "image/png" }[random.Next(4)]);
                return content;
            case "odd-charset":
                // ASP.NET Core's JSON binding threw on these (a 500) until RequestCharset settled them: 415, or read as UTF-8.
                var charset = new[] { "nonsense", "\"utf-8\"", "utf8", "utf-7", "utf-16", "latin1", "\"\"", "''", new string('c', 300) }[random.Next(9)];
                var odd = new ByteArrayContent(Encoding.UTF8.GetBytes(BaseObject(op.JsonSchema ?? op.MultipartSchema).ToJsonString()));
                odd.Headers.TryAddWithoutValidation("Content-Type", (op.JsonSchema is null ? "multipart/form-data; boundary=x" : "application/json") + "; charset=" + charset);
                return odd;
            case "oversized":
                return Json("{\"pad\":\"" + new string('a', 12 * 1024 * 1024) + "\"}");
            case "control-characters":
                return Json(Mutate(op.JsonSchema, s => IsText(s) ? ControlString() : null));
            case "multipart-control-characters":
                // The request part is typed (a reference to its schema, with an example) since issue 23a.
                var example = Resolve(op.MultipartSchema?["properties"]?["request"])?["example"]?.DeepClone() as JsonObject ?? [];
                var texts = example.Where(p => p.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String).Select(p => p.Key).ToList();
                var hostile = new StringBuilder("{");
                foreach (var (name, node) in example)
                {
                    if (hostile.Length > 1) hostile.Append(',');
                    var value = texts.Contains(name) && random.Next(2) == 0 ? ControlString() : node?.ToJsonString() ?? "null";
                    hostile.Append(JsonValue.Create(name)!.ToJsonString()).Append(':').Append(value);
                }
                var scanName = random.Next(2) == 0 ? "scan\u0000.pdf" : "scan.pdf";
                var hostileForm = new MultipartFormDataContent { { new StringContent(hostile.Append('}').ToString(), Encoding.UTF8, "application/json"), "request" } };
                var scanPart = new ByteArrayContent(Scan());
                scanPart.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
                // The file name goes in raw (filename*=UTF-8''…), as a client that does not clean it would send it.
                scanPart.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"scan\"", FileNameStar = scanName };
                hostileForm.Add(scanPart);
                return hostileForm;
            case "deep-nesting":
                return Json(new string('[', 5000) + new string(']', 5000));
            case "multipart-abuse":
                var raw = new StringContent("--x\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n{\"a\":1}\r\n--y--", Encoding.UTF8);
                raw.Headers.ContentType = MediaTypeHeaderValue.Parse(random.Next(2) == 0 ? "multipart/form-data; boundary=x" : "multipart/form-data");
                return raw;
            case "multipart-bad-json":
                var form = new MultipartFormDataContent
                {
                    { new StringContent(new[] { "{", "[]", "{\"insuredMatricule\": 12}", HostileStrings[random.Next(HostileStrings.Length)] }[random.Next(4)]), "request" },
                    { new ByteArrayContent(Scan()), "scan", "scan.pdf" },
                };
                return form;
            default: // multipart-missing-part
                var partial = new MultipartFormDataContent();
                if (random.Next(2) == 0) partial.Add(new StringContent("{}"), "request");
                else partial.Add(new ByteArrayContent(random.Next(2) == 0 ? [] : Encoding.ASCII.GetBytes("MZ not a scan")), "scan", "x.exe");
                return partial;
        }
    }

    /// <summary>
    /// A JSON string holding control characters: half the time raw (invalid JSON, refused by the parser), half the time
    /// escaped as \u0000 (valid JSON: only the text guard stands between it and PostgreSQL).
    /// </summary>
    private string ControlString()
    {
        var text = ControlStrings[random.Next(ControlStrings.Length)];
        return random.Next(2) == 0 ? "\"" + text + "\"" : JsonValue.Create(text)!.ToJsonString();
    }

    private static byte[] Scan() => Encoding.ASCII.GetBytes("%PDF-1.4\n%fuzz\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static bool IsNumeric(JsonNode? s) => s?["type"]?.GetValue<string>() is "integer" or "number";

    private static bool IsText(JsonNode? s) => s?["type"]?.GetValue<string>() == "string" && !IsDate(s) && s["format"] is null;

    private static bool IsDate(JsonNode? s) => s?["format"]?.GetValue<string>() is "date" or "date-time";

    private JsonObject BaseObject(JsonNode? schema)
    {
        if (schema?["example"] is JsonObject example) return (JsonObject)example.DeepClone();
        var obj = new JsonObject();
        if (schema?["properties"] is JsonObject props)
            foreach (var (name, prop) in props)
                obj[name] = Sample(Resolve(prop));
        return obj;
    }

    private JsonNode? Sample(JsonNode? s) => s?["type"]?.GetValue<string>() switch
    {
        "integer" => JsonValue.Create(1),
        "number" => JsonValue.Create(1.5m),
        "boolean" => JsonValue.Create(true),
        "array" => new JsonArray(),
        "object" => BaseObject(s),
        _ => IsDate(s) ? JsonValue.Create("2026-11-20") : JsonValue.Create("x"),
    };

    /// <summary>Replaces one or more top-level properties with a hostile raw JSON value chosen by <paramref name="pick"/>.</summary>
    private string Mutate(JsonNode? schema, Func<JsonNode?, string?> pick)
    {
        var obj = BaseObject(schema);
        var props = schema?["properties"] as JsonObject;
        var names = props?.Select(p => p.Key).ToList() ?? obj.Select(p => p.Key).ToList();
        if (names.Count == 0) return "{\"unexpected\": " + HostileNumbers[random.Next(HostileNumbers.Length)] + "}";
        var replaced = new Dictionary<string, string>();
        foreach (var name in names.OrderBy(_ => random.Next()).Take(1 + random.Next(names.Count)))
        {
            var value = pick(Resolve(props?[name]));
            if (value is not null) replaced[name] = value;
        }
        if (replaced.Count == 0) replaced[names[random.Next(names.Count)]] = "[[[]]]";
        var sb = new StringBuilder("{");
        var first = true;
        foreach (var (name, node) in obj)
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append(JsonValue.Create(name)!.ToJsonString()).Append(':').Append(replaced.TryGetValue(name, out var raw) ? raw : node?.ToJsonString() ?? "null");
        }
        foreach (var (name, raw) in replaced.Where(r => !obj.ContainsKey(r.Key)))
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append(JsonValue.Create(name)!.ToJsonString()).Append(':').Append(raw);
        }
        return sb.Append('}').ToString();
    }

    /// <summary>Waits (at most 30 s) until no payment run nor billing file is left unfinished by its background job.</summary>
    public static async Task WaitForBackgroundJobsAsync(NpgsqlConnection connection)
    {
        await using var open = new NpgsqlCommand("""
            SELECT EXISTS (SELECT 1 FROM cns.payment_runs WHERE status <> 'Closed')
                OR EXISTS (SELECT 1 FROM cns.billing_files WHERE status IN ('Received', 'Processing'))
            """, connection);
        await Eventually.PollAsync(async () => (bool)(await open.ExecuteScalarAsync())!, unfinished => !unfinished, intervalMs: 20);
    }

    /// <summary>Tables left out of the digest, each with why: only background work writes them, whatever requests do.</summary>
    private static readonly string[] UndigestedTables =
    [
        "__EFMigrationsHistory", // the schema's migrations
        "payment_scheduler_state", // the minutely payment-run tick notes when it last looked
    ];

    /// <summary>
    /// A digest of every table of the cns schema: per table, its row count and the sum of a hash of each row's
    /// (ctid, xmin). An INSERT adds a row, a DELETE removes one, an UPDATE writes a new row version with a new ctid and
    /// xmin: each changes its table's digest, so a rejected request that changed anything is seen.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, (long Rows, long Hash)>> DigestAsync(NpgsqlConnection connection)
    {
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'cns' AND table_type = 'BASE TABLE' AND NOT (table_name = ANY(@skip)) ORDER BY 1", connection))
        {
            list.Parameters.AddWithValue("skip", UndigestedTables);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var sql = string.Join(" UNION ALL ", tables.Select(t =>
        {
            var (row, where) = t switch
            {
                // Authentication notes a sandbox's last use (at most once a minute, whatever the answer): its content but
                // those two columns is digested, so a quota or clock written by a rejected request still shows.
                "sandboxes" => ("(id, name, clock_mode, clock_frozen_at, clock_offset, created_at, deleting_at)::text", ""),
                // The webhook dispatcher works in the background on the events of earlier, accepted requests: it moves an
                // endpoint's delivery state (delivered_through, attempts, failing_since, disabled_at ...) and records its
                // automatic deliveries. What a request writes is digested: an endpoint's own columns, and the deliveries of
                // a test or a redelivery. (A rejected hospital stay was once taken for a partial write of webhook_endpoints.)
                "webhook_endpoints" => ("(id, provider_id, url, types, secret, created_at)::text", ""),
                "webhook_deliveries" => ("ctid::text || ':' || xmin::text", " WHERE trigger <> 'Automatic'"),
                _ => ("ctid::text || ':' || xmin::text", ""),
            };
            return $"SELECT '{t}', count(*), coalesce(sum(hashtext({row})::bigint), 0)::bigint FROM cns.\"{t}\"{where}";
        }));
        var digest = new Dictionary<string, (long, long)>();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) digest[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return digest;
    }

    /// <summary>The tables whose digest differs.</summary>
    public static List<string> Changed(IReadOnlyDictionary<string, (long Rows, long Hash)> before, IReadOnlyDictionary<string, (long Rows, long Hash)> after) =>
        before.Keys.Union(after.Keys).Where(t => before.GetValueOrDefault(t) != after.GetValueOrDefault(t)).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// One case: waits for background payment runs, digests every table, sends the request through
    /// <paramref name="send"/> (the API, or a deliberately broken stand-in in the tests of the figures), digests again
    /// and checks the answer.
    /// </summary>
    public static async Task<FuzzFinding?> TryAsync(FuzzCase c, Func<HttpRequestMessage, Task<HttpResponseMessage>> send, NpgsqlConnection connection,
        Action<int, string?>? answered = null)
    {
        // An accepted POST /admin/payment-runs or /billing-files (202) goes on writing in the background: let it finish,
        // so that its rows are not taken for a partial write of the next, rejected request.
        await WaitForBackgroundJobsAsync(connection);
        var before = await DigestAsync(connection);
        using var request = Request(c);
        using var response = await send(request);
        var changed = Changed(before, await DigestAsync(connection));
        answered?.Invoke((int)response.StatusCode, await ProblemCodeAsync(response));
        return await CheckAsync(c, response, changed);
    }

    public static async Task<FuzzFinding?> CheckAsync(FuzzCase c, HttpResponseMessage response, IReadOnlyList<string> tablesChanged)
    {
        var status = (int)response.StatusCode;
        if (status is >= 400 and < 500 && tablesChanged.Count > 0)
            return new FuzzFinding(c, status, $"partial write: {string.Join(", ", tablesChanged)} changed although the request was rejected");
        return await AnswerProblemAsync(response) is { } problem ? new FuzzFinding(c, status, problem) : null;
    }

    /// <summary>What is wrong with an answer on its own, or null: never a 5xx, and every error is problem+json with a code.</summary>
    public static async Task<string?> AnswerProblemAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status >= 500) return "5xx: " + Truncate(await response.Content.ReadAsStringAsync());
        if (status < 400) return null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return "error without problem+json";
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())?["code"] is null ? "problem without code" : null;
    }

    /// <summary>The figures of a fuzzing run, one per kind of finding.</summary>
    public static (string Name, long Value)[] Figures(int tried, IReadOnlyList<FuzzFinding> findings) =>
    [
        ("hostile cases tried", tried),
        ("hostile 5xx", findings.Count(f => f.Status >= 500)),
        ("hostile partial writes (rejected, yet a table's digest changed)", findings.Count(f => f.Problem.StartsWith("partial", StringComparison.Ordinal))),
        ("hostile errors without a problem+json with a code", findings.Count(f => f.Status < 500 && !f.Problem.StartsWith("partial", StringComparison.Ordinal))),
    ];

    /// <summary>The stable code of a problem answer, else null (the content is buffered: it can be read again).</summary>
    public static async Task<string?> ProblemCodeAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return null;
        await response.Content.LoadIntoBufferAsync();
        try
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())?["code"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The figures of the control-character cases among <paramref name="findings"/>.</summary>
    public static (string Name, long Value)[] ControlCharacterFigures(int controlTried, int refusedByGuard, IReadOnlyList<FuzzFinding> findings) =>
    [
        ("NUL/control-character cases tried", controlTried),
        ("NUL/control-character cases refused by the text guard (400 control_character)", refusedByGuard),
        ("NUL/control-character 5xx", findings.Count(f => f.Status >= 500 && ControlCharacterKinds.Contains(f.Case.Kind))),
    ];

    private static string Truncate(string s) => s.Length > 300 ? s[..300] : s;

    public static HttpRequestMessage Request(FuzzCase c)
    {
        var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path) { Content = c.Body() };
        request.Headers.Add("X-Api-Key", c.ApiKey);
        return request;
    }

    public static bool IsStatusOk(HttpStatusCode code) => (int)code < 500;
}
