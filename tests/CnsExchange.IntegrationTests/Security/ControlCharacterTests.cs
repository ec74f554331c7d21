using CnsExchange.Domain.Billing;
using System.Net;
using System.Text.Json;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;

namespace CnsExchange.IntegrationTests.Security;

/// <summary>
/// A NUL character in free text reached PostgreSQL and failed with 22021 (a 500). Every text input refuses NUL and the
/// other C0 controls as a 400 <c>control_character</c> naming the field; tab, CR and LF pass where text may span lines.
/// </summary>
public sealed class ControlCharacterTests(ApiFactory api) : ApiTest(api)
{
    private static readonly Guid Someone = Guid.NewGuid();

    /// <summary>(key, url, JSON body with {0} where the hostile string goes, field the problem must name).</summary>
    public static TheoryData<string, string, string, string> JsonFields => new()
    {
        { Physio1, $"/api/v1/validation-requests/{Someone}/cancel", """{"note":"{0}"}""", "note" },
        { Physio1, $"/api/v1/validation-requests/{Someone}/information", """{"answer":"{0}"}""", "answer" },
        { Physio1, $"/api/v1/fee-memoirs/{Someone}/lines/1/contestation", """{"code":"VOUCHER_UNKNOWN","text":"{0}"}""", "text" },
        { Reviewer, $"/api/v1/review/{Someone}/decision", """{"decision":"request_information","question":"{0}"}""", "question" },
        { Reviewer, $"/api/v1/review/{Someone}/decision", """{"decision":"refuse","reasonCodes":["INSURED_UNKNOWN"],"note":"{0}"}""", "note" },
        { Admin, "/api/v1/admin/providers", """{"code":"PHY0099","kind":"physiotherapist","name":"{0}","iban":"LU280019400644750000","bic":"BCEELULL"}""", "name" },
        { Reviewer, $"/api/v1/review/contestations/{Someone}/decision", """{"decision":"uphold","note":"{0}"}""", "note" },
        { Physio1, "/api/v1/fee-memoirs", """{"memoirReference":"{0}","lines":[]}""", "memoirReference" },
    };

    [Theory]
    [MemberData(nameof(JsonFields))]
    public async Task Nul_in_a_json_text_field_is_a_400_naming_the_field(string key, string url, string template, string field)
    {
        var before = await DigestAsync();
        var response = await Client(key).PostAsync(url, new StringContent(template.Replace("{0}", "a\\u0000b"), Encoding.UTF8, "application/json"));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "control_character");
        Assert.NotNull(problem["errors"]![field]);
        Assert.Contains("U+0000", problem["detail"]!.GetValue<string>());
        Assert.Empty(Reliability.HostileInputFuzzer.Changed(before, await DigestAsync()));
    }

    [Fact]
    public async Task Control_characters_in_the_multipart_request_part_are_refused_and_line_breaks_pass_in_multi_line_text()
    {
        var json = ValidationTestSupport.Json(ValidationTestSupport.Rx());
        foreach (var (name, value) in new[] { ("frequency", "2\\u0000"), ("diagnosis", "back\\u0007pain"), ("frequency", "2\\nper week") })
        {
            var hostile = JsonNode.Parse(json)!;
            hostile[name] = "MARKER";
            var raw = hostile.ToJsonString().Replace("MARKER", value, StringComparison.Ordinal);
            var problem = await (await Client(Physio1).SubmitRawAsync(raw, ValidationTestSupport.Pdf())).ExpectProblemAsync(HttpStatusCode.BadRequest, "control_character");
            Assert.NotNull(problem["errors"]!["request." + name]);
        }
        var foreign = JsonNode.Parse(ValidationTestSupport.Json(ValidationTestSupport.Rx().Foreign()))!;
        foreign["doctor"]!["name"] = "MARKER";
        var doctorAbroad = foreign.ToJsonString().Replace("MARKER", "Dr\\u0000Hans", StringComparison.Ordinal);
        var doctorProblem = await (await Client(Physio1).SubmitRawAsync(doctorAbroad, ValidationTestSupport.Pdf())).ExpectProblemAsync(HttpStatusCode.BadRequest, "control_character");
        Assert.NotNull(doctorProblem["errors"]!["request.doctor.name"]);

        // A diagnosis may span lines.
        var multiLine = JsonNode.Parse(json)!;
        multiLine["diagnosis"] = "Low back pain\r\n\tafter a fall";
        var agreed = await (await Client(Physio1).SubmitRawAsync(multiLine.ToJsonString(), ValidationTestSupport.Pdf())).ExpectAsync<CnsExchange.Application.Features.Validation.ValidationRequestDto>(HttpStatusCode.Created);
        Assert.Equal(CnsExchange.Domain.Requests.RequestStatus.Agreed, agreed.Status);
    }

    [Fact]
    public async Task A_control_character_in_the_scan_file_name_is_refused()
    {
        var form = new MultipartFormDataContent { { new StringContent(ValidationTestSupport.Json(ValidationTestSupport.Rx()), Encoding.UTF8, "application/json"), "request" } };
        var scan = new ByteArrayContent(ValidationTestSupport.Pdf());
        scan.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        scan.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"scan\"", FileNameStar = "scan\u0000.pdf" };
        form.Add(scan);
        var problem = await (await Client(Physio1).PostAsync(ValidationTestSupport.Url, form)).ExpectProblemAsync(HttpStatusCode.BadRequest, "control_character");
        Assert.NotNull(problem["errors"]!["scan"]);
        Assert.Equal(0, await Api.CountAsync("validation_requests"));
    }

    [Fact]
    public async Task Billing_file_name_and_csv_contents_with_control_characters_are_refused_without_a_500()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var csv = $"memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\nOK-1,{voucher},{BillingApi.Adult},2026-11-10,ZK11,false,36.80\n";
        var named = await Client(Physio1).PostAsync("/api/v1/billing-files?fileName=bill%00.csv", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var problem = await named.ExpectProblemAsync(HttpStatusCode.BadRequest, "control_character");
        Assert.NotNull(problem["errors"]!["fileName"]);

        var hostile = $"memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\nNUL\u0000-1,{voucher},{BillingApi.Adult},2026-11-10,ZK11,false,36.80\n";
        var file = await BillingApi.WaitForFileAsync(Client(Physio1), (await BillingApi.UploadAsync(Client(Physio1), hostile, "text/csv")).Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        var error = file.Errors![0]!;
        Assert.Equal((2, "memoirReference"), (error.Line, error.Field));

        var header = "memoir\u0000Reference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\nX,K26-0001000-3,1983081246785,2026-11-10,ZK11,false,36.80\n";
        var headerFile = await BillingApi.WaitForFileAsync(Client(Physio1), (await BillingApi.UploadAsync(Client(Physio1), header, "text/csv")).Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, headerFile.Status);
        Assert.DoesNotContain('\u0000', JsonSerializer.Serialize(headerFile, HttpAssertions.Json));
    }

    /// <summary>Every table's digest (rows and row versions): a rejected request must change none.</summary>
    private Task<IReadOnlyDictionary<string, (long Rows, long Hash)>> DigestAsync() => Api.WithScopeAsync(async _ =>
    {
        await using var conn = new Npgsql.NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        return await Reliability.HostileInputFuzzer.DigestAsync(conn);
    });
}
