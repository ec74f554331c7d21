using System.Net;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.Foundation;

public sealed class RegistryTests(ApiFactory api) : ApiTest(api)
{
    [Theory]
    [InlineData("1983081246785", "CNS")]
    [InlineData("2012051469331", "CNS")]
    [InlineData("1971110258749", "CNS")]
    [InlineData("1994092874550", "CNS")]
    [InlineData("2003042581939", "CNS")]
    [InlineData("1893120105732", "CNS")]
    [InlineData("1978031512369", "CMFEP")]
    public async Task Sandbox_identities_are_seeded(string matricule, string fund)
    {
        var body = await (await Client(Admin).GetAsync($"/api/v1/admin/insured/{matricule}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(fund, body["competentFund"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sandbox_doctors_are_seeded()
    {
        var body = await (await Client(Admin).GetAsync("/api/v1/admin/doctors")).ExpectAsync(HttpStatusCode.OK);
        var codes = body.AsArray().Select(d => d!["code"]!.GetValue<string>()).ToList();
        for (var i = 1; i <= 10; i++) Assert.Contains($"9{i:0000000}", codes);
    }

    [Fact]
    public async Task Admin_adds_an_insured_with_affiliation_case_and_care_plan()
    {
        var matricule = "1990010112385";
        Assert.True(CnsExchange.Domain.Common.Matricule.IsValid(matricule));
        var body = await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{matricule}", new
        {
            firstName = "Test", lastName = "Person", sex = "male", competentFund = "CNS", residenceCountry = "BE", crossBorderWorker = true,
            affiliations = new[] { new { from = "2015-01-01", to = (string?)null } },
            accidentCases = new[] { new { reference = "AAA-1", openedOn = "2026-10-01", closedOn = (string?)null } },
            carePlans = new[] { new { from = "2026-01-01", to = (string?)null, includesPhysiotherapy = true, physioDeliveredOn = new[] { "2026-11-20" } } },
        })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1990-01-01", body["birthDate"]!.GetValue<string>());
        Assert.True(body["crossBorderWorker"]!.GetValue<bool>());
        Assert.Single(body["carePlans"]!.AsArray());

        // Replacing keeps one row per period
        await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{matricule}", new
        {
            firstName = "Test", lastName = "Person", sex = "male", competentFund = "CNS", residenceCountry = "LU", crossBorderWorker = false,
            affiliations = new[] { new { from = "2015-01-01", to = "2026-06-30" } },
        })).ExpectAsync(HttpStatusCode.OK);
        var after = await (await Client(Admin).GetAsync($"/api/v1/admin/insured/{matricule}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(after["affiliations"]!.AsArray());
        Assert.Empty(after["carePlans"]!.AsArray());
    }

    [Fact]
    public async Task Invalid_iban_is_rejected_naming_the_field()
    {
        var response = await Client(Admin).PostJsonAsync("/api/v1/admin/providers", new
        {
            code = "PHY0200", kind = "physiotherapist", name = "Bad bank", iban = "LU000019400644750000", bic = "BCEELULL",
        });
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["iban"]);
    }
}
