using System.Net;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.Foundation;

public sealed class AuthTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Missing_key_is_401_problem()
    {
        var response = await Client(null).GetAsync("/api/v1/reference/acts");
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Unknown_key_is_401_problem()
    {
        var response = await Client("not-a-key").GetAsync("/api/v1/reference/acts");
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData(Physio1)]
    [InlineData(Reviewer)]
    public async Task Admin_endpoints_are_403_for_other_roles(string key)
    {
        var response = await Client(key).GetAsync("/api/v1/admin/clock");
        await response.ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData(Physio1)]
    [InlineData(Physio2)]
    [InlineData(Hospital1)]
    [InlineData(Thermal1)]
    [InlineData(Rehab1)]
    [InlineData(Doctor1)]
    [InlineData(Reviewer)]
    [InlineData(Admin)]
    public async Task Every_sandbox_key_is_accepted(string key)
    {
        var response = await Client(key).GetAsync("/api/v1/reference/letter-key");
        await response.ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Keys_are_stored_hashed()
    {
        var names = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CnsExchange.Infrastructure.Persistence.AppDbContext>();
            return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.ApiKeys.Select(k => k.KeyHash));
        });
        Assert.NotEmpty(names);
        Assert.DoesNotContain(Physio1, names);
        Assert.Contains(CnsExchange.Application.Common.ApiKeys.Hash(Physio1), names);
    }

    [Fact]
    public async Task A_provider_created_by_admin_can_call_with_the_key_returned_once()
    {
        var created = await Client(Admin).PostJsonAsync("/api/v1/admin/providers", new
        {
            code = "PHY0100", kind = "physiotherapist", name = "Test practice", iban = "LU280019400644750000", bic = "BCEELULL",
        });
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        var key = body["apiKey"]!.GetValue<string>();
        var response = await Client(key).GetAsync("/api/v1/reference/annex-g");
        await response.ExpectAsync(HttpStatusCode.OK);
        var again = await Client(Admin).PostJsonAsync("/api/v1/admin/providers", new
        {
            code = "PHY0100", kind = "physiotherapist", name = "Test practice", iban = "LU280019400644750000", bic = "BCEELULL",
        });
        await again.ExpectProblemAsync(HttpStatusCode.Conflict, "provider_exists");
    }

    [Fact]
    public async Task Hangfire_dashboard_is_for_the_operator_only()
    {
        var anonymous = await Client(null).GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var provider = await Client(Physio1).GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Forbidden, provider.StatusCode);
        // A sandbox's admin sees its own sandbox only; the dashboard shows every sandbox's jobs.
        var admin = await Client(Admin).GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        var @operator = await Client(Operator).GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, @operator.StatusCode);
    }
}
