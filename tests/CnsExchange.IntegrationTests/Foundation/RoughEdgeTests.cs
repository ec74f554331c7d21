using System.Net;
using System.Text;
using CnsExchange.Application.Features.Admin;
using CnsExchange.Application.Features.Validation;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>Issue 23 item 4: the rough edges a newcomer hits, each answered by a problem that says what to do.</summary>
public sealed class RoughEdgeTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_403_names_the_role_that_may_call_the_operation()
    {
        var problem = await (await Client(Physio1).PostAsync("/api/v1/admin/payment-runs", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("This operation is for the admin role; this API key's role (provider) may not use it.", problem["detail"]!.GetValue<string>());

        problem = await (await Client(Admin).GetAsync("/api/v1/review/queue")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.StartsWith("This operation is for the reviewer", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_415_on_the_validation_endpoint_says_it_expects_multipart()
    {
        var response = await Client(Physio1).PostAsync(ValidationTestSupport.Url,
            new StringContent(ValidationTestSupport.Json(ValidationTestSupport.Rx()), Encoding.UTF8, "application/json"));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var detail = problem["detail"]!.GetValue<string>();
        Assert.Contains("expects Content-Type multipart/form-data", detail);
        Assert.Contains("'application/json; charset=utf-8'", detail);
    }

    [Fact]
    public async Task A_415_on_a_json_endpoint_says_it_expects_json()
    {
        var response = await Client(Admin).PutAsync("/api/v1/admin/clock", new StringContent("advanceDays=1", Encoding.UTF8, "text/plain"));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Contains("expects Content-Type application/json", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("\"nonsense\"")]
    [InlineData("utf-7")] // known to .NET, and disabled there
    [InlineData("\"\"")]
    public async Task A_charset_the_api_cannot_read_is_a_415_and_nothing_is_stored(string charset)
    {
        var memoirs = await Api.CountAsync("fee_memoirs");
        var response = await Client(Physio1).SendAsync(MemoirWithCharset(charset));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Contains("send the body in UTF-8", problem["detail"]!.GetValue<string>());
        Assert.Equal(memoirs, await Api.CountAsync("fee_memoirs"));
    }

    /// <summary>RFC 9110 §5.6.6 lets a parameter value be quoted; the WHATWG Encoding Standard lists utf8 and unicode-1-1-utf-8 as labels of UTF-8.</summary>
    [Theory]
    [InlineData("\"utf-8\"")]
    [InlineData("utf8")]
    [InlineData("Unicode-1-1-UTF-8")]
    [InlineData("UTF-8")]
    public async Task A_quoted_charset_or_another_label_of_utf8_is_read_as_utf8(string charset)
    {
        var response = await Client(Physio1).SendAsync(MemoirWithCharset(charset));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>A fee memoir (one line on an unknown voucher: stored, refused) sent with <paramref name="charset"/> as the Content-Type's charset.</summary>
    private static HttpRequestMessage MemoirWithCharset(string charset)
    {
        var body = System.Text.Json.JsonSerializer.Serialize(Billing.BillingApi.Memoir("CHARSET-" + Guid.NewGuid().ToString("N")[..8],
            Billing.BillingApi.Line("K26-0001000-9", "2026-11-20")));
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");
        return new HttpRequestMessage(HttpMethod.Post, "/api/v1/fee-memoirs") { Content = content };
    }

    [Fact]
    public async Task A_bad_date_in_a_query_says_the_expected_format()
    {
        var problem = await (await Client(Physio1).GetAsync("/api/v1/validation-requests?from=23.11.2026")).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_request");
        Assert.Contains("YYYY-MM-DD", problem["detail"]!.GetValue<string>());
        Assert.NotNull(problem["errors"]!["from"]);
    }

    [Fact]
    public async Task A_bad_date_in_a_body_says_the_expected_format()
    {
        var json = ValidationTestSupport.Json(ValidationTestSupport.Rx()).Replace("\"2026-11-20\"", "\"20/11/2026\"");
        Assert.Contains("20/11/2026", json);
        var problem = await (await Client(Physio1).SubmitRawAsync(json, ValidationTestSupport.Pdf())).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        Assert.Contains("YYYY-MM-DD", problem["errors"]!["request.prescriptionDate"]![0]!.GetValue<string>());

        var instant = await (await Client(Admin).PutAsync("/api/v1/admin/clock", new StringContent("{\"now\":\"tomorrow\"}", Encoding.UTF8, "application/json")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        Assert.Contains("ISO 8601 with an offset", instant["detail"]!.GetValue<string>());
    }

    /// <summary>
    /// A key issued again with the same Idempotency-Key issues no second key: the first was shown once and is stored hashed,
    /// so the retry is 409 naming the provider, and the first key is the one that works.
    /// </summary>
    [Fact]
    public async Task A_provider_key_issued_again_with_its_idempotency_key_issues_no_second_key()
    {
        await Sandboxes.SandboxApi.InOwnSandboxAsync(Client(Operator), "key-once", async sandbox =>
        {
            HttpRequestMessage Issue() => new(HttpMethod.Post, "/api/v1/admin/providers/PHY0002/keys") { Headers = { { "Idempotency-Key", "issue-key-1" } } };
            var admin = Client(sandbox.Key("admin"));
            var first = await (await admin.SendAsync(Issue())).ExpectAsync<ProviderCreated>(HttpStatusCode.Created);
            var again = await (await admin.SendAsync(Issue())).ExpectProblemAsync(HttpStatusCode.Conflict, "idempotent_replay_without_secret");
            Assert.Equal("/api/v1/admin/providers/PHY0002", again["resource"]!.GetValue<string>());
            Assert.DoesNotContain(first.ApiKey, again.ToJsonString());
            await (await Client(first.ApiKey).GetAsync("/api/v1/clock")).ExpectAsync(HttpStatusCode.OK);
        });
    }

    /// <summary>
    /// BIL-14 and the schemas' <c>additionalProperties: false</c>: a field the body does not have is bad input, not
    /// dropped. A misspelt optional field (<c>replace</c> for <c>replaces</c>) would otherwise make a new memoir of a
    /// replacement.
    /// </summary>
    [Theory]
    [InlineData("""{"memoirReference":"UF-1","foo":1,"lines":[]}""", "foo")]
    [InlineData("""{"memoirReference":"UF-2","lines":[{"voucherNumber":"K26-0000001-0","matricule":"1983081246785","sessionDate":"2026-11-20","actCode":"ZK11","travel":false,"claimedAmount":36.80,"bar":"x"}]}""", "lines[0].bar")]
    [InlineData("""{"memoirReference":"UF-3","replace":"0192f6a4-8c3e-7a10-9b1c-2d3e4f5a6b7c","lines":[]}""", "replace")]
    public async Task A_field_a_json_body_does_not_have_is_a_400_naming_it_and_nothing_is_stored(string body, string field)
    {
        var memoirs = await Api.CountAsync("fee_memoirs");
        var problem = await (await Client(Physio1).PostAsync("/api/v1/fee-memoirs", new StringContent(body, Encoding.UTF8, "application/json")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
        Assert.Contains($"'{field}' is not a field", problem["errors"]![field]![0]!.GetValue<string>());
        Assert.Equal(memoirs, await Api.CountAsync("fee_memoirs"));
    }

    [Fact]
    public async Task A_field_the_validation_request_part_does_not_have_is_a_400_naming_it()
    {
        var requests = await Api.CountAsync("validation_requests");
        var json = ValidationTestSupport.Json(ValidationTestSupport.Rx()).Replace("\"sessions\"", "\"sesions\":6,\"sessions\"");
        Assert.Contains("sesions", json);
        var problem = await (await Client(Physio1).SubmitRawAsync(json, ValidationTestSupport.Pdf())).ExpectProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
        Assert.Contains("'request.sesions' is not a field", problem["errors"]!["request.sesions"]![0]!.GetValue<string>());
        Assert.Equal(requests, await Api.CountAsync("validation_requests"));
    }

    /// <summary>
    /// A list of objects with a JSON null in it (found by sending every field of every JSON operation's example a set of
    /// wrong values): the rules read each element's fields, and these three lists and the feed's two answered 500.
    /// </summary>
    [Theory]
    [InlineData("affiliations", "An affiliation period is an object.")]
    [InlineData("accidentCases", "An accident case is an object.")]
    [InlineData("carePlans", "A care plan is an object.")]
    public async Task A_null_in_a_list_of_the_registry_is_a_400_and_stores_nothing(string list, string message)
    {
        var matricule = CnsExchange.Domain.Common.Matricule.Create(new DateOnly(1971, 3, 9), Random.Shared.Next(100, 999)).Value;
        var body = System.Text.Json.Nodes.JsonNode.Parse("""
            {"firstName":"Null","lastName":"Element","sex":"female","competentFund":"CNS","residenceCountry":"LU","crossBorderWorker":false,
             "affiliations":[{"from":"2000-01-01","to":null}]}
            """)!.AsObject();
        body[list] = new System.Text.Json.Nodes.JsonArray((System.Text.Json.Nodes.JsonNode?)null);
        var problem = await (await Client(Admin).PutAsync($"/api/v1/admin/insured/{matricule}", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains(message, problem["errors"]!.ToJsonString());
        await (await Client(Admin).GetAsync($"/api/v1/admin/insured/{matricule}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    /// <summary>
    /// Found once the example sweep gave each variant a new provider code and invoice number (before, the first stored
    /// variant took them and the others stopped at its 409): a provider without a BIC reached the database's NOT NULL,
    /// and a null session or fee reached the claim's handler. Each answered 500.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task A_provider_without_a_bic_is_a_400_and_is_not_created(string? bic)
    {
        var code = "PHY" + Random.Shared.Next(100_000, 999_999);
        var providers = await Api.CountAsync("providers");
        var problem = await (await Client(Admin).PostJsonAsync("/api/v1/admin/providers", new
        {
            code, kind = "physiotherapist", name = "No BIC", iban = "LU280019400644750000", bic,
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("ISO 9362", problem["errors"]!["bic"]![0]!.GetValue<string>());
        Assert.Equal(providers, await Api.CountAsync("providers"));
    }

    [Theory]
    [InlineData("physiotherapy", "sessions", "A session is an object.")]
    [InlineData("doctor_fees", "fees", "A fee is an object.")]
    public async Task A_null_session_or_fee_in_a_claim_is_a_400_and_nothing_is_stored(string kind, string list, string message)
    {
        var claims = await Api.CountAsync("reimbursement_claims");
        var body = System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"kind":"{{kind}}","matricule":"1983081246785","voucherNumber":"K26-0001000-9","providerCode":"PHY0001","hospitalStayId":"{{Guid.NewGuid()}}",
             "invoice":{"number":"NULL-{{Guid.NewGuid():N}}","date":"2026-11-20","issuer":"PHY0001"},"statementLanguage":"fr"}
            """)!.AsObject();
        if (kind == "doctor_fees") body.Remove("voucherNumber");
        body[list] = new System.Text.Json.Nodes.JsonArray((System.Text.Json.Nodes.JsonNode?)null);
        var problem = await (await Reimbursement.ClaimApi.PostRawAsync(Client(Reimbursement.ClaimApi.InsuredApp), body.ToJsonString(),
            Reimbursement.ClaimApi.Invoice())).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains(message, problem["errors"]!.ToJsonString());
        Assert.Equal(claims, await Api.CountAsync("reimbursement_claims"));
    }

    [Fact]
    public async Task A_null_in_the_care_plan_feed_is_a_400_and_changes_nothing()
    {
        var matricule = CnsExchange.Domain.Common.Matricule.Create(new DateOnly(1972, 5, 14), Random.Shared.Next(100, 999)).Value;
        await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{matricule}", new
        {
            firstName = "Feed", lastName = "Null", sex = "male", competentFund = "CNS", residenceCountry = "LU", crossBorderWorker = false,
            affiliations = new[] { new { from = "2000-01-01", to = (string?)null } },
            carePlans = new[] { new { from = "2026-01-01", to = (string?)null, includesPhysiotherapy = true, physioDeliveredOn = new[] { "2026-11-02" } } },
        })).ExpectAsync(HttpStatusCode.OK);

        foreach (var (entries, message) in new[]
                 {
                     ("[null]", "An entry is an object."),
                     ($$"""[{"matricule":"{{matricule}}","carePlans":[null]}]""", "A care plan is an object."),
                     ($$"""[{"matricule":"{{matricule}}","carePlans":[]}, null]""", "An entry is an object."),
                 })
        {
            var problem = await (await Client(Admin).PostAsync("/api/v1/admin/dependency-insurance/care-plans",
                new StringContent($$"""{"entries":{{entries}}}""", Encoding.UTF8, "application/json"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            Assert.Contains(message, problem["errors"]!.ToJsonString());
        }
        var insured = await (await Client(Admin).GetAsync($"/api/v1/admin/insured/{matricule}")).ExpectAsync<InsuredDto>(HttpStatusCode.OK);
        Assert.Equal([new DateOnly(2026, 11, 2)], Assert.Single(insured.CarePlans).PhysioDeliveredOn);
    }

    [Fact]
    public async Task The_same_json_with_other_whitespace_under_one_idempotency_key_is_the_same_request()
    {
        var scan = ValidationTestSupport.Pdf();
        var compact = ValidationTestSupport.Json(ValidationTestSupport.Rx());
        var spaced = System.Text.Json.Nodes.JsonNode.Parse(compact)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        Assert.NotEqual(compact, spaced);

        var first = await Client(Physio1).SubmitRawAsync(compact, scan, "ws-key-1");
        var created = await first.ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created);
        var again = await Client(Physio1).SubmitRawAsync(spaced, scan, "ws-key-1");
        var replayed = await again.ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(created.Id, replayed.Id);
    }

    [Fact]
    public async Task An_idempotency_key_expires_after_24_hours()
    {
        var scan = ValidationTestSupport.Pdf();
        var json = ValidationTestSupport.Json(ValidationTestSupport.Rx());
        var first = await (await Client(Physio1).SubmitRawAsync(json, scan, "ttl-key-1")).ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created);

        await Api.AdvanceAsync(TimeSpan.FromHours(23));
        var within = await Client(Physio1).SubmitRawAsync(json, scan, "ttl-key-1");
        Assert.True(within.Headers.Contains("Idempotent-Replayed"));

        await Api.AdvanceAsync(TimeSpan.FromHours(2));
        var after = await Client(Physio1).SubmitRawAsync(json, scan, "ttl-key-1");
        var fresh = await after.ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created);
        Assert.False(after.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(first.Id, fresh.Id);
    }

    [Fact]
    public async Task Every_caller_of_a_sandbox_reads_its_clock_and_only_its_admin_moves_it()
    {
        await Api.AdvanceAsync(TimeSpan.FromDays(3));
        var admin = await (await Client(Admin).GetAsync("/api/v1/admin/clock")).ExpectAsync<ClockDto>(HttpStatusCode.OK);
        foreach (var key in new[] { Physio1, Reviewer })
        {
            var clock = await (await Client(key).GetAsync("/api/v1/clock")).ExpectAsync<ClockDto>(HttpStatusCode.OK);
            Assert.Equal(admin.Now, clock.Now);
            Assert.Equal(DateOnly.FromDateTime(ApiFactory.Start.AddDays(3).UtcDateTime), clock.LocalDate);
        }
        // Read-only: no write on /clock, and the admin's clock stays the admin's.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await Client(Physio1).PutJsonAsync("/api/v1/clock", new { advanceDays = 1 })).StatusCode);
        await (await Client(Physio1).PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 1 })).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await Client("not-a-key").GetAsync("/api/v1/clock")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}
