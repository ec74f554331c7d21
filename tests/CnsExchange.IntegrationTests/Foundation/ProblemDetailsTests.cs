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

    /// <summary>
    /// A command past its timeout (Npgsql cancels it and throws with a TimeoutException inside) is a 503 that says so,
    /// not "not reachable" (stop 57: a sandbox's deletion was reported as an unreachable database); a broken connection
    /// still says "not reachable". Through the one exception handler, with the exceptions Npgsql throws.
    /// </summary>
    [Theory]
    [InlineData(true, "did not finish this request's work in time")]
    [InlineData(false, "not reachable")]
    public async Task A_database_timeout_and_a_lost_database_are_503_each_saying_which(bool timeout, string says)
    {
        var exception = new Npgsql.NpgsqlException("Exception while reading from stream",
            timeout ? new TimeoutException("Timeout during reading attempt") : new System.IO.IOException("Connection reset by peer"));
        Assert.True(exception.IsTransient);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = Api.Services };
        context.Response.Body = new MemoryStream();
        var handler = new CnsExchange.Api.Infrastructure.ProblemExceptionHandler(Microsoft.Extensions.Logging.Abstractions.NullLogger<CnsExchange.Api.Infrastructure.ProblemExceptionHandler>.Instance);

        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));

        Assert.Equal(503, context.Response.StatusCode);
        var problem = System.Text.Json.Nodes.JsonNode.Parse(Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()))!;
        Assert.Equal("service_unavailable", problem["code"]!.GetValue<string>());
        Assert.Contains(says, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
