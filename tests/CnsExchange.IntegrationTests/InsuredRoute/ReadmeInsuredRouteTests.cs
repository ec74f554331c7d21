using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CnsExchange.Application.Features.Admin;
using CnsExchange.Application.Features.Reimbursement;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.InsuredRoute;

/// <summary>The README's "The insured's route" curl steps, sent as written (the sandbox's today is 2026-11-23).</summary>
public sealed class ReadmeInsuredRouteTests(ApiFactory api) : ApiTest(api)
{
    private const string InsuredApp = "sandbox-insured-app";

    private static MultipartFormDataContent Form(string json, string filePart, string fileName) => new()
    {
        { new StringContent(json, Encoding.UTF8, "application/json"), "request" },
        { new ByteArrayContent(Encoding.ASCII.GetBytes($"%PDF-1.4\n% {fileName}\n%%EOF\n")) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } }, filePart, fileName },
    };

    [Fact]
    public async Task Ins02_the_readme_steps_validate_give_a_fee_note_claim_and_read_the_statement()
    {
        var today = (await (await Client(Physio1).GetAsync("/api/v1/clock")).ExpectAsync<ClockDto>(HttpStatusCode.OK)).LocalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal("2026-11-23", today);
        var decision = await (await Client(InsuredApp).PostAsync("/api/v1/validation-requests", Form(
            """{"matricule":"1983081246785","providerCode":"PHY0001","doctor":{"code":"90000001"},"prescriptionDate":"2026-11-20","prescriptionLanguage":"fr","category":"common","actCode":"ZK11","sessions":6,"homeVisitMedicallyNecessary":false,"careCountry":"LU"}""",
            "scan", "rx.pdf"))).ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created);
        var voucher = decision.Voucher!.Number;

        var note = await (await Client(Physio1).GetAsync($"/api/v1/vouchers/{voucher}/fee-note?sessions={today}")).ExpectAsync<FeeNoteDto>(HttpStatusCode.OK);
        Assert.Equal(25.76m, note.Totals.CnsShare);

        var claim = await (await Client(InsuredApp).PostAsync("/api/v1/reimbursement-claims", Form(
            $$"""{"kind":"physiotherapy","matricule":"1983081246785","voucherNumber":"{{voucher}}","providerCode":"PHY0001","invoice":{"number":"F-{{today}}-1","date":"{{today}}","issuer":"PHY0001"},"sessions":[{"date":"{{today}}","actCode":"ZK11","amountPaid":36.80}],"statementLanguage":"fr"}""",
            "invoice", "invoice.pdf"))).ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.Created);
        var read = await (await Client(InsuredApp, "de").GetAsync($"/api/v1/reimbursement-claims/{claim.Id}")).ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.OK);
        Assert.Equal(claim.Id, read.Id);
        Assert.Equal(25.76m, read.ReimbursedTotal);
    }
}
