using CnsExchange.Application.Features.Cures;
using Microsoft.AspNetCore.Mvc;

namespace CnsExchange.Api.Endpoints;

/// <summary>Thermal and therapeutic cure authorisations, in Luxembourg and abroad with an S2 form (RULES.md §5).</summary>
public sealed class CureAuthorisationEndpoints : IEndpointGroup
{
    private const string Description = """
        Asked by the doctor of the thermal centre (key sandbox-thermal-1) for an insured person. Answers at once with the decision
        (201, `Location` of the request): `agreed` with a `voucher` of kind cure (number C…, valid one year: the cure must start by
        `validUntil`, CUR-01) and the `authorisation` terms — coverage rate (80 %, Fango T260/T261 70 %, CUR-06), sessions, stay
        allowance (61.39 EUR per night in Mondorf, 17.94 EUR per day for residents of Mondorf, CUR-07), third-party payment, and
        `s2: true` for a cure abroad (CUR-08); or `refused` with every reason (CUR-02…CUR-08, COMPETENT_FUND_ABROAD for a
        cross-border worker treated in the country of residence). Earlier cures are read from this system's own history:
        earlier cure vouchers of the insured person and the sessions billed on them. A cure abroad needs the doctor's reasoned
        form (LIF-07): it stays `pending` with `DOCUMENT_MISSING` until the form is attached (POST .../{id}/attachments,
        `purpose` s2_reasoned_form), then is decided as above.

        Fields: `matricule`, `doctorCode`, `kindCode` (GET /api/v1/reference/cure-kinds: T180, T190, T192, T195 reinforcement
        modules, T200, T203, T206, T209 maintenance sessions, T260, T261), `requestedStart`, `countryOfCare` (default LU; another
        country is a cure abroad: list at GET /api/v1/reference/s2-countries, requested before the start),
        `careNotAvailableInLuxembourg` (S2), `maintenanceSessionsPerMonth` (T209), `clinical` (`bmi`, `hbA1cPercent`,
        `resistantHypertension`, `polysomnographyProvenApnoea`, `waistCm`, `cardiacHistory` for obesity; `complicatedVenousInsufficiency`,
        `lymphoedema` for T180; `affectedSide` left/right for T206). Send an `Idempotency-Key` to retry safely.
        The example is agreed when tried as is; sent a second time it is refused `CURE_TOO_SOON` (one cure of a nature at a time).
        """;

    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/cure-authorisations").WithTags("Cure authorisations");

        g.MapPost("", async (IMediator m, ICurrentCaller caller, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
                CureAuthorisationInput body, CancellationToken ct) =>
            {
                var decision = await m.Send(new SubmitCureAuthorisation(caller.RequireProvider(), body, idempotencyKey), ct);
                return Results.Created($"{CureAuthorisationViews.Route}/{decision.Id}", decision);
            })
            .AsCareRequestSubmission<CureAuthorisationDto>(
                "Ask for a cure authorisation (thermal centre): agreed with a voucher and the terms, or refused with reasons.", Description);

        g.MapCareRequestQueries(new CareRequestQueries<CureAuthorisationDto, CureAuthorisationSummaryDto>(
            (cursor, limit, status, from, to, search) => new ListCureAuthorisations(cursor, limit, status, from, to) { Search = search },
            "Your cure authorisation requests, newest first (`cursor`/`limit`; filter by `status`, date of receipt `from`/`to`, `matricule` and the `voucherNumber` issued).",
            id => new GetCureAuthorisation(id),
            "A cure authorisation request: decision, voucher, terms and the history of its changes (its centre, or CNS staff)."));

        g.MapPost("/{id:guid}/medical-interruptions", (IMediator m, ICurrentCaller caller, Guid id, MedicalInterruptionInput body,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
                m.Send(new ReportMedicalInterruption(caller.RequireProvider(), id, body, idempotencyKey), ct))
            .RequireAuthorization(Policies.Provider)
            .WithSummary("Report a medical interruption of an agreed back, neck or shoulder cycle (CUR-10), with the treating doctor's certificate reference.")
            .WithDescription("The interruption (`from`, `to`, `certificateReference`) waits for a reviewer (`status: pending` in `interruptions`). Once accepted, the 6-month cycle of CUR-05 runs longer by the interruption's days (both included); sessions are refused `AUTHORISATION_EXPIRED` (rule CUR-10) only after that extended end. The interruption is pending `DOCUMENT_MISSING` (its `reasonCodes`) until the certificate itself is attached to the cure (LIF-07): `POST /cure-authorisations/{id}/attachments` with the file, purpose `medical_certificate` (the default while an interruption waits for one); the agreed cure takes that document and no other. Only T200/T203/T206 cycles (422 `interruption_not_applicable`); the cure must be agreed (409 `authorisation_not_agreed`). Send an `Idempotency-Key` to retry safely: the same key and body answer the first report, not a second interruption.")
            .Produces<CureAuthorisationDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        g.MapPost("/{id:guid}/medical-interruptions/{sequence:int}/decision", (IMediator m, Guid id, int sequence, InterruptionDecisionInput body, CancellationToken ct) =>
                m.Send(new DecideMedicalInterruption(id, sequence, body), ct))
            .RequireAuthorization(Policies.Reviewer)
            .WithSummary("Accept or reject a medical interruption (reviewer, CUR-10): accepted, the cycle is extended by its days.")
            .WithDescription("`accepted: true` extends the cycle window (`authorisation.interruptionDays`); `false` leaves it. A decided interruption is not decided again (409 `interruption_already_decided`). Accepted before its certificate is attached: 409 `document_missing` (it can be rejected).")
            .Produces<CureAuthorisationDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        g.MapPost("/{id:guid}/interruption", (IMediator m, Guid id, CureInterruptionInput body, CancellationToken ct) =>
                m.Send(new RecordCureInterruption(id, body), ct))
            .RequireAuthorization(Policies.ProviderOrStaff)
            .WithSummary("Record that the cure was interrupted without valid reason (CUR-09), by its centre or a reviewer: the cure is not covered, its sessions are refused or recovered CURE_INTERRUPTED.")
            .WithDescription("`from` is the first day the insured person no longer came (not in the future). The cure is not covered (CUR-09): every session billed from then on is refused `CURE_INTERRUPTED`, whatever its date; every session already billed is paid nothing if no payment run took it yet, and recovered (LIF-04) if a run paid it. While an open payment run holds one of them: 409 `payment_run_in_progress` (record it again once the run is closed). Recorded twice, the earliest date holds.")
            .Produces<CureAuthorisationDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        g.MapCareRequestCorrespondence((id, body) => new CancelCureAuthorisation(id, body), (id, body) => new AnswerCureInformation(id, body));
    }
}
