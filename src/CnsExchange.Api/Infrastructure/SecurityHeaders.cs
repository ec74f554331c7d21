namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// Response headers every answer carries (issue 15): no MIME sniffing; no caching of API answers, which carry personal
/// and health data (reference data excepted); Swagger UI and the jobs dashboard never framed by another site.
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Read now: the dashboard and Swagger UI branches move their prefix into PathBase.
        var path = context.Request.Path;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            if (path.StartsWithSegments("/api") && !path.StartsWithSegments("/api/v1/reference")) headers.CacheControl = "no-store";
            if (path.StartsWithSegments("/swagger") || path.StartsWithSegments("/hangfire") || path.StartsWithSegments(DashboardLogin.Path))
            {
                if (path.StartsWithSegments(DashboardLogin.Path)) headers.CacheControl = "no-store";
                headers.ContentSecurityPolicy = "frame-ancestors 'none'";
                headers.XFrameOptions = "DENY";
            }
            return Task.CompletedTask;
        });
        return next(context);
    });
}
