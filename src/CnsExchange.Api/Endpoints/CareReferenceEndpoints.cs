using CnsExchange.Application.Features.Reference;

namespace CnsExchange.Api.Endpoints;

/// <summary>Reference data of cures, rehabilitation and hospital stays, next to the other reference lists.</summary>
public sealed class CareReferenceEndpoints : IEndpointGroup
{
    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/reference").WithTags("Reference data").RequireAuthorization(Policies.ProviderOrStaff);
        g.MapGet("/cure-kinds", (IMediator m, CancellationToken ct) => m.Send(new GetCureKinds(), ct))
            .WithSummary("Cure kinds (CUR-01…CUR-08): family, rate, sessions, waiting period, limits, stay allowance.");
        g.MapGet("/s2-countries", (IMediator m, CancellationToken ct) => m.Send(new GetS2Countries(), ct))
            .WithSummary("Countries where a cure abroad is covered with an S2 form (CUR-08).");
        g.MapGet("/stay-allowances", (IMediator m, CancellationToken ct) => m.Send(new GetStayAllowances(), ct))
            .WithSummary("Cure stay allowances (CUR-07): per night in Mondorf, per day for Mondorf residents, abroad.");
        g.MapGet("/hospital-tariffs", (IMediator m, CancellationToken ct) => m.Send(new GetHospitalTariffs(), ct))
            .WithSummary("Hospital day tariffs and insured participations (HOS-01…HOS-03, HOS-07).");
        g.MapGet("/rehabilitation-kinds", (IMediator m, CancellationToken ct) => m.Send(new GetRehabilitationKinds(), ct))
            .WithSummary("Rehabilitation kinds (REH-01…REH-04).");
    }
}
