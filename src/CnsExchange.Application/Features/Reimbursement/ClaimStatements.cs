using System.Globalization;
using System.Net;
using System.Text;
using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Domain.Reimbursement;

namespace CnsExchange.Application.Features.Reimbursement;

public sealed record ClaimStatementPartyDto(string Code, string Name);

public sealed record ClaimStatementInsuredDto(string Matricule, string? Name);

/// <summary>A line as the statement shows it: what was paid, the tariff and rate, what is reimbursed, and why (in the statement's language).</summary>
public sealed record ClaimStatementLineDto(int LineNumber, DateOnly Date, DateOnly? DateTo, string? ActCode, int Quantity, decimal AmountPaid, decimal? TariffAmount,
    decimal? RatePercent, decimal ReimbursedAmount, ClaimLineOutcome Outcome, IReadOnlyList<ReasonDto> Reasons);

/// <summary>
/// The statement's sums: <c>amountPaid</c> (what the insured paid), <c>reimbursed</c>, <c>notReimbursed</c> (the difference),
/// and the lines by outcome.
/// </summary>
public sealed record ClaimStatementTotalsDto(decimal AmountPaid, decimal Reimbursed, decimal NotReimbursed, int AcceptedLines, int ReducedLines, int RefusedLines,
    int PendingLines);

/// <summary>The transfer that paid the claim: the run, its value date, the amount, the insured's account (masked) and the end-to-end id on the bank statement.</summary>
public sealed record ClaimStatementPaymentDto(Guid RunId, string RunNumber, DateOnly ExecutionDate, decimal Amount, string Iban, string EndToEndId);

/// <summary>
/// The statement of a reimbursement claim to the insured (INS-05), in one language: every line reimbursed, reduced or refused
/// with its reasons, the totals, who pays (the competent fund), and the payment: <c>paid</c> (with the transfer), <c>scheduled</c>
/// (due by <c>dueDate</c>), <c>waiting_for_bank_account</c>, <c>pending_review</c>, <c>nothing_to_pay</c> or <c>refused</c>; the
/// reason about the payment is last in <c>reasons</c>.
/// </summary>
public sealed record ClaimStatementDto(
    Guid ClaimId,
    ClaimKind Kind,
    string Language,
    string Currency,
    ClaimPaymentState PaymentState,
    ClaimStatementInsuredDto Insured,
    ClaimStatementPartyDto? Fund,
    DateOnly SubmittedOn,
    DateOnly DueDate,
    ClaimInvoiceDto Invoice,
    string? VoucherNumber,
    string? ProviderCode,
    IReadOnlyList<ClaimStatementLineDto> Lines,
    ClaimStatementTotalsDto Totals,
    IReadOnlyList<ReasonDto> Reasons,
    ClaimStatementPaymentDto? Payment);

/// <summary>The formats of a statement: JSON (the DTO) and a printable HTML page.</summary>
public enum ClaimStatementFormat
{
    Json,
    Html,
}

public static class ClaimStatementFormats
{
    public static string Extension(this ClaimStatementFormat format) => format == ClaimStatementFormat.Html ? "html" : "json";

    public static string MediaType(this ClaimStatementFormat format) => format == ClaimStatementFormat.Html ? "text/html" : "application/json";

    public static readonly IReadOnlyList<ClaimStatementFormat> All = [ClaimStatementFormat.Json, ClaimStatementFormat.Html];
}

/// <summary>
/// Builds a claim's statement from the database (INS-05). Only data that no longer changes once a run paid the claim is read
/// for a paid claim (its lines, its transfer, the run), so a statement built again gives the same bytes as the one the run stored.
/// </summary>
public sealed class ClaimStatementBuilder(IAppDbContext db, IReferenceData reference)
{
    public static string Location(Guid claimId) => $"{ReimbursementClaimViews.Route}/{claimId}/statement";

