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
        var key = (await created.ExpectAsync<CnsExchange.Application.Features.Admin.ProviderCreated>(HttpStatusCode.Created)).ApiKey;
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

    private async Task<HttpResponseMessage> SignInAsync(string key) =>
        await Client(null).PostAsync("/hangfire-login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }));

    private async Task<HttpResponseMessage> DashboardWithCookieAsync(string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Add("Cookie", $"cns_dashboard={cookie}");
        return await Client(null).SendAsync(request);
    }

    private static string SessionCookie(HttpResponseMessage response)
    {
        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("cns_dashboard=", header);
        return header["cns_dashboard=".Length..header.IndexOf(';')];
    }

    [Fact]
    public async Task A_key_in_the_dashboard_url_is_ignored()
    {
        var response = await Client(null).GetAsync("/hangfire?api_key=sandbox-operator");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_browser_without_a_session_is_sent_to_the_sign_in_form()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Accept.ParseAdd("text/html");
        var response = await Client(null).SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/hangfire-login", response.Headers.Location!.OriginalString);

        var form = await Client(null).GetAsync("/hangfire-login");
        var html = await form.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\" action=\"/hangfire-login\">", html);
        Assert.Contains("name=\"key\" type=\"password\"", html);
        Assert.Contains("frame-ancestors 'none'", form.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Signing_in_with_the_operator_key_sets_a_short_lived_signed_httponly_cookie_without_the_key()
    {
        var response = await SignInAsync(Operator);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/hangfire", response.Headers.Location!.OriginalString);
        var header = Assert.Single(response.Headers.GetValues("Set-Cookie")).ToLowerInvariant();
        Assert.Contains("httponly", header);
        Assert.Contains("samesite=strict", header);
        Assert.Contains("path=/hangfire", header);
        Assert.Contains("max-age=1800", header);
        var cookie = SessionCookie(response);
        Assert.DoesNotContain(Operator, cookie);
        Assert.DoesNotContain(CnsExchange.Application.Common.ApiKeys.Hash(Operator), cookie);

        Assert.Equal(HttpStatusCode.OK, (await DashboardWithCookieAsync(cookie)).StatusCode);
        // Altered by one character: refused.
        var altered = cookie[..^2] + (cookie[^2] == 'A' ? 'B' : 'A') + cookie[^1];
        Assert.Equal(HttpStatusCode.Unauthorized, (await DashboardWithCookieAsync(altered)).StatusCode);
        // Expired after 30 minutes (the server's clock, not the browser's).
        Api.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await DashboardWithCookieAsync(cookie)).StatusCode);
        Api.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await DashboardWithCookieAsync(cookie)).StatusCode);
    }

    [Theory]
    [InlineData("sandbox-admin")]
    [InlineData("sandbox-physio-1")]
    [InlineData("not-a-key")]
    [InlineData("")]
    public async Task Only_an_operator_key_signs_in(string key)
    {
        var response = await SignInAsync(key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }
}
