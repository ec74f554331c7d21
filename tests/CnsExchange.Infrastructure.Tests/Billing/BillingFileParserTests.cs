using System.Text;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Billing;
using CnsExchange.Infrastructure.Billing;

namespace CnsExchange.Infrastructure.Tests.Billing;

/// <summary>
/// A billing file that passed is parsed a second time for its import (ProcessBillingFile), without the XML schema's
/// validation (<see cref="BillingFileParser.ParseValidAsync"/>): for a valid file it must give exactly what the
/// validating parse gave.
/// </summary>
public sealed class BillingFileParserTests
{
    private static readonly BillingFileParser Parser = new();

    private const string Xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- written by a billing system -->
        <billingFile xmlns="urn:cns-exchange:billing-file:1" providerCode="PHY0001">
          <memoir reference="X-1">
            <line>
              <voucherNumber>K26-0000017-3</voucherNumber>
              <matricule>1985010112345</matricule>
              <sessionDate>2026-11-10</sessionDate>
              <actCode>ZK11</actCode>
              <travel>true</travel>
              <claimedAmount> 36.80 </claimedAmount>
            </line>
            <line><voucherNumber>K26-0000017-3</voucherNumber><matricule>1985010112345</matricule><sessionDate>2026-11-11</sessionDate><actCode>ZK11</actCode><claimedAmount>36.80</claimedAmount></line>
          </memoir>
          <memoir reference="X-2">
            <replaces>0193a4f0-0000-7000-8000-000000000001</replaces>
            <line>
              <voucherNumber><![CDATA[K26-0000025-1]]></voucherNumber>
              <matricule>1985010112345</matricule>
              <sessionDate>2026-11-12</sessionDate>
              <actCode>ZK12</actCode>
              <claimedAmount>49.30</claimedAmount>
            </line>
          </memoir>
        </billingFile>
        """;

    private const string Csv = """
        memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount
        C-1,K26-0000017-3,1985010112345,2026-11-10,ZK11,true,36.80
        "C-1",K26-0000017-3,1985010112345,2026-11-11,ZK11,,36.80
        C-2,K26-0000025-1,1985010112345,2026-11-12,ZK12,false,49.30
        """;

    private static async Task<List<ParsedItem>> ReadAsync(Func<Stream, IAsyncEnumerable<ParsedItem>> parse, string content)
    {
        var items = new List<ParsedItem>();
        await foreach (var item in parse(new MemoryStream(Encoding.UTF8.GetBytes(content)))) items.Add(item);
        return items;
    }

    [Theory]
    [InlineData(BillingFileFormat.Xml)]
    [InlineData(BillingFileFormat.Csv)]
    public async Task A_valid_file_parsed_again_without_validation_gives_the_same_lines(BillingFileFormat format)
    {
        var content = format == BillingFileFormat.Xml ? Xml : Csv;
        var validated = await ReadAsync(s => Parser.ParseAsync(s, format, "PHY0001", default), content);
        var again = await ReadAsync(s => Parser.ParseValidAsync(s, format, "PHY0001", default), content);

        Assert.All(validated, i => Assert.Null(i.Error));
        Assert.Equal(3, validated.Count);
        Assert.Equal(validated, again); // records: every field of every line, in order
    }

    [Fact]
    public async Task Parsed_again_the_schema_is_not_checked()
    {
        var invalid = Xml.Replace("<actCode>ZK12</actCode>", "<actCode>ZK12</actCode><unknown>1</unknown>");
        var validated = await ReadAsync(s => Parser.ParseAsync(s, BillingFileFormat.Xml, "PHY0001", default), invalid);
        var again = await ReadAsync(s => Parser.ParseValidAsync(s, BillingFileFormat.Xml, "PHY0001", default), invalid);

        Assert.Contains(validated, i => i.Error is not null);
        Assert.DoesNotContain(again, i => i.Error is not null);
        Assert.Equal(3, again.Count);
    }
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_field_is_the_text_of_all_its_nodes_trimmed(bool again)
    {
        var split = Xml
            .Replace("<actCode>ZK11</actCode>\n", "<actCode>ZK<!-- a comment -->11</actCode>\n")
            .Replace("<matricule>1985010112345</matricule>\n          <sessionDate>2026-11-12", "<matricule><![CDATA[19850101]]>12345</matricule>\n          <sessionDate>2026-11-12")
            .Replace("<travel>true</travel>", again ? "<travel></travel>" : "<travel> true</travel>"); // the schema wants a boolean
        Assert.NotEqual(Xml, split);
        var items = await ReadAsync(s => again
            ? Parser.ParseValidAsync(s, BillingFileFormat.Xml, "PHY0001", default)
            : Parser.ParseAsync(s, BillingFileFormat.Xml, "PHY0001", default), split);

        var lines = items.Select(i => i.Line!).ToList();
        Assert.Equal(["ZK11", "ZK11", "ZK12"], lines.Select(l => l.ActCode));
        Assert.Equal("1985010112345", lines[2].Matricule);
        Assert.Equal("36.80", lines[0].ClaimedAmount); // " 36.80 " in the file
        Assert.Equal(again ? "" : "true", lines[0].Travel);
        Assert.Equal("K26-0000025-1", lines[2].VoucherNumber); // CDATA alone
    }

    /// <summary>
    /// BIL-14: the lexical forms the published billing-file.xsd gives <c>travel</c> (xs:boolean: true, false, 1, 0) and
    /// <c>claimedAmount</c> (xs:decimal: a sign may lead) are read as such, not refused; what the schema refuses still is.
    /// </summary>
    [Theory]
    [InlineData("1", "36.80", true, true, 36.80)]
    [InlineData("0", "+36.80", true, false, 36.80)]
    [InlineData("false", "36.8", true, false, 36.80)]
    [InlineData("yes", "36.80", false, false, 0)]
    [InlineData("true", "-36.80", false, false, 0)]
    [InlineData("true", "36,80", false, false, 0)]
    public void Bil14_a_line_reads_travel_and_amount_as_the_xsd_writes_them(string travel, string amount, bool valid, bool travelRead, decimal amountRead)
    {
        var (line, errors) = FeeMemoirInputRules.Parse(new RawBillingLine(4, 1, "X-1", "K26-0000017-3", "1983081246785", "2026-11-10", "ZK11", travel, amount));
        Assert.Equal(valid, errors.Count == 0);
        if (!valid) return;
        Assert.Equal((travelRead, amountRead), (line!.Input.Travel, line.Input.ClaimedAmount));
    }

    /// <summary>docs/billing-files.md: column names are matched exactly — a space around one makes it unknown (and the column missing), with a hint.</summary>
    [Fact]
    public async Task Bil14_csv_column_names_are_matched_exactly_spaces_included()
    {
        var items = await ReadAsync(s => Parser.ParseAsync(s, BillingFileFormat.Csv, "PHY0001", default),
            "memoirReference, voucherNumber,matricule,sessionDate,actCode,claimedAmount\nC-1,K26-0000017-3,1985010112345,2026-11-10,ZK11,36.80\n");
        var errors = items.Select(i => i.Error).OfType<BillingFileError>().ToList();
        Assert.All(errors, e => Assert.Equal(1, e.Line));
        Assert.Contains(errors, e => e.Message.StartsWith("Unknown column ' voucherNumber'. Spaces around a name are part of it: write 'voucherNumber'.", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message == "Missing column 'voucherNumber'.");
        Assert.DoesNotContain(items, i => i.Error is null);
    }
}
