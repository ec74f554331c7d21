using CnsExchange.Api.Infrastructure;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Vouchers;
using Mediator;

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
            .WithSummary("Your vouchers, newest first (`cursor`/`limit`; filter by `status` as of today (open, used_up, expired), issue date `from`/`to`, `matricule` and `voucherNumber`). CNS staff see every provider's.");

        g.MapGet("/{number}", (IMediator m, string number, CancellationToken ct) => m.Send(new GetVoucher(number), ct))
            .WithSummary("A voucher (titre de prise en charge): dates, services with sessions granted, billed and remaining.");
    }
}
