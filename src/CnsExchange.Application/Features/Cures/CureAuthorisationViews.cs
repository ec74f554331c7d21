using System.Diagnostics.CodeAnalysis;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Cures;

namespace CnsExchange.Application.Features.Cures;

/// <summary>The request as the thermal centre sent it (country upper-cased, kind code normalised).</summary>
public sealed record CureRequestDto(
    string Matricule, string DoctorCode, string KindCode, DateOnly RequestedStart, string CountryOfCare, bool Abroad, bool CareNotAvailableInLuxembourg,
    int? MaintenanceSessionsPerMonth, CureClinicalData Clinical);

/// <summary>
/// A cure authorisation request and its decision: <c>agreed</c> with a <c>voucher</c> of kind cure and the
/// <c>authorisation</c> terms (validity, rate, sessions, stay allowance, S2), or <c>refused</c> with every reason.
/// </summary>
public sealed record CureAuthorisationDto : RequestHeader
{
    public CureAuthorisationDto() { }
    [SetsRequiredMembers] public CureAuthorisationDto(RequestHeader header) : base(header) { }
    public required VoucherDto? Voucher { get; init; }
    public required CureTermsDto? Authorisation { get; init; }
    public required CureRequestDto Request { get; init; } = null!;
    public required IReadOnlyList<CureInterruptionDto> Interruptions { get; init; } = null!;
}

public sealed record CureAuthorisationSummaryDto(
    Guid Id, RequestStatus Status, DateTimeOffset ReceivedAt, string Matricule, string KindCode, DateOnly RequestedStart, string CountryOfCare,
    DateTimeOffset? DecisionDueBy, bool Overdue, string? VoucherNumber, IReadOnlyList<string> ReasonCodes);

public static class CureAuthorisationViews
{
    public const string Route = "/api/v1/cure-authorisations";

    public static async Task<CureAuthorisationDto> MapAsync(IAppDbContext db, IReferenceData reference, string language, DateTimeOffset now,
        CureAuthorisation r, CancellationToken ct)
    {
        var h = await RequestViews.HeaderAsync(db, reference, language, now, r, ct);
        var terms = r.Terms is { } t && RequestViews.ShowsTerms(r) ? CureTermsDto.Of(t) : null;
        var voucher = await RequestViews.VoucherAsync(db, r, ct) is { } v ? VoucherViews.Map(v, reference, cure: terms) : null;
        return new CureAuthorisationDto(h)
        {
            Voucher = voucher,
            Authorisation = terms,
            Request = new CureRequestDto(r.Matricule, r.DoctorCode, r.KindCode, r.RequestedStart, r.CountryOfCare, r.Abroad,
                r.CareNotAvailableInLuxembourg, r.MaintenanceSessionsPerMonth, r.Clinical),
            Interruptions = r.Interruptions.Select(CureInterruptionDto.Of).ToList(),
        };
    }
}

public sealed record GetCureAuthorisation(Guid Id) : IQuery<CureAuthorisationDto>;

/// <summary>The thermal centre's own requests, newest first; filter by status and by date of receipt (inclusive).</summary>
public sealed record ListCureAuthorisations(string? Cursor, int? Limit, string? Status, DateOnly? From, DateOnly? To)
    : ListRequests(Cursor, Limit, Status, From, To), IQuery<Page<CureAuthorisationSummaryDto>>;

public sealed class CureAuthorisationQueryHandlers(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller) :
    IQueryHandler<GetCureAuthorisation, CureAuthorisationDto>,
    IQueryHandler<ListCureAuthorisations, Page<CureAuthorisationSummaryDto>>
{
    public async ValueTask<CureAuthorisationDto> Handle(GetCureAuthorisation query, CancellationToken ct)
    {
        return await RequestViews.GetAsync<CureAuthorisation, CureAuthorisationDto>(db, query.Id, caller, "Cure authorisation",
            r => CureAuthorisationViews.MapAsync(db, reference, caller.Language, clock.GetUtcNow(), r, ct), ct);
    }

    public async ValueTask<Page<CureAuthorisationSummaryDto>> Handle(ListCureAuthorisations query, CancellationToken ct)
    {
        return await RequestViews.ListAsync(db.Set<CureAuthorisation>(), caller, query, clock.GetUtcNow(), (r, overdue) => new CureAuthorisationSummaryDto(
                r.Id, r.Status, r.ReceivedAt, r.Matricule, r.KindCode, r.RequestedStart, r.CountryOfCare, r.DecisionDueBy,
                overdue, r.VoucherNumber, r.Reasons.Select(x => x.Code).ToList()), ct);
    }
}

/// <summary>
/// The thermal centre withdraws a request that has no decision yet (pending <c>DOCUMENT_MISSING</c>, pending for a
/// reviewer, or waiting for information). No voucher follows.
/// </summary>
public sealed record CancelCureAuthorisation(Guid Id, CancelInput? Body) : ICommand<CureAuthorisationDto>, ICancelCareRequest;

public sealed class CancelCureAuthorisationValidator : CancelCareRequestValidator<CancelCureAuthorisation>;

/// <summary>The centre answers the reviewer's question; the request is pending for the reviewer again.</summary>
public sealed record AnswerCureInformation(Guid Id, InformationAnswerInput? Body) : ICommand<CureAuthorisationDto>, IAnswerCareRequest;

public sealed class AnswerCureInformationValidator : AnswerCareRequestValidator<AnswerCureInformation>;

public sealed class CureRequestCommandHandlers(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller,
    RequestPipeline pipeline) :
    ICommandHandler<CancelCureAuthorisation, CureAuthorisationDto>,
    ICommandHandler<AnswerCureInformation, CureAuthorisationDto>
{
    public async ValueTask<CureAuthorisationDto> Handle(CancelCureAuthorisation command, CancellationToken ct)
    {
        var request = await pipeline.CancelAsync(RequestKind.CureAuthorisation, command.Id, command.Body?.Note, ct);
        return await CureAuthorisationViews.MapAsync(db, reference, caller.Language, clock.GetUtcNow(), (CureAuthorisation)request, ct);
    }

    public async ValueTask<CureAuthorisationDto> Handle(AnswerCureInformation command, CancellationToken ct)
    {
        var request = await pipeline.AnswerInformationAsync(RequestKind.CureAuthorisation, command.Id, command.Body!.Answer!.Trim(), ct);
        return await CureAuthorisationViews.MapAsync(db, reference, caller.Language, clock.GetUtcNow(), (CureAuthorisation)request, ct);
    }
}
