using Microsoft.AspNetCore.Mvc;
using CnsExchange.Application.Features.Sandboxes;

namespace CnsExchange.Api.Endpoints;

/// <summary>The operator's API: isolated sandboxes, each with its own data, keys and clock.</summary>
public sealed class SandboxEndpoints : IEndpointGroup
{
    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/sandboxes").WithTags("Sandboxes (operator)");

        g.MapPost("", async (IMediator m, CreateSandbox body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
            {
                var created = await m.Send(body with { IdempotencyKey = idempotencyKey }, ct);
                return Results.Created($"/api/v1/sandboxes/{created.Id}", created);
            })
            .RequireAuthorization(Policies.Operator)
            .Produces<SandboxCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Create a sandbox: an isolated world with its own providers, identities, keys and clock (operator key).")
            .WithDescription("`clock.mode` `frozen` stands still at `clock.now` (default: now) until advanced through PUT /admin/clock with " +
                             "a key of the sandbox — identical timestamps on every run of a test suite; `running` follows real time from " +
                             "`clock.now`. `seed` `standard` adds the README's providers, doctors and scenario identities; `empty` the " +
                             "providers only. The answer's `keys` (physio-1, physio-2, hospital-1, thermal-1, rehab-1, doctor-1, reviewer, " +
                             "admin) are valid in this sandbox only and shown this once. An idle sandbox is deleted after `deletesAfter`. " +
                             "Send an `Idempotency-Key` to retry safely: the same key and body within 24 hours create no second sandbox; since " +
                             "its keys were shown once and are stored hashed, that retry is answered 409 `idempotent_replay_without_secret` with " +
                             "the sandbox's URL (`resource`); the same key with another body is 422.");
        g.MapGet("", (IMediator m, string? cursor, int? limit, CancellationToken ct) => m.Send(new ListSandboxes(cursor, limit), ct))
            .RequireAuthorization(Policies.Operator)
            .WithSummary("Every sandbox, newest first, a page at a time, with its clock and when it will be deleted (operator key).");
        g.MapGet("/{id:guid}", (IMediator m, Guid id, CancellationToken ct) => m.Send(new GetSandbox(id), ct))
            .RequireAuthorization(Policies.OperatorOrAdmin)
            .WithSummary("One sandbox (operator key, or the sandbox's own admin key).");
        g.MapDelete("/{id:guid}", async (IMediator m, Guid id, CancellationToken ct) =>
            {
                await m.Send(new DeleteSandbox(id), ct);
                return Results.NoContent();
            })
            .RequireAuthorization(Policies.OperatorOrAdmin)
            .Produces(StatusCodes.Status204NoContent)
            .WithSummary("Delete a sandbox and everything in it (operator key, or the sandbox's own admin key).")
            .WithDescription("Its keys answer 401 at once in every process; then its rows and stored files are removed.");
    }
}
