using CnsExchange.Domain.Registry;
using CnsExchange.Infrastructure.Sandbox;
using Hangfire.Dashboard;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// The Hangfire dashboard shows every sandbox's jobs: it is for the operator role only, with the X-Api-Key header, or
/// ?api_key= once (kept in a cookie).
/// </summary>
public sealed class OperatorDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    private const string Cookie = "cns_dashboard_key";

    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        var key = http.Request.Headers[ApiKeyAuthenticationHandler.HeaderName].ToString();
        if (string.IsNullOrEmpty(key)) key = http.Request.Query["api_key"].ToString();
        if (string.IsNullOrEmpty(key)) key = http.Request.Cookies[Cookie] ?? "";
        if (string.IsNullOrEmpty(key) || key.Length > 200) return false;

        var directory = http.RequestServices.GetRequiredService<SandboxDirectory>();
        var identity = await directory.AuthenticateAsync(CnsExchange.Application.Common.ApiKeys.Hash(key), http.RequestAborted);
        var isOperator = identity?.Role == CallerRole.Operator;
        if (isOperator && http.Request.Cookies[Cookie] != key)
            http.Response.Cookies.Append(Cookie, key, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/hangfire" });
        return isOperator;
    }
}
