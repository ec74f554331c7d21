using System.Net;
using System.Text.Json;
using System.Text;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Billing;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>POST /billing-files: XML or CSV, processed by the background job; malformed files rejected whole (BIL-14).</summary>
public sealed class BillingFileTests(ApiFactory api) : ApiTest(api)
{
    private static string XmlLine(string voucher, string date, string act = "ZK11", string amount = "36.80", string? travel = null) => $"""
            <line>
              <voucherNumber>{voucher}</voucherNumber>
              <matricule>{Adult}</matricule>
              <sessionDate>{date}</sessionDate>
              <actCode>{act}</actCode>{(travel is null ? "" : $"\n      <travel>{travel}</travel>")}
              <claimedAmount>{amount}</claimedAmount>
            </line>
        """;

    private static string Xml(params (string Reference, string[] Lines)[] memoirs) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<billingFile xmlns=\"urn:cns-exchange:billing-file:1\" providerCode=\"PHY0001\">\n" +
        string.Concat(memoirs.Select(m => $"  <memoir reference=\"{m.Reference}\">\n{string.Join("\n", m.Lines)}\n  </memoir>\n")) +
        "</billingFile>\n";

    private Task<int> MemoirCountAsync() => Api.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Set<FeeMemoir>().CountAsync());

    private static List<(int Line, string? Field)> Errors(BillingFileDto file) => file.Errors.Select(e => (e.Line, e.Field)).ToList();

    [Fact]
    public async Task An_xml_file_is_processed_by_the_job_into_adjudicated_memoirs()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var xml = Xml(("XF-1", [XmlLine(voucher, "2026-11-10"), XmlLine(voucher, "2026-11-12", amount: "40.00")]),
                      ("XF-2", [XmlLine(voucher, "2026-11-13", act: "ZKX9", amount: "20.00"), XmlLine(voucher, "2026-11-16", travel: "false")]));
        var accepted = await UploadAsync(Client(Physio1), xml, "application/xml");
        Assert.Equal(BillingFileStatus.Received, accepted.Status);
        Assert.Equal(BillingFileFormat.Xml, accepted.Format);

        var file = await WaitForFileAsync(Client(Physio1), accepted.Id.ToString());
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        var counts = file.Counts;
        Assert.Equal(2, counts.Memoirs);
        Assert.Equal(4, counts.Lines);
        Assert.Equal(2, counts.Accepted);
        Assert.Equal(1, counts.Reduced);
        Assert.Equal(1, counts.Refused);
        Assert.Equal(3 * 25.76m, counts.CnsAmount);
        Assert.Empty(file.Errors);
        var memoirs = file.Memoirs;
        Assert.Equal(["XF-1", "XF-2"], memoirs.Select(m => m.MemoirReference));

        var memoir = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{memoirs[1].Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(FeeMemoirSource.File, memoir.Source);
        Assert.Equal(file.Id, memoir.BillingFileId);
        Assert.Equal(["NOT_COVERED", "INSURED_SHARE"], Codes(LineOf(memoir, 1)));
        Assert.Equal(20, LineOf(memoir, 1).SourceLine);
        Assert.Equal(new DateOnly(2026, 12, 23), memoir.DueDate);
        Assert.Equal(3, await VoucherSeed.SessionsBilledAsync(Api, voucher));

        Assert.Equal(2, (await MemoirsAsync(Client(Physio1), $"?billingFileId={file.Id}")).Items.Count);
        await (await Client(Physio2).GetAsync($"/api/v1/billing-files/{file.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_csv_file_is_processed_by_the_job_with_a_memoirs_rows_anywhere_in_the_file()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var csv = $"""
            memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount
            CF-1,{voucher},{Adult},2026-11-10,ZK11,false,36.80
            CF-2,{voucher},{Adult},2026-11-11,ZK11,,36.80
            "CF-1",{voucher},{Adult},2026-11-12,ZK11,true,49.30
            CF-2,{voucher},{Adult},2026-11-11,ZK11,false,36.80
            """;
        var accepted = await UploadAsync(Client(Physio1), csv + "\n", "text/csv");
        var file = await WaitForFileAsync(Client(Physio1), accepted.Id.ToString());
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        Assert.Equal(BillingFileFormat.Csv, file.Format);
        Assert.Equal(2, file.Counts!.Memoirs);
        Assert.Equal(4, file.Counts!.Lines);

        var first = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{file.Memoirs![0].Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal("CF-1", first.MemoirReference);
        Assert.Equal([2, 4], first.Lines.Select(l => l.SourceLine));
        Assert.Equal(["TRAVEL_NOT_AUTHORISED", "INSURED_SHARE"], Codes(LineOf(first, 2)));
        var second = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{file.Memoirs![1].Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(["ONE_ACT_PER_SESSION"], Codes(LineOf(second, 2))); // the same line twice in one memoir (BIL-07)
        Assert.Equal(3, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    /// <summary>
    /// A file whose memoirs are runs of lines in file order is parsed again for the import instead of read back from the
    /// staging table (ProcessBillingFile): the staged spans decide. Memoir letter and source line per staged line.
    /// </summary>
    [Theory]
    [InlineData("A2 A3 B4 C5 C6", true)]
    [InlineData("A4 A5 A6 B9 B10", true)] // XML: the memoir elements' own lines between the lines' spans
    [InlineData("A2", true)]
    [InlineData("A2 B3 A4", false)] // CSV: a memoir's rows anywhere in the file
    [InlineData("A2 A5 B3", false)] // B inside A's span
    [InlineData("A1 A1 B1", false)] // XML on one line: the spans meet
    [InlineData("A2 A3 B3", false)]
    public async Task A_file_is_parsed_again_only_when_each_memoir_is_one_run_of_lines_in_file_order(string staged, bool inFileOrder)
    {
        var decided = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var provider = await db.Providers.Where(p => p.Code == "PHY0001").Select(p => p.Id).SingleAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            var staging = sp.GetRequiredService<IBillingFileStaging>();
            await staging.BeginAsync(default);
            foreach (var l in staged.Split(' '))
                await staging.AddAsync(new StagedLine(int.Parse(l[1..]), 0, "ORDER-" + l[0],
                    new FeeMemoirLineInput("V", Adult, new DateOnly(2026, 11, 2), "ZK11", false, 36.80m)), default);
            await staging.EndAsync(default);
            Assert.Empty(await staging.CheckAsync(provider, FeeMemoirInputRules.MaxLinesPerMemoir, default));
            return await staging.InFileOrderAsync(default);
        });
        Assert.Equal(inFileOrder, decided);
    }

    /// <summary>
    /// A memoir is counted over all its lines, whatever they bill and wherever they stand: 501 lines of one reference, in
    /// runs of different acts and dates with another memoir's rows between them, exceed the 500 a memoir may have; 500 do not.
    /// </summary>
    [Theory]
    [InlineData(500, false)]
    [InlineData(501, true)]
    public async Task A_memoir_of_more_than_500_lines_in_a_file_is_rejected_at_its_first_line(int lines, bool rejected)
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 1 });
        var csv = new StringBuilder("memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\n");
        csv.Append($"OTHER-1,{voucher},{Adult},2026-11-02,ZK11,false,36.80\n");
        for (var i = 0; i < lines; i++)
        {
            csv.Append($"LONG-1,{voucher},{Adult},2026-11-{10 + i / 100:00},{(i % 3 == 0 ? "ZK11" : "ZKX9")},false,36.80\n");
            if (i == 250) csv.Append($"OTHER-1,{voucher},{Adult},2026-11-03,ZK11,false,36.80\n");
        }
        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), csv.ToString(), "text/csv")).Id.ToString());
        if (!rejected)
        {
            Assert.Equal(BillingFileStatus.Processed, file.Status);
            Assert.Equal(lines + 2, file.Counts!.Lines);
            return;
        }
        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        var error = Assert.Single(file.Errors);
        Assert.Equal((3, "memoirReference", "Memoir 'LONG-1' has more than 500 lines."), (error.Line, error.Field, error.Message));
    }

    /// <summary>An error of a whole XML memoir (its reference already used) points to its &lt;memoir&gt; element, not to its first &lt;line&gt;.</summary>
    [Fact]
    public async Task Bil14_an_error_of_a_whole_xml_memoir_points_to_its_memoir_element()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        await SubmitAsync(Client(Physio1), Memoir("XF-USED", Line(voucher, "2026-11-09")));
        var xml = Xml(("XF-OK", [XmlLine(voucher, "2026-11-10")]), ("XF-USED", [XmlLine(voucher, "2026-11-12")]));
        var memoirLine = xml.Split('\n').ToList().FindIndex(l => l.Contains("reference=\"XF-USED\"")) + 1;

        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), xml, "application/xml")).Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        var error = Assert.Single(file.Errors);
        Assert.Equal((memoirLine, "memoirReference", "Memoir reference 'XF-USED' was already used by this provider."), (error.Line, error.Field, error.Message));
    }

    [Fact]
    public async Task A_csv_with_a_byte_order_mark_and_quoted_fields_is_read()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var csv = $"claimedAmount,actCode,sessionDate,matricule,voucherNumber,memoirReference\r\n\"36.80\",ZK11,2026-11-10,{Adult},{voucher},\"BOM-1\"\r\n";
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(csv)).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        var accepted = await (await Client(Physio1).PostAsync("/api/v1/billing-files?fileName=nov.csv", content)).ExpectAsync<BillingFileDto>(HttpStatusCode.Accepted);
        Assert.Equal("nov.csv", accepted.FileName);
        var file = await WaitForFileAsync(Client(Physio1), accepted.Id);
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        Assert.Equal(1, file.Counts!.Accepted);
    }

    [Fact]
    public async Task Bil14_a_malformed_csv_is_rejected_whole_with_line_numbers_and_nothing_is_stored()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var csv = $"""
            memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount
            BAD-1,{voucher},{Adult},2026-11-10,ZK11,false,36.80
            BAD-1,{voucher},1983081246786,2026-11-11,ZK11,false,36.80
            BAD-2,{voucher},{Adult},2026-11-12,ZK11,false,36.80
            BAD-2,{voucher},{Adult},12/11/2026,ZK11,maybe,36,80
            BAD-3,{voucher},{Adult},2026-11-13,ZK11,false,-1
            """;
        var accepted = await UploadAsync(Client(Physio1), csv, "text/csv");
        var file = await WaitForFileAsync(Client(Physio1), accepted.Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        var errors = Errors(file);
        Assert.Contains((3, "matricule"), errors);
        Assert.Contains(errors, e => e.Line == 5);
        Assert.Contains((6, "claimedAmount"), errors);
        Assert.DoesNotContain(errors, e => e.Line is 2 or 4);
        Assert.Equal(errors.Count, file.ErrorCount);
        Assert.Equal(0, file.Counts!.Memoirs);
        Assert.Empty(file.Memoirs);
        Assert.Equal(0, await MemoirCountAsync());
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task Bil14_unknown_or_missing_csv_columns_reject_the_file_at_line_1()
    {
        var csv = "memoirReference,voucherNumber,matricule,sessionDate,actCode,claimed,comment\nX,K26-0001000-3,1983081246785,2026-11-10,ZK11,36.80,hi\n";
        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), csv, "text/csv")).Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        var errors = Errors(file);
        Assert.All(errors, e => Assert.Equal(1, e.Line));
        Assert.Contains((1, "claimed"), errors);
        Assert.Contains((1, "comment"), errors);
        Assert.Contains((1, "claimedAmount"), errors);
    }

    /// <summary>
    /// docs/billing-files.md: the body may be sent as text/xml too; and the XSD's own lexical forms (travel 1/0, an amount
    /// with a sign) are read, not refused.
    /// </summary>
    [Fact]
    public async Task Bil14_an_xml_file_sent_as_text_xml_with_the_xsds_lexical_forms_is_processed()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var xml = Xml(("TX-1", [XmlLine(voucher, "2026-11-10", travel: "1", amount: "+49.30"), XmlLine(voucher, "2026-11-12", travel: "0")]));
        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), xml, "text/xml")).Id.ToString());
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        var memoir = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{file.Memoirs[0].Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal((true, 49.30m, false), (LineOf(memoir, 1).Travel, LineOf(memoir, 1).ClaimedAmount, LineOf(memoir, 2).Travel));
    }

    [Fact]
    public async Task Bil14_xml_against_the_schema_is_rejected_with_line_numbers()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var xml = Xml(("XS-1", [XmlLine(voucher, "2026-11-10"), XmlLine(voucher, "2026-11-12", amount: "40.001")]),
                      ("XS-2", [XmlLine(voucher, "2026-11-13", act: "zk11")]),
                      ("bad reference!", [XmlLine(voucher, "2026-11-14")]));
        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), xml, "application/xml")).Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        var lines = Errors(file).Select(e => e.Line).ToList();
        Assert.Equal([16, 24, 28], lines); // claimedAmount with 3 decimals; actCode in lower case; memoir reference (reported once)
        Assert.Equal(0, await MemoirCountAsync());
    }

    [Fact]
    public async Task Xml_with_a_dtd_external_entity_or_entity_expansion_is_refused_unread()
    {
        const string xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE billingFile [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
            <billingFile xmlns="urn:cns-exchange:billing-file:1" providerCode="PHY0001"><memoir reference="&secret;"/></billingFile>
            """;
        const string laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <billingFile xmlns="urn:cns-exchange:billing-file:1" providerCode="PHY0001"><memoir reference="&lol3;"/></billingFile>
            """;
        foreach (var xml in new[] { xxe, laughs })
        {
            var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), xml, "application/xml")).Id.ToString());
            Assert.Equal(BillingFileStatus.Rejected, file.Status);
            var error = Assert.Single(file.Errors)!;
            Assert.InRange(error.Line, 1, 2); // the prolog: the reader refuses the DTD before reporting a position
            Assert.Contains("DTD", error.Message);
            Assert.DoesNotContain("root:", JsonSerializer.Serialize(file, HttpAssertions.Json));
        }
    }

    [Fact]
    public async Task An_xml_value_of_megabytes_is_refused_without_being_buffered()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var xml = Xml(("HUGE", [XmlLine(voucher, "2026-11-10")])).Replace(">ZK11<", ">" + new string('Z', 2_000_000) + "<");
        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), xml, "application/xml")).Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        Assert.Contains("longer than 64 KiB", file.Errors![0].Message);
    }

    /// <summary>
    /// CSV the reader cannot go on with, or that breaks the format's own rules, rejects the file whole with the line and a
    /// message a billing system can show: a row or a header longer than the reader's 64 KiB record limit (the CSV
    /// counterpart of <see cref="An_xml_value_of_megabytes_is_refused_without_being_buffered"/>), a column named twice,
    /// a quoted field that is never closed, or one that holds a line break (read as the field's value, refused as a
    /// control character: one memoir line is one row).
    /// </summary>
    [Theory]
    [InlineData("row of megabytes", 3, null, "The CSV cannot be read further: ")]
    [InlineData("header of megabytes", 1, null, "The header row cannot be read: ")]
    [InlineData("column twice", 1, "actCode", "Column 'actCode' appears more than once.")]
    [InlineData("quote never closed", 3, null, "A quoted field is never closed.")]
    [InlineData("line break in quotes", 3, "actCode", "'actCode' contains the control character U+000A at position 3; no control character is allowed in this field.")]
    public async Task Bil14_csv_the_reader_cannot_go_on_with_is_rejected_whole_at_its_line(string @case, int line, string? field, string message)
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        const string header = "memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount";
        var good = $"CSV-1,{voucher},{Adult},2026-11-10,ZK11,36.80";
        var csv = @case switch
        {
            "row of megabytes" => $"{header}\n{good}\nCSV-1,{voucher},{Adult},2026-11-11,{new string('Z', 2_000_000)},36.80\n",
            "header of megabytes" => $"{header},{new string('c', 2_000_000)}\n{good}\n",
            "column twice" => $"{header},actCode\n{good},ZK11\n",
            "quote never closed" => $"{header}\n{good}\nCSV-1,{voucher},{Adult},2026-11-11,\"ZK11,36.80\n",
            "line break in quotes" => $"{header}\n{good}\nCSV-1,{voucher},{Adult},2026-11-11,\"ZK\n11\",36.80\n",
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), csv, "text/csv")).Id.ToString());

        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        var error = Assert.Single(file.Errors);
        Assert.Equal((line, field), (error.Line, error.Field));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 1_000, "the message quotes none of the megabytes");
        Assert.Equal(0, await MemoirCountAsync());
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Theory]
    [InlineData("memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount\n")]
    [InlineData("memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount\r\n\r\n\r\n")]
    public async Task Bil14_a_csv_of_a_header_and_no_line_is_rejected_as_containing_no_memoir_line(string csv)
    {
        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), csv, "text/csv")).Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        var error = Assert.Single(file.Errors);
        Assert.Equal((1, null, "The file contains no memoir line."), (error.Line, error.Field, error.Message));
        Assert.Equal(0, file.Counts.Memoirs);
    }

    [Fact]
    public async Task A_file_of_another_provider_code_or_with_used_or_repeated_references_is_rejected()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        await SubmitAsync(Client(Physio1), Memoir("USED-1", Line(voucher, "2026-11-09")));
        var xml = Xml(("USED-1", [XmlLine(voucher, "2026-11-10")]), ("TWICE", [XmlLine(voucher, "2026-11-11")]), ("TWICE", [XmlLine(voucher, "2026-11-12")]));
        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), xml, "application/xml")).Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        var messages = file.Errors!.Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.Contains("already used"));
        Assert.Contains(messages, m => m.Contains("more than one memoir"));
        Assert.Equal(1, await MemoirCountAsync());

        var foreign = Xml(("F-1", [XmlLine(voucher, "2026-11-10")])).Replace("PHY0001", "PHY0002");
        var other = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), foreign, "application/xml")).Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, other.Status);
        Assert.Equal((2, "providerCode"), Errors(other).Single());
    }

    [Fact]
    public async Task Uploads_need_a_known_content_type_and_a_body_and_replay_with_their_idempotency_key()
    {
        var plain = await Client(Physio1).PostAsync("/api/v1/billing-files", new StringContent("x", Encoding.UTF8, "text/plain"));
        await plain.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var empty = await Client(Physio1).PostAsync("/api/v1/billing-files", new StringContent("", Encoding.UTF8, "text/csv"));
        await empty.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await Client(Reviewer).PostAsync("/api/v1/billing-files", new StringContent("a", Encoding.UTF8, "text/csv")))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var voucher = await VoucherSeed.CreateAsync(Api);
        var csv = $"memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount\nIK-1,{voucher},{Adult},2026-11-10,ZK11,36.80\n";
        var first = await UploadAsync(Client(Physio1), csv, "text/csv", "file-key-1");
        var replay = await UploadAsync(Client(Physio1), csv, "text/csv", "file-key-1");
        Assert.Equal(first.Id.ToString(), replay.Id.ToString());
        var file = await WaitForFileAsync(Client(Physio1), first.Id.ToString());
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        Assert.Equal(1, await MemoirCountAsync());
        var contents = await Api.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Database
            .SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM cns.billing_file_contents").SingleAsync());
        Assert.Equal(1, contents);
    }

    [Fact]
    public async Task Processing_a_file_again_or_twice_at_once_imports_it_once()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var csv = $"memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount\nRE-1,{voucher},{Adult},2026-11-10,ZK11,36.80\nRE-2,{voucher},{Adult},2026-11-11,ZK11,36.80\n";
        var id = Guid.Parse((await UploadAsync(Client(Physio1), csv, "text/csv")).Id.ToString());

        // Runs next to the job Hangfire already started, as a crashed worker's retry would.
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Api.WithScopeAsync(sp =>
            sp.GetRequiredService<IMediator>().Send(new ProcessBillingFile(id)).AsTask())));
        Assert.All(runs, r => Assert.Equal(BillingFileStatus.Processed, r));
        await WaitForFileAsync(Client(Physio1), id.ToString());
        Assert.Equal(BillingFileStatus.Processed, await Api.WithScopeAsync(sp =>
            sp.GetRequiredService<IMediator>().Send(new ProcessBillingFile(id)).AsTask()));
        Assert.Equal(2, await MemoirCountAsync());
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task A_run_killed_midway_leaves_nothing_and_its_retry_imports_the_file_once()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 8 });
        const int memoirs = 8000;
        var sb = new StringBuilder("memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount\n");
        for (var m = 0; m < memoirs; m++)
            for (var l = 0; l < 3; l++)
                sb.Append($"KILL-{m:0000},{voucher},{Adult},{new DateOnly(2026, 11, 2).AddDays((m * 3 + l) % 20):yyyy-MM-dd},ZK11,36.80\n");
        // Registered without queueing the job, so that this test is the only one to run it.
        var (id, _) = await RegisterWithoutJobAsync(Api, sb.ToString());

        // Killed while it writes its second batch of memoir lines: the first batch is already in the (uncommitted) tables.
        using (var kill = new CancellationTokenSource())
        {
            var run = Api.WithScopeAsync(sp => sp.GetRequiredService<IMediator>().Send(new ProcessBillingFile(id), kill.Token).AsTask());
            var watcher = KillOnSecondLineCopyAsync(kill, run);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
            Assert.True(await watcher, "The run was not seen writing a second batch of lines.");
        }
        Assert.Equal(0, await MemoirCountAsync());
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        var interrupted = await (await Client(Physio1).GetAsync($"/api/v1/billing-files/{id}")).ExpectAsync<BillingFileDto>(HttpStatusCode.OK);
        Assert.Equal(BillingFileStatus.Processing, interrupted.Status);

        Assert.Equal(BillingFileStatus.Processed, await Api.WithScopeAsync(sp => sp.GetRequiredService<IMediator>().Send(new ProcessBillingFile(id)).AsTask()));
        Assert.Equal(memoirs, await MemoirCountAsync());
        Assert.Equal(8, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        var file = await (await Client(Physio1).GetAsync($"/api/v1/billing-files/{id}")).ExpectAsync<BillingFileDto>(HttpStatusCode.OK);
        Assert.Equal(memoirs * 3, file.Counts.Lines);
        Assert.Equal(8, file.Counts.Accepted);
    }

    [Fact]
    public async Task The_status_of_a_file_not_processed_yet_is_read_without_looking_at_memoirs()
    {
        // A file's memoirs commit with its status `processed`: before that, the status must not read cns.fee_memoirs, where
        // an import in progress has written the index entries of every memoir so far. With the memoirs table locked
        // exclusively, a status read that touches it waits for the lock; one that does not answers at once.
        var voucher = await VoucherSeed.CreateAsync(Api);
        var csv = $"memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount\nWAIT-1,{voucher},{Adult},2026-11-10,ZK11,36.80\n";
        // Registered without queueing the job: the file stays received.
        var (id, _) = await RegisterWithoutJobAsync(Api, csv);

        await using (var conn = new Npgsql.NpgsqlConnection(Api.ConnectionString))
        {
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await using (var lockMemoirs = new Npgsql.NpgsqlCommand("LOCK TABLE cns.fee_memoirs IN ACCESS EXCLUSIVE MODE", conn, tx))
                await lockMemoirs.ExecuteNonQueryAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var received = await Client(Physio1).GetAsync($"/api/v1/billing-files/{id}", patience.Token);
            var file = await received.ExpectAsync<BillingFileDto>(HttpStatusCode.OK);
            Assert.Equal(BillingFileStatus.Received, file.Status);
            Assert.Empty(file.Memoirs);
            await tx.RollbackAsync();
        }

        await Api.WithScopeAsync(sp => sp.GetRequiredService<IMediator>().Send(new ProcessBillingFile(id)).AsTask());
        var processed = await (await Client(Physio1).GetAsync($"/api/v1/billing-files/{id}")).ExpectAsync<BillingFileDto>(HttpStatusCode.OK);
        Assert.Equal(BillingFileStatus.Processed, processed.Status);
        Assert.Equal("WAIT-1", Assert.Single(processed.Memoirs).MemoirReference);
    }

    /// <summary>
    /// Watches the database for the run's bulk writes of memoir lines and cancels it during the second one. The lines are
    /// copied straight into cns.fee_memoir_lines (as the bulk role): a run that staged them instead is not seen, and fails
    /// the test.
    /// </summary>
    private async Task<bool> KillOnSecondLineCopyAsync(CancellationTokenSource kill, Task run)
    {
        await using var conn = new Npgsql.NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            SELECT query_start FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'active' AND query LIKE 'COPY cns.fee_memoir_lines %'
            """, conn);
        DateTime? first = null;
        while (!run.IsCompleted)
        {
            if (await cmd.ExecuteScalarAsync() is DateTime started)
            {
                if (first is null) first = started;
                else if (started != first)
                {
                    await kill.CancelAsync();
                    return true;
                }
            }
            await Task.Delay(2);
        }
        return false;
    }

    [Fact]
    public async Task A_file_of_many_memoirs_is_imported_in_file_order_across_fetch_batches()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 8 });
        var unknown = CnsExchange.Domain.Vouchers.VoucherNumber.Format(CnsExchange.Domain.Vouchers.VoucherKind.Physiotherapy, 2026, 5_000_000);
        var sb = new StringBuilder("memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount\n");
        for (var m = 0; m < 300; m++)
            for (var l = 0; l < 4; l++)
            {
                var date = new DateOnly(2026, 11, 2).AddDays((m * 4 + l) % 20).ToString("yyyy-MM-dd");
                sb.Append($"BIG-{m:000},{(m < 2 ? voucher : unknown)},{Adult},{date},ZK11,36.80\n");
            }
        var id = (await UploadAsync(Client(Physio1), sb.ToString(), "text/csv")).Id.ToString();
        var file = await WaitForFileAsync(Client(Physio1), id, TimeSpan.FromSeconds(60));
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        Assert.Equal(300, file.Counts!.Memoirs);
        Assert.Equal(1200, file.Counts!.Lines);
        Assert.Equal(8, file.Counts!.Accepted);
        Assert.Equal(300, file.Memoirs!.Count);
        Assert.Equal("BIG-299", file.Memoirs![299].MemoirReference);
        Assert.Equal(8, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    /// <summary>
    /// BIL-08 and BIL-07 across a file's batches: a session paid in the file's first batch is billed again two batches later
    /// (a batch is at least <see cref="ProcessBillingFileHandler.BatchLines"/> lines of whole memoirs), on the same voucher or on
    /// another voucher of the same insured. The earlier batch is written but not committed, and no longer in memory: only a
    /// read in the file's own transaction sees it (a read of paid lines moved to the file's second connection must keep
    /// such lines on the first: bench/results/2026-12-06-p2-paid-lines-aside.md).
    /// </summary>
    [Theory]
    [InlineData(false, BillingReasonCodes.DuplicateLine)]
    [InlineData(true, BillingReasonCodes.OneActPerSession)]
    public async Task Bil08_Bil07_a_session_paid_two_batches_earlier_in_the_same_file_is_refused_again(bool otherVoucher, string reason)
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var again = otherVoucher ? await VoucherSeed.CreateAsync(Api) : voucher;
        var file = await ProcessAcrossBatchesAsync([$"FIRST,{voucher},{Adult},2026-11-10,ZK11,36.80"], [$"AGAIN,{again},{Adult},2026-11-10,ZK11,36.80"], 5_000_001);
        Assert.Equal(FillerMemoirs + 2, file.Counts.Memoirs);
        Assert.Equal(1, file.Counts.Accepted);
        var last = file.Memoirs[^1];
        Assert.Equal("AGAIN", last.MemoirReference);
        var line = await OnlyLineAsync(last.Id);
        Assert.Equal(LineOutcome.Refused, line.Outcome);
        Assert.Contains(reason, line.Reasons.Select(r => r.Code));
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        Assert.Equal(otherVoucher ? 0 : 1, await VoucherSeed.SessionsBilledAsync(Api, again));
    }

    /// <summary>
    /// BIL-08, BIL-07 and INS-04 against what was paid before the file began: a session paid to the provider by a JSON memoir
    /// (on the same voucher, or on another voucher of the same insured) or reimbursed to the insured is refused in the file's
    /// first batch and in its third. Each batch reads the paid lines of its own vouchers and insured; a read limited to the
    /// keys that had paid lines when the file began (tried in 8e91b27, reverted: bench/results/2026-12-06-p2-paid-lines-preload.md)
    /// must still reach every batch.
    /// </summary>
    [Theory]
    [InlineData("voucher", BillingReasonCodes.DuplicateLine)]
    [InlineData("insured", BillingReasonCodes.OneActPerSession)]
    [InlineData("claim", CnsExchange.Domain.Reimbursement.ReimbursementReasonCodes.SessionAlreadyPaid)]
    public async Task Bil08_Bil07_Ins04_a_session_paid_before_the_file_is_refused_in_its_first_and_later_batches(string paidBy, string reason)
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        if (paidBy == "claim")
        {
            var claim = await Reimbursement.ClaimApi.ClaimAsync(Client(Reimbursement.ClaimApi.InsuredApp),
                Reimbursement.ClaimApi.Physio(voucher, "F-BEFORE", Reimbursement.ClaimApi.Session("2026-11-10")));
            Assert.Equal(CnsExchange.Domain.Reimbursement.ClaimLineOutcome.Accepted, Reimbursement.ClaimApi.Line(claim, 1).Outcome);
        }
        else
        {
            var paidOn = paidBy == "voucher" ? voucher : await VoucherSeed.CreateAsync(Api);
            var json = await SubmitAsync(Client(Physio1), Memoir("BEFORE", Line(paidOn, "2026-11-10")));
            Assert.Equal(LineOutcome.Accepted, json.Lines[0].Outcome);
        }
        var file = await ProcessAcrossBatchesAsync([$"EARLY,{voucher},{Adult},2026-11-10,ZK11,36.80"],
            [$"LATE,{voucher},{Adult},2026-11-10,ZK11,36.80", $"OTHER-DAY,{voucher},{Adult},2026-11-12,ZK11,36.80"], 5_000_002);
        Assert.Equal(1, file.Counts.Accepted); // the other day only
        foreach (var reference in new[] { "EARLY", "LATE" })
        {
            var line = await OnlyLineAsync(file.Memoirs.Single(m => m.MemoirReference == reference).Id);
            Assert.Equal(LineOutcome.Refused, line.Outcome);
            Assert.Contains(reason, line.Reasons.Select(r => r.Code));
        }
        Assert.Equal(paidBy == "insured" ? 1 : 2, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    /// <summary>Memoirs of 25 lines that fill the rest of a file's first batch and all of its second one.</summary>
    private const int FillerMemoirs = 2 * ProcessBillingFileHandler.BatchLines / 25 + 1;

    /// <summary>
    /// Uploads and processes a CSV file of <paramref name="first"/>, then <see cref="FillerMemoirs"/> memoirs of another insured
    /// on the unknown voucher numbered <paramref name="unknownSequence"/> (refused, BIL-01), then <paramref name="last"/>, which
    /// the file's third batch adjudicates.
    /// </summary>
    private async Task<BillingFileDto> ProcessAcrossBatchesAsync(string[] first, string[] last, int unknownSequence)
    {
        var unknown = CnsExchange.Domain.Vouchers.VoucherNumber.Format(CnsExchange.Domain.Vouchers.VoucherKind.Physiotherapy, 2026, unknownSequence);
        var sb = new StringBuilder("memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount\n");
        foreach (var line in first) sb.Append(line).Append('\n');
        for (var m = 0; m < FillerMemoirs; m++)
            for (var l = 0; l < 25; l++)
                sb.Append($"FILL-{m:0000},{unknown},1965072021704,2026-11-{10 + l % 10},ZK11,36.80\n");
        foreach (var line in last) sb.Append(line).Append('\n');
        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), sb.ToString(), "text/csv")).Id, TimeSpan.FromSeconds(60));
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        return file;
    }

    private async Task<FeeMemoirLineDto> OnlyLineAsync(Guid memoirId) =>
        Assert.Single((await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{memoirId}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK)).Lines);

    [Fact]
    public async Task The_bulk_write_of_file_memoirs_names_every_column_of_the_memoir_and_line_tables()
    {
        // Binary COPY names its columns: a column added to fee_memoirs or fee_memoir_lines must be written by it too. All but
        // sandbox_id, which the column's default takes from the unit of work's setting (and row-level security checks).
        var ledger = typeof(AppDbContext).Assembly.GetType("CnsExchange.Infrastructure.Billing.BillingLedger", throwOnError: true)!;
        List<string> Named(string field) => ((string)ledger.GetField(field, System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!
            .GetValue(null)!).Split(',', StringSplitOptions.TrimEntries).Order().ToList();
        var columns = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            return (Memoirs: await Columns(db, "fee_memoirs"), Lines: await Columns(db, "fee_memoir_lines"));
        });
        Assert.Equal(columns.Memoirs, Named("MemoirColumns"));
        Assert.Equal(columns.Lines, Named("CopyLineColumns"));

        static async Task<List<string>> Columns(AppDbContext db, string table) =>
            (await db.Database.SqlQueryRaw<string>(
                "SELECT column_name::text AS \"Value\" FROM information_schema.columns WHERE table_schema = 'cns' AND table_name = {0} AND column_name <> 'sandbox_id'", table).ToListAsync())
            .Order().ToList();
    }

    /// <summary>
    /// A billing file adds the sessions of all its voucher services to their counters in one statement when it commits
    /// (BIL-06): the counter is in no index of voucher_services and its pages keep room for new versions, so that the
    /// statement writes heap-only tuples instead of an entry in both indexes per service (issue 24, P2).
    /// </summary>
    [Fact]
    public Task The_session_counter_a_file_adds_to_is_in_no_index_and_service_pages_keep_room_for_heap_only_updates() =>
        HeapOnlyUpdates.AssertPossibleAsync(Api, "cns.voucher_services", "sessions_billed");
}
