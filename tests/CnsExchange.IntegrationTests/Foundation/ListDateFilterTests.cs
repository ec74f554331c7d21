using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>API.md: "Lists are paged (`?cursor=&amp;limit=`), newest first, filterable by status and dates."</summary>
public sealed class ListDateFilterTests(ApiFactory api) : ApiTest(api)
{
    public static TheoryData<string, string> Lists => new()
    {
        { Admin, "/api/v1/payment-runs" },
        { Admin, "/api/v1/return-files" },
        { Admin, "/api/v1/billing-files" },
        { Admin, "/api/v1/review/contestations" },
        { Admin, "/api/v1/reimbursement-claims" },
        { Admin, "/api/v1/fee-memoirs" },
        { Admin, "/api/v1/vouchers" },
        { Physio1, "/api/v1/validation-requests" },
        { Thermal1, "/api/v1/cure-authorisations" },
        { Rehab1, "/api/v1/rehabilitation-authorisations" },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task Every_dated_list_takes_from_and_to_and_refuses_to_before_from(string key, string url)
    {
        await (await Client(key).GetAsync($"{url}?from=2026-11-01&to=2026-11-30")).ExpectAsync(HttpStatusCode.OK);
        var problem = await (await Client(key).GetAsync($"{url}?from=2026-11-24&to=2026-11-23")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("'to' must not be before 'from'.", (string?)problem["errors"]?["to"]?[0]);
        await (await Client(key).GetAsync($"{url}?from=23.11.2026")).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_request");
    }

    [Fact]
    public async Task Hospital_stays_refuse_admitted_to_before_admitted_from() =>
        await (await Client(Admin).GetAsync("/api/v1/hospital-stays?admittedFrom=2026-11-24&admittedTo=2026-11-23"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

    [Fact]
    public async Task Payment_runs_and_return_files_filter_by_execution_date_and_runs_by_status()
    {
        var run = await AClosedRunAsync(Api);
        var day = run.ExecutionDate.ToString("yyyy-MM-dd");
        var after = run.ExecutionDate.AddDays(1).ToString("yyyy-MM-dd");
        var before = run.ExecutionDate.AddDays(-1).ToString("yyyy-MM-dd");
        var admin = Client(Admin);

        Assert.Equal([run.Id], (await AllAsync<PaymentRunSummaryDto>(admin, $"/api/v1/payment-runs?from={day}&to={day}")).Select(r => r.Id));
        Assert.Empty(await AllAsync<PaymentRunSummaryDto>(admin, $"/api/v1/payment-runs?from={after}"));
        Assert.Empty(await AllAsync<PaymentRunSummaryDto>(admin, $"/api/v1/payment-runs?to={before}"));
        Assert.Equal([run.Id], (await AllAsync<PaymentRunSummaryDto>(admin, "/api/v1/payment-runs?status=closed")).Select(r => r.Id));
        Assert.Empty(await AllAsync<PaymentRunSummaryDto>(admin, "/api/v1/payment-runs?status=lines_claimed"));
        Assert.Equal([run.Id], (await AllAsync<PaymentRunSummaryDto>(Client(Physio1), $"/api/v1/payment-runs?from={day}")).Select(r => r.Id));
        Assert.Empty(await AllAsync<PaymentRunSummaryDto>(Client(Physio1), $"/api/v1/payment-runs?from={after}"));
        await (await admin.GetAsync("/api/v1/payment-runs?status=paid")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        Assert.Equal(3, (await AllAsync<ReturnFileDto>(admin, $"/api/v1/return-files?from={day}&to={day}")).Count);
        Assert.Empty(await AllAsync<ReturnFileDto>(admin, $"/api/v1/return-files?to={before}"));
        Assert.Equal(["PHY0001"], (await AllAsync<ReturnFileDto>(Client(Physio1), $"/api/v1/return-files?from={day}")).Select(f => f.ProviderCode));
    }

    /// <summary>A billing file's receipt date is its Luxembourg date: a file received at 23:30 on the 23rd is in <c>to=2026-11-23</c>, one at 00:30 on the 24th is not.</summary>
    [Fact]
    public async Task Billing_files_filter_by_the_luxembourg_date_they_were_received()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        string Csv(string reference) => $"""
            memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount
            {reference},{voucher},{Adult},2026-11-10,ZK11,false,36.80

            """;
        var admin = Client(Admin);
        await SetClockAsync(admin, Local("2026-11-23", 23, 30));
        var late = await UploadAsync(Client(Physio1), Csv("LATE-23"), "text/csv");
        await SetClockAsync(admin, Local("2026-11-24", 0, 30));
        var early = await UploadAsync(Client(Physio1), Csv("EARLY-24"), "text/csv");

        Assert.Equal([late.Id], (await AllAsync<BillingFileDto>(Client(Physio1), "/api/v1/billing-files?to=2026-11-23")).Select(f => f.Id));
        Assert.Equal([early.Id], (await AllAsync<BillingFileDto>(Client(Physio1), "/api/v1/billing-files?from=2026-11-24")).Select(f => f.Id));
        Assert.Equal([early.Id, late.Id], (await AllAsync<BillingFileDto>(Client(Physio1), "/api/v1/billing-files?from=2026-11-23&to=2026-11-24")).Select(f => f.Id));
    }

    /// <summary>
    /// Audit s66: GET /reimbursement-claims?status=pending was 400 — the enum was bound by its C# name, not the wire value
    /// the document lists. Every list's status filter takes every value its OpenAPI enum declares.
    /// </summary>
    [Fact]
    public async Task Every_status_filter_takes_every_value_the_openapi_document_declares()
    {
        var document = await (await Client(null).GetAsync("/swagger/v1/swagger.json")).ExpectAsync(HttpStatusCode.OK);
        var keys = new Dictionary<string, string>
        {
            ["listValidationRequests"] = Physio1, ["listCureAuthorisations"] = Thermal1, ["listRehabilitationAuthorisations"] = Rehab1,
            ["listWebhookDeliveries"] = Physio1,
        };
        // The delivery log of an endpoint of physio-1 (nothing is delivered to it here).
        var endpoint = await (await Client(Physio1).PostJsonAsync("/api/v1/webhook-endpoints", new { url = "http://127.0.0.1:9/hook", types = Array.Empty<string>() }))
            .ExpectAsync<CnsExchange.Application.Features.Webhooks.CreatedWebhookEndpointDto>(HttpStatusCode.Created);
        var tried = new List<string>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            var path = template.Replace("{id}", endpoint.Endpoint.Id.ToString());
            if (item!["get"] is not { } get) continue;
            var status = get["parameters"]?.AsArray().FirstOrDefault(p => (string?)p!["name"] == "status" && (string?)p["in"] == "query");
            if (status?["schema"]?["enum"] is not { } values) continue;
            var operation = (string)get["operationId"]!;
            foreach (var value in values.AsArray().Select(v => (string)v!))
            {
                await (await Client(keys.GetValueOrDefault(operation, Admin)).GetAsync($"{path}?status={value}")).ExpectAsync(HttpStatusCode.OK);
                tried.Add($"{operation}:{value}");
            }
            await (await Client(keys.GetValueOrDefault(operation, Admin)).GetAsync($"{path}?status=no_such_status")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        }
        Assert.Contains("listReimbursementClaims:pending", tried);
        Assert.Contains("listPaymentRuns:lines_claimed", tried);
        Assert.Contains("listWebhookDeliveries:failed", tried);
    }
}
