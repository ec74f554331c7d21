using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Requests;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Validation.ValidationTestSupport;

namespace CnsExchange.IntegrationTests.Validation;

/// <summary>Issue 4 bad input: problem details naming the field (400/413/415), and nothing stored.</summary>
public sealed class BadInputTests(ApiFactory api) : ApiTest(api)
{
    private static readonly byte[] Gif = Encoding.ASCII.GetBytes("GIF89a\x01\x00\x01\x00");

    private static string Valid => Json(Rx());

    private static string Without(string property) =>
        System.Text.Json.Nodes.JsonNode.Parse(Valid)!.AsObject() is var o && o.Remove(property) ? o.ToJsonString() : throw new InvalidOperationException();

    private static string With(string property, string rawJson)
    {
        var o = System.Text.Json.Nodes.JsonNode.Parse(Valid)!.AsObject();
        o[property] = System.Text.Json.Nodes.JsonNode.Parse(rawJson);
        return o.ToJsonString();
    }

    public static TheoryData<string, string?, string, int, string, string> Cases() => new()
    {
        // name, request JSON, scan kind, status, code, field
        { "malformed JSON", "{\"matricule\": ", "pdf", 400, "malformed_json", "request.matricule" },
        { "not JSON at all", "matricule=1983081246785", "pdf", 400, "malformed_json", "request" },
        { "JSON array", "[1, 2]", "pdf", 400, "malformed_json", "request" },
        { "wrong type (sessions)", With("sessions", "\"six\""), "pdf", 400, "malformed_json", "request.sessions" },
        { "number as string (sessions)", With("sessions", "\"6\""), "pdf", 400, "malformed_json", "request.sessions" },
        { "wrong type (date)", With("prescriptionDate", "\"20/11/2026\""), "pdf", 400, "malformed_json", "request.prescriptionDate" },
        { "unknown category", With("category", "\"light\""), "pdf", 400, "malformed_json", "request.category" },
        { "request part missing", null, "pdf", 400, "validation_failed", "request" },
        { "matricule missing", Without("matricule"), "pdf", 400, "validation_failed", "request.matricule" },
        { "matricule malformed", With("matricule", "\"1983081246786\""), "pdf", 400, "validation_failed", "request.matricule" },
        { "doctor missing", Without("doctor"), "pdf", 400, "validation_failed", "request.doctor" },
        { "doctor code malformed", With("doctor", "{\"code\": \"9000\"}"), "pdf", 400, "validation_failed", "request.doctor.code" },
        { "foreign doctor without country", With("doctor", "{\"name\": \"Dr X\"}"), "pdf", 400, "validation_failed", "request.doctor.country" },
        { "prescription date missing", Without("prescriptionDate"), "pdf", 400, "validation_failed", "request.prescriptionDate" },
        { "prescription date out of range", With("prescriptionDate", "\"0001-02-01\""), "pdf", 400, "validation_failed", "request.prescriptionDate" },
        { "language missing", Without("prescriptionLanguage"), "pdf", 400, "validation_failed", "request.prescriptionLanguage" },
        { "category missing", Without("category"), "pdf", 400, "validation_failed", "request.category" },
        { "act missing", Without("actCode"), "pdf", 400, "validation_failed", "request.actCode" },
        { "unknown act", With("actCode", "\"ZZ99\""), "pdf", 400, "validation_failed", "request.actCode" },
        { "sessions missing", Without("sessions"), "pdf", 400, "validation_failed", "request.sessions" },
        { "zero sessions", With("sessions", "0"), "pdf", 400, "validation_failed", "request.sessions" },
        { "home visit flag missing", Without("homeVisitMedicallyNecessary"), "pdf", 400, "validation_failed", "request.homeVisitMedicallyNecessary" },
        { "care country missing", Without("careCountry"), "pdf", 400, "validation_failed", "request.careCountry" },
        { "care country malformed", With("careCountry", "\"Luxembourg\""), "pdf", 400, "validation_failed", "request.careCountry" },
        { "scan missing", Valid, "none", 400, "validation_failed", "scan" },
        { "scan empty", Valid, "empty", 400, "validation_failed", "scan" },
        { "scan too big", Valid, "big", 413, "payload_too_large", "scan" },
        { "scan is a GIF", Valid, "gif", 415, "unsupported_media_type", "scan" },
        { "scan is text named .pdf", Valid, "text", 415, "unsupported_media_type", "scan" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_problem_naming_the_field_and_nothing_is_stored(string name, string? json, string scanKind, int status, string code, string field)
    {
        byte[]? scan = scanKind switch
        {
            "pdf" => Pdf(),
            "none" => null,
            "empty" => [],
            "big" => [.. "%PDF-1.4\n"u8, .. new byte[10 * 1024 * 1024]],
            "gif" => Gif,
            "text" => Encoding.UTF8.GetBytes("just some text, not a scan"),
            _ => throw new ArgumentOutOfRangeException(nameof(scanKind)),
        };
        var response = await Client(Physio1).SubmitRawAsync(json, scan, idempotencyKey: "bad-" + Guid.NewGuid());
        var problem = await response.ExpectProblemAsync((HttpStatusCode)status, code);
        Assert.True(problem["errors"]?[field] is not null, $"{name}: expected errors.{field} in {problem.ToJsonString()}");

        foreach (var table in new[] { "care_requests", "validation_requests", "prescription_scans", "vouchers", "idempotency_records" })
            Assert.Equal(0, await Api.CountAsync(table));
    }

    [Fact]
    public async Task Not_multipart_is_415()
    {
        var response = await Client(Physio1).PostAsync(Url, new StringContent(Valid, Encoding.UTF8, "application/json"));
        await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(0, await Api.CountAsync("validation_requests"));
    }

    [Fact]
    public async Task Several_missing_fields_are_reported_together()
    {
        var response = await Client(Physio1).SubmitRawAsync("{\"matricule\": \"1983081246785\"}", null);
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Contains("scan", errors);
        Assert.Contains("request.doctor", errors);
        Assert.Contains("request.sessions", errors);
        Assert.Contains("request.careCountry", errors);
    }

    [Fact]
    public async Task Json_part_sent_as_a_file_part_is_accepted()
    {
        var form = new MultipartFormDataContent();
        var json = new ByteArrayContent(Encoding.UTF8.GetBytes(Valid));
        json.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(json, "request", "request.json");
        var scan = new ByteArrayContent(Pdf());
        scan.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(scan, "scan", "scan.bin");
        var decision = await (await Client(Physio1).PostAsync(Url, form)).ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created);
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Equal("application/pdf", decision.Scan.ContentType);
    }
}
