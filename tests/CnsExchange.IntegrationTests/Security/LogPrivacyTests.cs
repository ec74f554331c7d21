using CnsExchange.Application.Features.Admin;
using System.Net;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Xunit.Abstractions;

namespace CnsExchange.IntegrationTests.Security;

/// <summary>Logs carry ids, never a matricule or a name (STYLE.md), including when things go wrong.</summary>
public sealed class LogPrivacyTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    [Fact]
    [Trait("Category", "Reliability")]
    public async Task No_matricule_or_name_of_an_insured_person_appears_in_the_logs()
    {
        Api.Logs.Lines.Clear();
        var insured = await PaymentRuns.PaymentRunApi.AllAsync<InsuredDto>(Client(Admin), "/api/v1/admin/insured");
        var secrets = insured.SelectMany(i => new[] { i.Matricule, i.FirstName, i.LastName }).Distinct().ToList();

        // A day of exchange with every identity: decisions of every kind, review, billing, duplicates and bad input.
        foreach (var matricule in insured.Select(i => i.Matricule))
            await Client(Physio1).SubmitAsync(ValidationTestSupport.Rx(matricule));
        var agreed = await Client(Physio1).DecideAsync(ValidationTestSupport.Rx() with { Sessions = 4, PrescriptionDate = new DateOnly(2026, 11, 19) });
        await Client(Physio1).SubmitAsync(ValidationTestSupport.Rx() with { Sessions = 4, PrescriptionDate = new DateOnly(2026, 11, 19) });
        await Client(Physio1).SubmitRawAsync("{\"matricule\": \"1983081246785\", \"sessions\": \"x\"}", ValidationTestSupport.Pdf());
        var voucher = agreed.Voucher!.Number;
        await BillingApi.SubmitAsync(Client(Physio1), BillingApi.Memoir("PRIV-1", BillingApi.Line(voucher, "2026-11-20"), BillingApi.Line(voucher, "2026-11-20")));
        await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", BillingApi.Memoir("PRIV-1", BillingApi.Line(voucher, "2026-11-21")));
        await Client(Admin).PutJsonAsync("/api/v1/admin/insured/1983081246785", new { firstName = "Marie" });
        await Client(Hospital1).PostJsonAsync("/api/v1/hospital-stays", new { matricule = "1983081246785", admissionDate = "2026-11-10", dischargeDate = "2026-11-12", kind = "stationary" });
        foreach (var matricule in insured.Select(i => i.Matricule))
        {
            await CareAuthorisations.CareTestSupport.PostCureAsync(Client(Thermal1), CareAuthorisations.CareTestSupport.Cure("T200", matricule));
            await CareAuthorisations.CareTestSupport.PostRehabAsync(Client(Rehab1), CareAuthorisations.CareTestSupport.Rehab("CNRFR", matricule));
        }

        var lines = Api.Logs.Lines.ToArray();
        var leaks = Leaks(lines, secrets);
        Reliability.ReliabilityFigures.Report(output, ("log lines checked", lines.Length), ("personal data in logs", leaks.Count));
        Assert.True(lines.Length > 10, "the workflow should have logged something");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Take(5)));
    }

    /// <summary>The log lines that carry one of the secrets (a matricule, a first or last name), whatever the case.</summary>
    public static List<string> Leaks(IEnumerable<string> lines, IReadOnlyCollection<string> secrets) =>
        lines.Where(l => secrets.Any(s => l.Contains(s, StringComparison.OrdinalIgnoreCase))).ToList();
}
