using Microsoft.AspNetCore.Mvc;
using CnsExchange.Application.Features.Admin;

namespace CnsExchange.Api.Endpoints;

public static class AdminEndpoints
{
    public static void MapAdminEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/admin").WithTags("Administration").RequireAuthorization(Policies.Admin);

        g.MapGet("/clock", (IMediator m, CancellationToken ct) => m.Send(new GetSandboxClock(), ct))
            .WithSummary("Read the sandbox clock.");
        g.MapPut("/clock", async (IMediator m, SetSandboxClock body, CancellationToken ct) =>
            {
                var set = await m.Send(body, ct);
                return set.Pending is { } pending
                    ? Results.Accepted($"/api/v1/admin/clock/advances/{pending.Id}", pending)
                    : Results.Ok(set.Clock);
            })
            .Produces<ClockDto>()
            .Produces<ClockAdvanceDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Set the sandbox clock (`now`) or advance it (`advanceDays`, `advanceHours`). It only moves forward; jobs due in between run.")
            .WithDescription("The work that fell due in between (payment runs, due dates, expiries) runs in this sandbox before the answer (200). " +
                             "When it outlasts `CnsExchange:Sandboxes:AdvanceWaitSeconds` (default 5), the answer is 202 with the advance's status and a " +
                             "`Location` to poll (GET /admin/clock/advances/{id}) while the work goes on. " +
                             "A `now` sent again after the running clock passed it (a retry after a lost answer) is answered 200 with the clock as it " +
                             "is: that move happened once. `advanceDays`/`advanceHours` are relative, so a retry of them advances again: retry with `now`. " +
                             "A `now` before the clock is 409 `clock_backwards`.");
        g.MapGet("/clock/advances/{id:guid}", (IMediator m, Guid id, CancellationToken ct) => m.Send(new GetClockAdvance(id), ct))
            .WithSummary("The status of a clock advance's due work: `running`, `done` or `failed`, its from/to instants, when it finished and its error.");

        g.MapGet("/insured", (IMediator m, string? cursor, int? limit, CancellationToken ct) => m.Send(new ListInsured(cursor, limit), ct))
            .WithSummary("Sandbox insured persons by matricule, a page at a time (`cursor`, `limit`).");
        g.MapGet("/insured/{matricule}", (IMediator m, string matricule, CancellationToken ct) => m.Send(new GetInsured(matricule), ct))
            .WithSummary("One sandbox insured person.");
        g.MapPut("/insured/{matricule}", (IMediator m, string matricule, InsuredInput body, CancellationToken ct) => m.Send(new PutInsured(matricule, body), ct))
            .WithSummary("Add or replace a sandbox insured person: affiliation periods, residence, cross-border flag, AAA cases, dependency care plans.");
        g.MapPut("/insured/{matricule}/bank-account", (IMediator m, string matricule, BankAccountInput body, CancellationToken ct) =>
                m.Send(new SetInsuredBankAccount(matricule, body), ct))
            .Produces<InsuredDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Set the account an insured person's reimbursements are paid to (INS-05): IBAN (ISO 13616) and BIC.")
            .WithDescription("A bad IBAN is 400 with code iban_invalid, a bad BIC 400 bic_invalid. A PUT of the insured person keeps the " +
                             "account. Claims of a person without an account stay unpaid (reported by the payment run) until one is set.");

        g.MapGet("/doctors", (IMediator m, string? cursor, int? limit, CancellationToken ct) => m.Send(new ListDoctors(cursor, limit), ct))
            .WithSummary("Sandbox doctors by code, a page at a time (`cursor`, `limit`).");
        g.MapPut("/doctors/{code}", (IMediator m, string code, DoctorInput body, CancellationToken ct) => m.Send(new PutDoctor(code, body), ct))
            .WithSummary("Add or change a sandbox doctor.");

        g.MapGet("/providers", (IMediator m, string? cursor, int? limit, CancellationToken ct) => m.Send(new ListProviders(cursor, limit), ct))
            .WithSummary("Providers by code, a page at a time (`cursor`, `limit`).");
        g.MapGet("/providers/{code}", (IMediator m, string code, CancellationToken ct) => m.Send(new GetProvider(code), ct))
            .Produces<ProviderDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One provider (where its creation and its key issues point).");
        g.MapPost("/providers", async (IMediator m, ProviderInput body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
            {
                var created = await m.Send(new CreateProvider(body, idempotencyKey), ct);
                return Results.Created($"/api/v1/admin/providers/{created.Provider.Code}", created);
            })
            .Produces<ProviderCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Add a provider. The answer carries its new API key, shown this once (409 `provider_exists` when the code is taken).")
            .WithDescription("Send an `Idempotency-Key` to retry safely: the same key and body create no second provider and issue no second key. Since the key is shown once and stored hashed, that retry is answered 409 `idempotent_replay_without_secret` with the provider's URL (`resource`); the same key with another body is 422.");
        g.MapPost("/providers/{code}/keys", async (IMediator m, string code, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
                Results.Created($"/api/v1/admin/providers/{code}", await m.Send(new IssueProviderKey(code, IdempotencyKey: idempotencyKey), ct)))
            .Produces<ProviderCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Issue another API key for a provider (shown this once).")
            .WithDescription("Send an `Idempotency-Key` to retry safely: the same key issues no second API key. Since the key is shown once and stored hashed, that retry is answered 409 `idempotent_replay_without_secret` with the provider's URL (`resource`).");
    }
}
