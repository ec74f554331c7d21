using CnsExchange.Application.Features.Reimbursement;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Reimbursement;
using Microsoft.AspNetCore.Mvc;

namespace CnsExchange.Api.Endpoints;

/// <summary>The insured's route (RULES.md §8): reimbursement claims submitted by the insured channel, and their statements.</summary>
public sealed class ReimbursementClaimEndpoints : IEndpointGroup
{
    private const string Tag = "Insured's route";

    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/reimbursement-claims").WithTags(Tag);

        g.MapPost("/", Submit)
            .RequireAuthorization(Policies.InsuredChannel)
            .AcceptsRequestAndDocument<ReimbursementClaimDto>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Claim a reimbursement for an insured: multipart `request` (JSON) + `invoice` (the receipted invoice: PDF, JPEG, PNG or TIFF).")
            .WithDescription("""
                The insured paid in full and asks the competent fund (CNS, CMFEP, CMFEC or EMCFL, from the registry) to refund the
                covered part (RULES.md §8). Answered at once (201): each line `accepted`, `reduced` or `refused` with the reason
                codes of memoir lines, or `pending` where a reviewer must read a document; `reimbursedTotal` is what the fund pays
                to the insured by a later payment run.

                `physiotherapy` (INS-03/04): `voucherNumber`, `providerCode` (the physiotherapist), `sessions` [{`date`, `actCode`,
                `amountPaid`}]; each session follows the voucher rules (BIL-03…BIL-13) and is reimbursed at rate × min(paid, tariff).
                A session is paid once across routes: one already paid to the provider under third-party payment, or reimbursed
                by another claim, is refused `SESSION_ALREADY_PAID`, and the provider's memoir line for a reimbursed session is too.

                `cure_stay` (INS-06, CUR-07): the cure's `voucherNumber`, the lodging invoice (`invoice.date`, `invoice.issuedTo`,
                `stay` {`firstNight`, `lastNight`, `nights`, `amountPaid`}; a missing item is `STAY_INVOICE_INCOMPLETE`) and
                `lodging` {`kind`: establishment, tent, caravan, room_at_private_person; `establishmentCode`}. One line per night,
                at the flat rate (61.39 EUR a night; a resident of Mondorf 17.94 EUR a day of cure, the stay then being the days
                of cure). Private lodging and establishments outside Mondorf are `LODGING_NOT_APPROVED`; an establishment not in
                the reference list, a name that is not the insured's, or nights after the sessions billed so far of a cure in
                progress are `pending` (`INVOICE_REVIEW_REQUIRED`). Nights outside the cure (its first to its last session; not
                the night of a last day that is a Friday or the eve of a public holiday) are `NIGHT_OUTSIDE_CURE`; a night
                already paid or under review is `NIGHT_ALREADY_PAID`.

                `s2_stay` (INS-07): the S2 cure's `voucherNumber`, the invoice in the insured's name and the `stay`; each night is
                reimbursed up to the flat rate (61.39 EUR, reduction `AMOUNT_ABOVE_FLAT_RATE`); `travelCosts` are a line refused
                `TRAVEL_COSTS_NOT_COVERED`. `accompanying_person` (INS-07): the same for the person accompanying a curist under 18
                (the matricule is the curist's) with `accompanyingPerson` {`name`, `expressRequest`: true}.

                `doctor_fees` (INS-08): `providerCode` (the doctor), `hospitalStayId` (a stay CNS accepted for the insured), `fees`
                [{`date`, `actCode`, `amountPaid`, `singleRoomSurcharge`}], reimbursed at the HOS-04 rates on the tariff; a fee
                paid to the doctor by a memoir is `FEE_ALREADY_PAID`, and the doctor's memoir line for a reimbursed fee is too.

                A CNS reviewer decides pending lines with POST /review/reimbursement-claims/{id}/lines/{line}/decision.

                Without the `invoice` file the claim is refused as a whole (`INVOICE_MISSING`, status `refused`). Amounts with more
                than 2 decimals or not above 0, and dates in the future, are 400 naming the field. The same invoice (issuer and
                number, or the same file for the insured) claimed again is 409 `DUPLICATE_CLAIM` with `claimId` of the first claim.
                Messages follow `Accept-Language` (fr, de, en); `statementLanguage` is the language of the insured's statement.
                Each example (one per kind) is answered as is with any invoice file (key sandbox-insured-app): its voucher number
                or hospital stay is unknown in the sandbox, so it is refused `VOUCHER_UNKNOWN` / `HOSPITAL_STAY_UNKNOWN`; put the
                number of a voucher of the insured (physiotherapy, or the cure's) or the id of the insured's hospital stay.
                """);

