using CnsExchange.Application.Features.DependencyInsurance;

namespace CnsExchange.Api.Endpoints;

public sealed class DependencyInsuranceEndpoints : IEndpointGroup
{
    public void Map(RouteGroupBuilder api)
    {
        api.MapPost("/admin/dependency-insurance/care-plans", (IMediator m, LoadCarePlans body, CancellationToken ct) => m.Send(body, ct))
            .WithBodyLimit(16 * 1024 * 1024) // a feed of many insured persons' care plans
            .WithTags("Administration").RequireAuthorization(Policies.Admin)
            .WithSummary("Load the dependency-insurance feed: care plans and the days physiotherapy-type care was delivered (replaces the listed insured persons' plans).");

        api.MapGet("/reports/double-financing", (IMediator m, DateOnly? from, DateOnly? to, CancellationToken ct) => m.Send(new GetDoubleFinancingReport(from, to), ct))
            .WithTags("Reports").RequireAuthorization(Policies.ReviewerOrAdmin)
            .WithSummary("Overlaps between dependency-insurance physiotherapy and health-insurance physiotherapy, per provider and month (seed 004): requests sent to review (VAL-15), sessions refused as double financing (BIL-13), sessions paid during a care plan.");
    }
}
