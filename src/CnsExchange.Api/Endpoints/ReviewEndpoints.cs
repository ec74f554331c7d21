using CnsExchange.Api.Infrastructure;
using CnsExchange.Application.Features.Review;
using CnsExchange.Application.Features.Validation;
using Mediator;

namespace CnsExchange.Api.Endpoints;

/// <summary>CNS reviewers' work on pending prescription validations (VAL-15, VAL-16, VAL-17).</summary>
public sealed class ReviewEndpoints : IEndpointGroup
{
    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/review").WithTags("Review").RequireAuthorization(Policies.Reviewer);

        g.MapGet("/queue", (IMediator m, int? limit, CancellationToken ct) => m.Send(new GetReviewQueue(limit), ct))
            .WithSummary("Pending validation requests ordered by `decisionDueBy` (most urgent first); overdue ones are flagged.");

        g.MapPost("/{id:guid}/decision", (IMediator m, Guid id, ReviewDecisionInput body, CancellationToken ct) => m.Send(new DecideValidationRequest(id, body), ct))
            .Produces<ValidationRequestDto>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Decide a pending request: `agree` (optionally fewer `sessions`), `refuse` with `reasonCodes` and/or `note`, or `request_information` with a `question`.");
    }
}