        api.MapPost("/review/reimbursement-claims/{id:guid}/lines/{line:int}/decision",
                (IMediator m, Guid id, int line, ClaimLineDecisionInput body, CancellationToken ct) => m.Send(new DecideClaimLine(id, line, body), ct))
            .WithTags("Review")
            .RequireAuthorization(Policies.ReviewerOrAdmin)
            .Produces<ReimbursementClaimDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Decide a pending line of a reimbursement claim after reading its document: `agree` (paid what it would have been) or `refuse` with `reasonCodes` and/or `note`.")
            .WithDescription("Pending claims are listed by GET /reimbursement-claims?status=pending (CNS staff see every claim). A line that is not " +
                             "pending answers 409 line_not_pending. Once no line is pending the claim is adjudicated and its reimbursed total goes to " +
                             "the next payment run (INS-05).");

        g.MapGet("/", (IMediator m, string? cursor, int? limit, string? status, string? matricule, DateOnly? from, DateOnly? to, CancellationToken ct) =>
                m.Send(new ListReimbursementClaims(cursor, limit, BillingEndpoints.ParseEnum<ClaimStatus>(status, "status"), matricule, from, to), ct))
            .RequireAuthorization(Policies.InsuredChannelOrStaff)
            .WithSummary("The claims this insured channel submitted (CNS staff: all), newest first (`cursor`/`limit`; filter by `status`, `matricule` and "
                + "submission date `from`/`to`).");

        g.MapGet("/{id:guid}", (IMediator m, Guid id, CancellationToken ct) => m.Send(new GetReimbursementClaim(id), ct))
            .RequireAuthorization(Policies.InsuredChannelOrStaff)
            .WithSummary("A reimbursement claim and its statement: every line with what was paid, the tariff, the rate, what is reimbursed and why.");

        g.MapGet("/{id:guid}/statement", Statement)
            .RequireAuthorization(Policies.InsuredChannelOrStaff)
            .Produces<ClaimStatementDto>(StatusCodes.Status200OK, "application/json", "text/html")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The insured's statement of a claim (INS-05): what is reimbursed, reduced or refused and why, and its payment by the competent fund.")
            .WithDescription("""
                For the insured channel that submitted the claim (CNS staff: any claim; another insured channel: 404; a provider: 403, the route is not for its role). JSON by default; with
                `Accept: text/html` or `format=html` a printable page. The language is `lang` (fr, de, en) or else Accept-Language.
                `paymentState`: `paid` (with `payment`: run, value date, amount, masked IBAN and the end-to-end id on the insured's
                bank statement), `scheduled` (paid by the next payment run, by `dueDate` = claim + 30 days), `waiting_for_bank_account`
                (no account of the insured is known: `BANK_ACCOUNT_MISSING`; the first run after PUT /admin/insured/{matricule}/bank-account
                pays it), `pending_review`, `nothing_to_pay` or `refused`; the reason about the payment is the last of `reasons`.
                Once a payment run paid the claim, the bytes are those the run stored (its SHA-256 is listed under the run's
                `reimbursements`); ETag and X-Content-SHA256 carry it.
                """);
    }

    private static async Task<IResult> Statement(IMediator m, HttpContext http, ICurrentCaller caller, Guid id, string? lang, string? format, CancellationToken ct)
    {
        var language = lang is null ? caller.Language
            : Languages.Supported.Contains(lang.Trim().ToLowerInvariant()) ? lang.Trim().ToLowerInvariant()
            : throw new BadInputException("lang", "lang is fr, de or en.");
        var kind = format?.Trim().ToLowerInvariant() switch
        {
            null => VoucherEndpoints.WantsHtml(http.Request) ? ClaimStatementFormat.Html : ClaimStatementFormat.Json,
            "json" => ClaimStatementFormat.Json,
            "html" => ClaimStatementFormat.Html,
            _ => throw new BadInputException("format", "format is json or html."),
        };
        var file = await m.Send(new GetClaimStatement(id, kind, language), ct);
        http.Response.Headers.Vary = "Accept, Accept-Language";
        http.Response.Headers.ContentLanguage = language;
        http.Response.Headers[PaymentRunEndpoints.ContentHashHeader] = file.Sha256;
        if (kind == ClaimStatementFormat.Html)
        {
            // A printable page with nothing active in it: no script, no resource from elsewhere.
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
            http.Response.Headers.XContentTypeOptions = "nosniff";
        }
        return Results.File(file.Content, file.MediaType + "; charset=utf-8", entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{file.Sha256}\""));
    }

    [OpenApiFormExample("multipart/form-data", "request", typeof(ReimbursementClaimInput))]
    private static async Task<IResult> Submit(
        [FromForm(Name = "request")] string? request,
        IFormFile? invoice,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        HttpRequest http,
        IMediator mediator,
        ICurrentCaller caller,
        IReferenceData reference,
        TimeProvider clock,
        CancellationToken ct)
    {
        var keyId = caller.KeyId ?? throw new ForbiddenException("This operation is for the insured channel.");
        var (input, json, bytes) = await MultipartSubmission.ReadAsync<ReimbursementClaimInput>(request, invoice, "invoice", http, reference, clock, ct);
        var claim = await mediator.Send(new SubmitReimbursementClaim(keyId, input, json, bytes, invoice?.FileName, idempotencyKey), ct);
        return Results.Created($"{ReimbursementClaimViews.Route}/{claim.Id}", claim);
    }
}
