using System.Runtime.CompilerServices;
using System.Xml;
using System.Xml.Schema;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Infrastructure.Reference;
using CsvHelper;

namespace CnsExchange.Infrastructure.Billing;

/// <summary>
/// Streams a billing file and reports each line or error with its line number. XML is validated against the
/// published XSD (openapi/billing-file.xsd) with DTDs prohibited and no resolver, so neither external entities nor
/// entity expansion (billion laughs) can run; CSV is read with CsvHelper against the documented columns.
/// </summary>
internal sealed class BillingFileParser : IBillingFileParser
{
    public const string Namespace = "urn:cns-exchange:billing-file:1";

    /// <summary>Longest run of text between markup accepted in XML (values are short; this bounds memory).</summary>
    public const int MaxValueBytes = 64 * 1024;

    private static readonly Lazy<XmlSchemaSet> Schemas = new(LoadSchemas);

    /// <summary>Items parsed ahead of the caller, in chunks of this many (a chunk is handed over at once).</summary>
    private const int ReadAheadChunk = 1000;

    /// <summary>Chunks parsed ahead at most (bounds memory: a few thousand lines).</summary>
    private const int ReadAheadChunks = 4;

    /// <summary>
    /// The file is parsed on a thread of its own, ahead of the caller, which checks and stages the lines meanwhile (an
    /// XML file's schema-validated parsing alone is most of that phase); items come in file order, as parsed.
    /// </summary>
    public IAsyncEnumerable<ParsedItem> ParseAsync(Stream content, BillingFileFormat format, string providerCode, CancellationToken ct) =>
        Parse(content, format, providerCode, validate: true, ct);

    /// <summary>
    /// As <see cref="ParseAsync"/>, without the XML schema's validation, for content that ParseAsync read without any error:
    /// the schema sets no default value, so a valid document reads the same without it. Validation is most of the XML
    /// parser's time (200,000 lines outside the API: 575–743 ms with it, 120–200 ms without).
    /// </summary>
    public IAsyncEnumerable<ParsedItem> ParseValidAsync(Stream content, BillingFileFormat format, string providerCode, CancellationToken ct) =>
        Parse(content, format, providerCode, validate: false, ct);

    private static IAsyncEnumerable<ParsedItem> Parse(Stream content, BillingFileFormat format, string providerCode, bool validate, CancellationToken ct) =>
        ReadAhead.InChunks(ct2 => format == BillingFileFormat.Xml ? ParseXmlAsync(content, providerCode, validate, ct2) : ParseCsvAsync(content, ct2),
            ReadAheadChunk, ReadAheadChunks, ct);

    private static XmlSchemaSet LoadSchemas()
    {
        using var stream = ReferenceDataLoader.OpenResource("Schemas.billing-file.xsd");
        var set = new XmlSchemaSet { XmlResolver = null };
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        set.Add(Namespace, reader);
        set.Compile();
        return set;
    }

