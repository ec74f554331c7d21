using CnsExchange.Application.Behaviors;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Lifecycle;
using CnsExchange.Domain.Billing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace CnsExchange.Api.Endpoints;

/// <summary>Fee memoirs, billing files and contestations (RULES.md §3).</summary>
public sealed class BillingEndpoints : IEndpointGroup
{
    /// <summary>A memoir has at most 500 lines of about 200 bytes of JSON: 1 MiB leaves room for indentation, no more.</summary>
    private const long MemoirBodyLimit = 1024 * 1024;

    public void Map(RouteGroupBuilder api)
    {
        var memoirs = api.MapGroup("/fee-memoirs").WithTags("Fee memoirs");

        memoirs.MapPost("", async (IMediator m, ICurrentCaller caller, FeeMemoirRequest body,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
            {
                var memoir = await m.Send(new SubmitFeeMemoir(caller.RequireProvider(), body, idempotencyKey), ct);
                return Results.Created($"/api/v1/fee-memoirs/{memoir.Id}", memoir);
            })
            .RequireAuthorization(Policies.Provider)
            .WithBodyLimit(MemoirBodyLimit)
            .Produces<FeeMemoirDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Send a fee memoir (mémoire d'honoraires), adjudicated at once line by line (BIL-01…BIL-13).")
            .WithDescription("Each line answers its outcome (accepted, reduced, refused), the tariff amount (montant opposable) on the session date, " +
                             "the CNS share (part statutaire), the insured share (participation personnelle) and every reason. A memoir reference is " +
                             "accepted once per provider (409 memoir_reference_used); with Idempotency-Key the same body replays the first answer. " +
                             "To confirm a simulation send only {\"simulationId\": ...}: the lines are adjudicated again now and comparedToSimulation " +
                             "lists what changed.");

        memoirs.MapPost("/simulations", async (IMediator m, ICurrentCaller caller, FeeMemoirRequest body,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
                Results.Ok(await m.Send(new SimulateFeeMemoir(caller.RequireProvider(), body, idempotencyKey), ct)))
            .RequireAuthorization(Policies.Provider)
            .WithBodyLimit(MemoirBodyLimit)
            .Produces<FeeMemoirSimulationDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Simulate a fee memoir: the full adjudication, nothing consumed; confirm it with POST /fee-memoirs {simulationId}.");

        memoirs.MapGet("/{id:guid}", (IMediator m, Guid id, CancellationToken ct) => m.Send(new GetFeeMemoir(id), ct))
            .RequireAuthorization(Policies.ProviderOrStaff)
            .Produces<FeeMemoirDto>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A fee memoir with its lines: status (adjudicated, in_payment_run, paid), totals, receivedOn, dueDate (received + 30 days).");

        memoirs.MapGet("", (IMediator m, string? cursor, int? limit, string? status, DateOnly? from, DateOnly? to, Guid? billingFileId,
                Guid? hospitalStayId, string? matricule, string? voucherNumber, CancellationToken ct) =>
                m.Send(new ListFeeMemoirs(cursor, limit, ParseEnum<FeeMemoirStatus>(status, "status"), from, to, billingFileId)
                    { HospitalStayId = hospitalStayId, Search = SearchTerms.Of(matricule, voucherNumber) }, ct))
            .RequireAuthorization(Policies.ProviderOrStaff)
            .Produces<Page<FeeMemoirSummaryDto>>()
            .WithSummary("Your fee memoirs, newest first; filter by status, receipt dates (from, to), billing file, hospital stay "
                         + "(the hospital's memoir settling the stay, doctors' memoirs with fees for it), and `matricule` / `voucherNumber` "
                         + "(memoirs with a line for that person or on that voucher).");

        memoirs.MapPost("/{id:guid}/lines/{line:int}/contestation", async (IMediator m, ICurrentCaller caller, Guid id, int line,
                ContestationRequest body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
            {
                var contestation = await m.Send(new ContestFeeMemoirLine(caller.RequireProvider(), id, line, body, idempotencyKey), ct);
                return Results.Created($"/api/v1/fee-memoirs/{id}", contestation);
            })
            .RequireAuthorization(Policies.Provider)
            .Produces<ContestationDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Contest a refused or reduced line once (BIL-15), naming the reason code contested, before a return file reports the line "
                + "(409 `line_already_contested` or `line_released`; 422 `line_not_contestable`, `line_already_reported` or `contestation_code_not_on_line`).");

        memoirs.MapPost("/{id:guid}/cancellation", (IMediator m, ICurrentCaller caller, Guid id, CancellationRequest body,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
                m.Send(new VoidFeeMemoir(caller.RequireProvider(), id, body, idempotencyKey), ct))
            .RequireAuthorization(Policies.Provider)
            .Produces<FeeMemoirDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Void a fee memoir before a payment run takes it (LIF-02): its lines are released and their sessions go back to the vouchers.")
            .WithDescription("The memoir becomes voided; no payment run takes its lines, and the sessions its paid lines held are free again (BIL-06), " +
                             "as are their dates (BIL-07/08). Once a payment run took a line: 409 memoir_in_payment_run — reverse the paid lines instead " +
                             "(POST /fee-memoirs/{id}/lines/{line}/reversal). Voiding a voided memoir answers it as it is; `voidReason` keeps the reason. To correct a memoir, send the " +
                             "new one with \"replaces\": the old one is voided in the same transaction (LIF-03). The settlement memoir of a hospital stay " +
                             "is voided the same way and releases its stay (`release.kind: void`, nothing owed); a fee memoir cannot replace it " +
                             "(409 memoir_not_replaceable): record the corrected stay with POST /hospital-stays.");

        memoirs.MapPost("/{id:guid}/lines/{line:int}/reversal", async (IMediator m, ICurrentCaller caller, Guid id, int line, ReversalRequest body,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
            {
                var debt = await m.Send(new ReverseFeeMemoirLine(caller.RequireProvider(), id, line, body, idempotencyKey), ct);
                return Results.Created($"/api/v1/fee-memoirs/{id}", debt);
            })
            .RequireAuthorization(Policies.Provider)
            .Produces<ProviderDebtDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Reverse a line a payment run paid (LIF-04): the CNS amount paid becomes your debt, netted by the next payment run (LIF-05).")
            .WithDescription("The line is released (its session goes back to the voucher). The next payment run deducts the amount from what it pays " +
                             "you; when your debts exceed it, no transfer is made and the rest carries forward. The return file lists the reversal " +
                             "(LINE_REVERSED) with the original run and amount. A line not paid yet answers 409 line_not_paid; reversing twice " +
                             "answers the same debt. A hospital reversing the stay-days line of a stay's settlement (memoir source hospital_stay) " +
                             "releases the stay in the same transaction: GET /hospital-stays/{id} shows it `released`, its participation days go " +
                             "back to the yearly ceiling, it no longer overlaps, and doctors' fees for it are refused HOSPITAL_STAY_RELEASED.");

        var review = api.MapGroup("/review/contestations").WithTags("Review").RequireAuthorization(Policies.ReviewerOrAdmin);
        review.MapGet("", (IMediator m, string? cursor, int? limit, string? status, DateOnly? from, DateOnly? to, CancellationToken ct) =>
                m.Send(new ListContestations(cursor, limit, ParseEnum<ContestationStatus>(status, "status"), from, to), ct))
            .Produces<Page<ContestationDto>>()
            .WithSummary("Contestations to decide (BIL-15), oldest first; status pending (default), upheld, overturned, lapsed or withdrawn (its memoir voided or replaced first); filed `from`/`to` (dates).");
        review.MapPost("/{id:guid}/decision", (IMediator m, Guid id, ContestationDecisionRequest body, CancellationToken ct) =>
                m.Send(new DecideContestation(id, body), ct))
            .Produces<ContestationDto>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Uphold or overturn a contestation; an overturned line becomes payable (tariff × rate) in the next payment run, holds its session "
                + "and, refused, takes one of its voucher's sessions (BIL-06) (409 `session_paid_elsewhere` when another line or a claim pays that session now, "
                + "`sessions_exhausted` when every session the voucher grants for the act is paid, `contestation_already_decided` when it was decided, lapsed or withdrawn with its memoir).");

        api.MapPost("/review/recoveries", async (IMediator m, RecoveryRequest body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
                CancellationToken ct) =>
            {
                var debt = await m.Send(new RecordRecovery(body, idempotencyKey), ct);
                return Results.Created($"/api/v1/fee-memoirs/{debt.MemoirId}", debt);
            })
            .WithTags("Review").RequireAuthorization(Policies.ReviewerOrAdmin)
            .Produces<ProviderDebtDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Recover a paid line (LIF-04) with a code: DOUBLE_FINANCING, CURE_INTERRUPTED or SESSION_NOT_GIVEN.")
            .WithDescription("The CNS amount paid becomes the provider's debt, netted by the next payment run (LIF-05), and the return file lists " +
                             "it as LINE_RECOVERED with the original run and amount. The line is released (its session goes back to the voucher). " +
                             "A line not paid yet answers 409 line_not_paid; recovering twice answers the same debt. Recovering the stay-days line " +
                             "of a hospital stay's settlement releases the stay (LIF-04, see POST /fee-memoirs/{id}/lines/{line}/reversal).");

        var files = api.MapGroup("/billing-files").WithTags("Billing files");
        files.MapPost("", UploadBillingFileAsync)
            .RequireAuthorization(Policies.Provider)
            .WithBodyLimit(_ => null) // streamed: the upload enforces billing.file.max_bytes itself
            .Accepts<string>("application/xml", "text/xml", "text/csv")
            .Produces<BillingFileDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .WithSummary("Send a billing file of many fee memoirs: XML (openapi/billing-file.xsd) or CSV (docs/billing-files.md). 202 + Location.")
            .WithDescription("The body is the file itself (Content-Type application/xml, text/xml or text/csv), streamed into storage. A background job " +
                             "validates the whole file, then imports and adjudicates it; poll the Location. A malformed file is rejected whole " +
                             "with line numbers and nothing is imported (BIL-14). Optional ?fileName= is kept for your reference.");
        files.MapGet("/{id:guid}", (IMediator m, Guid id, CancellationToken ct) => m.Send(new GetBillingFile(id), ct))
            .RequireAuthorization(Policies.ProviderOrStaff)
            .Produces<BillingFileDto>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Status of a billing file (received, processing, processed, rejected), counts, errors with line numbers, memoirs created.");
        files.MapGet("", (IMediator m, string? cursor, int? limit, string? status, DateOnly? from, DateOnly? to, CancellationToken ct) =>
                m.Send(new ListBillingFiles(cursor, limit, ParseEnum<BillingFileStatus>(status, "status"), from, to), ct))
            .RequireAuthorization(Policies.ProviderOrStaff)
            .Produces<Page<BillingFileDto>>()
            .WithSummary("Your billing files, newest first (`cursor`/`limit`; filter by `status` and receipt date `from`/`to`).");
    }

    /// <summary>Uploads of billing files (configuration section CnsExchange:BillingFiles).</summary>
    public sealed class UploadOptions
    {
        /// <summary>An upload still running after this many seconds is answered 408 upload_timeout and dropped.</summary>
        public int UploadDeadlineSeconds { get; set; } = 600;
    }

    private static async Task<IResult> UploadBillingFileAsync(HttpRequest request, IMediator m, ICurrentCaller caller, UploadOptions uploads,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, [FromQuery] string? fileName, CancellationToken ct)
    {
        // The handler's store enforces the maximum size of the reference data while it streams the body.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        BillingFileDto file;
        try
        {
            file = await m.Send(new UploadBillingFile(caller.RequireProvider(), request.Body, request.ContentType, request.ContentLength, fileName,
                idempotencyKey, TimeSpan.FromSeconds(uploads.UploadDeadlineSeconds)), ct);
        }
        catch (UploadTimeoutException)
        {
            // The client may still be sending: the connection is not reused.
            request.HttpContext.Response.Headers.Connection = "close";
            throw;
        }
        return Results.Accepted($"/api/v1/billing-files/{file.Id}", file);
    }

    /// <summary>Parses enum query values written as in the API (in_payment_run) or as names.</summary>
    internal static T? ParseEnum<T>(string? value, string field) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (Enum.TryParse<T>(value.Replace("_", ""), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)) return parsed;
        throw new BadInputException(field, $"{field} must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(n)))}.");
    }
}
