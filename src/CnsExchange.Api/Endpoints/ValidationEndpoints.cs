using System.Text;
using System.Text.Json;
using CnsExchange.Application.Behaviors;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Registry;
using Microsoft.AspNetCore.Mvc;

namespace CnsExchange.Api.Endpoints;

/// <summary>Physiotherapy prescription validation (RULES.md §2): submit, read, list, cancel, answer, scan.</summary>
public sealed class ValidationEndpoints : IEndpointGroup
{
    private const string Tag = "Prescription validation";

    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/validation-requests").WithTags(Tag);

        g.MapPost("/", Submit)
            .RequireAuthorization(Policies.ProviderOrInsured)
            .AcceptsRequestAndDocument<ValidationRequestDto>()
            .WithSummary("Validate a prescription: multipart `request` (JSON) + `scan` (PDF, JPEG, PNG or TIFF, at most 10 MiB).")
            .WithDescription("""
                Answers at once with the decision (201, `Location` of the request): `agreed` with a `voucher` (number, issuedOn,
                treatmentStartBy, validUntil, services with sessions, rate, tariff, travel allowance, third-party payment),
                `refused` with every refusal reason, or `pending` with the reasons and `decisionDueBy` (end of the next working day).
                Reductions (sessions cut to the cap, heavy pathology treated as common) come with an agreement.

                `request` fields: `matricule`; `doctor` {`code`} or, for a doctor abroad, {`name`, `country`}; `prescriptionDate`;
                `prescriptionLanguage` (ISO 639-1); `category` (common, heavy, lymphatic_drainage, post_surgical); `annexGCode` (heavy);
                `surgeryDate` (post_surgical); `actCode`; `sessions`; `frequency`; `diagnosis`; `homeVisitMedicallyNecessary`;
                `travelAllowanceRequested` (optional); `careCountry`; `accidentReference` (optional AAA case).
                Messages follow `Accept-Language` (fr, de, en). Send an `Idempotency-Key` to retry safely.
                The insured channel (INS-01) sends the same request for the insured, with `providerCode` (the physiotherapist
                who will give the sessions): the voucher comes without third-party payment, so the insured pays and claims the refund.
                The example is agreed when tried as is with any scan (key sandbox-physio-1); sent a second time it is
                refused as `DUPLICATE_PRESCRIPTION` (VAL-14), which is the point.
                """);

        g.MapGet("/", (IMediator m, string? cursor, int? limit, string? status, DateOnly? from, DateOnly? to, string? matricule, string? voucherNumber,
                CancellationToken ct) =>
                m.Send(new ListValidationRequests(cursor, limit, status, from, to) { Search = SearchTerms.Of(matricule, voucherNumber) }, ct))
            .RequireAuthorization(Policies.Provider)
            .WithSummary("Your validation requests, newest first (`cursor`/`limit`; filter by `status` (pending, information_requested, agreed, refused, cancelled), date of receipt `from`/`to`, `matricule` and the `voucherNumber` issued).");

        g.MapGet("/{id:guid}", (IMediator m, Guid id, CancellationToken ct) => m.Send(new GetValidationRequest(id), ct))
            .RequireAuthorization(Policies.ValidationRequestReaders)
            .WithSummary("A validation request: status, decision, voucher, and the history of its changes (who and when); for its physiotherapist, "
                + "the insured channel that sent it (INS-01) and CNS staff.");

        g.MapGet("/{id:guid}/scan", async (IMediator m, Guid id, CancellationToken ct) =>
            {
                var scan = await m.Send(new GetPrescriptionScan(id), ct);
                return Results.File(scan.Content, scan.ContentType, scan.FileName);
            })
            .RequireAuthorization(Policies.ValidationRequestReaders)
            .Produces(StatusCodes.Status200OK, null, "application/pdf", "image/jpeg", "image/png", "image/tiff")
            .WithSummary("The stored scan of the prescription (its physiotherapist, the insured channel that sent it, and CNS staff).");

        g.MapCareRequestCorrespondence((id, body) => new CancelValidationRequest(id, body), (id, body) => new AnswerInformationRequest(id, body));
    }

    internal const int RequestPartBytes = 64 * 1024;

    /// <summary>A scan-sized document (prescription, receipted invoice), the JSON part and the multipart framing.</summary>
    internal static long? ScanAndRequestBytes(HttpContext context)
    {
        var catalog = context.RequestServices.GetRequiredService<IReferenceData>().Catalog;
        var today = LuxembourgCalendar.LocalDate(context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        return ScanIntake.MaxBytes(catalog, today) + RequestPartBytes + 16 * 1024;
    }

    [OpenApiFormExample("multipart/form-data", "request", typeof(ValidationRequestInput))]
    private static async Task<IResult> Submit(
        [FromForm(Name = "request")] string? request,
        IFormFile? scan,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        HttpRequest http,
        IMediator mediator,
        ICurrentCaller caller,
        IReferenceData reference,
        TimeProvider clock,
        CancellationToken ct)
    {
        var byInsured = caller.Role == CallerRole.InsuredChannel;
        var providerId = byInsured ? (Guid?)null : caller.RequireProvider();
        var (input, json, bytes) = await MultipartSubmission.ReadAsync<ValidationRequestInput>(request, scan, "scan", http, reference, clock, ct);
        var decision = await mediator.Send(new SubmitValidationRequest(providerId, input, json, bytes, scan?.FileName, idempotencyKey)
        {
            RequestedByInsured = byInsured,
            ChannelKeyId = caller.KeyId,
        }, ct);
        return Results.Created($"/api/v1/validation-requests/{decision.Id}", decision);
    }

    public const string RequestPartTooLarge = "The 'request' part must be at most 64 KiB of JSON.";

    /// <summary>Some clients send the JSON part as a file part (with its own content type): read it as text.</summary>
    internal static async Task<string?> ReadTextPartAsync(IFormFile? part, CancellationToken ct)
    {
        if (part is null) return null;
        if (part.Length > RequestPartBytes) throw new PayloadTooLargeException("request", RequestPartTooLarge) { Errors = new Dictionary<string, string[]> { ["request"] = [RequestPartTooLarge] } };
        using var reader = new StreamReader(part.OpenReadStream(), Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    /// <summary>The JSON <c>request</c> part of a multipart request; bad JSON is a 400 naming the field (request.…).</summary>
    internal static T? Parse<T>(string? json) where T : class
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(json, JsonDefaults.Input);
        }
        catch (ControlCharacterException e)
        {
            var field = "request" + (string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : "." + e.Path.TrimStart('$', '.'));
            throw new BadInputException(field, e.MessageFor(field), TextInput.Code);
        }
        catch (JsonException e)
        {
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : "." + e.Path.TrimStart('$', '.');
            var field = "request" + path;
            if (ProblemExceptionHandler.UnknownField(e, field) is { } unknown) throw new BadInputException(field, unknown, ProblemExceptionHandler.UnknownFieldCode);
            var message = e.Path is null
                ? "The 'request' part is not valid JSON."
                : $"The value at '{field}' is not valid JSON or has the wrong type." + ProblemExceptionHandler.DateFormatHint(e);
            throw new BadInputException(field, message, "malformed_json");
        }
    }
}
