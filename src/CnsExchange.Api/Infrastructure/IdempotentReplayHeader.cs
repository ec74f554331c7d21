using CnsExchange.Application.Behaviors;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// Marks every answer replayed from an Idempotency-Key (the first answer to the same key and body) with
/// <c>Idempotent-Replayed: true</c>, whatever the endpoint: the idempotency behavior records the replay in the
/// request's <see cref="IdempotencyContext"/>.
/// </summary>
public static class IdempotentReplayHeader
{
    public const string Name = "Idempotent-Replayed";

    public static RouteGroupBuilder WithIdempotentReplayHeader(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            if (context.HttpContext.RequestServices.GetService<IdempotencyContext>() is { Replayed: true })
                context.HttpContext.Response.Headers[Name] = "true";
            return result;
        });
        return group;
    }
}
