using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using CnsExchange.Domain.Registry;
using CnsExchange.Infrastructure.Sandbox;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.DataProtection;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// The Hangfire dashboard shows every sandbox's jobs: it is for the operator role only, with the X-Api-Key header (a
/// script, or a reverse proxy that adds it) or the signed session cookie of <see cref="DashboardLogin"/>. A key in
/// the URL is never read.
/// </summary>
public sealed class OperatorDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (DashboardLogin.KeyHashOf(http) is not { } keyHash) return false;
        var directory = http.RequestServices.GetRequiredService<SandboxDirectory>();
        // Checked on every request: a deleted operator key closes its sessions at once.
        return (await directory.AuthenticateAsync(keyHash, http.RequestAborted))?.Role == CallerRole.Operator;
    }
}

/// <summary>
/// Signing in to the jobs dashboard: a form posts the operator key once; the answer is a short-lived HttpOnly cookie
/// holding, signed and encrypted with ASP.NET Core Data Protection (key ring shared in PostgreSQL), the key's hash and
/// an expiry read from the TimeProvider — never the key. Lifetime: <c>CnsExchange:Dashboard:SessionMinutes</c> (30).
/// </summary>
public static class DashboardLogin
{
    public const string Path = "/hangfire-login";
    public const string CookieName = "cns_dashboard";
    private const string DashboardPath = "/hangfire";
    private const string Purpose = "CnsExchange.Dashboard.Session.v1";

    public static void MapDashboardLogin(this WebApplication app)
    {
        app.MapGet(Path, () => Form(null)).ExcludeFromDescription();
        app.MapPost(Path, async (HttpContext http, SandboxDirectory directory, IDataProtectionProvider protection, TimeProvider clock, IConfiguration configuration) =>
        {
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
            var key = form?["key"].ToString() ?? "";
            if (key.Length is 0 or > 200) return Form("Enter the operator key.", StatusCodes.Status401Unauthorized);
            var keyHash = ApiKeys.Hash(key);
            if ((await directory.AuthenticateAsync(keyHash, http.RequestAborted))?.Role != CallerRole.Operator)
                return Form("This is not an operator key.", StatusCodes.Status401Unauthorized);

            var lifetime = TimeSpan.FromMinutes(configuration.GetValue("CnsExchange:Dashboard:SessionMinutes", 30));
            var expires = clock.GetUtcNow() + lifetime;
            var ticket = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ":" + keyHash;
            http.Response.Cookies.Append(CookieName, protection.CreateProtector(Purpose).Protect(ticket), new CookieOptions
            {
                HttpOnly = true,
                Secure = http.Request.IsHttps,
                SameSite = SameSiteMode.Strict,
                Path = DashboardPath,
                MaxAge = lifetime,
            });
            return Results.Redirect(DashboardPath, permanent: false, preserveMethod: false);
        }).ExcludeFromDescription().DisableAntiforgery();

        // A browser without a session is sent to the form instead of a bare 401.
        app.Use((http, next) =>
        {
            if (http.Request.Path.StartsWithSegments(DashboardPath) && HttpMethods.IsGet(http.Request.Method)
                && http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
                && KeyHashOf(http) is null)
            {
                http.Response.Redirect(Path);
                return Task.CompletedTask;
            }
            return next(http);
        });
    }

    /// <summary>The hash of the key this request comes with: its X-Api-Key header, or an unexpired session cookie.</summary>
    public static string? KeyHashOf(HttpContext http)
    {
        var header = http.Request.Headers[ApiKeyAuthenticationHandler.HeaderName].ToString();
        if (header.Length is > 0 and <= 200) return ApiKeys.Hash(header);
        if (http.Request.Cookies[CookieName] is not { Length: > 0 and <= 4096 } cookie) return null;
        try
        {
            var ticket = http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(cookie);
            var separator = ticket.IndexOf(':');
            var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(ticket[..separator], CultureInfo.InvariantCulture));
            return http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() < expires ? ticket[(separator + 1)..] : null;
        }
        catch (CryptographicException)
        {
            return null; // altered, or signed with a key the ring no longer holds
        }
    }

    private static IResult Form(string? error, int status = StatusCodes.Status200OK)
    {
        var message = error is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>CnsExchange jobs: sign in</title></head>
            <body>
            <h1>CnsExchange jobs dashboard</h1>
            {message}
            <form method="post" action="{Path}">
            <label for="key">Operator key</label>
            <input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
            <button type="submit">Sign in</button>
            </form>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
