using Microsoft.AspNetCore.Mvc;
using CnsExchange.Application.Features.Events;
using CnsExchange.Application.Features.Webhooks;

namespace CnsExchange.Api.Endpoints;

/// <summary>The event feed and webhook endpoints (docs/webhooks.md): a provider gets its own events, staff every event of the sandbox.</summary>
public sealed class EventEndpoints : IEndpointGroup
{
    public void Map(RouteGroupBuilder api)
    {
        api.MapGet("/events", (IMediator m, string? after, string? types, int? limit, DateOnly? from, DateOnly? to, CancellationToken ct) =>
                m.Send(new GetEvents(after, types, limit) { From = from, To = to }, ct))
            .WithTags("Events").RequireAuthorization(Policies.AnySandboxCaller)
            .Produces<EventPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The caller's events in commit order after the cursor `after` (`nextCursor` of the previous page; none: from the oldest kept). `types`: comma-separated event types; "
                + "`from`/`to`: the Luxembourg dates they occurred on (inclusive). Events are kept 30 days.");

        var hooks = api.MapGroup("/webhook-endpoints").WithTags("Webhooks").RequireAuthorization(Policies.AnySandboxCaller);
        hooks.MapPost("", async (IMediator m, ICurrentCaller caller, WebhookEndpointInput body,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
            {
                var created = await m.Send(new CreateWebhookEndpoint(body, caller.Actor, idempotencyKey), ct);
                return Results.Created($"/api/v1/webhook-endpoints/{created.Endpoint.Id}", created);
            })
            .Produces<CreatedWebhookEndpointDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Register a URL that receives the caller's events of `types` (none: every type) as signed POSTs. The signing `secret` is in this answer only.")
            .WithDescription("Send an `Idempotency-Key` to retry safely: the same key and body create no second endpoint. Since the secret is shown once and not kept, that retry is answered 409 `idempotent_replay_without_secret` with the endpoint's URL (`resource`).");
        hooks.MapGet("", (IMediator m, string? cursor, int? limit, CancellationToken ct) => m.Send(new ListWebhookEndpoints(cursor, limit), ct))
            .Produces<Page<WebhookEndpointDto>>()
            .WithSummary("The caller's webhook endpoints (without their secrets), newest first, a page at a time, with whether each is enabled and why not.");
        hooks.MapGet("/{id:guid}", (IMediator m, Guid id, CancellationToken ct) => m.Send(new GetWebhookEndpoint(id), ct))
            .Produces<WebhookEndpointDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One of the caller's webhook endpoints.");
        hooks.MapDelete("/{id:guid}", async (IMediator m, Guid id, CancellationToken ct) =>
            {
                await m.Send(new DeleteWebhookEndpoint(id), ct);
                return Results.NoContent();
            })
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delete a webhook endpoint and its delivery history; nothing more is sent to it.");
        hooks.MapPost("/{id:guid}/enable", (IMediator m, Guid id, CancellationToken ct) => m.Send(new EnableWebhookEndpoint(id), ct))
            .Produces<WebhookEndpointDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Enable an endpoint disabled after failing for days, once its receiver is fixed: deliveries resume where they stopped, the events "
                + "committed meanwhile (kept 30 days) first, in order. An enabled endpoint is answered as it is.");
        hooks.MapPost("/{id:guid}/test", (IMediator m, Guid id, CancellationToken ct) => m.Send(new TestWebhookEndpoint(id), ct))
            .Produces<WebhookDeliveryDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Send a signed `ping` to the endpoint now and return the attempt (response code, at most 1 KB of the answer, duration).");
        hooks.MapGet("/{id:guid}/deliveries", (IMediator m, Guid id, string? cursor, int? limit, string? status, DateOnly? from, DateOnly? to, CancellationToken ct) =>
                m.Send(new ListWebhookDeliveries(id, cursor, limit)
                {
                    Status = BillingEndpoints.ParseEnum<WebhookDeliveryStatus>(status, "status"), From = from, To = to,
                }, ct))
            .Produces<Page<WebhookDeliveryDto>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delivery attempts to the endpoint, newest first: status, response code, duration and next retry (filter by `status` and the "
                + "Luxembourg dates `from`/`to` of the attempt).");

        api.MapPost("/webhook-deliveries/{id:guid}/redelivery", (IMediator m, Guid id, CancellationToken ct) => m.Send(new RedeliverWebhook(id), ct))
            .WithTags("Webhooks").RequireAuthorization(Policies.AnySandboxCaller)
            .Produces<WebhookDeliveryDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Send the event of a delivery again now (one attempt, signed anew) and return the attempt (409 `ping_not_redeliverable` for a ping: send a new one).");
    }
}
