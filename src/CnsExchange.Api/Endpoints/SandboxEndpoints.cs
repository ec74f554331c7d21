using CnsExchange.Application.Features.Sandboxes;

namespace CnsExchange.Api.Endpoints;

/// <summary>The operator's API: isolated sandboxes, each with its own data, keys and clock.</summary>
public sealed class SandboxEndpoints : IEndpointGroup
{
    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/sandboxes").WithTags("Sandboxes (operator)");

        g.MapPost("", async (IMediator m, CreateSandbox body, CancellationToken ct) =>
            {
                var created = await m.Send(body, ct);
                return Results.Created($"/api/v1/sandboxes/{created.Id}", created);
            })
            .RequireAuthorization(Policies.Operator)
            .Produces<SandboxCreated>(StatusCodes.Status201Created)
            .WithSummary("Create a sandbox: an isolated world with its own providers, identities, keys and clock (operator key).")
            .WithDescription("`clock.mode` `frozen` stands still at `clock.now` (default: now) until advanced through PUT /admin/clock with " +
                             "a key of the sandbox — identical timestamps on every run of a test suite; `running` follows real time from " +
                             "`clock.now`. `seed` `standard` adds the README's providers, doctors and scenario identities; `empty` the " +
                             "providers only. The answer's `keys` (physio-1, physio-2, hospital-1, thermal-1, rehab-1, doctor-1, reviewer, " +
                             "admin) are valid in this sandbox only and shown this once. An idle sandbox is deleted after `deletesAfter`.");
        g.MapGet("", (IMediator m, CancellationToken ct) => m.Send(new ListSandboxes(), ct))
            .RequireAuthorization(Policies.Operator)
            .WithSummary("Every sandbox, oldest first, with its clock and when it will be deleted (operator key).");
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