    public async Task<ClaimStatementDto?> ReadAsync(Guid claimId, string language, CancellationToken ct)
    {
        var claim = await db.Set<ReimbursementClaim>().AsNoTracking().Include(c => c.Lines).SingleOrDefaultAsync(c => c.Id == claimId, ct);
        if (claim is null) return null;
        var insured = claim.InsuredId is { } insuredId
            ? await db.Insured.AsNoTracking().IgnoreAutoIncludes().Where(i => i.Id == insuredId)
                .Select(i => new { Name = i.FirstName + " " + i.LastName, HasAccount = i.Iban != null && i.Bic != null }).SingleOrDefaultAsync(ct)
            : null;
        var paid = await (
                from o in db.Set<ClaimPaymentOrder>().AsNoTracking()
                join r in db.Set<PaymentRun>().AsNoTracking() on o.RunId equals r.Id
                where o.ClaimId == claimId
                select new { o.CreditorName, Payment = new ClaimStatementPaymentDto(r.Id, r.Number, r.ExecutionDate, o.Amount, o.Iban, o.EndToEndId) })
            .SingleOrDefaultAsync(ct);
        // A paid claim's statement reads only what its run captured (the name and account of the transfer): built again, it is the same.
        return paid is null
            ? Build(claim, insured?.Name, insured?.HasAccount ?? false, null, language)
            : Build(claim, paid.CreditorName, true, paid.Payment with { Iban = ClaimPayment.MaskedIban(paid.Payment.Iban) }, language);
    }

    /// <summary>The statement of a claim in one language (pure).</summary>
    public ClaimStatementDto Build(ReimbursementClaim claim, string? insuredName, bool hasBankAccount, ClaimStatementPaymentDto? payment, string language)
    {
        var catalog = reference.Catalog;
        var state = ClaimPayment.StateOf(claim.Status, claim.ReimbursedTotal, hasBankAccount, payment is not null);
        var due = ClaimPayment.DueDate(claim.SubmittedOn, catalog);
        var transfer = payment is null ? null
            : $"{Money(payment.Amount)} € → {payment.Iban}, {payment.ExecutionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, {payment.RunNumber}";
        var reasons = claim.Reasons.ToList();
        if (ClaimPayment.StatementReason(state, due, transfer) is { } about) reasons.Add(about);
        var fund = claim.CompetentFund is { } code && catalog.Funds.FirstOrDefault(f => f.Code == code) is { } f ? new ClaimStatementPartyDto(f.Code, f.Name) : null;
        var lines = claim.Lines.OrderBy(l => l.LineNumber).ToList();
        return new ClaimStatementDto(claim.Id, claim.Kind, language, "EUR", state, new ClaimStatementInsuredDto(claim.Matricule, insuredName), fund,
            claim.SubmittedOn, due, new ClaimInvoiceDto(claim.InvoiceNumber, claim.InvoiceDate, claim.InvoiceIssuer, claim.InvoiceAttachmentId, claim.InvoiceSha256, claim.InvoiceIssuedTo),
            claim.VoucherNumber, claim.ProviderCode,
            lines.Select(l => new ClaimStatementLineDto(l.LineNumber, l.ServiceDate, l.ServiceDateTo, l.ActCode, l.Quantity, l.AmountPaid, l.TariffAmount,
                l.RatePercent, l.ReimbursedAmount, l.Outcome, reference.Render(l.Reasons, language))).ToList(),
            new ClaimStatementTotalsDto(claim.PaidTotal, claim.ReimbursedTotal, claim.PaidTotal - claim.ReimbursedTotal,
                lines.Count(l => l.Outcome == ClaimLineOutcome.Accepted), lines.Count(l => l.Outcome == ClaimLineOutcome.Reduced),
                lines.Count(l => l.Outcome == ClaimLineOutcome.Refused), lines.Count(l => l.Outcome == ClaimLineOutcome.Pending)),
            reference.Render(reasons, language), payment);
    }

