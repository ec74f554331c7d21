namespace CnsExchange.Api.Endpoints;

/// <summary>
/// What differs between the kinds of prior-authorisation request a centre sends (cures, rehabilitation) once the
/// request is stored: the queries and the texts of Swagger. The endpoints themselves are the same.
/// </summary>
public sealed record CareRequestQueries<TDto, TSummary>(
    Func<string?, int?, string?, DateOnly?, DateOnly?, SearchTerms, IQuery<Page<TSummary>>> List,
    string ListSummary,
    Func<Guid, IQuery<TDto>> Get,
    string GetSummary);

public static class CareRequestEndpoints
{
    /// <summary>
    /// The metadata of a kind's POST: the decision at once (201 with the request's Location), for providers. The
    /// handler itself stays in the kind's endpoint group, with its concrete input type (the ASP.NET route-handler
    /// analyzer of .NET 10 crashes on a handler parameter of a generic type, dotnet/aspnetcore#56831).
    /// </summary>
    public static RouteHandlerBuilder AsCareRequestSubmission<TDto>(this RouteHandlerBuilder post, string summary, string description) =>
        post.RequireAuthorization(Policies.Provider)
            .WithSummary(summary)
            .WithDescription(description)
            .Produces<TDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>GET the caller's own requests of the kind (cursor, limit, status, from, to, matricule, voucherNumber), and GET one (its provider, or CNS staff).</summary>
    public static RouteGroupBuilder MapCareRequestQueries<TDto, TSummary>(this RouteGroupBuilder g, CareRequestQueries<TDto, TSummary> queries)
    {
        g.MapGet("", (IMediator m, string? cursor, int? limit, string? status, DateOnly? from, DateOnly? to, string? matricule, string? voucherNumber,
                CancellationToken ct) =>
                m.Send(queries.List(cursor, limit, status, from, to, SearchTerms.Of(matricule, voucherNumber)), ct))
            .RequireAuthorization(Policies.Provider)
            .WithSummary(queries.ListSummary)
            .Produces<Page<TSummary>>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        g.MapGet("/{id:guid}", (IMediator m, Guid id, CancellationToken ct) => m.Send(queries.Get(id), ct))
            .RequireAuthorization(Policies.ProviderOrStaff)
            .WithSummary(queries.GetSummary)
            .Produces<TDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return g;
    }
}
