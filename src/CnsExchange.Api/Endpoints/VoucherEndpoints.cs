using CnsExchange.Application.Features.Lifecycle;
using CnsExchange.Application.Features.Vouchers;
using Microsoft.AspNetCore.Mvc;

namespace CnsExchange.Api.Endpoints;

public sealed class VoucherEndpoints : IEndpointGroup
{
    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/vouchers").WithTags("Vouchers").RequireAuthorization(Policies.ProviderOrStaff);

        g.MapGet("", (IMediator m, string? cursor, int? limit, string? status, DateOnly? from, DateOnly? to, string? matricule, string? voucherNumber,
                CancellationToken ct) =>
                m.Send(new ListVouchers(cursor, limit, BillingEndpoints.ParseEnum<VoucherState>(status, "status"), from, to)
                    { Search = SearchTerms.Of(matricule, voucherNumber) }, ct))
            .Produces<Page<VoucherSummaryDto>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Your vouchers, newest first (`cursor`/`limit`; filter by `status` as of today (open, used_up, expired, cancelled), issue date `from`/`to`, `matricule` and `voucherNumber`). CNS staff see every provider's.");

        g.MapGet("/{number}", (IMediator m, string number, CancellationToken ct) => m.Send(new GetVoucher(number), ct))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("A voucher (titre de prise en charge): dates, services with sessions granted, billed and remaining.");

        g.MapGet("/{number}/fee-note", async (IMediator m, HttpContext http, string number, string? sessions, CancellationToken ct) =>
            {
                var note = await m.Send(new GetFeeNote(number, sessions), ct);
                http.Response.Headers.Vary = "Accept, Accept-Language";
                if (!WantsHtml(http.Request)) return Results.Ok(note);
                // A printable page with nothing active in it: no script, no resource from elsewhere.
                http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
                http.Response.Headers.XContentTypeOptions = "nosniff";
                return Results.Content(FeeNoteHtml.Render(note), "text/html; charset=utf-8");
            })
            .Produces<FeeNoteDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Fee note for the insured who pays in full (INS-02): tariff, CNS share and insured share per session, and totals.")
            .WithDescription("`sessions` lists the sessions done: `2026-11-10,2026-11-12`, or `2026-11-10:ZK11` to name the act when the " +
                             "voucher has several services. Each session is charged at the tariff of its date; the CNS share and the " +
                             "insured share are those a fee memoir line at that tariff gets (BIL-10, BIL-11). JSON by default; with " +
                             "`Accept: text/html` a printable page in the language of Accept-Language (fr, de, en). Accident (AAA) cases " +
                             "are always billed under third-party payment: 422 third_party_payment_required. Another provider's voucher is 404.");

        g.MapPost("/{number}/cancellation", (IMediator m, ICurrentCaller caller, string number, CancellationRequest body,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
                m.Send(new CancelVoucher(caller.IsStaff() ? null : caller.RequireProvider(), number, body, idempotencyKey), ct))
            .Produces<VoucherDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Cancel a voucher (LIF-01): by its provider while no session on it is accepted, by a reviewer at any time.")
            .WithDescription("Lines received after the cancellation are refused VOUCHER_CANCELLED. A voucher with accepted sessions answers " +
                             "409 voucher_has_accepted_sessions (void the memoir or reverse the paid lines first). Cancelling again answers the " +
                             "cancelled voucher; with Idempotency-Key the same body replays the first answer.");
    }

    /// <summary>HTML when the Accept header ranks text/html above application/json (browsers do); JSON otherwise.</summary>
    internal static bool WantsHtml(HttpRequest request)
    {
        double Quality(string type) => request.GetTypedHeaders().Accept
            .Where(a => string.Equals(a.MediaType.Value, type, StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        var html = Quality("text/html");
        return html > 0 && html > Quality("application/json");
    }
}
