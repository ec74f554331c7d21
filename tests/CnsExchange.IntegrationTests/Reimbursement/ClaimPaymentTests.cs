using System.Net;
using System.Text;
using System.Xml.Linq;
using System.Xml.Schema;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Application.Features.Reimbursement;
using CnsExchange.Domain.Payments;
using CnsExchange.Domain.Reimbursement;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;
using static CnsExchange.IntegrationTests.Reimbursement.ClaimApi;

namespace CnsExchange.IntegrationTests.Reimbursement;

/// <summary>INS-05 through HTTP: payment runs pay claims to the insured, a pain.001 per competent fund, a statement per claim.</summary>
public sealed class ClaimPaymentTests(ApiFactory api) : ApiTest(api)
{
    private const string CmfepMember = "1978031512369";
    private const string AdultIban = "LU030021000012345678";
    // The IBAN example of the German banking association, valid under ISO 13616 mod 97.
    private const string CmfepMemberIban = "DE89370400440532013000";
    private static readonly XNamespace Pain = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";

    private Task<string> VoucherAsync(string matricule = Adult) =>
        VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ThirdPartyPayment = false, Matricule = matricule });

    private async Task SetAccountAsync(string matricule, string iban, string bic) =>
        await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{matricule}/bank-account", new { iban, bic })).ExpectAsync(HttpStatusCode.OK);

    private static object Claim(string matricule, string voucher, string invoiceNumber, params object[] sessions) => new
    {
        kind = "physiotherapy", matricule, voucherNumber = voucher, providerCode = "PHY0001",
        invoice = new { number = invoiceNumber, date = "2026-11-20", issuer = "PHY0001" }, sessions, statementLanguage = "fr",
    };

    private async Task<ClaimStatementDto> StatementAsync(string claimId, string lang) =>
        await (await Client(InsuredApp).GetAsync($"{Url}/{claimId}/statement?lang={lang}")).ExpectAsync<ClaimStatementDto>(HttpStatusCode.OK);

    private static ReasonDto PaymentReason(ClaimStatementDto statement) => statement.Reasons[^1];

    private static string Message(ClaimStatementLineDto line, string code) => line.Reasons.Single(r => r.Code == code).Message;

    [Fact]
    public async Task Ins05_the_next_run_pays_each_claim_to_the_insured_in_one_pain001_per_fund_with_the_fund_as_debtor_and_a_statement_in_three_languages()
    {
        await SetAccountAsync(Adult, "LU03 0021 0000 1234 5678", "BILLLULL");
        await SetAccountAsync(CmfepMember, CmfepMemberIban, "COBADEFFXXX");
        var cnsClaim = await ClaimAsync(Client(InsuredApp), Claim(Adult, await VoucherAsync(), "PAY-F1",
            Session("2026-11-05"), Session("2026-11-10", 45.00m), Session("2026-10-30")));                         // accepted, reduced, refused
        var cmfepClaim = await ClaimAsync(Client(InsuredApp), Claim(CmfepMember, await VoucherAsync(CmfepMember), "PAY-F2", Session("2026-11-12", 30.00m)));
        var cnsId = cnsClaim.Id.ToString();
        var cmfepId = cmfepClaim.Id.ToString();
        Assert.Equal(("CNS", 51.52m), (cnsClaim.CompetentFund, cnsClaim.ReimbursedTotal));
        Assert.Equal(("CMFEP", 21.00m), (cmfepClaim.CompetentFund, cmfepClaim.ReimbursedTotal));

        // Before the run: scheduled, due 30 days after the claim (2026-11-23).
        var before = await StatementAsync(cnsId, "en");
        Assert.Equal((ClaimPaymentState.Scheduled, new DateOnly(2026, 12, 23)), (before.PaymentState, before.DueDate));
        Assert.Equal("REIMBURSEMENT_SCHEDULED", PaymentReason(before).Code);
        Assert.Contains("2026-12-23", PaymentReason(before).Message);

        // The weekly run of Monday 2026-11-30 (no memoir to pay: the claims alone make it).
        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        var runId = Assert.Single(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs")).Id.ToString();
        var run = await RunAsync(Client(Admin), runId);
        Assert.Equal((PaymentRunStatus.Closed, new DateOnly(2026, 11, 30)), (run.Status, run.ExecutionDate));
        Assert.Null(run.Pain001); // nothing paid to providers
        var funds = run.Reimbursements!;
        Assert.Equal(["CMFEP", "CNS"], funds.Select(f => f.Fund));
        var byRoute = run.ByRouteAndFund!.Select(f => (f.Route, f.CompetentFund, f.Lines, f.PaidLines, f.PaidAmount));
        Assert.Equal([(PaymentRoute.Reimbursement, (string?)"CMFEP", 1, 1, 21.00m), (PaymentRoute.Reimbursement, "CNS", 3, 2, 51.52m)], byRoute);

        var schema = SchemaFrom(await Client(Admin).GetStringAsync("/api/v1/schemas/pain.001.001.09.subset.xsd"));
        foreach (var (fund, debtorIban, claimId, creditorIban, amount) in new[]
                 {
                     ("CMFEP", "LU640019400644751001", cmfepId, CmfepMemberIban, 21.00m),
                     ("CNS", "LU280019400644750000", cnsId, AdultIban, 51.52m),
                 })
        {
            var listed = funds.Single(f => f.Fund == fund);
            Assert.Equal((debtorIban, 1, amount), (listed.DebtorIban, listed.Claims, listed.Amount));
            var transfer = Assert.Single(listed.Transfers);
            Assert.Equal((claimId, creditorIban, amount, Guid.Parse(claimId).ToString("N")),
                (transfer.ClaimId.ToString(), transfer.Iban, transfer.Amount, transfer.EndToEndId));
            Assert.Equal(6, transfer.Statements.Count); // fr, de, en × JSON, HTML

            var response = await Client(Admin).GetAsync(listed.Pain001!.Href);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(listed.Pain001.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
            var xml = XDocument.Load(new MemoryStream(bytes));
            xml.Validate(schema, (_, e) => Assert.Fail($"{fund} pain.001 does not match the XSD: {e.Message}"));
            // The fund initiates and pays: InitgPty and Dbtr are the fund, DbtrAcct its account; one transfer per claim.
            var header = xml.Root!.Element(Pain + "CstmrCdtTrfInitn")!.Element(Pain + "GrpHdr")!;
            var info = xml.Root!.Element(Pain + "CstmrCdtTrfInitn")!.Element(Pain + "PmtInf")!;
            Assert.Equal(($"{run.RunNumber}-{fund}", "1", amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)),
                (header.Element(Pain + "MsgId")!.Value, header.Element(Pain + "NbOfTxs")!.Value, header.Element(Pain + "CtrlSum")!.Value));
            Assert.Equal(header.Element(Pain + "InitgPty")!.Element(Pain + "Nm")!.Value, info.Element(Pain + "Dbtr")!.Element(Pain + "Nm")!.Value);
            Assert.Equal(debtorIban, info.Element(Pain + "DbtrAcct")!.Descendants(Pain + "IBAN").Single().Value);
            Assert.Equal(("TRF", "SEPA", "SLEV", "2026-11-30"), (info.Element(Pain + "PmtMtd")!.Value, info.Descendants(Pain + "SvcLvl").Single().Element(Pain + "Cd")!.Value,
                info.Element(Pain + "ChrgBr")!.Value, info.Element(Pain + "ReqdExctnDt")!.Element(Pain + "Dt")!.Value));
            var tx = Assert.Single(info.Elements(Pain + "CdtTrfTxInf"));
            Assert.Equal((Guid.Parse(claimId).ToString("N"), amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), "EUR", creditorIban),
                (tx.Descendants(Pain + "EndToEndId").Single().Value, tx.Descendants(Pain + "InstdAmt").Single().Value,
                 tx.Descendants(Pain + "InstdAmt").Single().Attribute("Ccy")!.Value, tx.Element(Pain + "CdtrAcct")!.Descendants(Pain + "IBAN").Single().Value));
            Assert.Contains("remboursement facture PAY-F", tx.Descendants(Pain + "Ustrd").Single().Value);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Client(Admin).GetAsync($"/api/v1/payment-runs/{runId}/funds/EMCFL/sepa")).StatusCode);

        // The claims are paid; each line paid once, what it reimburses.
        var paid = await (await Client(InsuredApp).GetAsync($"{Url}/{cnsId}")).ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.OK);
        Assert.Equal((ClaimStatus.Paid, runId, (DateOnly?)new DateOnly(2026, 11, 30)), (paid.Status, paid.Payment!.PaymentRunId.ToString(), paid.Payment.PaidOn));

        // The statement in three languages: what was reimbursed, reduced and refused and why, with the texts of reason-codes.json.
        var texts = new Dictionary<string, (string Transferred, string AboveTariff, string Outside)>
        {
            ["fr"] = ("Remboursement viré sur votre compte", "tarif", "validité"),
            ["de"] = ("Erstattung auf Ihr Konto überwiesen", "Tarif", "Gültigkeit"),
            ["en"] = ("Reimbursement transferred to your account", "tariff", "validity"),
        };
        foreach (var (lang, (transferred, aboveTariff, outside)) in texts)
        {
            var statement = await StatementAsync(cnsId, lang);
            Assert.Equal((ClaimPaymentState.Paid, lang, "CNS"), (statement.PaymentState, statement.Language, statement.Fund!.Code));
            Assert.Equal((118.60m, 51.52m, 67.08m), (statement.Totals.AmountPaid, statement.Totals.Reimbursed, statement.Totals.NotReimbursed));
            var lines = statement.Lines;
            Assert.Equal([ClaimLineOutcome.Accepted, ClaimLineOutcome.Reduced, ClaimLineOutcome.Refused], lines.Select(l => l.Outcome));
            Assert.Contains(aboveTariff, Message(lines[1], "AMOUNT_ABOVE_TARIFF"), StringComparison.OrdinalIgnoreCase);
            Assert.Contains(outside, Message(lines[2], "SESSION_OUTSIDE_VALIDITY"), StringComparison.OrdinalIgnoreCase);
            var reason = PaymentReason(statement);
            Assert.Equal("REIMBURSEMENT_TRANSFERRED", reason.Code);
            Assert.StartsWith(transferred, reason.Message);
            Assert.Contains("51.52 € → LU03…5678, 2026-11-30", reason.Message);
            Assert.Equal(("LU03…5678", 51.52m), (statement.Payment!.Iban, statement.Payment.Amount));
        }

        // The insured channel reads the very bytes the run stored (hash listed in the run), JSON and printable HTML.
        var listedStatements = funds.Single(f => f.Fund == "CNS").Transfers[0].Statements;
        var html = await Client(InsuredApp, "de").GetAsync($"{Url}/{cnsId}/statement?format=html");
        var page = await html.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", html.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("Erstattungsabrechnung", page);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        var deHtml = listedStatements.Single(s => s.Language == "de" && s.Format == "html");
        Assert.Equal(deHtml.Sha256, html.Headers.GetValues("X-Content-SHA256").Single());
        var accept = new HttpRequestMessage(HttpMethod.Get, $"{Url}/{cnsId}/statement");
        accept.Headers.Accept.ParseAdd("text/html");
        accept.Headers.AcceptLanguage.ParseAdd("fr");
        var viaAccept = await Client(InsuredApp).SendAsync(accept);
        Assert.Contains("Décompte de remboursement", WebUtility.HtmlDecode(await viaAccept.Content.ReadAsStringAsync()));

        // Paid once: a later run pays nothing more, and the database refuses a second transfer or a changed payment.
        await SetClockAsync(Client(Admin), Local("2026-12-07", 3));
        Assert.Equal(2, await Api.CountAsync("claim_payment_orders"));
        var twice = await TrySqlAsync(Api, "INSERT INTO cns.claim_payment_orders (id, run_id, claim_id, fund, insured_id, creditor_name, iban, bic, amount, line_count, end_to_end_id, remittance_text, created_at, sandbox_id) " +
            "SELECT gen_random_uuid(), run_id, claim_id, fund, insured_id, creditor_name, iban, bic, amount, line_count, 'X' || end_to_end_id, remittance_text, created_at, sandbox_id FROM cns.claim_payment_orders LIMIT 1");
        Assert.Equal("23505", twice?.SqlState);
        var changed = await TrySqlAsync(Api, "UPDATE cns.reimbursement_claim_lines SET paid_amount = paid_amount + 1 WHERE paid_amount > 0");
        Assert.Equal("23001", changed?.SqlState);

        var check = await (await Client(Admin).GetAsync($"/api/v1/payment-runs/{runId}/verification")).ExpectAsync<PaymentRunVerificationDto>(HttpStatusCode.OK);
        Assert.True(check.Identical);
        Assert.Equal(2 + 2 * 6, check.ReimbursementFiles!.Count);
    }

    [Fact]
    public async Task Ins05_without_a_bank_account_the_claim_waits_with_its_reason_and_the_first_run_after_the_account_is_set_pays_it()
    {
        var claim = await ClaimAsync(Client(InsuredApp), Claim(Adult, await VoucherAsync(), "NOACC-1", Session("2026-11-05")));
        var id = claim.Id.ToString();
        foreach (var (lang, start) in new[] { ("en", "No bank account is known for you"), ("fr", "Aucun compte bancaire"), ("de", "Für Sie ist kein Bankkonto bekannt") })
        {
            var statement = await StatementAsync(id, lang);
            Assert.Equal(ClaimPaymentState.WaitingForBankAccount, statement.PaymentState);
            var reason = PaymentReason(statement);
            Assert.Equal(("BANK_ACCOUNT_MISSING", "pending", "INS-05"), (reason.Code, reason.Severity, reason.Rule));
            Assert.StartsWith(start, reason.Message);
        }

        // The weekly run has nothing it may pay: no run, the claim still waits.
        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        Assert.Empty(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs"));
        Assert.Equal(ClaimStatus.Adjudicated, (await (await Client(InsuredApp).GetAsync($"{Url}/{id}")).ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.OK)).Status);

        // The account is set after the due date (2026-12-23): the next working day's run pays it (an extra run: it is overdue).
        await SetClockAsync(Client(Admin), Local("2026-12-28", 10));
        Assert.Empty(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs"));
        await SetAccountAsync(Adult, AdultIban, "BILLLULL");
        Assert.Equal(ClaimPaymentState.Scheduled, (await StatementAsync(id, "en")).PaymentState);
        await SetClockAsync(Client(Admin), Local("2026-12-29", 3));
        var run = Assert.Single(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs"));
        Assert.Equal((PaymentRunTrigger.Extra, new DateOnly(2026, 12, 29)), (run.Trigger, run.ExecutionDate));
        var statement2 = await StatementAsync(id, "en");
        Assert.Equal((ClaimPaymentState.Paid, run.Id), (statement2.PaymentState, statement2.Payment!.RunId));
    }

    [Fact]
    public async Task Ins05_a_claim_is_paid_by_the_first_run_once_its_account_is_known_and_on_time_within_30_days()
    {
        await SetAccountAsync(Adult, AdultIban, "BILLLULL");
        var claim = await ClaimAsync(Client(InsuredApp), Claim(Adult, await VoucherAsync(), "ONTIME-1", Session("2026-11-05")));
        var id = claim.Id.ToString();
        // A refused claim (no invoice) and a claim with every line refused are never paid.
        var refused = await (await PostAsync(Client(InsuredApp), Claim(Adult, await VoucherAsync(), "ONTIME-2", Session("2026-11-06")), invoice: null)).ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.Created);
        var nothing = await ClaimAsync(Client(InsuredApp), Claim(Adult, await VoucherAsync(), "ONTIME-3", Session("2026-10-30")));
        Assert.Equal(ClaimPaymentState.Refused, (await StatementAsync(refused.Id.ToString(), "en")).PaymentState);
        var none = await StatementAsync(nothing.Id.ToString(), "en");
        Assert.Equal((ClaimPaymentState.NothingToPay, "NOTHING_REIMBURSED"), (none.PaymentState, PaymentReason(none).Code));

        await SetClockAsync(Client(Admin), Local("2026-12-24", 3));
        var run = Assert.Single(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs"));
        Assert.Equal(new DateOnly(2026, 11, 30), run.ExecutionDate); // within 30 days of 2026-11-23
        var paid = await (await Client(InsuredApp).GetAsync($"{Url}/{id}")).ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.OK);
        Assert.Equal(ClaimStatus.Paid, paid.Status);
        Assert.Equal(1, await Api.CountAsync("claim_payment_orders"));
        Assert.Equal(ClaimStatus.Refused, (await (await Client(InsuredApp).GetAsync($"{Url}/{refused.Id}")).ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.OK)).Status);

        // Only the insured channel that submitted it (or staff) reads a statement; bad lang or format is 400.
        Assert.Equal(HttpStatusCode.OK, (await Client(Reviewer).GetAsync($"{Url}/{id}/statement")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(Physio1).GetAsync($"{Url}/{id}/statement")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client(InsuredApp).GetAsync($"{Url}/{Guid.NewGuid()}/statement")).StatusCode);
        await (await Client(InsuredApp).GetAsync($"{Url}/{id}/statement?lang=it")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await Client(InsuredApp).GetAsync($"{Url}/{id}/statement?format=pdf")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}
