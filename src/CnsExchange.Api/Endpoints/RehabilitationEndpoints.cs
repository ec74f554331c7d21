using CnsExchange.Application.Features.Rehabilitation;
using CnsExchange.Application.Features.Validation;
using Microsoft.AspNetCore.Mvc;

namespace CnsExchange.Api.Endpoints;

/// <summary>Rehabilitation authorisations and the CNRFR affiliation check (RULES.md §6).</summary>
public sealed class RehabilitationEndpoints : IEndpointGroup
{
    private const string Description = """
        Asked by a rehabilitation centre (key sandbox-rehab-1) or, for geriatric rehabilitation, by a hospital (sandbox-hospital-1).
        Answers at once (201, `Location` of the request):
        - `CNRFR` needs no authorisation (REH-01): the request is the affiliation check; the answer is `not_required` with
          `NO_AUTHORISATION_NEEDED` and `affiliationInOrder: true`, or `refused` with `INSURED_NOT_AFFILIATED` / `INSURED_UNKNOWN`.
        - `GER_AMB` (REH-02): `start`, `end` (at most 2 months, no extension, asked before the start); needs a stationary hospital
          stay of at least 7 days ended in the 12 months before the start — one this system recorded (POST /api/v1/hospital-stays),
          or one given in `declaredStays` with its `evidence`, which a reviewer checks (`pending`, `DECLARED_STAY_TO_VERIFY`).
        - `GER_STAT` (REH-03): `start` is the admission; asked at the latest 3 working days after it; 90 days (`days` to ask for
          fewer); at most two extensions of at most 30 days, asked in advance: POST .../{id}/extensions.
        - `SNRP_STAT`, `SNRP_AMB`, `SNRPO_STAT`, `SNRPO_AMB` (Colpach, REH-04): `start`, `days` (at least 5), `stableClinicalState`,
          `functionalLimitationsAttested`, `differentPathology`; at most 30 days per calendar year stationary, 10 ambulatory, unless a
          different pathology is declared; SNRPO also `acuteTherapyEnd` (start within 3 months after it).
        Agreed: a `voucher` of kind rehabilitation (R…) for the authorised days, `validUntil` = last authorised day.
        LIF-07: GER_AMB needs the detailed medical report and Colpach the doctor's reasoned request: a request the rules would agree
        (or send to a reviewer) stays `pending` with `DOCUMENT_MISSING` until the document is attached (POST .../{id}/attachments),
        then takes its normal path. Send an `Idempotency-Key` to retry safely. The example (Colpach) is pending `DOCUMENT_MISSING`
        when tried as is and agreed once its reasoned request is attached; sent again it exceeds the 30 days of the year.
        """;

    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/rehabilitation-authorisations").WithTags("Rehabilitation authorisations");

        g.MapPost("", async (IMediator m, ICurrentCaller caller, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
                RehabilitationAuthorisationInput body, CancellationToken ct) =>
            {
                var decision = await m.Send(new SubmitRehabilitationAuthorisation(caller.RequireProvider(), body, idempotencyKey), ct);
                return Results.Created($"{RehabilitationViews.Route}/{decision.Id}", decision);
            })
            .AsCareRequestSubmission<RehabilitationAuthorisationDto>(
                "Ask for a rehabilitation authorisation, or check a CNRFR admission (no authorisation needed).", Description);

        g.MapCareRequestQueries(new CareRequestQueries<RehabilitationAuthorisationDto, RehabilitationAuthorisationSummaryDto>(
            (cursor, limit, status, from, to, search) => new ListRehabilitationAuthorisations(cursor, limit, status, from, to) { Search = search },
            "Your rehabilitation requests, newest first (`cursor`/`limit`; filter by `status`, date of receipt `from`/`to`, `matricule` and the `voucherNumber` issued).",
            id => new GetRehabilitationAuthorisation(id),
            "A rehabilitation request: decision, voucher, authorised period, extensions and history (its provider, or CNS staff)."));

        g.MapPost("/{id:guid}/extensions", async (IMediator m, ICurrentCaller caller, Guid id,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ExtensionInput body, CancellationToken ct) =>
            {
                var decision = await m.Send(new RequestRehabilitationExtension(caller.RequireProvider(), id, body, idempotencyKey), ct);
                return Results.Created($"{RehabilitationViews.Route}/{id}", decision);
            })
            .RequireAuthorization(Policies.Provider)
            .WithSummary("Extend an agreed geriatric stationary authorisation (REH-03): at most two extensions of at most 30 days, asked on or before the last authorised day.")
            .WithDescription("Granted: the authorised end and the voucher's `validUntil` move by `days`, and the days are added to the voucher. Refused (a decision, 201): `EXTENSION_LIMIT_REACHED` (third extension, more than 30 days, or asked after the last authorised day). Only GER_STAT is extended (GER_AMB: refused; Colpach: 422 `extension_not_available`); the authorisation must be agreed (409 `authorisation_not_agreed`).")
            .Produces<RehabilitationExtensionDecisionDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        g.MapCareRequestCorrespondence((id, body) => new CancelRehabilitationAuthorisation(id, body),
            (id, body) => new AnswerRehabilitationInformation(id, body));
    }
}
