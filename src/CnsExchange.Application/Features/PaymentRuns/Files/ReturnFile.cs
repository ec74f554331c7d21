namespace CnsExchange.Application.Features.PaymentRuns.Files;

/// <summary>One reason of a line as the return file shows it: the message is already in the file's language.</summary>
public sealed record ReturnFileReason(string Code, ReasonSeverity Severity, string Rule, string? Field, string Message)
{
    public static ReturnFileReason From(ReasonDto reason) =>
        new(reason.Code, Enum.Parse<ReasonSeverity>(reason.Severity, ignoreCase: true), reason.Rule, reason.Field, reason.Message);

    /// <summary>Renders adjudication reasons in fr, de or en with the texts of reason-codes.json.</summary>
    public static IReadOnlyList<ReturnFileReason> Render(IReferenceData reference, IEnumerable<Reason> reasons, string language) =>
        reference.Render(reasons, language).Select(From).ToArray();
}

/// <summary>
/// A memoir line the file lists (PAY-05): reduced or refused at adjudication, in the memoir's words, with all its reasons.
/// </summary>
/// <param name="MemoirReference">The provider's own reference of the memoir, when it gave one.</param>
/// <param name="CnsAmount">The CNS share (part statutaire) at adjudication, as the memoir line's <c>cnsAmount</c>.</param>
/// <param name="PayableAmount">What CNS owes for the line, as the memoir line's <c>payableAmount</c> (more than <c>cnsAmount</c> once a contestation is overturned).</param>
/// <param name="PaidAmount">Paid for the line in this run (0 for a line nothing is owed for).</param>
/// <param name="Outcome">The memoir line's outcome: reduced or refused (accepted lines are summarised, not listed).</param>
public sealed record ReturnFileLine(
    Guid MemoirId,
    string? MemoirReference,
    int LineNumber,
    string? VoucherNumber,
    string Matricule,
    DateOnly SessionDate,
    string ActCode,
    decimal ClaimedAmount,
    decimal CnsAmount,
    decimal PayableAmount,
    decimal PaidAmount,
    LineOutcome Outcome,
    IReadOnlyList<ReturnFileReason> Reasons)
{
    private readonly IReadOnlyList<ReturnFileReason> _reasons = Snapshot(Reasons);

    /// <summary>Who is paid: a provider's memoir line is always <see cref="PaymentRoute.ThirdParty"/> (RULES.md §8).</summary>
    public PaymentRoute Route { get; init; } = PaymentRoute.ThirdParty;

    /// <summary>The insured's competent fund when the line was adjudicated (CNS, CMFEP, CMFEC, EMCFL); null when unknown.</summary>
    public string? CompetentFund { get; init; }

    /// <summary>In adjudication order, as given.</summary>
    public IReadOnlyList<ReturnFileReason> Reasons { get => _reasons; init => _reasons = Snapshot(value); }

    private static IReadOnlyList<ReturnFileReason> Snapshot(IReadOnlyList<ReturnFileReason> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        return reasons.ToArray().AsReadOnly();
    }
}

/// <summary>
/// The lines accepted at adjudication that the run pays, summarised (PAY-05): <see cref="LineCount"/> lines, of which
/// <see cref="PaidLines"/> are paid more than 0 in this run.
/// </summary>
public sealed record AcceptedLinesSummary(int LineCount, int PaidLines, decimal ClaimedAmount, decimal CnsAmount, decimal PayableAmount, decimal PaidAmount)
{
    public static readonly AcceptedLinesSummary None = new(0, 0, 0m, 0m, 0m, 0m);

    /// <summary>The same figures as totals of their own: none of these lines is listed one by one.</summary>
    public ReturnFileTotals AsTotals() => new(LineCount, 0, PaidLines, ClaimedAmount, CnsAmount, PayableAmount, PaidAmount);
}

/// <summary>
/// Over every line the file covers: <see cref="LineCount"/> lines (listed + accepted), <see cref="ListedLines"/> of them
/// listed one by one, <see cref="PaidLines"/> of them paid more than 0 in this run.
/// </summary>
public sealed record ReturnFileTotals(int LineCount, int ListedLines, int PaidLines, decimal ClaimedAmount, decimal CnsAmount, decimal PayableAmount, decimal PaidAmount);

/// <summary>
/// LIF-04/05: a paid line taken back — reversed by the provider (LINE_REVERSED) or recovered by CNS (LINE_RECOVERED, with
/// its recovery code) — that this run nets, with the run that had paid it and the amount.
/// </summary>
public sealed record ReturnFileDebt(
    string EntryCode,
    string Code,
    Guid MemoirId,
    string MemoirReference,
    int LineNumber,
    string OriginalRunNumber,
    decimal Amount,
    string Message);

/// <summary>LIF-05: the provider's balance in the run — debt brought forward, debts taken, lines paid, the transfer and the debt carried forward.</summary>
public sealed record ReturnFileBalance(decimal BroughtForward, decimal Debts, decimal Accepted, decimal TransferAmount, decimal CarriedForward);