    internal static XmlReaderSettings XmlSettings(ValidationEventHandler onError)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
            ValidationType = ValidationType.Schema,
            // Only the embedded schema counts: no inline schemas, no schemaLocation hints.
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
            Schemas = Schemas.Value,
        };
        settings.ValidationEventHandler += onError;
        return settings;
    }

    private static async IAsyncEnumerable<ParsedItem> ParseXmlAsync(Stream content, string providerCode, bool validate, [EnumeratorCancellation] CancellationToken ct)
    {
        var pending = new Queue<BillingFileError>();
        var errorCount = 0;
        void OnError(object? sender, ValidationEventArgs e)
        {
            errorCount++;
            pending.Enqueue(new BillingFileError(Math.Max(1, e.Exception.LineNumber), null, TextInput.Printable(e.Message)));
        }

        // The parsing reader underneath knows the line even when it refuses a DTD before reading any node. Both readers
        // read synchronously: the parser has a thread of its own (ReadAhead), and a 1M-line file read node by node with
        // ReadAsync took a quarter to a third more CPU (warm runs: validated 4.9–5.8 s against 4.0–4.4 s; not validated
        // 2.4–2.9 s against 1.6–2.0 s; bench/results/2026-12-06-p2-sync-xml-reader.md). The content's stream fetches its
        // next chunk from the database within Read, once per MiB.
        using var parsing = XmlReader.Create(new MarkupRunLimitStream(content, MaxValueBytes), new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersFromEntities = 1024,
            IgnoreComments = true, IgnoreProcessingInstructions = true, IgnoreWhitespace = true, CloseInput = false,
        });
        using var reader = validate ? XmlReader.Create(parsing, XmlSettings(OnError)) : parsing;
        var info = (IXmlLineInfo)parsing;
        var memoirOrdinal = 0;
        var memoirLine = 0;
        var memoirReference = "";
        var lineStart = 0;
        var errorsAtLineStart = 0;
        var memoirFaulted = false;
        string? memoirReplaces = null;
        var readingReplaces = false;
        // One table for every line's fields, cleared at each line (a table a line grew twice per line: 69 MB in 12 s of a
        // 108 MB file parsed again).
        var fields = new Dictionary<string, string>(8, StringComparer.Ordinal);
        var inLine = false;
        string? field = null;
        var text = new System.Text.StringBuilder();
        string? onlyText = null;

        while (true)
        {
            ct.ThrowIfCancellationRequested();
            bool more;
            BillingFileError? fatal = null;
            var errorsBeforeRead = errorCount;
            try
            {
                more = reader.Read();
            }
            catch (InvalidDataException e)
            {
                more = false;
                fatal = new BillingFileError(Math.Max(1, info.LineNumber), null, e.Message);
            }
            catch (XmlException e)
            {
                more = false;
                fatal = new BillingFileError(Math.Max(1, e.LineNumber > 0 ? e.LineNumber : info.LineNumber), null,
                    e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                        ? "DTDs and entity declarations are not allowed in billing files."
                        : "The file is not well-formed XML: " + TextInput.Printable(e.Message));
            }
            while (pending.Count > 0) yield return new ParsedItem(null, pending.Dequeue());
            if (fatal is not null)
            {
                yield return new ParsedItem(null, fatal);
                yield break;
            }
            if (!more) yield break;

            switch (reader.NodeType)
            {
                case XmlNodeType.Element when reader.Depth == 0:
                    var code = reader.GetAttribute("providerCode");
                    if (code is not null && code != providerCode)
                    {
                        errorCount++;
                        yield return new ParsedItem(null, new BillingFileError(info.LineNumber, "providerCode",
                            $"providerCode '{code}' is not the code of the provider sending the file ({providerCode})."));
                    }
                    break;
                case XmlNodeType.Element when reader.Depth == 1:
                    memoirOrdinal++;
                    memoirLine = info.LineNumber;
                    memoirReference = reader.GetAttribute("reference") ?? "";
                    memoirReplaces = null;
                    memoirFaulted = errorCount > errorsBeforeRead;
                    break;
                case XmlNodeType.Element when reader.Depth == 2 && reader.LocalName == "replaces":
                    // LIF-03: the memoir this one replaces (the schema puts it before the lines).
                    readingReplaces = !reader.IsEmptyElement;
                    if (reader.IsEmptyElement) memoirReplaces = "";
                    text.Clear();
                    break;
                case XmlNodeType.Text when readingReplaces:
                    if (text.Length < 200) text.Append(reader.Value);
                    break;
                case XmlNodeType.EndElement when reader.Depth == 2 && readingReplaces:
                    memoirReplaces = text.ToString().Trim();
                    readingReplaces = false;
                    break;
                case XmlNodeType.Element when reader.Depth == 2:
                    fields.Clear();
                    inLine = true;
                    lineStart = info.LineNumber;
                    errorsAtLineStart = errorCount;
                    break;
                case XmlNodeType.Element when reader.Depth == 3:
                    field = reader.LocalName;
                    text.Clear();
                    onlyText = null;
                    if (reader.IsEmptyElement && inLine)
                    {
                        fields[field] = "";
                        field = null;
                    }
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace when field is not null:
                    // A field is one text node: its value is kept as read, not copied through the builder.
                    if (onlyText is null && text.Length == 0)
                    {
                        onlyText = reader.Value;
                        break;
                    }
                    if (onlyText is not null) text.Append(onlyText);
                    onlyText = null;
                    if (text.Length < 200) text.Append(reader.Value);
                    break;
                case XmlNodeType.EndElement when reader.Depth == 3 && field is not null && inLine:
                    fields[field] = (onlyText ?? text.ToString()).Trim();
                    field = null;
                    break;
                case XmlNodeType.EndElement when reader.Depth == 2 && inLine:
                    // A line the schema already faulted is reported once, by the schema.
                    if (errorCount == errorsAtLineStart && !memoirFaulted)
                        yield return new ParsedItem(new RawBillingLine(lineStart, memoirOrdinal, memoirReference,
                            fields.GetValueOrDefault("voucherNumber", ""), fields.GetValueOrDefault("matricule", ""),
                            fields.GetValueOrDefault("sessionDate", ""), fields.GetValueOrDefault("actCode", ""),
                            fields.GetValueOrDefault("travel"), fields.GetValueOrDefault("claimedAmount", "")) { Replaces = memoirReplaces, MemoirLine = memoirLine }, null);
                    inLine = false;
                    break;
            }
        }
    }

    private static async IAsyncEnumerable<ParsedItem> ParseCsvAsync(Stream content, [EnumeratorCancellation] CancellationToken ct)
    {
        var malformed = new Queue<BillingFileError>();
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            IncludeValuesInExceptions = false,
            MaxRecordSize = 64 * 1024,
            OnMalformedRecord = r => malformed.Enqueue(new BillingFileError((int)Math.Max(1, r.LineNumber), null, MalformedMessage(r.Reason))),
        };

        await using var csv = CsvReader.Create(content, options, leaveOpen: true);
        BillingFileError? headerError = null;
        try
        {
            await csv.ReadHeaderAsync(ct);
        }
        catch (CsvFormatException e)
        {
            headerError = new BillingFileError(1, null, "The header row cannot be read: " + e.Message);
        }
        if (headerError is not null)
        {
            yield return new ParsedItem(null, headerError);
            yield break;
        }
        var headerErrors = CsvColumns.Check(csv.Headers);
        if (headerErrors.Count > 0)
        {
            foreach (var e in headerErrors) yield return new ParsedItem(null, e);
            yield break;
        }

        while (true)
        {
            bool more;
            BillingFileError? fatal = null;
            RawBillingLine? line = null;
            BillingFileError? control = null;
            try
            {
                more = await csv.ReadAsync(ct);
                if (more)
                {
                    var row = csv.GetRecord<BillingCsvRow>();
                    control = row.ControlCharacterError((int)csv.LineNumber);
                    if (control is null)
                        line = new RawBillingLine((int)csv.LineNumber, 0, row.MemoirReference.Trim(), row.VoucherNumber.Trim(), row.Matricule.Trim(),
                        row.SessionDate.Trim(), row.ActCode.Trim(), row.Travel, row.ClaimedAmount.Trim()) { Replaces = row.Replaces };
                }
            }
            catch (CsvFormatException e)
            {
                more = false;
                fatal = new BillingFileError((int)Math.Max(1, e.LineNumber), null, "The CSV cannot be read further: " + e.Message);
            }
            while (malformed.Count > 0) yield return new ParsedItem(null, malformed.Dequeue());
            if (fatal is not null)
            {
                yield return new ParsedItem(null, fatal);
                yield break;
            }
            if (!more) yield break;
            yield return control is null ? new ParsedItem(line, null) : new ParsedItem(null, control);
        }
    }

    private static string MalformedMessage(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.FieldCountMismatch => "The row does not have as many fields as the header.",
        CsvMalformedReason.UnterminatedQuote => "A quoted field is never closed.",
        CsvMalformedReason.LineBreakInQuotes => "A quoted field contains a line break.",
        _ => "The row's quoting is malformed (" + reason + ").",
    };
}