    /// <summary>The statement as a file: the JSON of the DTO, or the printable page; UTF-8 without BOM, same statement, same bytes.</summary>
    public static GeneratedFile Write(ClaimStatementDto statement, ClaimStatementFormat format)
    {
        var bytes = format == ClaimStatementFormat.Html
            ? new UTF8Encoding(false).GetBytes(ClaimStatementHtml.Render(statement))
            : JsonSerializer.SerializeToUtf8Bytes(statement, JsonDefaults.Options);
        return new GeneratedFile($"statement-{statement.ClaimId:N}-{statement.Language}.{format.Extension()}", format.MediaType(), bytes);
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>
/// The statement as a printable HTML page in its language (like the fee note): every value HTML-encoded, no script and no
/// external resource.
/// </summary>
public static class ClaimStatementHtml
{
    private sealed record Labels(
        string Title, string Claim, string Insured, string Matricule, string Fund, string SubmittedOn, string DueDate, string Invoice, string Line,
        string Date, string Act, string Paid, string Tariff, string Rate, string Reimbursed, string Outcome, string Reasons, string Total, string NotReimbursed,
        string Payment, string Run, string ValueDate, string Account, string Reference, IReadOnlyDictionary<ClaimLineOutcome, string> Outcomes);

    private static readonly Dictionary<string, Labels> Texts = new(StringComparer.Ordinal)
    {
        ["en"] = new("Reimbursement statement", "Claim", "Insured person", "Matricule", "Competent fund", "Claim received on", "Paid by", "Invoice", "Line",
            "Date", "Act", "Amount paid", "Tariff", "Rate", "Reimbursed", "Decision", "Reasons", "Total", "Not reimbursed",
            "Payment", "Payment run", "Value date", "Account", "Reference on your bank statement",
            new Dictionary<ClaimLineOutcome, string> { [ClaimLineOutcome.Accepted] = "reimbursed", [ClaimLineOutcome.Reduced] = "reduced", [ClaimLineOutcome.Refused] = "refused", [ClaimLineOutcome.Pending] = "under review" }),
        ["fr"] = new("Décompte de remboursement", "Demande", "Personne protégée", "Matricule", "Caisse compétente", "Demande reçue le", "Payée au plus tard le", "Facture", "Ligne",
            "Date", "Acte", "Montant payé", "Tarif", "Taux", "Remboursé", "Décision", "Motifs", "Total", "Non remboursé",
            "Paiement", "Décompte", "Date de valeur", "Compte", "Référence sur votre extrait bancaire",
            new Dictionary<ClaimLineOutcome, string> { [ClaimLineOutcome.Accepted] = "remboursé", [ClaimLineOutcome.Reduced] = "réduit", [ClaimLineOutcome.Refused] = "refusé", [ClaimLineOutcome.Pending] = "en examen" }),
        ["de"] = new("Erstattungsabrechnung", "Antrag", "Versicherte Person", "Matrikel", "Zuständige Kasse", "Antrag eingegangen am", "Zahlung spätestens am", "Rechnung", "Zeile",
            "Datum", "Leistung", "Bezahlter Betrag", "Tarif", "Satz", "Erstattet", "Entscheidung", "Gründe", "Summe", "Nicht erstattet",
            "Zahlung", "Zahlungslauf", "Valutadatum", "Konto", "Referenz auf Ihrem Kontoauszug",
            new Dictionary<ClaimLineOutcome, string> { [ClaimLineOutcome.Accepted] = "erstattet", [ClaimLineOutcome.Reduced] = "gekürzt", [ClaimLineOutcome.Refused] = "abgelehnt", [ClaimLineOutcome.Pending] = "in Prüfung" }),
    };

    public static string Render(ClaimStatementDto s)
    {
        var t = Texts.GetValueOrDefault(s.Language) ?? Texts["en"];
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(E(s.Language)).Append("\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(E(t.Title)).Append(' ').Append(E(s.ClaimId.ToString())).Append("</title>\n<style>")
            .Append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3em .5em;vertical-align:top}")
            .Append("td.n,th.n{text-align:right}tfoot td{font-weight:bold}@media print{body{margin:0}}")
            .Append("</style>\n</head>\n<body>\n<h1>").Append(E(t.Title)).Append("</h1>\n<dl>\n");
        Term(html, t.Claim, s.ClaimId.ToString());
        if (s.Insured.Name is { } name) Term(html, t.Insured, name);
        Term(html, t.Matricule, s.Insured.Matricule);
        if (s.Fund is { } fund) Term(html, t.Fund, $"{fund.Name} ({fund.Code})");
        Term(html, t.SubmittedOn, Iso(s.SubmittedOn));
        if (s.Invoice.Number is { } number) Term(html, t.Invoice, s.Invoice.Issuer is { } issuer ? $"{number} ({issuer})" : number);
        if (s.PaymentState is ClaimPaymentState.Scheduled or ClaimPaymentState.WaitingForBankAccount) Term(html, t.DueDate, Iso(s.DueDate));
        html.Append("</dl>\n<table>\n<thead><tr>");
        foreach (var (label, numeric) in new[] { (t.Line, true), (t.Date, false), (t.Act, false), (t.Paid, true), (t.Tariff, true), (t.Rate, true), (t.Reimbursed, true), (t.Outcome, false), (t.Reasons, false) })
            html.Append(numeric ? "<th class=\"n\">" : "<th>").Append(E(label)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var line in s.Lines)
        {
            html.Append("<tr><td class=\"n\">").Append(line.LineNumber.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(E(Iso(line.Date)));
            if (line.DateTo is { } to) html.Append(" – ").Append(E(Iso(to)));
            html.Append("</td><td>").Append(E(line.ActCode ?? "")).Append("</td>");
            Amount(html, line.AmountPaid, s.Currency);
            if (line.TariffAmount is { } tariff) Amount(html, tariff, s.Currency); else html.Append("<td></td>");
            html.Append("<td class=\"n\">").Append(line.RatePercent is { } rate ? E(rate.ToString("0.##", CultureInfo.InvariantCulture)) + " %" : "").Append("</td>");
            Amount(html, line.ReimbursedAmount, s.Currency);
            html.Append("<td>").Append(E(t.Outcomes[line.Outcome])).Append("</td><td>");
            foreach (var reason in line.Reasons) html.Append(E(reason.Code)).Append(": ").Append(E(reason.Message)).Append("<br>");
            html.Append("</td></tr>\n");
        }
        html.Append("</tbody>\n<tfoot><tr><td colspan=\"3\">").Append(E(t.Total)).Append("</td>");
        Amount(html, s.Totals.AmountPaid, s.Currency);
        html.Append("<td></td><td></td>");
        Amount(html, s.Totals.Reimbursed, s.Currency);
        html.Append("<td colspan=\"2\">").Append(E(t.NotReimbursed)).Append(": ").Append(E(Money(s.Totals.NotReimbursed))).Append(' ').Append(E(s.Currency))
            .Append("</td></tr></tfoot>\n</table>\n<h2>").Append(E(t.Payment)).Append("</h2>\n");
        if (s.Payment is { } p)
        {
            html.Append("<dl>\n");
            Term(html, t.Reimbursed, $"{Money(p.Amount)} {s.Currency}");
            Term(html, t.ValueDate, Iso(p.ExecutionDate));
            Term(html, t.Account, p.Iban);
            Term(html, t.Run, p.RunNumber);
            Term(html, t.Reference, p.EndToEndId);
            html.Append("</dl>\n");
        }
        html.Append("<ul>\n");
        foreach (var reason in s.Reasons) html.Append("<li>").Append(E(reason.Code)).Append(": ").Append(E(reason.Message)).Append("</li>\n");
        html.Append("</ul>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Term(StringBuilder html, string term, string value) =>
        html.Append("<dt>").Append(E(term)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");

    private static void Amount(StringBuilder html, decimal amount, string currency) =>
        html.Append("<td class=\"n\">").Append(E(Money(amount))).Append(' ').Append(E(currency)).Append("</td>");

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string E(string value) => WebUtility.HtmlEncode(value);
}

/// <summary>
/// GET /reimbursement-claims/{id}/statement: the claim's statement in a language and format, for the insured channel that submitted
/// it (or CNS staff). Once a payment run paid the claim, the bytes are those the run stored (same SHA-256 as listed in the run).
/// </summary>
public sealed record GetClaimStatement(Guid Id, ClaimStatementFormat Format, string Language) : Mediator.IQuery<PaymentRuns.PaymentFileContent>;

public sealed class ClaimStatementQueries(IAppDbContext db, ClaimStatementBuilder builder, ICurrentCaller caller)
    : Mediator.IQueryHandler<GetClaimStatement, PaymentRuns.PaymentFileContent>
{
    public async ValueTask<PaymentRuns.PaymentFileContent> Handle(GetClaimStatement query, CancellationToken ct)
    {
        if (!await db.Set<ReimbursementClaim>().AsNoTracking().Visible(caller).AnyAsync(c => c.Id == query.Id, ct)) throw new NotFoundException("Reimbursement claim");
        var format = query.Format.Extension();
        var stored = await db.Set<ClaimPaymentFile>().AsNoTracking()
            .Where(f => f.ClaimId == query.Id && f.Kind == ClaimPaymentFileKind.Statement && f.Format == format && f.Language == query.Language)
            .Select(f => new { f.FileName, f.MediaType, f.Content, f.Sha256 }).SingleOrDefaultAsync(ct);
        if (stored is not null) return new PaymentRuns.PaymentFileContent(stored.FileName, stored.MediaType, query.Language, stored.Content, stored.Sha256);
        var statement = await builder.ReadAsync(query.Id, query.Language, ct) ?? throw new NotFoundException("Reimbursement claim");
        var file = ClaimStatementBuilder.Write(statement, query.Format);
        return new PaymentRuns.PaymentFileContent(file.FileName, file.MediaType, query.Language, file.Content, file.Sha256);
    }
}
