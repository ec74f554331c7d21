using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CnsExchange.Api.Infrastructure;
using CnsExchange.IntegrationTests.Foundation;

namespace CnsExchange.ClientTests;

/// <summary>What generators need from openapi/cnsexchange.json, checked on the checked-in document (issue 23, item 1).</summary>
public sealed partial class GeneratorReadyDocumentTests
{
    private static readonly JsonNode Document = JsonNode.Parse(File.ReadAllText(OpenApiDocumentTests.RepositoryFile("openapi", "cnsexchange.json")))!;

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations() =>
        Document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (p.Key, o.Key, o.Value!.AsObject())));

    [Fact]
    public void Every_operation_has_a_unique_verb_noun_operation_id()
    {
        var ids = Operations().Select(o => o.Operation["operationId"]?.GetValue<string>()).ToList();
        Assert.All(ids, id => Assert.Matches(VerbNoun(), id ?? ""));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("submitValidationRequest", ids);
        Assert.Contains("getFeeMemoir", ids);
    }

    [Fact]
    public void Every_operation_declares_429_and_503_and_every_error_is_a_problem_with_code_errors_and_trace_id()
    {
        foreach (var (path, method, operation) in Operations())
        {
            var responses = operation["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("429") && responses.ContainsKey("503"), $"{method} {path}");
            Assert.True(responses["429"]!["headers"]?["Retry-After"] is not null, $"{method} {path}");
            if (path.Contains("/admin/")) Assert.True(responses.ContainsKey("401") && responses.ContainsKey("403"), $"{method} {path}");
            if (path.Contains('{')) Assert.True(responses.ContainsKey("404"), $"{method} {path}");
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
                Assert.Equal("#/components/schemas/ProblemDetails", response!["content"]?[ResponsesOperationFilter.ProblemMediaType]?["schema"]?["$ref"]?.GetValue<string>());
        }
        var problem = Document["components"]!["schemas"]!["ProblemDetails"]!["properties"]!.AsObject();
        Assert.True(problem.ContainsKey("code") && problem.ContainsKey("errors") && problem.ContainsKey("traceId"));
    }

    [Fact]
    public void The_validation_request_has_a_typed_json_part_and_a_binary_scan()
    {
        var media = Document["paths"]!["/api/v1/validation-requests"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!;
        Assert.Equal("#/components/schemas/ValidationRequestInput", media["schema"]!["properties"]!["request"]!["$ref"]!.GetValue<string>());
        Assert.Equal("binary", media["schema"]!["properties"]!["scan"]!["format"]!.GetValue<string>());
        Assert.Equal("application/json", media["encoding"]!["request"]!["contentType"]!.GetValue<string>());
        var created = Document["paths"]!["/api/v1/validation-requests"]!["post"]!["responses"]!["201"]!;
        Assert.NotNull(created["headers"]!["Location"]);
        Assert.NotNull(created["headers"]!["Idempotent-Replayed"]);
        Assert.True(Document["components"]!["schemas"]!["ValidationRequestDto"]!["properties"]!["voucher"]!["nullable"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("/api/v1/return-files/{id}", "application/json,application/xml,text/csv")]
    [InlineData("/api/v1/payment-runs/{id}/sepa", "application/xml")]
    [InlineData("/api/v1/validation-requests/{id}/scan", "application/pdf,image/jpeg,image/png,image/tiff")]
    public void File_responses_are_binary_with_their_media_types(string path, string mediaTypes)
    {
        var content = Document["paths"]![path]!["get"]!["responses"]!["200"]!["content"]!.AsObject();
        Assert.Equal(mediaTypes.Split(','), content.Select(c => c.Key));
        Assert.All(content, c => Assert.Equal("binary", c.Value!["schema"]!["format"]!.GetValue<string>()));
    }

    [Fact]
    public void Money_is_number_decimal_and_no_number_is_a_double()
    {
        var text = Document.ToJsonString();
        Assert.DoesNotContain("\"format\":\"double\"", text);
        Assert.DoesNotContain("\"format\":\"float\"", text);
        var line = Document["components"]!["schemas"]!["FeeMemoirLineRequest"]!["properties"]!["claimedAmount"]!;
        Assert.Equal(("number", "decimal"), (line["type"]!.GetValue<string>(), line["format"]!.GetValue<string>()));
    }

    [Fact]
    public void Closed_value_sets_are_enums_and_the_document_names_a_server()
    {
        var severity = Document["components"]!["schemas"]!["ReasonDto"]!["properties"]!["severity"]!["enum"]!.AsArray();
        Assert.Equal(["refusal", "reduction", "pending", "information"], severity.Select(v => v!.GetValue<string>()));
        var status = Document["paths"]!["/api/v1/fee-memoirs"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "status");
        Assert.NotEmpty(status!["schema"]!["enum"]!.AsArray());
        Assert.NotEmpty(Document["servers"]!.AsArray());
    }

    [Fact]
    public void Response_properties_are_all_required()
    {
        var dto = Document["components"]!["schemas"]!["ValidationRequestDto"]!;
        Assert.Equal(dto["properties"]!.AsObject().Select(p => p.Key).Order(), dto["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
    }

    [GeneratedRegex("^(get|list|submit|create|put|set|load|simulate|contest|start|verify|cancel|answer|request|decide|delete)[A-Z][A-Za-z0-9]*$")]
    private static partial Regex VerbNoun();
}
