using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Infrastructure.Payments.Files;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.PaymentRuns;

/// <summary>PAY-04, PAY-05, PAY-06: the files of a run as the API serves them, who may read them, and their hashes.</summary>
public sealed class PaymentRunFileTests(ApiFactory api) : ApiTest(api)
{
    private static readonly XNamespace Pain = PaymentFileSchemas.Pain001Namespace;
    private static readonly XNamespace Rf = PaymentFileSchemas.ReturnFileNamespace;

    private Task<PaymentRunDto> AClosedRunAsync() => PaymentRunApi.AClosedRunAsync(Api);

    private static string ReturnFileId(PaymentRunDto run, string providerCode) => run.ReturnFiles.Single(f => f.ProviderCode == providerCode).Id.ToString();

    private async Task<HttpResponseMessage> GetReturnFileAsync(string key, string id, string? accept, string? language = null)
    {
        var client = Client(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/return-files/{id}");
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        if (language is not null) request.Headers.TryAddWithoutValidation("Accept-Language", language);
        return await client.SendAsync(request);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task Stored_files_are_compressed_with_lz4_not_pglz()
    {
        // A large run stores about 700 MB of files: pglz, PostgreSQL's default, took most of the file step's storing time (issue 24, P3).
        var run = await AClosedRunAsync();
        await using var conn = new Npgsql.NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        await using var column = new Npgsql.NpgsqlCommand("""
            SELECT a.attcompression::text FROM pg_attribute a
            WHERE a.attrelid = 'cns.payment_files'::regclass AND a.attname = 'content'
            """, conn);
        Assert.Equal("l", await column.ExecuteScalarAsync());
        await using var stored = new Npgsql.NpgsqlCommand("""
            SELECT coalesce(pg_column_compression(content), 'inline, not compressed'), count(*)::int FROM cns.payment_files WHERE run_id = @run GROUP BY 1
            """, conn);
        stored.Parameters.AddWithValue("run", run.Id);
        var methods = new Dictionary<string, int>();
        await using (var reader = await stored.ExecuteReaderAsync())
            while (await reader.ReadAsync()) methods[reader.GetString(0)] = reader.GetInt32(1);
        Assert.Contains("lz4", methods.Keys);
        Assert.DoesNotContain("pglz", methods.Keys);
    }

    [Fact]
    public async Task Pain001_validates_against_its_xsd_with_count_control_sum_one_payment_block_and_one_transfer_per_provider()
    {
        var run = await AClosedRunAsync();
        var id = run.Id.ToString();
        var response = await Client(Admin).GetAsync($"/api/v1/payment-runs/{id}/sepa");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var hash = Sha256(bytes);
        Assert.Equal(run.Pain001!.Sha256, hash);
        Assert.Equal(hash, response.Headers.GetValues("X-Content-SHA256").Single());
        Assert.Equal($"\"{hash}\"", response.Headers.ETag?.Tag);

        var xsd = await (await Client(Physio1).GetAsync("/api/v1/schemas/pain.001.001.09.subset.xsd")).Content.ReadAsStringAsync();
        Assert.Empty(PaymentFileSchemas.Validate(bytes, SchemaFrom(xsd)));

        var doc = XDocument.Parse(Encoding.UTF8.GetString(bytes));
        var header = doc.Descendants(Pain + "GrpHdr").Single();
        var orders = run.Orders;
        Assert.Equal(run.RunNumber, header.Element(Pain + "MsgId")!.Value);
        Assert.Equal(orders.Count.ToString(CultureInfo.InvariantCulture), header.Element(Pain + "NbOfTxs")!.Value);
        Assert.Equal(run.TotalAmount!.Value.ToString("0.00", CultureInfo.InvariantCulture), header.Element(Pain + "CtrlSum")!.Value);
        var block = Assert.Single(doc.Descendants(Pain + "PmtInf"));
        Assert.Equal("2026-11-30", block.Element(Pain + "ReqdExctnDt")!.Element(Pain + "Dt")!.Value);
        var transfers = block.Elements(Pain + "CdtTrfTxInf").ToList();
        Assert.Equal(3, transfers.Count);
        foreach (var order in orders)
        {
            var transfer = Assert.Single(transfers, t => t.Descendants(Pain + "EndToEndId").Single().Value == order.EndToEndId);
            Assert.Equal(order.Iban, transfer.Descendants(Pain + "IBAN").Single().Value);
            Assert.Equal(order.Amount.ToString("0.00", CultureInfo.InvariantCulture), transfer.Descendants(Pain + "InstdAmt").Single().Value);
        }
        // 25.76 + 25.76 + 25.76 (PHY0001), 2 × 36.80 at 100 % (PHY0002), 25.76 (HOS0001)
        Assert.Equal([77.28m, 73.60m, 25.76m], orders.OrderBy(o => o.ProviderCode switch { "PHY0001" => 0, "PHY0002" => 1, _ => 2 })
            .Select(o => o.Amount));

        // The stored bytes again, or 304 when the client has them.
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/payment-runs/{id}/sepa");
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{hash}\""));
        Assert.Equal(HttpStatusCode.NotModified, (await Client(Admin).SendAsync(conditional)).StatusCode);
        Assert.Equal(bytes, await Client(Admin).GetByteArrayAsync($"/api/v1/payment-runs/{id}/sepa"));
    }