/// <summary>The columns of a CSV billing file (see docs/billing-files.md); one row per memoir line.</summary>
[CsvRecord]
internal sealed partial class BillingCsvRow
{
    [CsvColumn("memoirReference")] public string MemoirReference { get; set; } = "";
    [CsvColumn("voucherNumber")] public string VoucherNumber { get; set; } = "";
    [CsvColumn("matricule")] public string Matricule { get; set; } = "";
    [CsvColumn("sessionDate")] public string SessionDate { get; set; } = "";
    [CsvColumn("actCode")] public string ActCode { get; set; } = "";
    [CsvColumn("travel", Optional = true)] public string? Travel { get; set; }
    [CsvColumn("claimedAmount")] public string ClaimedAmount { get; set; } = "";
    /// <summary>LIF-03: the id of the memoir this row's memoir replaces, the same on every row of the memoir.</summary>
    [CsvColumn("replaces", Optional = true)] public string? Replaces { get; set; }

    /// <summary>The first field holding a control character (TextInput's rule), as an error of the line; the value is not echoed.</summary>
    public BillingFileError? ControlCharacterError(int lineNumber)
    {
        foreach (var (column, value) in new[] { ("memoirReference", MemoirReference), ("voucherNumber", VoucherNumber), ("matricule", Matricule),
                     ("sessionDate", SessionDate), ("actCode", ActCode), ("travel", Travel ?? ""), ("claimedAmount", ClaimedAmount), ("replaces", Replaces ?? "") })
        {
            var i = TextInput.FirstForbidden(value);
            if (i >= 0) return new BillingFileError(lineNumber, column, TextInput.Message(column, value[i], i, multiLine: false));
        }
        return null;
    }
}

internal static class CsvColumns
{
    public static readonly string[] Required = ["memoirReference", "voucherNumber", "matricule", "sessionDate", "actCode", "claimedAmount"];
    public static readonly string[] Optional = ["travel", "replaces"];

    /// <summary>The header must name every required column once and nothing unknown (BIL-14); names are matched exactly, spaces included.</summary>
    public static List<BillingFileError> Check(IReadOnlyList<string> headers)
    {
        var errors = new List<BillingFileError>();
        var known = Required.Concat(Optional).ToHashSet(StringComparer.Ordinal);
        foreach (var h in headers.Where(h => !known.Contains(h)).Distinct())
        {
            var name = TextInput.Printable(h);
            var hint = known.Contains(h.Trim()) ? $" Spaces around a name are part of it: write '{h.Trim()}'." : "";
            errors.Add(new BillingFileError(1, name, $"Unknown column '{name}'.{hint} Columns: {string.Join(", ", Required.Concat(Optional))}."));
        }
        foreach (var h in headers.GroupBy(h => h).Where(g => g.Count() > 1))
            errors.Add(new BillingFileError(1, TextInput.Printable(h.Key), $"Column '{TextInput.Printable(h.Key)}' appears more than once."));
        foreach (var r in Required.Where(r => !headers.Contains(r)))
            errors.Add(new BillingFileError(1, r, $"Missing column '{r}'."));
        return errors;
    }
}
