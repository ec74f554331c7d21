using CnsExchange.Api.Infrastructure;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Lifecycle;
using CnsExchange.Application.Features.Vouchers;
using Mediator;
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
            .WithSummary("A voucher (titre de prise en charge): dates, services with sessions granted, billed and remaining.");

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
}
