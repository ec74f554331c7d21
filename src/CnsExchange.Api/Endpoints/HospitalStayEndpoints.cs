using CnsExchange.Application.Behaviors;
using CnsExchange.Application.Features.HospitalStays;
using Microsoft.AspNetCore.Mvc;

namespace CnsExchange.Api.Endpoints;

/// <summary>Hospital stays billed directly by hospitals (RULES.md §7, HOS-01…HOS-08).</summary>
public sealed class HospitalStayEndpoints : IEndpointGroup
{
    private const string Description =
        "Settles a stay: the day tariffs of the standard-room stay, the covered operations and the accompanying bed are paid by CNS " +
        "less the insured participation (HOS-01…HOS-08). Every calendar day from admission to discharge, both included, is a started " +
        "day: admitted Monday and discharged Wednesday is 3 days. Stationary stays: 25.50 EUR per started day, at most 30 days per " +
        "calendar year across all stays of the insured person (kept by the database, also under concurrent requests); none under 18 " +
        "on the admission date; none for the first 12 days of a childbirth stay. A stay crossing New Year counts each day in its own " +
        "year, against that year's ceiling. Day hospital and surveillance place: 12.75 EUR per day, none under 18, no ceiling. A day " +
        "shared by two stationary stays (transfer: discharge of one, admission of the next) is charged once; other overlaps with a " +
        "recorded stay are refused (HOSPITAL_STAY_OVERLAP). A refusal is a 201 with status `refused` and reasons. " +
        "A stay whose settlement line of stay days was reversed (POST /fee-memoirs/{id}/lines/{n}/reversal) or recovered by CNS is " +
        "`released` (LIF-04): it no longer counts toward the yearly ceiling of the stays recorded afterwards and no longer overlaps, " +
        "so the corrected stay is sent again here; stays recorded before the release keep what was decided for them. " +
        "Send `Idempotency-Key` to make retries safe.";

    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/hospital-stays").WithTags("Hospital stays");

        g.MapPost("", async (IMediator m, ICurrentCaller caller,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, HospitalStayRequest body, CancellationToken ct) =>
            {
                var stay = await m.Send(new RecordHospitalStay(body, idempotencyKey, caller.RequireProvider()), ct);
                return Results.Created($"/api/v1/hospital-stays/{stay.Id}", stay);
            })
            .RequireAuthorization(Policies.Provider)
            .WithSummary("Send a hospital stay (hospitals): amounts paid by CNS and the insured participation, with reasons.")
            .WithDescription(Description)
            .Produces<HospitalStayDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        g.MapGet("/{id:guid}", (IMediator m, Guid id, CancellationToken ct) => m.Send(new GetHospitalStay(id), ct))
            .RequireAuthorization(Policies.ProviderOrStaff)
            .WithSummary("One hospital stay with its settlement (its hospital, or CNS staff); `release` says when and why a released stay no longer stands.")
            .Produces<HospitalStayDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        g.MapGet("", (IMediator m, string? cursor, int? limit, string? status, DateOnly? admittedFrom, DateOnly? admittedTo, CancellationToken ct) =>
                m.Send(new ListHospitalStays(cursor, limit, status, admittedFrom, admittedTo), ct))
            .RequireAuthorization(Policies.ProviderOrStaff)
            .WithSummary("The hospital's stays (staff: all), newest first; filter by status (accepted, refused, released) and admission dates; page with cursor and limit.")
            .Produces<Page<HospitalStaySummaryDto>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }
}
