using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Xml;
using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Payments;
using CsvHelper;
using static CnsExchange.Infrastructure.Payments.Files.PaymentFileFormatting;

namespace CnsExchange.Infrastructure.Payments.Files;

/// <summary>
/// Writes a provider's return file (PAY-05) as JSON, XML (openapi/return-file.xsd) or CSV (CsvHelper). All
/// three carry the same content; the same model gives the same bytes in each format.
/// </summary>
public sealed class ReturnFileWriter : IReturnFileWriter
{
    public GeneratedFile Write(ReturnFile file, ReturnFileFormat format, bool checkXmlSchema = true)
    {
        ArgumentNullException.ThrowIfNull(file);
        file.EnsureValid();
        var bytes = format switch
        {
            ReturnFileFormat.Json => ReturnFileJson.Write(file),
            ReturnFileFormat.Xml => ReturnFileXml.Write(file, checkXmlSchema),
            ReturnFileFormat.Csv => ReturnFileCsv.Write(file),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        var name = $"return-file-{FileNamePart(file.RunNumber)}-{FileNamePart(file.Provider.Code)}-{file.Language}.{format.Extension()}";
        return new GeneratedFile(name, format.MediaType(), bytes);
    }

    internal static string Severity(ReasonSeverity severity) => severity.ToString().ToLowerInvariant();

    /// <summary>The memoir's words for a line's outcome (accepted, reduced, refused), as the fee-memoir API sends them.</summary>
    /// <summary>RULES.md §8: third_party (the provider is paid) or reimbursement (the insured is).</summary>
    internal static string Route(PaymentRoute route) => route switch
    {
        PaymentRoute.ThirdParty => "third_party",
        PaymentRoute.Reimbursement => "reimbursement",
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
    };

    internal static string Outcome(LineOutcome outcome) => outcome switch
    {
        LineOutcome.Accepted => "accepted",
        LineOutcome.Reduced => "reduced",
        LineOutcome.Refused => "refused",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };
}

/// <summary>The JSON return file: API conventions (camelCase, snake_case enum values), indented, LF line ends.</summary>
public static class ReturnFileJson
{
    public const int Version = 1;

    private static readonly JsonSerializerOptions Options = new(JsonDefaults.Options)
    {
        WriteIndented = true,
        NewLine = "\n",
        // A downloaded file, never embedded in HTML: keep accents of fr/de texts readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Write(ReturnFile file)
    {
        var document = new Document(
            Version,
            file.RunId,
            file.RunNumber,
            Date(file.ExecutionDate),
            Instant(file.CreatedAt),
            file.Language,
            new ProviderDto(file.Provider.Code, file.Provider.Name),
            file.PaymentEndToEndId,
            file.Lines.Select(l => new LineDto(
                l.MemoirId, l.MemoirReference, l.LineNumber, l.VoucherNumber, l.Matricule, Date(l.SessionDate), l.ActCode,
                Cents(l.ClaimedAmount), Cents(l.CnsAmount), Cents(l.PayableAmount), Cents(l.PaidAmount),
                ReturnFileWriter.Outcome(l.Outcome),
                l.Reasons.Select(r => new ReasonEntry(r.Code, ReturnFileWriter.Severity(r.Severity), r.Rule, r.Field, r.Message)).ToList(),
                ReturnFileWriter.Route(l.Route), l.CompetentFund)).ToList(),
            new AcceptedLinesDto(file.AcceptedLines.LineCount, file.AcceptedLines.PaidLines, Cents(file.AcceptedLines.ClaimedAmount),
                Cents(file.AcceptedLines.CnsAmount), Cents(file.AcceptedLines.PayableAmount), Cents(file.AcceptedLines.PaidAmount)),
            Totals(file.Totals),
            // LIF-05: present only when the provider had debts to net, so files without any keep their shape.
            file.Debts.Count == 0 ? null : file.Debts.Select(d => new DebtDto(d.EntryCode, d.Code, d.MemoirId, d.MemoirReference, d.LineNumber,
                d.OriginalRunNumber, Cents(d.Amount), d.Message)).ToList(),
            file.Balance is { } b ? new BalanceDto(Cents(b.BroughtForward), Cents(b.Debts), Cents(b.Accepted), Cents(b.TransferAmount), Cents(b.CarriedForward)) : null);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, Options);
        return [.. bytes, (byte)'\n'];
    }

    private static TotalsDto Totals(ReturnFileTotals t) =>
        new(t.LineCount, t.ListedLines, t.PaidLines, Cents(t.ClaimedAmount), Cents(t.CnsAmount), Cents(t.PayableAmount), Cents(t.PaidAmount));

