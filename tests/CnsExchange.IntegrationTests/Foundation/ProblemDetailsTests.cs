using System.Net;
using System.Text;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.Foundation;

public sealed class ProblemDetailsTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Malformed_json_is_400_naming_the_problem()
    {
        var response = await Client(Admin).PutAsync("/api/v1/admin/clock", new StringContent("{\"advanceDays\": ", Encoding.UTF8, "application/json"));
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task Wrong_type_is_400_naming_the_field()
    {
        var response = await Client(Admin).PutAsync("/api/v1/admin/clock", new StringContent("{\"advanceDays\": \"seven\"}", Encoding.UTF8, "application/json"));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        Assert.NotNull(problem["errors"]!["advanceDays"]);
    }

    [Fact]
    public async Task Validation_failure_is_400_with_errors_by_field()
    {
        var response = await Client(Admin).PutJsonAsync("/api/v1/admin/insured/1234567890123", new
        {
            firstName = "", lastName = "X", sex = "female", competentFund = "CNS", residenceCountry = "LU", crossBorderWorker = false,
            affiliations = new[] { new { from = "2020-01-01" } },
        });
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["matricule"]);
        Assert.NotNull(problem["errors"]!["firstName"]);
    }

    [Fact]
    public async Task Unknown_route_is_404_problem()
    {
        var response = await Client(Admin).GetAsync("/api/v1/nothing-here");
        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Wrong_content_type_is_415_problem()
    {
        var response = await Client(Admin).PutAsync("/api/v1/admin/clock", new StringContent("advanceDays=1", Encoding.UTF8, "text/plain"));
        await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        (await Client(null).GetAsync("/health/live")).EnsureSuccessStatusCode();
        (await Client(null).GetAsync("/health/ready")).EnsureSuccessStatusCode();
    }
}
