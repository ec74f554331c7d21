using System.Globalization;
using System.Text;
using System.Xml.Linq;
using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Domain.Common;
using CnsExchange.Infrastructure.Payments.Files;
using static CnsExchange.Infrastructure.Tests.PaymentFiles.PaymentFileSamples;

namespace CnsExchange.Infrastructure.Tests.PaymentFiles;

/// <summary>The ISO 20022 pain.001.001.09 file of a payment run (PAY-04). Pure unit tests: no database.</summary>
public sealed class Pain001WriterTests
{
    private static readonly XNamespace Ns = PaymentFileSchemas.Pain001Namespace;
    private readonly Pain001Writer _writer = new();

    private static XDocument Parse(GeneratedFile file) => XDocument.Load(new MemoryStream(file.Content));

    private static string Value(XElement parent, params string[] path) =>
        path.Aggregate(parent, (e, name) => e.Element(Ns + name) ?? throw new Xunit.Sdk.XunitException($"{name} missing under {e.Name.LocalName}")).Value;

    /// <summary>
    /// A provider named only in Greek or in symbols (the registry takes any name) is still paid: the file names it by its
    /// code. Before, the writer threw, and the whole run stopped for every provider in it.
    /// </summary>
    [Theory]
    [InlineData("Φυσικοθεραπεία Παπαδόπουλος")]
    [InlineData("€€€ ***")]
    public void Pay04_a_creditor_whose_name_sepa_cannot_carry_is_paid_under_its_code(string name)
    {
        var file = _writer.Write(Run([Order("PHY0204", name, "LU280019400644750000", "BCEELULL", 25.76m), Order("PHY0001", "Kiné Bascharage", "LU390010001234567890", "BCEELULL", 1m)]));

        Assert.Empty(PaymentFileSchemas.Validate(file.Content, PaymentFileSchemas.Pain001));
        var names = Parse(file).Descendants(Ns + "CdtTrfTxInf").Select(t => Value(t, "Cdtr", "Nm")).ToList();
        Assert.Equal(["Kine Bascharage", "PHY0204"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Pay04_pain001_validates_against_the_published_subset_xsd()
    {
        var file = _writer.Write(Run());

        Assert.Empty(PaymentFileSchemas.Validate(file.Content, PaymentFileSchemas.Pain001));
        Assert.Equal("application/xml", file.MediaType);
        Assert.Equal("pain.001-PR-2026-0047.xml", file.FileName);
    }

    [Fact]
    public void Pay04_group_header_count_and_control_sum_equal_the_orders_to_the_cent()
    {
        var header = Parse(_writer.Write(Run())).Root!.Element(Ns + "CstmrCdtTrfInitn")!.Element(Ns + "GrpHdr")!;

        Assert.Equal("PR-2026-0047", Value(header, "MsgId"));
        Assert.Equal("3", Value(header, "NbOfTxs"));
        Assert.Equal("100000.00", Value(header, "CtrlSum")); // 1234.56 + 0.01 + 98765.43
        Assert.Equal("2026-11-30T02:00:07+01:00", Value(header, "CreDtTm"));
        Assert.Equal("Caisse nationale de sante", Value(header, "InitgPty", "Nm"));
    }

    [Fact]
    public void One_payment_information_block_pays_from_the_cns_account_under_sepa_with_shared_charges()
    {
        var initiation = Parse(_writer.Write(Run())).Root!.Element(Ns + "CstmrCdtTrfInitn")!;
        var block = Assert.Single(initiation.Elements(Ns + "PmtInf"));
        var debtor = ReferenceData.Catalog.DebtorAccountOn(ExecutionDate);

        Assert.Equal("PR-2026-0047-SCT", Value(block, "PmtInfId"));
        Assert.Equal("TRF", Value(block, "PmtMtd"));
        Assert.Equal("3", Value(block, "NbOfTxs"));
        Assert.Equal("100000.00", Value(block, "CtrlSum"));
        Assert.Equal("SEPA", Value(block, "PmtTpInf", "SvcLvl", "Cd"));
        Assert.Equal("2026-11-30", Value(block, "ReqdExctnDt", "Dt"));
        Assert.Equal("Caisse nationale de sante", Value(block, "Dbtr", "Nm"));
        Assert.Equal(debtor.Iban, Value(block, "DbtrAcct", "Id", "IBAN"));
        Assert.Equal(debtor.Bic, Value(block, "DbtrAgt", "FinInstnId", "BICFI"));
        Assert.Equal("SLEV", Value(block, "ChrgBr"));
        Assert.True(Iban.IsValid(debtor.Iban));
        Assert.Equal("Caisse nationale de santé", debtor.Name);
    }

    [Fact]
    public void One_credit_transfer_per_provider_with_iban_bic_amount_and_end_to_end_id()
    {
        var transfers = Parse(_writer.Write(Run())).Descendants(Ns + "CdtTrfTxInf").ToList();

        Assert.Equal(3, transfers.Count);
        Assert.Equal(["HOS0001", "PHY0001", "PHY0002"], transfers.Select(t => Value(t, "PmtId", "EndToEndId")[^7..]));
        var physio = transfers.Single(t => Value(t, "PmtId", "EndToEndId") == "PR-2026-0047-PHY0001");
        Assert.Equal("1234.56", Value(physio, "Amt", "InstdAmt"));
        Assert.Equal("EUR", physio.Element(Ns + "Amt")!.Element(Ns + "InstdAmt")!.Attribute("Ccy")!.Value);
        Assert.Equal("BCEELULL", Value(physio, "CdtrAgt", "FinInstnId", "BICFI"));
        Assert.Equal("LU390010001234567890", Value(physio, "CdtrAcct", "Id", "IBAN"));
        Assert.Equal("Kine Bascharage", Value(physio, "Cdtr", "Nm"));
        Assert.Equal("CNS paiement PR-2026-0047 PHY0001 memoires d'honoraires", Value(physio, "RmtInf", "Ustrd"));
        Assert.Equal("0.01", Value(transfers.Single(t => Value(t, "PmtId", "EndToEndId").EndsWith("PHY0002")), "Amt", "InstdAmt"));
        // Sum of the transfers equals the control sums, to the cent.
        Assert.Equal(100000.00m, transfers.Sum(t => decimal.Parse(Value(t, "Amt", "InstdAmt"), CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Elements_follow_the_order_of_the_message_definition()
    {
        var document = Parse(_writer.Write(Run()));
        string Children(XElement e) => string.Join(",", e.Elements().Select(c => c.Name.LocalName));
        var initiation = document.Root!.Element(Ns + "CstmrCdtTrfInitn")!;

        Assert.Equal("GrpHdr,PmtInf", Children(initiation));
        Assert.Equal("MsgId,CreDtTm,NbOfTxs,CtrlSum,InitgPty", Children(initiation.Element(Ns + "GrpHdr")!));
        Assert.Equal("PmtInfId,PmtMtd,NbOfTxs,CtrlSum,PmtTpInf,ReqdExctnDt,Dbtr,DbtrAcct,DbtrAgt,ChrgBr,CdtTrfTxInf,CdtTrfTxInf,CdtTrfTxInf",
            Children(initiation.Element(Ns + "PmtInf")!));
        Assert.Equal("PmtId,Amt,CdtrAgt,Cdtr,CdtrAcct,RmtInf", Children(document.Descendants(Ns + "CdtTrfTxInf").First()));
    }

    [Fact]
    public void Same_model_gives_the_same_bytes_and_hash_whatever_the_order_offset_or_sub_second_ticks()
    {
        var first = _writer.Write(Run());
        var again = _writer.Write(Run());
        var reordered = _writer.Write(Run(Orders().Reverse().ToList()) with
        {
            CreatedAt = CreatedAt.ToOffset(TimeSpan.FromHours(5)).AddTicks(4321), // same second, other offset
        });

        Assert.Equal(first.Content, again.Content);
        Assert.Equal(first.Content, reordered.Content);
        Assert.Equal(first.Sha256, reordered.Sha256);
        Assert.Equal(ContentHash.Sha256Hex(first.Content), first.Sha256);
        Assert.Matches("^[0-9a-f]{64}$", first.Sha256);
        Assert.NotEqual(first.Sha256, _writer.Write(Run() with { CreatedAt = CreatedAt.AddSeconds(1) }).Sha256);
    }

    [Fact]
    public async Task Parallel_background_jobs_write_and_validate_the_same_bytes()
    {
        var expected = _writer.Write(Run()).Content;
        var files = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => _writer.Write(Run()).Content)));

        Assert.All(files, content => Assert.Equal(expected, content));
    }

    [Fact]
    public void File_is_utf8_without_bom_and_amounts_ignore_the_current_culture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // decimal comma
            var file = _writer.Write(Run());
            var text = Encoding.UTF8.GetString(file.Content);

            Assert.NotEqual(0xEF, file.Content[0]);
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\">", text);
            Assert.Contains("<InstdAmt Ccy=\"EUR\">98765.43</InstdAmt>", text);
            Assert.DoesNotContain("\r", text);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Non_ascii_provider_names_are_transliterated_to_the_sepa_character_set()
    {
        var run = Run([
            Order("PHY0001", "Kiné Bascharage", "LU390010001234567890", "BCEELULL", 10m),
            Order("PHY0003", "Physiothérapie Müller & Søn «Ettelbréck»", "LU270020009876543210", "BGLLLULL", 20m),
            Order("PHY0004", "Ærzte Straße – Œuvre ½ €", "LU270030001112223334", "CELLLULL", 30m),
        ]);
        var names = Parse(_writer.Write(run)).Descendants(Ns + "Cdtr").Select(c => c.Element(Ns + "Nm")!.Value).ToList();

        Assert.Equal(["Kine Bascharage", "Physiotherapie Mueller + Son 'Ettelbreck'", "AErzte Strasse - OEuvre"], names);
    }

    [Fact]
    public void Long_names_are_cut_to_70_characters_and_remittance_text_to_140()
    {
        var longName = "Cabinet de kinésithérapie " + new string('x', 100);
        var longText = "Paiement " + new string('y', 200);
        var run = Run([Order("PHY0001", longName, "LU390010001234567890", "BCEELULL", 10m) with { RemittanceText = longText }]);
        var transfer = Parse(_writer.Write(run)).Descendants(Ns + "CdtTrfTxInf").Single();

        Assert.Equal(70, Value(transfer, "Cdtr", "Nm").Length);
        Assert.StartsWith("Cabinet de kinesitherapie xxx", Value(transfer, "Cdtr", "Nm"));
        Assert.Equal(140, Value(transfer, "RmtInf", "Ustrd").Length);
    }

    public static TheoryData<string, Func<PaymentRunFile, PaymentRunFile>> InvalidRuns => new()
    {
        { "no order", r => r with { Orders = [] } },
        { "provider paid twice", r => r with { Orders = [.. r.Orders, Order("PHY0001", "Kiné Bascharage", "LU390010001234567890", "BCEELULL", 1m) with { EndToEndId = "X-1" }] } },
        { "invalid creditor IBAN", r => r with { Orders = [Order("PHY0001", "Kiné", "LU390010001234567891", "BCEELULL", 1m)] } },
        { "invalid BIC", r => r with { Orders = [Order("PHY0001", "Kiné", "LU390010001234567890", "bceelull", 1m)] } },
        { "zero amount", r => r with { Orders = [Order("PHY0001", "Kiné", "LU390010001234567890", "BCEELULL", 0m)] } },
        { "amount with 3 decimals", r => r with { Orders = [Order("PHY0001", "Kiné", "LU390010001234567890", "BCEELULL", 1.005m)] } },
        { "end-to-end id with //", r => r with { Orders = [Order("PHY0001", "Kiné", "LU390010001234567890", "BCEELULL", 1m) with { EndToEndId = "PR//1" }] } },
        { "end-to-end id too long", r => r with { Orders = [Order("PHY0001", "Kiné", "LU390010001234567890", "BCEELULL", 1m) with { EndToEndId = new string('E', 36) }] } },
        { "run number with accent", r => r with { RunNumber = "PR-2026-é" } },
        { "invalid debtor IBAN", r => r with { Debtor = r.Debtor with { Iban = "LU000019400644750000" } } },
    };

    [Theory]
    [MemberData(nameof(InvalidRuns))]
    public void A_model_that_cannot_become_a_valid_sepa_file_is_refused(string why, Func<PaymentRunFile, PaymentRunFile> spoil)
    {
        var run = spoil(Run());

        Assert.NotEmpty(run.Problems());
        Assert.Throws<ArgumentException>(() => _writer.Write(run));
        _ = why;
    }

    public static TheoryData<string, string, string> Tampered => new()
    {
        { "second payment information block", "</PmtInf>", "</PmtInf><PmtInf/>" },
        { "control sum missing", "<CtrlSum>100000.00</CtrlSum>\n      <InitgPty>", "<InitgPty>" },
        { "currency other than EUR", "Ccy=\"EUR\"", "Ccy=\"USD\"" },
        { "amount with 3 decimals", ">0.01</InstdAmt>", ">0.011</InstdAmt>" },
        { "name outside the SEPA character set", "<Nm>Kine Bascharage</Nm>", "<Nm>Kiné Bascharage</Nm>" },
        { "malformed IBAN", "<IBAN>LU390010001234567890</IBAN>", "<IBAN>lu390010001234567890</IBAN>" },
        { "malformed BIC", "<BICFI>BGLLLULL</BICFI>", "<BICFI>BGLL</BICFI>" },
        { "non-numeric count", "<NbOfTxs>3</NbOfTxs>", "<NbOfTxs>three</NbOfTxs>" },
        { "charge bearer other than SLEV", "<ChrgBr>SLEV</ChrgBr>", "<ChrgBr>DEBT</ChrgBr>" },
        { "element out of order", "<PmtMtd>TRF</PmtMtd>\n      <NbOfTxs>3</NbOfTxs>", "<NbOfTxs>3</NbOfTxs>\n      <PmtMtd>TRF</PmtMtd>" },
        { "wrong namespace", "pain.001.001.09\">", "pain.001.001.03\">" },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void The_xsd_rejects_files_that_break_the_message_definition(string why, string original, string replacement)
    {
        var text = Encoding.UTF8.GetString(_writer.Write(Run()).Content);
        Assert.Contains(original, text);
        var spoiled = Encoding.UTF8.GetBytes(text.Replace(original, replacement));

        Assert.NotEmpty(PaymentFileSchemas.Validate(spoiled, PaymentFileSchemas.Pain001));
        _ = why;
    }

    [Fact]
    public void The_embedded_xsd_is_the_published_one()
    {
        using var embedded = PaymentFileSchemas.Open(PaymentFileSchemas.Pain001ResourceName);
        using var copy = new MemoryStream();
        embedded.CopyTo(copy);

        Assert.Equal(File.ReadAllBytes(RepositoryFile("openapi", "pain.001.001.09.subset.xsd")), copy.ToArray());
    }
}