    [Fact]
    public async Task Return_file_xml_validates_against_the_served_xsd_and_lists_the_lines_not_paid_in_full()
    {
        var run = await AClosedRunAsync();
        var response = await GetReturnFileAsync(Physio1, ReturnFileId(run, "PHY0001"), "application/xml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        var xsd = await (await Client(Physio1).GetAsync("/api/v1/schemas/return-file.xsd")).Content.ReadAsStringAsync();
        Assert.Contains("urn:cns-exchange:return-file:1", xsd);
        Assert.Empty(PaymentFileSchemas.Validate(bytes, SchemaFrom(xsd)));

        var doc = XDocument.Parse(Encoding.UTF8.GetString(bytes));
        var lines = doc.Descendants(Rf + "Line").ToList();
        Assert.Equal(["reduced", "refused"], lines.Select(l => l.Element(Rf + "Outcome")!.Value));
        Assert.Equal(["AMOUNT_ABOVE_TARIFF", "INSURED_SHARE"], lines[0].Descendants(Rf + "Code").Select(c => c.Value));
        Assert.Equal("2", doc.Descendants(Rf + "AcceptedLines").Single().Element(Rf + "LineCount")!.Value);
        var totals = doc.Descendants(Rf + "Totals").Single();
        // 4 lines: 2 listed (the reduced one is paid, the refused one not) and 2 accepted, both paid.
        Assert.Equal(("4", "2", "3"), (totals.Element(Rf + "LineCount")!.Value, totals.Element(Rf + "ListedLines")!.Value, totals.Element(Rf + "PaidLines")!.Value));
        // The run's view of the file counts the same way.
        var listed = run.ReturnFiles.Single(f => f.ProviderCode == "PHY0001");
        Assert.Equal((4, 2, 3), (listed.LineCount, listed.ListedLines, listed.PaidLines));
        Assert.Equal("77.28", doc.Descendants(Rf + "Totals").Single().Element(Rf + "PaidAmount")!.Value);
        Assert.Equal($"{run.RunNumber}-PHY0001", doc.Root!.Element(Rf + "PaymentEndToEndId")!.Value);
    }

    [Fact]
    public async Task Return_file_csv_opens_with_the_documented_header_and_reads_back_with_csvhelper()
    {
        var run = await AClosedRunAsync();
        var response = await GetReturnFileAsync(Physio1, ReturnFileId(run, "PHY0001"), "text/csv", "de");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("de", Assert.Single(response.Content.Headers.ContentLanguage));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith(ReturnFileCsv.Header + "\r\n", text);
        Assert.StartsWith("recordType,runNumber,providerCode,memoirId,memoirReference,lineNumber,voucherNumber,matricule,sessionDate,actCode," +
                          "lineCount,listedLines,paidLines,claimedAmount,cnsAmount,payableAmount,paidAmount,outcome,reasonCodes,reasons,route,competentFund\r\n", text);
        var rows = ReturnFileCsv.Read(bytes);
        Assert.Equal(["line", "line", "accepted_lines", "total"], rows.Select(r => r.RecordType));
        Assert.Equal((4, 2, 3), (rows[^1].LineCount, rows[^1].ListedLines, rows[^1].PaidLines));
        Assert.Equal("AMOUNT_ABOVE_TARIFF|INSURED_SHARE", rows[0].ReasonCodes);
        Assert.Equal(77.28m, rows[^1].PaidAmount);
        Assert.Contains("Tarif", rows[0].Reasons); // German text
    }

    [Theory]
    [InlineData(null, "application/json")]
    [InlineData("*/*", "application/json")]
    [InlineData("application/json", "application/json")]
    [InlineData("application/xml", "application/xml")]
    [InlineData("text/xml", "application/xml")]
    [InlineData("text/csv", "text/csv")]
    [InlineData("text/*", "text/csv")]
    [InlineData("application/*", "application/json")]
    [InlineData("application/json;q=0.5, text/csv", "text/csv")]
    [InlineData("text/html, application/xml;q=0.9", "application/xml")]
    [InlineData("application/json;q=0, */*", "application/xml")]
    public async Task Accept_chooses_the_format_of_the_same_return_file(string? accept, string expected)
    {
        var run = await AClosedRunAsync();
        var response = await GetReturnFileAsync(Physio1, ReturnFileId(run, "PHY0001"), accept);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
        var stored = run.ReturnFiles.Single(f => f.ProviderCode == "PHY0001").Files
            .Single(f => f.MediaType == expected && f.Language == "en");
        Assert.Equal(stored.Sha256, Sha256(await response.Content.ReadAsByteArrayAsync()));
        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Theory]
    [InlineData("application/pdf")]
    [InlineData("text/html")]
    [InlineData("application/json;q=0, application/xml;q=0, text/csv;q=0")]
    public async Task A_format_the_return_file_does_not_come_in_is_406_with_a_problem(string accept)
    {
        var run = await AClosedRunAsync();
        var response = await GetReturnFileAsync(Physio1, ReturnFileId(run, "PHY0001"), accept);
        var problem = await response.ExpectProblemAsync(HttpStatusCode.NotAcceptable, "not_acceptable");
        Assert.Contains("text/csv", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("fr", "Le montant réclamé")]
    [InlineData("de", "Der geforderte Betrag")]
    [InlineData("en", "The amount claimed")]
    [InlineData("lb, de;q=0.8", "Der geforderte Betrag")]
    public async Task Reason_texts_follow_accept_language(string language, string start)
    {
        var run = await AClosedRunAsync();
        var response = await GetReturnFileAsync(Physio1, ReturnFileId(run, "PHY0001"), "application/json", language);
        var file = JsonNode.Parse(await response.Content.ReadAsStringAsync())!; // the JSON return file is a file format: read as written
        Assert.Equal(file["language"]!.GetValue<string>(), Assert.Single(response.Content.Headers.ContentLanguage));
        Assert.StartsWith(start, file["lines"]![0]!["reasons"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Providers_see_only_their_own_orders_runs_and_return_files_and_another_providers_are_404()
    {
        var run = await AClosedRunAsync();
        var runId = run.Id.ToString();
        var mine = ReturnFileId(run, "PHY0001");
        var theirs = ReturnFileId(run, "PHY0002");

        var own = await RunAsync(Client(Physio1), runId);
        Assert.Equal("PHY0001", Assert.Single(own.Orders).ProviderCode);
        Assert.Equal(mine, Assert.Single(own.ReturnFiles).Id.ToString());
        Assert.Null(own.Pain001);
        Assert.Null(own.Counts);
        Assert.Null(own.TotalAmount);
        Assert.Null(own.SlotKey);

        var listed = Assert.Single(await AllAsync<PaymentRunSummaryDto>(Client(Physio1), "/api/v1/payment-runs"));
        Assert.Equal(77.28m, listed.Order!.Amount);
        Assert.Equal(mine, listed.ReturnFileId.ToString());
        Assert.Null(listed.TotalAmount);
        var files = await AllAsync<ReturnFileDto>(Client(Physio1), "/api/v1/return-files");
        Assert.Equal([mine], files.Select(f => f.Id.ToString()));
        Assert.Equal(9, files[0].Files.Count);
        Assert.DoesNotContain(theirs, await Client(Physio1).GetStringAsync("/api/v1/return-files"));
        Assert.DoesNotContain("PHY0002", await Client(Physio1).GetStringAsync("/api/v1/payment-runs"));

        await (await GetReturnFileAsync(Physio1, theirs, "application/json")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await GetReturnFileAsync(Physio1, Guid.NewGuid().ToString(), "application/json")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(Physio1).GetAsync($"/api/v1/payment-runs/{runId}/sepa")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(Physio1).GetAsync($"/api/v1/payment-runs/{runId}/verification")).StatusCode);

        // A provider that is not in the run does not see it at all.
        await (await Client(Thermal1).GetAsync($"/api/v1/payment-runs/{runId}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await AllAsync<PaymentRunSummaryDto>(Client(Thermal1), "/api/v1/payment-runs"));
        Assert.Empty(await AllAsync<ReturnFileDto>(Client(Thermal1), "/api/v1/return-files"));

        // Staff read every return file.
        Assert.Equal(3, (await AllAsync<ReturnFileDto>(Client(Admin), "/api/v1/return-files")).Count);
        Assert.Equal(HttpStatusCode.OK, (await GetReturnFileAsync(Reviewer, theirs, "text/csv")).StatusCode);
    }

    [Fact]
    public async Task Rebuilding_every_file_of_a_closed_run_from_the_database_gives_the_stored_hashes_and_a_tampered_file_is_found()
    {
        var run = await AClosedRunAsync();
        var id = run.Id.ToString();
        var check = await VerifyAsync(id);
        Assert.True(check.Identical);
        Assert.Equal(1 + 3 * 9, check.FilesChecked);
        Assert.All(check.Files, f =>
        {
            Assert.Equal(f.StoredSha256, f.ContentSha256);
            Assert.Equal(f.StoredSha256, f.RebuiltSha256);
        });

        // Someone with database access changes stored bytes behind the application's back, the stored hash, or both;
        // each time the bytes themselves are hashed, so each is found (3 providers × the French CSV file).
        const string target = "run_id = @id AND format = 'csv' AND language = 'fr'";
        var runId = ("id", (object)Guid.Parse(id));
        await RawSqlWithoutTriggersAsync(Api, $"UPDATE cns.payment_files SET content = content || '\\x20'::bytea, length = length + 1 WHERE {target}", runId);
        var stored = await GetReturnFileAsync(Physio1, ReturnFileId(run, "PHY0001"), "text/csv", "fr");
        Assert.NotEqual(stored.Headers.GetValues("X-Content-SHA256").Single(), Sha256(await stored.Content.ReadAsByteArrayAsync()));
        AssertTampered(await VerifyAsync(id), contentMatchesStoredHash: false, contentMatchesRebuild: false);

        await RawSqlWithoutTriggersAsync(Api, $"UPDATE cns.payment_files SET content = substring(content FROM 1 FOR octet_length(content) - 1), length = length - 1 WHERE {target}", runId);
        Assert.True((await VerifyAsync(id)).Identical);
        await RawSqlWithoutTriggersAsync(Api, $"UPDATE cns.payment_files SET sha256 = repeat('0', 64) WHERE {target}", runId);
        AssertTampered(await VerifyAsync(id), contentMatchesStoredHash: false, contentMatchesRebuild: true);

        await RawSqlWithoutTriggersAsync(Api, $"UPDATE cns.payment_files SET content = content || '\\x20'::bytea, length = length + 1 WHERE {target}", runId);
        await RawSqlWithoutTriggersAsync(Api, $"UPDATE cns.payment_files SET sha256 = encode(sha256(content), 'hex') WHERE {target}", runId);
        AssertTampered(await VerifyAsync(id), contentMatchesStoredHash: true, contentMatchesRebuild: false);
    }

    private async Task<PaymentRunVerificationDto> VerifyAsync(string runId) =>
        await (await Client(Admin).GetAsync($"/api/v1/payment-runs/{runId}/verification")).ExpectAsync<PaymentRunVerificationDto>(HttpStatusCode.OK);

    private static void AssertTampered(PaymentRunVerificationDto check, bool contentMatchesStoredHash, bool contentMatchesRebuild)
    {
        Assert.False(check.Identical);
        var failing = check.Files.Where(f => !f.Identical).ToList();
        Assert.Equal(3, failing.Count);
        Assert.All(failing, f =>
        {
            Assert.Equal(("csv", "fr"), (f.Format, f.Language));
            Assert.Equal(contentMatchesStoredHash, f.ContentMatchesStoredHash);
            Assert.Equal(contentMatchesRebuild, f.ContentMatchesRebuild);
        });
    }

    [Fact]
    public async Task The_published_schemas_are_served_to_integrators()
    {
        foreach (var (path, resource) in new[] { ("return-file.xsd", PaymentFileSchemas.ReturnFileResourceName), ("pain.001.001.09.subset.xsd", PaymentFileSchemas.Pain001ResourceName) })
        {
            var response = await Client(Physio1).GetAsync($"/api/v1/schemas/{path}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(await File.ReadAllTextAsync(Foundation.OpenApiDocumentTests.RepositoryFile("openapi", resource)), await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(null).GetAsync("/api/v1/schemas/return-file.xsd")).StatusCode);
    }
}