    // Dedicated shapes: the file format is a contract of its own, not whatever the model looks like.
    private sealed record Document(
        int Version, Guid RunId, string RunNumber, string ExecutionDate, string CreatedAt, string Language, ProviderDto Provider,
        string? PaymentEndToEndId, IReadOnlyList<LineDto> Lines, AcceptedLinesDto AcceptedLines, TotalsDto Totals,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DebtDto>? Debts,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BalanceDto? Balance);

    private sealed record DebtDto(string Entry, string Code, Guid MemoirId, string MemoirReference, int LineNumber, string OriginalRunNumber, decimal Amount,
        string Message);

    private sealed record BalanceDto(decimal BroughtForward, decimal Debts, decimal Accepted, decimal TransferAmount, decimal CarriedForward);

    private sealed record ProviderDto(string Code, string Name);

    private sealed record LineDto(
        Guid MemoirId, string? MemoirReference, int LineNumber, string? VoucherNumber, string Matricule, string SessionDate, string ActCode,
        decimal ClaimedAmount, decimal CnsAmount, decimal PayableAmount, decimal PaidAmount, string Outcome, IReadOnlyList<ReasonEntry> Reasons,
        string Route, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CompetentFund);

    private sealed record ReasonEntry(string Code, string Severity, string Rule, string? Field, string Message);

    private sealed record AcceptedLinesDto(int LineCount, int PaidLines, decimal ClaimedAmount, decimal CnsAmount, decimal PayableAmount, decimal PaidAmount);

