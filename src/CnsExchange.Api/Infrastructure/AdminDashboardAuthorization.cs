using Hangfire.Dashboard;

namespace CnsExchange.Api.Infrastructure;

/// <summary>The Hangfire dashboard is for the admin role: the X-Api-Key header, or ?api_key= once (kept in a cookie).</summary>
public sealed class AdminDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    private const string Cookie = "cns_dashboard_key";

    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        var key = http.Request.Headers[ApiKeyAuthenticationHandler.HeaderName].ToString();
        if (string.IsNullOrEmpty(key)) key = http.Request.Query["api_key"].ToString();
        if (string.IsNullOrEmpty(key)) key = http.Request.Cookies[Cookie] ?? "";
        if (string.IsNullOrEmpty(key)) return false;

        var hash = CnsExchange.Application.Common.ApiKeys.Hash(key);
        var db = http.RequestServices.GetRequiredService<CnsExchange.Infrastructure.Persistence.AppDbContext>();
        var isAdmin = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(
            db.ApiKeys, k => k.KeyHash == hash && k.RevokedAt == null && k.Role == CnsExchange.Domain.Registry.CallerRole.Admin);
        if (isAdmin && http.Request.Cookies[Cookie] != key)
            http.Response.Cookies.Append(Cookie, key, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/hangfire" });
        return isAdmin;
    }
}
