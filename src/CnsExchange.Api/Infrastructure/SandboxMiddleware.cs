using CnsExchange.Infrastructure.Sandbox;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// Opens the request's unit of work in the caller's sandbox, with that sandbox's clock as stored when the key was
/// checked. A request without a key (reference data, Swagger) reads in the default sandbox; an operator's in none.
/// </summary>
public sealed class SandboxMiddleware(RequestDelegate next, SandboxDirectory directory)
{
    private const string Item = "cns.sandbox";

    internal static void Remember(HttpContext context, Guid sandbox, SandboxClockSetting clock) => context.Items[Item] = (sandbox, clock);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Items[Item] is (Guid sandbox, SandboxClockSetting clock))
        {
            using (SandboxScope.Enter(sandbox, clock)) await next(context);
        }
        else if (context.User.Identity?.IsAuthenticated != true && !context.Request.Path.StartsWithSegments("/health")
                 && await directory.ReadClockAsync(SandboxIds.Default, context.RequestAborted) is { } defaultClock)
        {
            using (SandboxScope.Enter(SandboxIds.Default, defaultClock)) await next(context);
        }
        else
        {
            await next(context);
        }
    }
}
