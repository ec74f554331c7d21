using CnsExchange.Application.Features.Admin;
using CnsExchange.Application.Features.Reference;

namespace CnsExchange.Api.Endpoints;

public static class ReferenceEndpoints
{
    public static void MapReferenceEndpoints(this RouteGroupBuilder api)
    {
        // "Today" decides every answer, so every caller of a sandbox may read its clock (only its admin moves it).
        api.MapGet("/clock", (IMediator m, CancellationToken ct) => m.Send(new GetSandboxClock(), ct))
            .WithTags("Reference data").RequireAuthorization(Policies.AnySandboxCaller)
            .WithSummary("Read the sandbox clock: `now` and `localDate` (today in Luxembourg) decide the rules' answers.")
            .WithDescription("Read-only; the sandbox's admin sets or advances it with PUT /admin/clock.");
        var g = api.MapGroup("/reference").WithTags("Reference data").RequireAuthorization(Policies.AnySandboxCaller);
        g.MapGet("/acts", (IMediator m, string? domain, CancellationToken ct) => m.Send(new GetActs(domain), ct))
            .WithSummary("Nomenclature acts with coefficient and today's tariff (coefficient × letter key).");
        g.MapGet("/annex-g", (IMediator m, CancellationToken ct) => m.Send(new GetAnnexG(), ct)).WithSummary("Annex G heavy pathologies.");
        g.MapGet("/letter-key", (IMediator m, CancellationToken ct) => m.Send(new GetLetterKey(), ct)).WithSummary("Letter-key values by date.");
        g.MapGet("/reason-codes", (IMediator m, CancellationToken ct) => m.Send(new GetReasonCodes(), ct))
            .WithSummary("Every reason code with its rule and texts in fr/de/en.");
        g.MapGet("/parameters", (IMediator m, CancellationToken ct) => m.Send(new GetParameters(), ct))
            .WithSummary("Dated rule parameters: caps, deadlines, rates (sandbox assumptions marked).");
        g.MapGet("/holidays/{year}", (IMediator m, int year, CancellationToken ct) => m.Send(new GetHolidays(year), ct))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Luxembourg public holidays of a year (1900 to 2200; another year is 400 `validation_failed`, a year that is not a number 400 `malformed_request`).");
        g.MapGet("/working-days/{date}", (IMediator m, DateOnly date, int? add, CancellationToken ct) => m.Send(new GetWorkingDay(date, add ?? 1), ct))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Whether a date is a working day, and the date `add` working days after it (a date that is not yyyy-MM-dd is 400 `malformed_request`).");
    }
}