public sealed record ReturnFileProvider(string Code, string Name);

/// <summary>
/// Input of the return file of one provider in one run (PAY-05), in one language. Immutable; lines are
/// kept in file order (memoir reference, memoir id, line number) so the same content gives the same bytes.
/// </summary>
/// <param name="Language">fr, de or en: the language of the reason messages.</param>
/// <param name="PaymentEndToEndId">End-to-end id of the provider's payment order in this run, or null when nothing is paid.</param>
public sealed record ReturnFile(
    Guid RunId,
    string RunNumber,
    DateOnly ExecutionDate,
    DateTimeOffset CreatedAt,
    ReturnFileProvider Provider,
    string Language,
    string? PaymentEndToEndId,
    IReadOnlyList<ReturnFileLine> Lines,
    AcceptedLinesSummary AcceptedLines)
{
    /// <summary>LIF-05: reversals and recoveries netted by the run, in memoir reference and line order; empty when none.</summary>
    public IReadOnlyList<ReturnFileDebt> Debts { get; init; } = [];

    /// <summary>LIF-05: the netting, shown when the provider had debts to net (brought forward or new); null otherwise.</summary>
    public ReturnFileBalance? Balance { get; init; }

    public static readonly IReadOnlyList<string> Languages = ["fr", "de", "en"];

    private readonly IReadOnlyList<ReturnFileLine> _lines = Canonical(Lines);

    public IReadOnlyList<ReturnFileLine> Lines { get => _lines; init => _lines = Canonical(value); }

    public ReturnFileTotals Totals => new(
        Lines.Count + AcceptedLines.LineCount,
        Lines.Count,
        Lines.Count(l => l.PaidAmount > 0m) + AcceptedLines.PaidLines,
        Lines.Sum(l => l.ClaimedAmount) + AcceptedLines.ClaimedAmount,
        Lines.Sum(l => l.CnsAmount) + AcceptedLines.CnsAmount,
        Lines.Sum(l => l.PayableAmount) + AcceptedLines.PayableAmount,
        Lines.Sum(l => l.PaidAmount) + AcceptedLines.PaidAmount);

    private static IReadOnlyList<ReturnFileLine> Canonical(IReadOnlyList<ReturnFileLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return lines
            .OrderBy(l => l.MemoirReference ?? "", StringComparer.Ordinal)
            .ThenBy(l => l.MemoirId)
            .ThenBy(l => l.LineNumber)
            .ToArray().AsReadOnly();
    }

    /// <summary>Every inconsistency of the model; empty when it can be written.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(RunNumber) || RunNumber.Length > 35) problems.Add("The run number must have 1-35 characters.");
        if (!Languages.Contains(Language)) problems.Add($"Language '{Language}' is not fr, de or en.");
        if (string.IsNullOrWhiteSpace(Provider.Code) || Provider.Code.Length > 35 || string.IsNullOrWhiteSpace(Provider.Name) || Provider.Name.Length > 400)
            problems.Add("The provider needs a code (at most 35 characters) and a name (at most 400).");
        if (PaymentEndToEndId is { Length: 0 or > 35 }) problems.Add("The payment end-to-end id must have 1-35 characters.");
        CheckAmounts(problems, "Accepted lines", AcceptedLines.ClaimedAmount, AcceptedLines.CnsAmount, AcceptedLines.PayableAmount, AcceptedLines.PaidAmount);
        if (AcceptedLines.LineCount < 0 || AcceptedLines.PaidLines < 0 || AcceptedLines.PaidLines > AcceptedLines.LineCount)
            problems.Add("Accepted lines: the counts are negative, or more lines are paid than there are.");

        foreach (var debt in Debts)
        {
            if (!IsReasonCode(debt.EntryCode) || !IsReasonCode(debt.Code) || string.IsNullOrWhiteSpace(debt.Message)) problems.Add($"Debt of line {debt.LineNumber}: codes and a message are required.");
            if (string.IsNullOrWhiteSpace(debt.OriginalRunNumber) || debt.OriginalRunNumber.Length > 35) problems.Add($"Debt of line {debt.LineNumber}: the original run number must have 1-35 characters.");
            if (debt.Amount <= 0m) problems.Add($"Debt of line {debt.LineNumber}: the amount is more than 0.");
            CheckAmounts(problems, $"Debt of line {debt.LineNumber}", debt.Amount);
        }
        if (Balance is { } b)
        {
            CheckAmounts(problems, "Balance", b.BroughtForward, b.Debts, b.Accepted, b.TransferAmount, b.CarriedForward);
            if (b.Accepted - b.TransferAmount != b.BroughtForward + b.Debts - b.CarriedForward) problems.Add("Balance: the netting does not add up.");
            if (b.Debts != Debts.Sum(d => d.Amount)) problems.Add("Balance: the debts are not the sum of the debt entries.");
        }
        else if (Debts.Count > 0) problems.Add("Debts are listed with the balance they are netted in.");

        foreach (var duplicate in Lines.GroupBy(l => (l.MemoirId, l.LineNumber)).Where(g => g.Count() > 1))
            problems.Add($"Line {duplicate.Key.LineNumber} of memoir {duplicate.Key.MemoirId} is listed {duplicate.Count()} times.");

        foreach (var line in Lines)
        {
            var which = $"Line {line.LineNumber} of memoir {line.MemoirId}";
            if (line.LineNumber < 1) problems.Add($"{which}: line numbers start at 1.");
            if (line.Matricule is not { Length: 13 } || !line.Matricule.All(char.IsAsciiDigit)) problems.Add($"{which}: the matricule must have 13 digits.");
            if (string.IsNullOrWhiteSpace(line.ActCode) || line.ActCode.Length > 35) problems.Add($"{which}: the act code must have 1-35 characters.");
            if (line.VoucherNumber is { Length: 0 or > 35 }) problems.Add($"{which}: the voucher number must have 1-35 characters.");
            if (line.MemoirReference is { Length: 0 or > 400 }) problems.Add($"{which}: the memoir reference must have 1-400 characters.");
            CheckAmounts(problems, which, line.ClaimedAmount, line.CnsAmount, line.PayableAmount, line.PaidAmount);
            if (line.Outcome == LineOutcome.Accepted && line.PayableAmount >= line.CnsAmount)
                problems.Add($"{which}: an accepted line payable in full is summarised, not listed.");
            if (line.PaidAmount > line.PayableAmount) problems.Add($"{which}: a line is paid at most what is payable for it.");
            if (line.Reasons.Count == 0) problems.Add($"{which}: a listed line is listed with its reasons.");
            if (line.Reasons.Any(r => !IsReasonCode(r.Code) || string.IsNullOrWhiteSpace(r.Rule) || r.Rule.Length > 35 || r.Field is { Length: 0 or > 400 } || string.IsNullOrWhiteSpace(r.Message)))
                problems.Add($"{which}: every reason needs a code (A-Z, 0-9, _), a rule (at most 35 characters) and a message.");
        }
        return problems;
    }

    public void EnsureValid()
    {
        var problems = Problems();
        if (problems.Count > 0)
            throw new ArgumentException($"Return file of run {RunNumber} for provider {Provider.Code} is not valid: " + string.Join(" ", problems));
    }

    private static bool IsReasonCode(string? code) =>
        code is { Length: > 0 and <= 64 } && char.IsAsciiLetterUpper(code[0]) && code.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');

    private static void CheckAmounts(List<string> problems, string which, params decimal[] amounts)
    {
        if (amounts.Any(a => a < 0m)) problems.Add($"{which}: amounts cannot be negative.");
        if (amounts.Any(a => Money.Round(a) != a)) problems.Add($"{which}: amounts have at most 2 decimals.");
    }
}

