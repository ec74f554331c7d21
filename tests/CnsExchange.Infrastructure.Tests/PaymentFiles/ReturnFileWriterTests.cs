using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Domain.Common;
using CnsExchange.Infrastructure.Payments.Files;
using static CnsExchange.Infrastructure.Tests.PaymentFiles.PaymentFileSamples;

namespace CnsExchange.Infrastructure.Tests.PaymentFiles;

/// <summary>A provider's return file (PAY-05) in JSON, XML and CSV. Pure unit tests: no database.</summary>
public sealed class ReturnFileWriterTests
{
    private static readonly XNamespace Ns = PaymentFileSchemas.ReturnFileNamespace;
    private readonly ReturnFileWriter _writer = new();

    private static string Text(GeneratedFile file) => Encoding.UTF8.GetString(file.Content);

    [Fact]
    public void Xml_return_file_validates_against_the_published_xsd()
    {
        var file = _writer.Write(ReturnFile(), ReturnFileFormat.Xml);

        Assert.Empty(PaymentFileSchemas.Validate(file.Content, PaymentFileSchemas.ReturnFile));
        Assert.Equal("application/xml", file.MediaType);
        Assert.Equal("return-file-PR-2026-0047-PHY0001-en.xml", file.FileName);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("de")]
    [InlineData("en")]
    public void Xml_return_file_of_every_language_validates_and_is_the_same_written_without_the_check(string language)
    {
        // A payment run checks the XSD in the first language only (PaymentRunFileBuilder.BuildReturnFile): every language must validate.
        var model = ReturnFile(language, Lines(language));
        var checkedFile = _writer.Write(model, ReturnFileFormat.Xml);
        var plain = _writer.Write(model, ReturnFileFormat.Xml, checkXmlSchema: false);

        Assert.Empty(PaymentFileSchemas.Validate(plain.Content, PaymentFileSchemas.ReturnFile));
        Assert.Equal(checkedFile.Content, plain.Content);
    }

    [Fact]
    public void Every_listed_line_shows_its_route_and_the_insureds_competent_fund_in_each_format()
    {
        var model = ReturnFile();
        var root = XDocument.Load(new MemoryStream(_writer.Write(model, ReturnFileFormat.Xml).Content)).Root!;
        var xml = root.Element(Ns + "Lines")!.Elements(Ns + "Line").Select(l => (l.Element(Ns + "Route")!.Value, l.Element(Ns + "CompetentFund")?.Value)).ToList();
        Assert.Equal([("third_party", "CNS"), ("third_party", "CMFEP"), ("third_party", (string?)null)], xml);

        var json = JsonNode.Parse(_writer.Write(model, ReturnFileFormat.Json).Content)!["lines"]!.AsArray()
            .Select(l => (l!["route"]!.GetValue<string>(), l["competentFund"]?.GetValue<string>())).ToList();
        Assert.Equal(xml, json);

        var csv = ReturnFileCsv.Read(_writer.Write(model, ReturnFileFormat.Csv).Content).Where(r => r.RecordType == ReturnFileCsv.LineRecord)
            .Select(r => (r.Route, r.CompetentFund == "" ? null : r.CompetentFund)).ToList();
        Assert.Equal(xml, csv);
    }

