using CnsExchange.Api.Infrastructure;
using CnsExchange.Application.Features.Vouchers;
using Mediator;

namespace CnsExchange.Api.Endpoints;

public sealed class VoucherEndpoints : IEndpointGroup
{
    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/vouchers").WithTags("Vouchers").RequireAuthorization(Policies.ProviderOrStaff);

        g.MapGet("/{number}", (IMediator m, string number, CancellationToken ct) => m.Send(new GetVoucher(number), ct))
            .WithSummary("A voucher (titre de prise en charge): dates, services with sessions granted, billed and remaining.");
    }
}