public enum ReturnFileFormat
{
    Json,
    Xml,
    Csv,
}

public static class ReturnFileFormats
{
    public static string MediaType(this ReturnFileFormat format) => format switch
    {
        ReturnFileFormat.Json => "application/json",
        ReturnFileFormat.Xml => "application/xml",
        ReturnFileFormat.Csv => "text/csv",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static string Extension(this ReturnFileFormat format) => format switch
    {
        ReturnFileFormat.Json => "json",
        ReturnFileFormat.Xml => "xml",
        ReturnFileFormat.Csv => "csv",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The format of a media type (parameters such as charset ignored), e.g. from an Accept header.</summary>
    public static bool TryFromMediaType(string? mediaType, out ReturnFileFormat format)
    {
        var type = mediaType?.Split(';')[0].Trim().ToLowerInvariant();
        (var found, format) = type switch
        {
            "application/json" => (true, ReturnFileFormat.Json),
            "application/xml" or "text/xml" => (true, ReturnFileFormat.Xml),
            "text/csv" => (true, ReturnFileFormat.Csv),
            _ => (false, default),
        };
        return found;
    }
}

/// <summary>Writes a provider's return file as JSON, XML (openapi/return-file.xsd) or CSV (docs/payment-files.md).</summary>
public interface IReturnFileWriter
{
    /// <summary>UTF-8 without BOM; same model and format, same bytes.</summary>
    /// <exception cref="ArgumentException">The model is not valid (see <see cref="ReturnFile.Problems"/>).</exception>
    /// <param name="checkXmlSchema">Whether an XML file is checked against openapi/return-file.xsd before it is returned
    /// (off only for a document whose other language was just checked: see <c>PaymentRunFileBuilder.BuildReturnFile</c>).</param>
    GeneratedFile Write(ReturnFile file, ReturnFileFormat format, bool checkXmlSchema = true);
}