    [Fact]
    public void Pay05_xml_return_file_lists_each_line_with_amounts_outcome_and_all_reasons()
    {
        var root = XDocument.Load(new MemoryStream(_writer.Write(ReturnFile(), ReturnFileFormat.Xml).Content)).Root!;
        var lines = root.Element(Ns + "Lines")!.Elements(Ns + "Line").ToList();

        Assert.Equal("1", root.Attribute("version")!.Value);
        Assert.Equal("PHY0001", root.Element(Ns + "Provider")!.Element(Ns + "Code")!.Value);
        Assert.Equal("PR-2026-0047-PHY0001", root.Element(Ns + "PaymentEndToEndId")!.Value);
        Assert.Equal(3, lines.Count);
        var reduced = lines[0];
        Assert.Equal("MEM-2026-118", reduced.Element(Ns + "MemoirReference")!.Value);
        Assert.Equal("2", reduced.Element(Ns + "LineNumber")!.Value);
        Assert.Equal("40.00", reduced.Element(Ns + "ClaimedAmount")!.Value);
        Assert.Equal("25.76", reduced.Element(Ns + "CnsAmount")!.Value);
        Assert.Equal("25.76", reduced.Element(Ns + "PayableAmount")!.Value);
        Assert.Equal("25.76", reduced.Element(Ns + "PaidAmount")!.Value);
        Assert.Equal("reduced", reduced.Element(Ns + "Outcome")!.Value);
        var reasons = reduced.Element(Ns + "Reasons")!.Elements(Ns + "Reason").ToList();
        Assert.Equal(["AMOUNT_ABOVE_TARIFF", "INSURED_SHARE"], reasons.Select(r => r.Element(Ns + "Code")!.Value));
        Assert.Equal(["reduction", "information"], reasons.Select(r => r.Element(Ns + "Severity")!.Value));
        Assert.Equal(["BIL-10", "BIL-11"], reasons.Select(r => r.Element(Ns + "Rule")!.Value));
        Assert.Equal("The amount claimed is above the tariff; it is cut to the tariff (36.80).", reasons[0].Element(Ns + "Message")!.Value);
        Assert.Equal("refused", lines[1].Element(Ns + "Outcome")!.Value);
        Assert.Equal("0.00", lines[1].Element(Ns + "PaidAmount")!.Value);

        var accepted = root.Element(Ns + "AcceptedLines")!;
        Assert.Equal("41", accepted.Element(Ns + "LineCount")!.Value);
        Assert.Equal("41", accepted.Element(Ns + "PaidLines")!.Value);
        Assert.Equal("1055.60", accepted.Element(Ns + "PaidAmount")!.Value);
        var totals = root.Element(Ns + "Totals")!;
        Assert.Equal("44", totals.Element(Ns + "LineCount")!.Value);   // 41 accepted + 3 listed
        Assert.Equal("3", totals.Element(Ns + "ListedLines")!.Value);
        Assert.Equal("42", totals.Element(Ns + "PaidLines")!.Value);   // 41 accepted + the reduced one; the refused ones are paid nothing
        Assert.Equal("1617.00", totals.Element(Ns + "ClaimedAmount")!.Value); // 1508.80 + 40 + 20 + 48.20
        Assert.Equal("1081.36", totals.Element(Ns + "CnsAmount")!.Value);
        Assert.Equal("1081.36", totals.Element(Ns + "PayableAmount")!.Value);
        Assert.Equal("1081.36", totals.Element(Ns + "PaidAmount")!.Value); // 1055.60 + 25.76
    }

    public static TheoryData<string, string, string> TamperedXml => new()
    {
        { "amount with one decimal", "<ClaimedAmount>40.00</ClaimedAmount>", "<ClaimedAmount>40.0</ClaimedAmount>" },
        { "negative amount", "<PaidAmount>25.76</PaidAmount>", "<PaidAmount>-25.76</PaidAmount>" },
        { "unknown outcome", "<Outcome>refused</Outcome>", "<Outcome>paid</Outcome>" },
        { "old amount name", "<CnsAmount>25.76</CnsAmount>", "<AcceptedAmount>25.76</AcceptedAmount>" },
        { "unknown severity", "<Severity>information</Severity>", "<Severity>info</Severity>" },
        { "malformed matricule", "<Matricule>2012051469331</Matricule>", "<Matricule>201205146933</Matricule>" },
        { "unsupported language", "<Language>en</Language>", "<Language>es</Language>" },
        { "line without reasons", "<Reasons>\n        <Reason>\n          <Code>NOT_COVERED", "<Reasons/><X><Reason>\n          <Code>NOT_COVERED" },
        { "totals missing", "<Totals>", "<Totalz>" },
    };

    [Theory]
    [MemberData(nameof(TamperedXml))]
    public void The_return_file_xsd_rejects_files_that_break_the_format(string why, string original, string replacement)
    {
        var text = Text(_writer.Write(ReturnFile(), ReturnFileFormat.Xml));
        Assert.Contains(original, text);

        Assert.NotEmpty(PaymentFileSchemas.Validate(Encoding.UTF8.GetBytes(text.Replace(original, replacement)), PaymentFileSchemas.ReturnFile));
        _ = why;
    }

