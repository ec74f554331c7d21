using System.Net;
using CnsExchange.Application.Features.Admin;
using CnsExchange.IntegrationTests.Validation;
using Microsoft.AspNetCore.Http;
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
    [InlineData("1965072021704", "CNS")]
    [InlineData("1988060912395", "CNS")]
    public async Task Sandbox_identities_are_seeded(string matricule, string fund)
    {
        var body = await (await Client(Admin).GetAsync($"/api/v1/admin/insured/{matricule}")).ExpectAsync<InsuredDto>(HttpStatusCode.OK);
        Assert.Equal(fund, body.CompetentFund);
    }

    [Fact]
    public async Task Sandbox_doctors_are_seeded()
    {
        var body = await PaymentRuns.PaymentRunApi.AllAsync<DoctorDto>(Client(Admin), "/api/v1/admin/doctors", limit: 4);
        var codes = body.Select(d => d.Code).ToList();
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
        })).ExpectAsync<InsuredDto>(HttpStatusCode.OK);
        Assert.Equal(new DateOnly(1990, 1, 1), body.BirthDate);
        Assert.True(body.CrossBorderWorker);
        Assert.Single(body.CarePlans);

        // Replacing keeps one row per period
        await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{matricule}", new
        {
            firstName = "Test", lastName = "Person", sex = "male", competentFund = "CNS", residenceCountry = "LU", crossBorderWorker = false,
            affiliations = new[] { new { from = "2015-01-01", to = "2026-06-30" } },
        })).ExpectAsync(HttpStatusCode.OK);
        var after = await (await Client(Admin).GetAsync($"/api/v1/admin/insured/{matricule}")).ExpectAsync<InsuredDto>(HttpStatusCode.OK);
        Assert.Single(after.Affiliations);
        Assert.Empty(after.CarePlans);
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

    /// <summary>A whole insured person whose first name and number of affiliations both say which writer sent it.</summary>
    private static object Person(int writer) => new
    {
        firstName = $"Writer{writer}", lastName = "Race", sex = "female", competentFund = "CNS", residenceCountry = "LU", crossBorderWorker = false,
        affiliations = Enumerable.Range(0, writer + 1).Select(y => new { from = $"{2000 + y}-01-01", to = $"{2000 + y}-12-31" }).ToArray(),
        carePlans = Enumerable.Range(0, writer % 3).Select(y => new { from = $"{2020 + y}-01-01", to = (string?)null, includesPhysiotherapy = true, physioDeliveredOn = new[] { "2026-11-20" } }).ToArray(),
    };

    [Fact]
    public async Task Concurrent_puts_of_one_insured_all_answer_200_and_the_last_one_wins_whole()
    {
        var before = await Api.CountAsync("insured");
        // A new person (every PUT would insert it), then an existing one (every PUT would delete the same periods).
        for (var round = 0; round < 2; round++)
        {
            var writers = Enumerable.Range(0, 12).ToList();
            var answers = await Task.WhenAll(writers.Select(w => Client(Admin).PutJsonAsync("/api/v1/admin/insured/1990010112385", Person(w))));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
            var stored = await (await Client(Admin).GetAsync("/api/v1/admin/insured/1990010112385")).ExpectAsync<InsuredDto>(HttpStatusCode.OK);
            var writer = int.Parse(stored.FirstName["Writer".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(writer + 1, stored.Affiliations.Count);
            Assert.Equal(writer % 3, stored.CarePlans.Count);
            Assert.Equal(before + 1, await Api.CountAsync("insured"));
        }
    }

    [Fact]
    public async Task Concurrent_puts_of_one_doctor_all_answer_200()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(w =>
            Client(Admin).PutJsonAsync("/api/v1/admin/doctors/91234567", new { name = $"Dr Writer{w}", country = "LU", specialty = "general" })));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
    }

    [Fact]
    public async Task A_concurrency_exception_from_anywhere_is_a_409_problem_not_a_500()
    {
        var context = new DefaultHttpContext { RequestServices = Api.Services };
        context.Response.Body = new MemoryStream();
        var handler = new CnsExchange.Api.Infrastructure.ProblemExceptionHandler(Microsoft.Extensions.Logging.Abstractions.NullLogger<CnsExchange.Api.Infrastructure.ProblemExceptionHandler>.Instance);
        Assert.True(await handler.TryHandleAsync(context, new Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException("0 rows affected"), CancellationToken.None));
        Assert.Equal(409, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        Assert.Equal("concurrent_update", System.Text.Json.Nodes.JsonNode.Parse(context.Response.Body)!["code"]!.GetValue<string>());
    }
}