    private sealed record TotalsDto(int LineCount, int ListedLines, int PaidLines, decimal ClaimedAmount, decimal CnsAmount, decimal PayableAmount, decimal PaidAmount);
}

/// <summary>The XML return file in namespace urn:cns-exchange:return-file:1, checked against openapi/return-file.xsd.</summary>
public static class ReturnFileXml
{
    public static byte[] Write(ReturnFile file, bool checkSchema = true)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, XmlSettings()))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("ReturnFile", PaymentFileSchemas.ReturnFileNamespace);
            xml.WriteAttributeString("version", ReturnFileJson.Version.ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("RunId", file.RunId.ToString("D"));
            xml.WriteElementString("RunNumber", file.RunNumber);
            xml.WriteElementString("ExecutionDate", Date(file.ExecutionDate));
            xml.WriteElementString("CreatedAt", Instant(file.CreatedAt));
            xml.WriteElementString("Language", file.Language);
            xml.WriteStartElement("Provider");
            xml.WriteElementString("Code", file.Provider.Code);
            xml.WriteElementString("Name", file.Provider.Name);
            xml.WriteEndElement();
            if (file.PaymentEndToEndId is not null) xml.WriteElementString("PaymentEndToEndId", file.PaymentEndToEndId);

            xml.WriteStartElement("Lines");
            foreach (var line in file.Lines)
            {
                xml.WriteStartElement("Line");
                xml.WriteElementString("MemoirId", line.MemoirId.ToString("D"));
                if (line.MemoirReference is not null) xml.WriteElementString("MemoirReference", line.MemoirReference);
                xml.WriteElementString("LineNumber", line.LineNumber.ToString(CultureInfo.InvariantCulture));
                if (line.VoucherNumber is not null) xml.WriteElementString("VoucherNumber", line.VoucherNumber);
                xml.WriteElementString("Matricule", line.Matricule);
                xml.WriteElementString("SessionDate", Date(line.SessionDate));
                xml.WriteElementString("ActCode", line.ActCode);
                WriteAmounts(xml, line.ClaimedAmount, line.CnsAmount, line.PayableAmount, line.PaidAmount);
                xml.WriteElementString("Outcome", ReturnFileWriter.Outcome(line.Outcome));
                xml.WriteElementString("Route", ReturnFileWriter.Route(line.Route));
                if (line.CompetentFund is not null) xml.WriteElementString("CompetentFund", line.CompetentFund);
                xml.WriteStartElement("Reasons");
                foreach (var reason in line.Reasons)
                {
                    xml.WriteStartElement("Reason");
                    xml.WriteElementString("Code", reason.Code);
                    xml.WriteElementString("Severity", ReturnFileWriter.Severity(reason.Severity));
                    xml.WriteElementString("Rule", reason.Rule);
                    if (reason.Field is not null) xml.WriteElementString("Field", reason.Field);
                    xml.WriteElementString("Message", reason.Message);
                    xml.WriteEndElement();
                }
                xml.WriteEndElement(); // Reasons
                xml.WriteEndElement(); // Line
            }
            xml.WriteEndElement(); // Lines

            WriteSummary(xml, "AcceptedLines", file.AcceptedLines.AsTotals(), withListedLines: false);
            WriteSummary(xml, "Totals", file.Totals, withListedLines: true);

            if (file.Debts.Count > 0)
            {
                xml.WriteStartElement("Debts");
                foreach (var debt in file.Debts)
                {
                    xml.WriteStartElement("Debt");
                    xml.WriteElementString("Entry", debt.EntryCode);
                    xml.WriteElementString("Code", debt.Code);
                    xml.WriteElementString("MemoirId", debt.MemoirId.ToString("D"));
                    xml.WriteElementString("MemoirReference", debt.MemoirReference);
                    xml.WriteElementString("LineNumber", debt.LineNumber.ToString(CultureInfo.InvariantCulture));
                    xml.WriteElementString("OriginalRunNumber", debt.OriginalRunNumber);
                    xml.WriteElementString("Amount", Amount(debt.Amount));
                    xml.WriteElementString("Message", debt.Message);
                    xml.WriteEndElement();
                }
                xml.WriteEndElement(); // Debts
            }
            if (file.Balance is { } balance)
            {
                xml.WriteStartElement("Balance");
                xml.WriteElementString("BroughtForward", Amount(balance.BroughtForward));
                xml.WriteElementString("Debts", Amount(balance.Debts));
                xml.WriteElementString("Accepted", Amount(balance.Accepted));
                xml.WriteElementString("TransferAmount", Amount(balance.TransferAmount));
                xml.WriteElementString("CarriedForward", Amount(balance.CarriedForward));
                xml.WriteEndElement();
            }

            xml.WriteEndElement(); // ReturnFile
            xml.WriteEndDocument();
        }
        return PaymentFileSchemas.Finish(buffer, checkSchema ? PaymentFileSchemas.ReturnFile : null,
            $"The XML return file of run {file.RunNumber} for provider {file.Provider.Code}");
    }

    /// <summary>The accepted lines (no line listed, so no ListedLines element) or the totals of the file.</summary>
    private static void WriteSummary(XmlWriter xml, string element, ReturnFileTotals summary, bool withListedLines)
    {
        xml.WriteStartElement(element);
        xml.WriteElementString("LineCount", summary.LineCount.ToString(CultureInfo.InvariantCulture));
        if (withListedLines) xml.WriteElementString("ListedLines", summary.ListedLines.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("PaidLines", summary.PaidLines.ToString(CultureInfo.InvariantCulture));
        WriteAmounts(xml, summary.ClaimedAmount, summary.CnsAmount, summary.PayableAmount, summary.PaidAmount);
        xml.WriteEndElement();
    }

    private static void WriteAmounts(XmlWriter xml, decimal claimed, decimal cns, decimal payable, decimal paid)
    {
        xml.WriteElementString("ClaimedAmount", Amount(claimed));
        xml.WriteElementString("CnsAmount", Amount(cns));
        xml.WriteElementString("PayableAmount", Amount(payable));
        xml.WriteElementString("PaidAmount", Amount(paid));
    }
}

/// <summary>
/// The CSV return file: RFC 4180, comma separated, CRLF, UTF-8 without BOM, the documented header first,
/// then one <c>line</c> record per listed line, one <c>accepted_lines</c> record and one <c>total</c> record. Column names
/// are camelCase, as in billing files and the JSON API.
/// Text cells that a spreadsheet would run as a formula (starting with = + - @ tab or CR) get a leading
/// single quote (CsvHelper's injection escaping).
/// </summary>
public static class ReturnFileCsv
{
    public const string Header =
        "recordType,runNumber,providerCode,memoirId,memoirReference,lineNumber,voucherNumber,matricule,sessionDate,actCode," +
        "lineCount,listedLines,paidLines,claimedAmount,cnsAmount,payableAmount,paidAmount,outcome,reasonCodes,reasons,route,competentFund";

    public const string LineRecord = "line";
    public const string AcceptedLinesRecord = "accepted_lines";
    public const string TotalRecord = "total";
    /// <summary>LIF-05: a reversal (outcome LINE_REVERSED) or recovery (LINE_RECOVERED) the run nets; paidAmount is the debt, reasonCodes the code, reasons the original run and text.</summary>
    public const string DebtRecord = "debt";
    /// <summary>
    /// LIF-05: the balance, five records whose outcome names the figure (brought_forward, debts, accepted, transfer,
    /// carried_forward) and whose paidAmount is it.
    /// </summary>
    public const string BalanceRecord = "balance";