    [Fact]
    public void Csv_return_file_opens_with_the_documented_header()
    {
        var file = _writer.Write(ReturnFile(), ReturnFileFormat.Csv);
        var text = Text(file);

        Assert.Equal("text/csv", file.MediaType);
        Assert.Equal((byte)'r', file.Content[0]); // no byte order mark
        Assert.StartsWith(ReturnFileCsv.Header + "\r\n", text);
        Assert.Equal(
            "recordType,runNumber,providerCode,memoirId,memoirReference,lineNumber,voucherNumber,matricule,sessionDate,actCode,lineCount,listedLines,paidLines,claimedAmount,cnsAmount,payableAmount,paidAmount,outcome,reasonCodes,reasons,route,competentFund",
            ReturnFileCsv.Header);
        var records = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 3 + 2, records.Length);
        Assert.EndsWith(",third_party,CNS", records[1]);
        Assert.EndsWith(",third_party,", records[3]); // the fund of a person unknown at adjudication is empty
        Assert.StartsWith("line,PR-2026-0047,PHY0001,0b9e3c55-1111-4c1e-8a5b-3f0e6c4f2a01,MEM-2026-118,2,K26-0001000-3,1983081246785,2026-11-12,ZK11,1,1,1,40.00,25.76,25.76,25.76,reduced,AMOUNT_ABOVE_TARIFF|INSURED_SHARE,", records[1]);
        Assert.StartsWith("line,PR-2026-0047,PHY0001,0b9e3c55-1111-4c1e-8a5b-3f0e6c4f2a01,MEM-2026-118,3,K26-0001000-3,1983081246785,2026-11-13,ZKX9,1,1,0,20.00,0.00,0.00,0.00,refused,NOT_COVERED,", records[2]);
        Assert.Equal("accepted_lines,PR-2026-0047,PHY0001,,,,,,,,41,0,41,1508.80,1055.60,1055.60,1055.60,,,,,", records[4]);
        Assert.Equal("total,PR-2026-0047,PHY0001,,,,,,,,44,3,42,1617.00,1081.36,1081.36,1081.36,,,,,", records[5]);
    }

    /// <summary>docs/payment-files.md: every amount is written with exactly two decimals, the debt and balance records too.</summary>
    [Fact]
    public void Lif05_csv_debt_and_balance_records_write_every_amount_with_two_decimals()
    {
        var model = ReturnFile() with
        {
            Debts = [new ReturnFileDebt("LINE_REVERSED", "LINE_REVERSED", MemoirB, "MEM-2026-121", 1, "PR-2026-0046", 25.76m, "Paid line reversed")],
            Balance = new ReturnFileBalance(0m, 25.76m, 1055.60m, 1029.84m, 0m),
        };
        var records = Text(_writer.Write(model, ReturnFileFormat.Csv)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var debt = Assert.Single(records, r => r.StartsWith("debt,", StringComparison.Ordinal));
        Assert.Contains(",1,0,0,0.00,0.00,0.00,25.76,LINE_REVERSED,", debt);
        var balances = records.Where(r => r.StartsWith("balance,", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, balances.Count);
        Assert.All(balances, b => Assert.Contains(",0,0,0,0.00,0.00,0.00,", b));
        Assert.Contains(balances, b => b.Contains(",0.00,0.00,0.00,0.00,brought_forward,", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_return_file_round_trips_with_CsvHelper()
    {
        var model = ReturnFile("fr");
        var rows = ReturnFileCsv.Read(_writer.Write(model, ReturnFileFormat.Csv).Content);

        Assert.Equal(ReturnFileCsv.Rows(model).ToList(), rows);
        var refused = rows.Single(r => r.MemoirReference == "MEM-2026-121");
        Assert.Equal(ReturnFileCsv.LineRecord, refused.RecordType);
        Assert.Equal(MemoirB, refused.MemoirId);
        Assert.Equal(new DateOnly(2026, 11, 16), refused.SessionDate);
        Assert.Equal(48.20m, refused.ClaimedAmount);
        Assert.Equal(0m, refused.PaidAmount);
        Assert.Equal("SESSIONS_EXHAUSTED", refused.ReasonCodes);
        Assert.Equal("SESSIONS_EXHAUSTED [refusal, BIL-06]: Toutes les séances accordées ont déjà été payées (8/8).", refused.Reasons);
        Assert.Equal(1081.36m, rows.Single(r => r.RecordType == ReturnFileCsv.TotalRecord).PaidAmount);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")")]
    [InlineData("+41 22")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1:A9)")]
    [InlineData("\tMEM-1")]
    [InlineData("\rMEM-1")]
    public void Csv_cells_that_a_spreadsheet_would_run_as_a_formula_are_escaped_with_a_quote(string reference)
    {
        var lines = Lines("en");
        var model = ReturnFile(lines: [lines[0] with { MemoirReference = reference }, .. lines.Skip(1)]);
        var content = _writer.Write(model, ReturnFileFormat.Csv).Content;

        var row = ReturnFileCsv.Read(content).Single(r => r.MemoirId == MemoirA && r.LineNumber == 2);
        Assert.Equal("'" + reference, row.MemoirReference);
        Assert.DoesNotContain("," + reference, Text(new GeneratedFile("x", "text/csv", content)));
        // Numbers are not text: amounts keep their value and are never prefixed.
        Assert.Equal(40.00m, row.ClaimedAmount);
    }

    [Fact]
    public void Json_return_file_uses_the_api_conventions_and_two_decimal_amounts()
    {
        var file = _writer.Write(ReturnFile("de"), ReturnFileFormat.Json);
        var text = Text(file);
        var json = JsonNode.Parse(text)!;

        Assert.Equal("application/json", file.MediaType);
        Assert.Equal(1, json["version"]!.GetValue<int>());
        Assert.Equal("de", json["language"]!.GetValue<string>());
        Assert.Equal("2026-11-30T02:00:07+01:00", json["createdAt"]!.GetValue<string>());
        Assert.Equal("2026-11-30", json["executionDate"]!.GetValue<string>());
        Assert.Equal("Kiné Bascharage", json["provider"]!["name"]!.GetValue<string>());
        var line = json["lines"]![0]!;
        Assert.Equal("reduced", line["outcome"]!.GetValue<string>());
        Assert.Equal("reduction", line["reasons"]![0]!["severity"]!.GetValue<string>());
        Assert.Equal("amountClaimed", line["reasons"]![0]!["field"]!.GetValue<string>());
        Assert.Contains("\"claimedAmount\": 40.00,", text);
        Assert.Contains("\"cnsAmount\": 25.76,", text);
        Assert.Contains("\"payableAmount\": 25.76,", text);
        Assert.Equal(44, json["totals"]!["lineCount"]!.GetValue<int>());
        Assert.Equal(3, json["totals"]!["listedLines"]!.GetValue<int>());
        Assert.Equal(42, json["totals"]!["paidLines"]!.GetValue<int>());
        Assert.Equal(41, json["acceptedLines"]!["lineCount"]!.GetValue<int>());
        Assert.Equal(1617.00m, json["totals"]!["claimedAmount"]!.GetValue<decimal>());
        Assert.DoesNotContain("\r", text);
    }

    [Theory]
    [InlineData(ReturnFileFormat.Json)]
    [InlineData(ReturnFileFormat.Xml)]
    [InlineData(ReturnFileFormat.Csv)]
    public void Same_model_gives_the_same_bytes_and_hash_whatever_the_order_of_its_lines(ReturnFileFormat format)
    {
        var first = _writer.Write(ReturnFile(), format);
        var again = _writer.Write(ReturnFile(lines: Lines("en").Reverse().ToList()) with { CreatedAt = CreatedAt.AddTicks(999) }, format);

        Assert.Equal(first.Content, again.Content);
        Assert.Equal(first.Sha256, again.Sha256);
        Assert.Equal(ContentHash.Sha256Hex(first.Content), first.Sha256);
        Assert.NotEqual(first.Sha256, _writer.Write(ReturnFile() with { AcceptedLines = Accepted with { LineCount = 42 } }, format).Sha256);
    }

    [Theory]
    [InlineData("fr", "Le montant réclamé dépasse le tarif opposable; il est ramené au tarif (36.80).", "La prestation ZKX9 n'est pas prise en charge par la CNS (à charge de l'assuré).")]
    [InlineData("de", "Der geforderte Betrag übersteigt den Tarif; er wird auf den Tarif gekürzt (36.80).", "Die Leistung ZKX9 wird von der CNS nicht übernommen (zu Lasten des Versicherten).")]
    [InlineData("en", "The amount claimed is above the tariff; it is cut to the tariff (36.80).", "Service ZKX9 is not covered by CNS (billable to the insured only).")]
    public void Reason_texts_are_in_the_language_of_the_file(string language, string reduction, string refusal)
    {
        var model = ReturnFile(language);
        var xml = XDocument.Load(new MemoryStream(_writer.Write(model, ReturnFileFormat.Xml).Content)).Root!;
        var json = JsonNode.Parse(_writer.Write(model, ReturnFileFormat.Json).Content)!;
        var csv = ReturnFileCsv.Read(_writer.Write(model, ReturnFileFormat.Csv).Content);

        var messages = xml.Descendants(Ns + "Message").Select(m => m.Value).ToList();
        Assert.Contains(reduction, messages);
        Assert.Contains(refusal, messages);
        Assert.Equal(language, xml.Element(Ns + "Language")!.Value);
        Assert.Equal(reduction, json["lines"]![0]!["reasons"]![0]!["message"]!.GetValue<string>());
        Assert.Contains("NOT_COVERED [refusal, BIL-05]: " + refusal, csv.Select(r => r.Reasons));
        Assert.EndsWith($"-{language}.csv", _writer.Write(model, ReturnFileFormat.Csv).FileName);
    }

    [Fact]
    public void A_return_file_without_listed_lines_still_carries_the_accepted_summary_and_totals()
    {
        var model = ReturnFile(lines: []);
        var xml = _writer.Write(model, ReturnFileFormat.Xml);

        Assert.Empty(PaymentFileSchemas.Validate(xml.Content, PaymentFileSchemas.ReturnFile));
        Assert.Equal(new ReturnFileTotals(41, 0, 41, 1508.80m, 1055.60m, 1055.60m, 1055.60m), model.Totals);
        Assert.Equal(2, ReturnFileCsv.Read(_writer.Write(model, ReturnFileFormat.Csv).Content).Count);
    }

    public static TheoryData<string, Func<ReturnFile, ReturnFile>> InvalidFiles => new()
    {
        { "refused line paid though nothing is payable", f => f with { Lines = [f.Lines[1] with { PaidAmount = 1m }] } },
        { "reduced line paid above payable", f => f with { Lines = [f.Lines[0] with { PaidAmount = 40.00m }] } },
        { "accepted line payable in full listed", f => f with { Lines = [f.Lines[0] with { Outcome = CnsExchange.Domain.Billing.LineOutcome.Accepted }] } },
        { "more accepted lines paid than accepted", f => f with { AcceptedLines = Accepted with { PaidLines = 42 } } },
        { "line without reasons", f => f with { Lines = [f.Lines[1] with { Reasons = [] }] } },
        { "amount with 3 decimals", f => f with { Lines = [f.Lines[0] with { ClaimedAmount = 40.001m }] } },
        { "negative accepted summary", f => f with { AcceptedLines = new AcceptedLinesSummary(1, 0, -1m, 0m, 0m, 0m) } },
        { "language not offered", f => f with { Language = "es" } },
        { "same line twice", f => f with { Lines = [f.Lines[1], f.Lines[1]] } },
        { "malformed matricule", f => f with { Lines = [f.Lines[1] with { Matricule = "19830812467" }] } },
    };

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void An_inconsistent_model_is_refused_in_every_format(string why, Func<ReturnFile, ReturnFile> spoil)
    {
        var model = spoil(ReturnFile());

        Assert.NotEmpty(model.Problems());
        foreach (var format in Enum.GetValues<ReturnFileFormat>())
            Assert.Throws<ArgumentException>(() => _writer.Write(model, format));
        _ = why;
    }

    [Fact]
    public void The_embedded_xsd_is_the_published_one()
    {
        using var embedded = PaymentFileSchemas.Open(PaymentFileSchemas.ReturnFileResourceName);
        using var copy = new MemoryStream();
        embedded.CopyTo(copy);

        Assert.Equal(File.ReadAllBytes(RepositoryFile("openapi", "return-file.xsd")), copy.ToArray());
    }

    [Theory]
    [InlineData("application/json", ReturnFileFormat.Json)]
    [InlineData("application/xml", ReturnFileFormat.Xml)]
    [InlineData("text/xml", ReturnFileFormat.Xml)]
    [InlineData("text/csv; charset=utf-8", ReturnFileFormat.Csv)]
    public void Accept_media_types_select_the_format(string mediaType, ReturnFileFormat expected)
    {
        Assert.True(ReturnFileFormats.TryFromMediaType(mediaType, out var format));
        Assert.Equal(expected, format);
        Assert.False(ReturnFileFormats.TryFromMediaType("application/pdf", out _));
    }

    [Fact]
    public void Content_hash_is_the_sha256_of_the_bytes_in_lower_case_hex()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ContentHash.Sha256Hex("abc"u8));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", new GeneratedFile("a.txt", "text/plain", "abc"u8.ToArray()).Sha256);
    }

    [Fact]
    public void Reasons_render_from_reference_data_with_their_severity_and_rule()
    {
        var reasons = ReturnFileReason.Render(ReferenceData, [Reason.Information("INSURED_SHARE", "BIL-11", detail: "11.04")], "fr");

        Assert.Equal(new ReturnFileReason("INSURED_SHARE", ReasonSeverity.Information, "BIL-11", null, "Participation personnelle de l'assuré: 11.04 EUR."), Assert.Single(reasons));
    }
}
