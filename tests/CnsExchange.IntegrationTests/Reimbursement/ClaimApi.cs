using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Reimbursement;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.Reimbursement;

/// <summary>Builds reimbursement claims like the insured channel (the fund's app) sends them.</summary>
internal static class ClaimApi
{
    public const string Url = "/api/v1/reimbursement-claims";
    public const string InsuredApp = "sandbox-insured-app";
    public const string Adult = "1983081246785";

    public static object Session(string date, decimal paid = 36.80m, string act = "ZK11") => new { date, actCode = act, amountPaid = paid };

    public static object Physio(string voucher, string invoiceNumber, params object[] sessions) => new
    {
        kind = "physiotherapy", matricule = Adult, voucherNumber = voucher, providerCode = "PHY0001",
        invoice = new { number = invoiceNumber, date = "2026-11-20", issuer = "PHY0001" }, sessions, statementLanguage = "fr",
    };

    /// <summary>A small, unique PDF: the receipted invoice.</summary>
    public static byte[] Invoice(string? marker = null) => Encoding.ASCII.GetBytes($"%PDF-1.4\n% invoice {marker ?? Guid.NewGuid().ToString()}\n%%EOF\n");

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, object claim, byte[]? invoice) =>
        PostRawAsync(client, System.Text.Json.JsonSerializer.Serialize(claim), invoice);

    public static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string json, byte[]? invoice)
    {
        var form = new MultipartFormDataContent { { new StringContent(json, Encoding.UTF8, "application/json"), "request" } };
        if (invoice is not null)
        {
            var file = new ByteArrayContent(invoice);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(file, "invoice", "invoice.pdf");
        }
        return client.PostAsync(Url, form);
    }

    /// <summary>Submits with a fresh invoice file and expects 201 with the claim's Location; the claim read strictly (<see cref="HttpAssertions.Typed"/>).</summary>
    public static async Task<ReimbursementClaimDto> ClaimAsync(HttpClient client, object claim, byte[]? invoice = null)
    {
        var response = await PostAsync(client, claim, invoice ?? Invoice());
        var body = await response.ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.Created);
        Assert.Equal($"{Url}/{body.Id}", response.Headers.Location?.ToString());
        return body;
    }

    public static ClaimLineDto Line(ReimbursementClaimDto claim, int number) => claim.Lines.Single(l => l.LineNumber == number);

    public static IReadOnlyList<string> Codes(ReimbursementClaimDto claim) => claim.Reasons.Select(r => r.Code).ToList();

    public static IReadOnlyList<string> Codes(ClaimLineDto line) => line.Reasons.Select(r => r.Code).ToList();

    public static IReadOnlyList<string> Codes(FeeMemoirLineDto line) => line.Reasons.Select(r => r.Code).ToList();
}
