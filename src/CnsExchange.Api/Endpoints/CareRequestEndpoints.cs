using CnsExchange.Application.Features.Requests;
using Microsoft.AspNetCore.Mvc;

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

    /// <summary>
    /// POST /{id}/cancel and /{id}/information of a kind whose provider may withdraw a request without a decision and
    /// answers the reviewer's request for information (RequestPipeline); the answer is the request as it now is.
    /// </summary>
    public static RouteGroupBuilder MapCareRequestCorrespondence<TDto>(this RouteGroupBuilder g,
        Func<Guid, CancelInput?, ICommand<TDto>> cancel, Func<Guid, InformationAnswerInput, ICommand<TDto>> answer)
    {
        g.MapPost("/{id:guid}/cancel", (IMediator m, Guid id, [FromBody] CancelInput? body, CancellationToken ct) => m.Send(cancel(id, body), ct))
            .RequireAuthorization(Policies.Provider)
            .WithSummary("Withdraw a request that has no decision yet (pending or waiting for information); no voucher follows.")
            .Produces<TDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        g.MapPost("/{id:guid}/information", (IMediator m, Guid id, InformationAnswerInput body, CancellationToken ct) => m.Send(answer(id, body), ct))
            .RequireAuthorization(Policies.Provider)
            .WithSummary("Answer the reviewer's request for information; the request is pending again, due the next working day "
                + "(409 `no_information_requested` when no information was asked for).")
            .Produces<TDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return g;
    }
}
