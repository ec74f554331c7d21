using System.Globalization;
using System.Net;
using System.Text;

namespace CnsExchange.Application.Features.Vouchers;

/// <summary>
/// The fee note as a printable HTML page (INS-02) in the caller's language: every value is HTML-encoded, the page holds no
/// script and no external resource (the endpoint also sends a Content-Security-Policy that forbids them).
/// </summary>
public static class FeeNoteHtml
{
    private sealed record Labels(
        string Title, string Voucher, string Date, string Provider, string Insured, string Matricule, string Fund, string Session, string Act,
        string Tariff, string Rate, string CnsShare, string InsuredShare, string Total, string Note);

    private static readonly Dictionary<string, Labels> Texts = new(StringComparer.Ordinal)
    {
        ["en"] = new("Fee note", "Voucher", "Date", "Provider", "Insured person", "Matricule", "Competent fund", "Session", "Act",
            "Tariff", "Rate", "CNS share", "Insured share", "Total",
            "Paid in full by the insured person. The CNS share is reimbursed by the competent fund on a claim with this receipted note."),
        ["fr"] = new("Mémoire d'honoraires", "Titre de prise en charge", "Date", "Prestataire", "Personne protégée", "Matricule", "Caisse compétente",
            "Séance", "Acte", "Montant opposable", "Taux", "Part statutaire", "Participation personnelle", "Total",
            "Payé intégralement par la personne protégée. La part statutaire est remboursée par la caisse compétente sur demande, avec ce mémoire acquitté."),
        ["de"] = new("Honorarnote", "Kostenübernahmeschein", "Datum", "Leistungserbringer", "Versicherte Person", "Matrikel", "Zuständige Kasse",
            "Sitzung", "Leistung", "Tarif", "Satz", "Kassenanteil", "Eigenbeteiligung", "Summe",
            "Von der versicherten Person vollständig bezahlt. Der Kassenanteil wird von der zuständigen Kasse auf Antrag mit dieser quittierten Note erstattet."),
    };

    public static string Render(FeeNoteDto note)
    {
        var t = Texts.GetValueOrDefault(note.Language) ?? Texts["en"];
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(E(note.Language)).Append("\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(E(t.Title)).Append(' ').Append(E(note.VoucherNumber)).Append("</title>\n<style>")
            .Append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3em .5em}")
            .Append("td.n,th.n{text-align:right}tfoot td{font-weight:bold}@media print{body{margin:0}}")
            .Append("</style>\n</head>\n<body>\n<h1>").Append(E(t.Title)).Append("</h1>\n<dl>\n");
        Term(html, t.Voucher, note.VoucherNumber);
        Term(html, t.Date, Iso(note.IssuedOn));
        Term(html, t.Provider, $"{note.Provider.Name} ({note.Provider.Code})");
        Term(html, t.Insured, $"{note.Insured.FirstName} {note.Insured.LastName}");
        Term(html, t.Matricule, note.Insured.Matricule);
        Term(html, t.Fund, note.Insured.CompetentFund);
        html.Append("</dl>\n<table>\n<thead><tr>");
        foreach (var (label, numeric) in new[] { (t.Session, false), (t.Act, false), (t.Tariff, true), (t.Rate, true), (t.CnsShare, true), (t.InsuredShare, true) })
            html.Append(numeric ? "<th class=\"n\">" : "<th>").Append(E(label)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var line in note.Lines)
        {
            html.Append("<tr><td>").Append(E(Iso(line.SessionDate))).Append("</td><td>").Append(E(line.ActCode)).Append(" – ").Append(E(line.ActLabel)).Append("</td>");
            Amount(html, line.TariffAmount, note.Currency);
            html.Append("<td class=\"n\">").Append(E(line.RatePercent.ToString("0.##", CultureInfo.InvariantCulture))).Append(" %</td>");
            Amount(html, line.CnsShare, note.Currency);
            Amount(html, line.InsuredShare, note.Currency);
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n<tfoot><tr><td colspan=\"2\">").Append(E(t.Total)).Append(" (").Append(note.Totals.Sessions.ToString(CultureInfo.InvariantCulture)).Append(")</td>");
        Amount(html, note.Totals.TariffAmount, note.Currency);
        html.Append("<td></td>");
        Amount(html, note.Totals.CnsShare, note.Currency);
        Amount(html, note.Totals.InsuredShare, note.Currency);
        html.Append("</tr></tfoot>\n</table>\n<p>").Append(E(t.Note)).Append("</p>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Term(StringBuilder html, string term, string value) =>
        html.Append("<dt>").Append(E(term)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");

    private static void Amount(StringBuilder html, decimal amount, string currency) =>
        html.Append("<td class=\"n\">").Append(E(amount.ToString("0.00", CultureInfo.InvariantCulture))).Append(' ').Append(E(currency)).Append("</td>");

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