    public static CsvWriterOptions WriterOptions { get; } = CsvWriterOptions.For<ReturnFileCsvRow>() with
    {
        Injection = CsvInjection.Escape,
        InjectionEscape = '\'',
        WriteByteOrderMark = false,
        NewLine = "\r\n",
    };

    public static CsvReaderOptions ReaderOptions => CsvReaderOptions.For<ReturnFileCsvRow>();

    public static byte[] Write(ReturnFile file)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, WriterOptions, leaveOpen: true))
        {
            csv.WriteRecords(Rows(file));
        }
        return buffer.ToArray();
    }

    /// <summary>The records of the file, before CSV encoding (and escaping).</summary>
    public static IEnumerable<ReturnFileCsvRow> Rows(ReturnFile file)
    {
        foreach (var line in file.Lines)
        {
            yield return Record(LineRecord, file) with
            {
                MemoirId = line.MemoirId,
                MemoirReference = line.MemoirReference ?? "",
                LineNumber = line.LineNumber,
                VoucherNumber = line.VoucherNumber ?? "",
                Matricule = line.Matricule,
                SessionDate = line.SessionDate,
                ActCode = line.ActCode,
                LineCount = 1,
                ListedLines = 1,
                PaidLines = line.PaidAmount > 0m ? 1 : 0,
                ClaimedAmount = Cents(line.ClaimedAmount),
                CnsAmount = Cents(line.CnsAmount),
                PayableAmount = Cents(line.PayableAmount),
                PaidAmount = Cents(line.PaidAmount),
                Outcome = ReturnFileWriter.Outcome(line.Outcome),
                ReasonCodes = string.Join('|', line.Reasons.Select(r => r.Code)),
                Reasons = string.Join(" | ", line.Reasons.Select(r => $"{r.Code} [{ReturnFileWriter.Severity(r.Severity)}, {r.Rule}]: {r.Message}")),
                Route = ReturnFileWriter.Route(line.Route),
                CompetentFund = line.CompetentFund ?? "",
            };
        }

        yield return SummaryRow(AcceptedLinesRecord, file, file.AcceptedLines.AsTotals());
        yield return SummaryRow(TotalRecord, file, file.Totals);

        foreach (var debt in file.Debts)
        {
            yield return Record(DebtRecord, file) with
            {
                MemoirId = debt.MemoirId,
                MemoirReference = debt.MemoirReference,
                LineNumber = debt.LineNumber,
                LineCount = 1,
                PaidAmount = Cents(debt.Amount),
                Outcome = debt.EntryCode,
                ReasonCodes = debt.Code,
                Reasons = $"{debt.OriginalRunNumber}: {debt.Message}",
            };
        }
        if (file.Balance is { } balance)
        {
            foreach (var (item, amount) in new[]
                     {
                         ("brought_forward", balance.BroughtForward), ("debts", balance.Debts), ("accepted", balance.Accepted),
                         ("transfer", balance.TransferAmount), ("carried_forward", balance.CarriedForward),
                     })
                yield return Record(BalanceRecord, file) with { PaidAmount = Cents(amount), Outcome = item };
        }
    }

    /// <summary>What every record starts with: its type, the run and the provider.</summary>
    private static ReturnFileCsvRow Record(string recordType, ReturnFile file) =>
        new() { RecordType = recordType, RunNumber = file.RunNumber, ProviderCode = file.Provider.Code };

    /// <summary>The record of the accepted lines or of the totals of the file.</summary>
    private static ReturnFileCsvRow SummaryRow(string recordType, ReturnFile file, ReturnFileTotals summary) => Record(recordType, file) with
    {
        LineCount = summary.LineCount,
        ListedLines = summary.ListedLines,
        PaidLines = summary.PaidLines,
        ClaimedAmount = Cents(summary.ClaimedAmount),
        CnsAmount = Cents(summary.CnsAmount),
        PayableAmount = Cents(summary.PayableAmount),
        PaidAmount = Cents(summary.PaidAmount),
    };

    /// <summary>Reads a CSV return file back (for consumers and tests).</summary>
    public static IReadOnlyList<ReturnFileCsvRow> Read(byte[] content)
    {
        using var reader = CsvReader.Create(content, ReaderOptions);
        return reader.GetRecords<ReturnFileCsvRow>().ToList();
    }
}
