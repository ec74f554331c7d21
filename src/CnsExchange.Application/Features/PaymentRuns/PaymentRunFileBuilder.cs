using CnsExchange.Application.Features.PaymentRuns.Files;

namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>Whom a return file is for: the provider's code and name (as captured by the run) and its transfer, if any.</summary>
public sealed record ReturnFileSubject(Guid ProviderId, string Code, string Name, string? EndToEndId);

/// <summary>A file of a run as it is (re)built from the database.</summary>
public sealed record BuiltPaymentFile(PaymentFileKind Kind, Guid? ProviderId, ReturnFileFormat? Format, string? Language, GeneratedFile File)
{
    public string FormatName => Format?.Extension() ?? "xml";
}

/// <summary>A provider's return files of a run, in every format and language, with the figures of the file.</summary>
public sealed record BuiltReturnFile(ReturnFileSubject Subject, ReturnFileTotals Totals, IReadOnlyList<BuiltPaymentFile> Files);

/// <summary>
/// Builds the files of a run from the database: the pain.001 from its payment orders, and each provider's return file
/// from the lines the run took. Only data that no longer changes once the run took the lines is read (a taken line can
/// be neither contested nor decided), so building again from a closed run gives the same bytes (PAY-06).
/// </summary>
public sealed class PaymentRunFileBuilder(
    IAppDbContext db, IReferenceData reference, IPain001Writer pain001Writer, IReturnFileWriter returnFileWriter, IPaymentRunStore store)
{
    public static readonly IReadOnlyList<ReturnFileFormat> Formats = [ReturnFileFormat.Json, ReturnFileFormat.Xml, ReturnFileFormat.Csv];

    /// <summary>The pain.001 of the run, or null when it pays nothing (a run may only report refused lines).</summary>
    public BuiltPaymentFile? Pain001(PaymentRun run, IReadOnlyList<PaymentRunOrder> orders)
    {
        if (orders.Count == 0) return null;
        var model = new PaymentRunFile(run.Id, run.Number, run.ExecutionDate, run.AsOf, PaymentDebtor.From(reference.Catalog, run.ExecutionDate),
            orders.Select(o => new PaymentOrder(o.ProviderCode, o.ProviderName, o.Iban, o.Bic, o.Amount, o.EndToEndId, o.RemittanceText)).ToList());
        return new BuiltPaymentFile(PaymentFileKind.Pain001, null, null, null, pain001Writer.Write(model));
    }

    /// <summary>The return file of one provider in fr, de and en, each as JSON, XML and CSV.</summary>
    public async Task<BuiltReturnFile> ReturnFileAsync(PaymentRun run, ReturnFileSubject subject, CancellationToken ct) =>
        BuildReturnFile(run, await ReadReturnFileAsync(run, subject, ct));

    /// <summary>
    /// What a provider's return file says, read from the database: the lines the run took that were reduced or refused
    /// at adjudication, or accepted and no longer payable in full (CUR-09), listed; the sums of those accepted and payable
    /// in full, summarised (PAY-05: every line not paid in full is listed). Reads on the caller's context (and transaction).
    /// </summary>
    public async Task<ReturnFileContent> ReadReturnFileAsync(PaymentRun run, ReturnFileSubject subject, CancellationToken ct)
    {
        // One pass over the provider's lines (they were read twice, listed then summed: the longest part of a large run's
        // file step after rendering).
        var (listed, summary) = await store.ReadReturnFileLinesAsync(run.Id, subject.ProviderId, ct);

        // LIF-05: the reversals and recoveries the run nets, with the run that had paid each line, and the provider's netting.
        var debts = await (
                from d in db.Set<ProviderDebt>().AsNoTracking()
                join r in db.Set<PaymentRun>().AsNoTracking() on d.OriginalRunId equals r.Id
                where d.PaymentRunId == run.Id && d.ProviderId == subject.ProviderId
                orderby d.MemoirReference, d.MemoirId, d.LineNumber
                select new NettedDebt(d.Kind, d.Code, d.MemoirId, d.MemoirReference, d.LineNumber, r.Number, d.Amount))
            .ToListAsync(ct);
        var netting = await db.Set<PaymentRunNetting>().AsNoTracking().SingleOrDefaultAsync(n => n.RunId == run.Id && n.ProviderId == subject.ProviderId, ct);
        var balance = netting is null || (netting.BroughtForward == 0m && netting.Debts == 0m) ? null
            : new ReturnFileBalance(netting.BroughtForward, netting.Debts, netting.Accepted, netting.OrderAmount, netting.CarriedForward);
        return new ReturnFileContent(subject, listed, summary) { Debts = debts, Balance = balance };
    }

    /// <summary>
    /// Renders a provider's return file in every language and format (pure: no database, safe on another thread while
    /// the caller's context works). The languages are rendered in parallel (each from its own model; the files come out
    /// in the same order, with the same bytes): rendering is the longest part of a large run's file step, and the
    /// database waits for it. The XML is checked against its XSD in the first language only: the languages' documents
    /// differ only in the language code (fr, de or en, checked by <see cref="ReturnFile.Problems"/>) and in message
    /// texts, which the XSD types as xs:string.
    /// </summary>
    public BuiltReturnFile BuildReturnFile(PaymentRun run, ReturnFileContent content)
    {
        var subject = content.Subject;
        var languages = ReturnFile.Languages;
        var rendered = new (ReturnFileTotals Totals, BuiltPaymentFile[] Files)[languages.Count];
        Parallel.For(0, languages.Count, i =>
        {
            var language = languages[i];
            var lines = content.Listed.Select(l => new ReturnFileLine(l.MemoirId, l.Reference, l.LineNumber,
                    string.IsNullOrEmpty(l.VoucherNumber) ? null : l.VoucherNumber, l.Matricule, l.SessionDate, l.ActCode, l.ClaimedAmount, l.CnsAmount,
                    l.PayableAmount, l.PaidAmount, l.Outcome, ReturnFileReason.Render(reference, l.Reasons, language))
                    { Route = PaymentRoute.ThirdParty, CompetentFund = l.CompetentFund })
                .ToList();
            var debts = content.Debts.Select(d => new ReturnFileDebt(LineReversal.EntryCode(d.Kind), d.Code, d.MemoirId, d.MemoirReference, d.LineNumber,
                d.OriginalRunNumber, d.Amount,
                reference.Render(Reason.Information(LineReversal.EntryCode(d.Kind), LineReversal.Rule, null, $"{d.Code}, {d.OriginalRunNumber}"), language).Message))
                .ToList();
            var model = new ReturnFile(run.Id, run.Number, run.ExecutionDate, run.AsOf, new ReturnFileProvider(subject.Code, subject.Name), language,
                subject.EndToEndId, lines, content.Accepted) { Debts = debts, Balance = content.Balance };
            rendered[i] = (model.Totals, Formats.Select(format => new BuiltPaymentFile(PaymentFileKind.ReturnFile, subject.ProviderId, format, language,
                returnFileWriter.Write(model, format, checkXmlSchema: i == 0))).ToArray());
        });
        return new BuiltReturnFile(subject, rendered[0].Totals, rendered.SelectMany(r => r.Files).ToList());
    }
}

/// <summary>A line a return file lists, as read from the database.</summary>
public sealed record ListedLine(
    Guid MemoirId, string Reference, int LineNumber, string? VoucherNumber, string Matricule, DateOnly SessionDate, string ActCode,
    decimal ClaimedAmount, decimal CnsAmount, decimal PayableAmount, decimal PaidAmount, LineOutcome Outcome, List<Reason> Reasons)
{
    /// <summary>The insured's competent fund when the line was adjudicated.</summary>
    public string? CompetentFund { get; init; }
}

/// <summary>A reversal or recovery a run nets, as read from the database (LIF-05).</summary>
public sealed record NettedDebt(DebtKind Kind, string Code, Guid MemoirId, string MemoirReference, int LineNumber, string OriginalRunNumber, decimal Amount);

/// <summary>What a provider's return file says before it is rendered.</summary>
public sealed record ReturnFileContent(ReturnFileSubject Subject, IReadOnlyList<ListedLine> Listed, AcceptedLinesSummary Accepted)
{
    public IReadOnlyList<NettedDebt> Debts { get; init; } = [];
    public ReturnFileBalance? Balance { get; init; }
}
