using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Requests;
using System.Net;
using CnsExchange.Application.Features.Admin;
using CnsExchange.Application.Features.DependencyInsurance;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;

namespace CnsExchange.IntegrationTests.DependencyInsurance;

public sealed class DoubleFinancingTests(ApiFactory api) : ApiTest(api)
{
    private const string Plan = ValidationTestSupport.DependencyPlan; // care delivered on Mondays and Thursdays

    private async Task<DoubleFinancingReport> ReportAsync(string key, string query) =>
        await (await Client(key).GetAsync($"/api/v1/reports/double-financing?{query}")).ExpectAsync<DoubleFinancingReport>(HttpStatusCode.OK);

    [Fact]
    public async Task Feed_replaces_care_plans_and_rejects_unknown_or_malformed_matricules()
    {
        var loaded = await (await Client(Admin).PostJsonAsync("/api/v1/admin/dependency-insurance/care-plans", new
        {
            entries = new[]
            {
                new { matricule = ValidationTestSupport.Adult, carePlans = new[] { new { from = "2026-11-01", to = (string?)null, includesPhysiotherapy = true, physioDeliveredOn = new[] { "2026-11-24", "2026-11-24", "2026-11-25" } } } },
            },
        })).ExpectAsync<CarePlanFeedResult>(HttpStatusCode.OK);
        Assert.Equal(1, loaded.CarePlans);
        Assert.Equal(2, loaded.DeliveredDays);
        var insured = await (await Client(Admin).GetAsync($"/api/v1/admin/insured/{ValidationTestSupport.Adult}")).ExpectAsync<InsuredDto>(HttpStatusCode.OK);
        Assert.Single(insured.CarePlans);

        var unknown = await Client(Admin).PostJsonAsync("/api/v1/admin/dependency-insurance/care-plans", new
        {
            entries = new[] { new { matricule = "1990010112385", carePlans = Array.Empty<object>() } },
        });
        await unknown.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "insured_unknown");

        var malformed = await Client(Admin).PostJsonAsync("/api/v1/admin/dependency-insurance/care-plans", new
        {
            entries = new[] { new { matricule = "123", carePlans = Array.Empty<object>() } },
        });
        await malformed.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var forbidden = await Client(Physio1).PostJsonAsync("/api/v1/admin/dependency-insurance/care-plans", new { entries = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Report_lists_review_requests_same_day_refusals_and_sessions_paid_during_a_care_plan_per_provider_and_month()
    {
        // VAL-15: a prescription for an insured in a care plan with physiotherapy goes to review.
        var pending = await Client(Physio1).DecideAsync(ValidationTestSupport.Rx(Plan));
        Assert.Equal(RequestStatus.Pending, pending.Status);
        Assert.Contains("DEPENDENCY_INSURANCE_OVERLAP", pending.Codes());

        // BIL-13: a session on a Monday the dependency insurance already financed is refused; a Tuesday one is paid.
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Matricule = Plan, PrescriptionDate = new DateOnly(2026, 11, 2), IssuedOn = new DateOnly(2026, 11, 3) });
        var memoir = await BillingApi.SubmitAsync(Client(Physio1), BillingApi.Memoir("DF-1",
            BillingApi.Line(voucher, "2026-11-16", matricule: Plan),
            BillingApi.Line(voucher, "2026-11-17", matricule: Plan)));
        Assert.Contains("DOUBLE_FINANCING", BillingApi.Codes(BillingApi.LineOf(memoir, 1)));
        Assert.Equal(LineOutcome.Accepted, BillingApi.LineOf(memoir, 2).Outcome);

        var report = await ReportAsync(Reviewer, "from=2026-11-01&to=2026-11-30");
        var row = report.Rows.Single();
        Assert.Equal("PHY0001", row.ProviderCode);
        Assert.Equal("2026-11", row.Month);
        Assert.Equal(1, row.RequestsSentToReview);
        Assert.Equal(1, row.SessionsRefusedSameDay);
        Assert.Equal(36.80m, row.AmountRefusedSameDay);
        Assert.Equal(1, row.SessionsPaidDuringCarePlan);
        Assert.Equal(25.76m, row.AmountPaidDuringCarePlan);
        Assert.Equal(1, row.InsuredPersons);

        // The reviewer's decision replaces the request's reasons; the request still counts (from its history).
        var id = pending.Id;
        await Client(Reviewer).ReviewAsync(id, new { decision = "agree", note = "Plan covers other days" });
        var afterDecision = await ReportAsync(Reviewer, "from=2026-11-01&to=2026-11-30");
        Assert.Equal(1, afterDecision.Rows.Single().RequestsSentToReview);

        var empty = await ReportAsync(Admin, "from=2026-10-01&to=2026-10-31");
        Assert.Empty(empty.Rows);
        var providerCannot = await Client(Physio1).GetAsync("/api/v1/reports/double-financing");
        Assert.Equal(HttpStatusCode.Forbidden, providerCannot.StatusCode);
        var badPeriod = await Client(Admin).GetAsync("/api/v1/reports/double-financing?from=2026-12-01&to=2026-11-01");
        await badPeriod.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}
