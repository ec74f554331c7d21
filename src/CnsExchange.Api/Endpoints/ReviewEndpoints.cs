using CnsExchange.Application.Features.Requests;
using CnsExchange.Application.Features.Review;

namespace CnsExchange.Api.Endpoints;

/// <summary>CNS reviewers' work on pending requests of every kind (VAL-15, VAL-16, VAL-17, REH-02 declared stays).</summary>
public sealed class ReviewEndpoints : IEndpointGroup
{
    public void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/review").WithTags("Review").RequireAuthorization(Policies.Reviewer);

        g.MapGet("/queue", (IMediator m, int? limit, string? cursor, CancellationToken ct) => m.Send(new GetReviewQueue(limit, cursor), ct))
            .WithSummary("Pending requests of every kind (prescription validations, cure and rehabilitation authorisations) ordered by `decisionDueBy` (most urgent first); overdue ones are flagged.")
            .WithDescription("A page at a time (`limit`, then `cursor` = the page's `nextCursor`, null on the last page); `total` and `overdue` count the whole queue. " +
                             "The queue is a work list, so its order is the most urgent first rather than the newest.");

        g.MapPost("/{id:guid}/decision", (IMediator m, Guid id, ReviewDecisionInput body, CancellationToken ct) => m.Send(new DecideRequest(id, body), ct))
            .Produces<RequestDto>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Decide a pending request of any kind: `agree` (optionally fewer `sessions` where the kind counts sessions), `refuse` with `reasonCodes` and/or `note`, or `request_information` with a `question` (409 `request_not_pending` when the request is not pending, e.g. waiting for the information asked).");
    }
}
