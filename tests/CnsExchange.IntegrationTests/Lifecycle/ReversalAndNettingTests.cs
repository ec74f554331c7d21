using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Lifecycle;
using CnsExchange.Application.Features.PaymentRuns;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using CnsExchange.Infrastructure.Payments.Files;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.Lifecycle.LifecycleApi;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.Lifecycle;

/// <summary>LIF-04: reversals and recoveries of paid lines; LIF-05: payment runs net them, carry the rest forward and report them.</summary>
public sealed class ReversalAndNettingTests(ApiFactory api) : ApiTest(api)
{
    private static readonly XNamespace Rf = PaymentFileSchemas.ReturnFileNamespace;

    /// <summary>PHY0001 paid 4 × 25.76 by the run of 30 November; PHY0002 paid 1 line.</summary>
    private async Task<(string Voucher, string MemoirId, string RunId)> PaidMemoirAsync()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var memoir = await SubmitAsync(Client(Physio1), Memoir("F-1",
            Line(voucher, "2026-11-16"), Line(voucher, "2026-11-17"), Line(voucher, "2026-11-18"), Line(voucher, "2026-11-19")));
        var other = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ProviderCode = "PHY0002", Matricule = "2012051469331", RatePercent = 100m });
        await SubmitAsync(Client(Physio2), Memoir("G-1", Line(other, "2026-11-16", matricule: "2012051469331")));
        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        var run = Assert.Single(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs"));
        return (voucher, memoir.Id.ToString(), run.Id.ToString());
    }

    [Fact]
    public async Task Lif04_a_provider_reverses_a_paid_line_its_amount_becomes_a_debt_and_the_session_goes_back()
    {
        var (voucher, memoirId, runId) = await PaidMemoirAsync();
        Assert.Equal(4, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        var response = await ReverseAsync(Client(Physio1), memoirId, 2, key: "rev-1");
        var answer = await response.ExpectAsync(HttpStatusCode.Created); // kept as sent: the replay below is compared to the byte
        var debt = HttpAssertions.Read<ProviderDebtDto>(answer.ToJsonString());
        Assert.Equal(DebtKind.Reversal, debt.Kind);
        Assert.Equal("LINE_REVERSED", debt.EntryCode);
        Assert.Equal(25.76m, debt.Amount);
        Assert.Equal(runId, debt.OriginalPaymentRunId.ToString());
        Assert.Null(debt.NettedInPaymentRunId);
        Assert.Equal(3, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        var line = LineOf(await GetAsync<FeeMemoirDto>(Client(Physio1), $"/api/v1/fee-memoirs/{memoirId}"), 2);
        Assert.NotNull(line.ReleasedAt);
        Assert.Equal(25.76m, line.Payment!.PaidAmount); // the payment made stays as it was (PAY-06)

        // Twice: the same debt; with the key: the same answer; the session is given back once.
        Assert.Equal(answer.ToJsonString(), (await (await ReverseAsync(Client(Physio1), memoirId, 2, key: "rev-1")).ExpectAsync(HttpStatusCode.Created)).ToJsonString());
        Assert.Equal(debt.Id, (await (await ReverseAsync(Client(Physio1), memoirId, 2)).ExpectAsync<ProviderDebtDto>(HttpStatusCode.Created)).Id);
        Assert.Equal(3, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        // A recovery of a line already reversed is a conflict; another provider sees nothing.
        await (await RecoverAsync(Client(Reviewer), memoirId, 2)).ExpectProblemAsync(HttpStatusCode.Conflict, "line_already_taken_back");
        await (await ReverseAsync(Client(Physio2), memoirId, 1)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        // The released session can be billed again (BIL-06/08).
        var rebilled = await SubmitAsync(Client(Physio1), Memoir("F-2", Line(voucher, "2026-11-17")));
        Assert.Equal(LineOutcome.Accepted, LineOf(rebilled, 1).Outcome);
    }

    [Fact]
    public async Task Lif04_a_line_not_paid_cannot_be_reversed_and_recoveries_are_for_cns_staff_with_a_recovery_code()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var memoir = await SubmitAsync(Client(Physio1), Memoir("F-1", Line(voucher, "2026-11-16"), Line(voucher, "2026-11-17", act: "ZKX9", claimed: 20m)));
        var id = memoir.Id.ToString();
        await (await ReverseAsync(Client(Physio1), id, 1)).ExpectProblemAsync(HttpStatusCode.Conflict, "line_not_paid");
        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        await (await ReverseAsync(Client(Physio1), id, 2)).ExpectProblemAsync(HttpStatusCode.Conflict, "line_not_paid"); // refused: nothing paid
        await (await ReverseAsync(Client(Physio1), id, 9)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal(HttpStatusCode.Forbidden, (await RecoverAsync(Client(Physio1), id, 1)).StatusCode);
        await (await RecoverAsync(Client(Reviewer), id, 1, code: "NOT_A_CODE")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var debt = await (await RecoverAsync(Client(Reviewer), id, 1, code: "DOUBLE_FINANCING")).ExpectAsync<ProviderDebtDto>(HttpStatusCode.Created);
        Assert.Equal((DebtKind.Recovery, "LINE_RECOVERED", "DOUBLE_FINANCING"), (debt.Kind, debt.EntryCode, debt.Code));
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task Lif05_runs_net_debts_against_new_amounts_carry_the_rest_forward_and_report_every_entry_in_json_xml_and_csv()
    {
        var (voucher, memoirId, firstRun) = await PaidMemoirAsync();
        // 3 reversals and 1 recovery: 103.04 owed back.
        foreach (var n in new[] { 1, 2, 3 }) await (await ReverseAsync(Client(Physio1), memoirId, n)).ExpectAsync(HttpStatusCode.Created);
        await (await RecoverAsync(Client(Reviewer), memoirId, 4, code: "CURE_INTERRUPTED", note: "Stopped without reason.")).ExpectAsync(HttpStatusCode.Created);
        await SubmitAsync(Client(Physio1), Memoir("F-2", Line(voucher, "2026-11-30"))); // 25.76 new

        // Run 2: 25.76 against 103.04 owed: no transfer, 77.28 carried forward.
        await SetClockAsync(Client(Admin), Local("2026-12-07", 3));
        var second = (await AllAsync<PaymentRunSummaryDto>(Client(Physio1), "/api/v1/payment-runs")).First();
        Assert.NotEqual(firstRun, second.Id.ToString());
        Assert.Null(second.Order); // never a negative (or zero) transfer
        var run2 = await RunAsync(Client(Admin), second.Id);
        Assert.DoesNotContain(run2.Orders, o => o.ProviderCode == "PHY0001");
        var sepa = await Client(Admin).GetAsync($"/api/v1/payment-runs/{second.Id}/sepa");
        Assert.Equal(HttpStatusCode.NotFound, sepa.StatusCode); // nothing at all to transfer in this run

        var json = await (await ReturnFileAsync(second.ReturnFileId!.Value, "application/json")).ReadJsonAsync();
        var debts = json["debts"]!.AsArray();
        Assert.Equal(4, debts.Count);
        Assert.Equal(3, debts.Count(d => d!["entry"]!.GetValue<string>() == "LINE_REVERSED"));
        var recovered = debts.Single(d => d!["entry"]!.GetValue<string>() == "LINE_RECOVERED")!;
        Assert.Equal(("CURE_INTERRUPTED", 4, 25.76m), (recovered["code"]!.GetValue<string>(), recovered["lineNumber"]!.GetValue<int>(), recovered["amount"]!.GetValue<decimal>()));
        var firstNumber = (await RunAsync(Client(Admin), firstRun)).RunNumber;
        Assert.Equal(firstNumber, recovered["originalRunNumber"]!.GetValue<string>());
        AssertBalance(json["balance"]!, 0m, 103.04m, 25.76m, 0m, 77.28m);

        var xml = await (await ReturnFileAsync(second.ReturnFileId!.Value, "application/xml")).Content.ReadAsByteArrayAsync();
        Assert.Empty(PaymentFileSchemas.Validate(xml, SchemaFrom(await Client(Physio1).GetStringAsync("/api/v1/schemas/return-file.xsd"))));
        var doc = XDocument.Load(new MemoryStream(xml));
        Assert.Equal(4, doc.Root!.Element(Rf + "Debts")!.Elements(Rf + "Debt").Count());
        Assert.Equal("77.28", doc.Root.Element(Rf + "Balance")!.Element(Rf + "CarriedForward")!.Value);
        Assert.Equal(firstNumber, doc.Root.Element(Rf + "Debts")!.Elements(Rf + "Debt").First().Element(Rf + "OriginalRunNumber")!.Value);

        var csv = ReturnFileCsv.Read(await (await ReturnFileAsync(second.ReturnFileId!.Value, "text/csv")).Content.ReadAsByteArrayAsync());
        Assert.Equal(4, csv.Count(r => r.RecordType == ReturnFileCsv.DebtRecord));
        Assert.Contains(csv, r => r.RecordType == ReturnFileCsv.DebtRecord && r.Outcome == "LINE_RECOVERED" && r.ReasonCodes == "CURE_INTERRUPTED" && r.PaidAmount == 25.76m);
        var balance = csv.Where(r => r.RecordType == ReturnFileCsv.BalanceRecord).ToDictionary(r => r.Outcome, r => r.PaidAmount);
        Assert.Equal(new Dictionary<string, decimal> { ["brought_forward"] = 0m, ["debts"] = 103.04m, ["accepted"] = 25.76m, ["transfer"] = 0m, ["carried_forward"] = 77.28m },
            balance);

        // Run 3: 103.04 new against 77.28 brought forward: a transfer of 25.76, nothing carried.
        await SubmitAsync(Client(Physio1), Memoir("F-3", Line(voucher, "2026-12-01"), Line(voucher, "2026-12-02"), Line(voucher, "2026-12-03"), Line(voucher, "2026-12-04")));
        await SetClockAsync(Client(Admin), Local("2026-12-14", 3));
        var third = (await AllAsync<PaymentRunSummaryDto>(Client(Physio1), "/api/v1/payment-runs")).First();
        Assert.Equal(25.76m, third.Order!.Amount);
        var json3 = await (await ReturnFileAsync(third.ReturnFileId!.Value, "application/json")).ReadJsonAsync();
        Assert.Null(json3["debts"]); // the debts were listed once, by the run that netted them
        AssertBalance(json3["balance"]!, 77.28m, 0m, 103.04m, 25.76m, 0m);
        var pain = XDocument.Parse(await Client(Admin).GetStringAsync($"/api/v1/payment-runs/{third.Id}/sepa"));
        Assert.Contains(pain.Descendants().Where(e => e.Name.LocalName == "InstdAmt"), e => e.Value == "25.76");

        // Every file of the three runs rebuilds to the same bytes (PAY-06 with netting).
        foreach (var run in await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs"))
            Assert.True((await GetAsync<PaymentRunVerificationDto>(Client(Admin), $"/api/v1/payment-runs/{run.Id}/verification")).Identical);
        // PHY0002 was never netted: its files have no debts and no balance.
        var otherFile = (await AllAsync<ReturnFileDto>(Client(Physio2), "/api/v1/return-files")).First();
        var otherJson = await (await ReturnFileAsync(otherFile.Id, "application/json", Physio2)).ReadJsonAsync();
        Assert.Null(otherJson["balance"]);
    }

    private static void AssertBalance(JsonNode balance, decimal brought, decimal debts, decimal accepted, decimal transfer, decimal carried) =>
        Assert.Equal((brought, debts, accepted, transfer, carried),
            (balance["broughtForward"]!.GetValue<decimal>(), balance["debts"]!.GetValue<decimal>(), balance["accepted"]!.GetValue<decimal>(),
             balance["transferAmount"]!.GetValue<decimal>(), balance["carriedForward"]!.GetValue<decimal>()));

    private async Task<HttpResponseMessage> ReturnFileAsync(Guid id, string accept, string key = Physio1)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/return-files/{id}");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await Client(key).SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }
}
