using System.Diagnostics.CodeAnalysis;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Application.Features.Rehabilitation;

public sealed record DeclaredStayDto(DateOnly AdmissionDate, DateOnly DischargeDate, int Days, string? Hospital, string Evidence);

/// <summary>The request as the centre sent it.</summary>
public sealed record RehabilitationRequestDto(
    string Matricule, string? DoctorCode, string KindCode, RehabService Service, CareSetting Setting, DateOnly Start, DateOnly? End, int? Days,
    bool DifferentPathology, bool StableClinicalState, bool FunctionalLimitationsAttested, DateOnly? AcuteTherapyEnd,
    IReadOnlyList<DeclaredStayDto> DeclaredStays, DateOnly? CardiacEventDate);

public enum ExtensionOutcome
{
    Granted,
    Refused,
}

/// <summary>An extension of a geriatric stationary authorisation (REH-03): granted (the voucher's validUntil moves to <see cref="NewTo"/>) or refused.</summary>
public sealed record RehabilitationExtensionDto(
    int Sequence, DateTimeOffset RequestedAt, int Days, ExtensionOutcome Outcome, DateOnly PreviousTo, DateOnly NewTo, IReadOnlyList<ReasonDto> Reasons);

/// <summary>
/// A rehabilitation request and its decision: <c>agreed</c> with a <c>voucher</c> of kind rehabilitation and the
/// authorised period, <c>refused</c> with every reason, <c>pending</c> (a declared stay to check) with
/// <c>decisionDueBy</c>, or — for the CNRFR — <c>not_required</c> with <c>affiliationInOrder</c>.
/// </summary>
public sealed record RehabilitationAuthorisationDto : RequestHeader
{
    public RehabilitationAuthorisationDto() { }
    [SetsRequiredMembers] public RehabilitationAuthorisationDto(RequestHeader header) : base(header) { }
    /// <summary>False for the CNRFR (REH-01): the answer is an affiliation check.</summary>
    public required bool AuthorisationRequired { get; init; }

    /// <summary>CNRFR only: the insured person is affiliated on the request and admission dates.</summary>
    public required bool? AffiliationInOrder { get; init; }

    public required VoucherDto? Voucher { get; init; }
    public required RehabilitationTermsDto? Authorisation { get; init; }
    public required RehabilitationRequestDto Request { get; init; } = null!;
    public required IReadOnlyList<RehabilitationExtensionDto> Extensions { get; init; } = null!;
}

public sealed record RehabilitationAuthorisationSummaryDto(
    Guid Id, RequestStatus Status, DateTimeOffset ReceivedAt, string Matricule, string KindCode, DateOnly Start, DateOnly? AuthorisedFrom,
    DateOnly? AuthorisedTo, DateTimeOffset? DecisionDueBy, bool Overdue, string? VoucherNumber, IReadOnlyList<string> ReasonCodes);

public static class RehabilitationViews
{
    public const string Route = "/api/v1/rehabilitation-authorisations";

    public static async Task<RehabilitationAuthorisationDto> MapAsync(IAppDbContext db, IReferenceData reference, string language, DateTimeOffset now,
        RehabilitationAuthorisation r, CancellationToken ct)
    {
        var h = await RequestViews.HeaderAsync(db, reference, language, now, r, ct);
        var terms = r.Terms is { } t && RequestViews.ShowsTerms(r) ? RehabilitationTermsDto.Of(r.KindCode, t) : null;
        var voucher = await RequestViews.VoucherAsync(db, r, ct) is { } v ? VoucherViews.Map(v, reference, rehabilitation: terms) : null;
        var extensions = await db.Set<RehabilitationExtension>().AsNoTracking().Where(e => e.AuthorisationId == r.Id).OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        var kind = reference.Catalog.RehabilitationKind(r.KindCode, r.ReceivedOn);
        return new RehabilitationAuthorisationDto(h)
        {
            AuthorisationRequired = kind?.AuthorisationRequired ?? true,
            AffiliationInOrder = r.Service == RehabService.Cnrfr ? r.Status == RequestStatus.NotRequired : null,
            Voucher = voucher,
            Authorisation = terms,
            Request = new RehabilitationRequestDto(r.Matricule, r.DoctorCode, r.KindCode, r.Service, r.Setting, r.Start, r.End, r.Days,
                r.DifferentPathology, r.StableClinicalState, r.FunctionalLimitationsAttested, r.AcuteTherapyEnd,
                r.DeclaredStays.Select(s => new DeclaredStayDto(s.Admission, s.Discharge, s.ToFact().Days, s.Hospital, s.Evidence)).ToList(),
                r.CardiacEventDate),
            Extensions = extensions.Select(e => Map(e, reference, language)).ToList(),
        };
    }

    public static RehabilitationExtensionDto Map(RehabilitationExtension e, IReferenceData reference, string language) => new(
        e.Sequence, e.RequestedAt, e.Days, e.Granted ? ExtensionOutcome.Granted : ExtensionOutcome.Refused, e.PreviousTo, e.NewTo,
        reference.Render(e.Reasons, language));
}

public sealed record GetRehabilitationAuthorisation(Guid Id) : IQuery<RehabilitationAuthorisationDto>;

/// <summary>The centre's own requests, newest first; filter by status and by date of receipt (inclusive).</summary>
public sealed record ListRehabilitationAuthorisations(string? Cursor, int? Limit, string? Status, DateOnly? From, DateOnly? To)
    : ListRequests(Cursor, Limit, Status, From, To), IQuery<Page<RehabilitationAuthorisationSummaryDto>>;

public sealed class RehabilitationQueryHandlers(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller) :
    IQueryHandler<GetRehabilitationAuthorisation, RehabilitationAuthorisationDto>,
    IQueryHandler<ListRehabilitationAuthorisations, Page<RehabilitationAuthorisationSummaryDto>>
{
    public async ValueTask<RehabilitationAuthorisationDto> Handle(GetRehabilitationAuthorisation query, CancellationToken ct)
    {
        return await RequestViews.GetAsync<RehabilitationAuthorisation, RehabilitationAuthorisationDto>(db, query.Id, caller, "Rehabilitation authorisation",
            r => RehabilitationViews.MapAsync(db, reference, caller.Language, clock.GetUtcNow(), r, ct), ct);
    }

    public async ValueTask<Page<RehabilitationAuthorisationSummaryDto>> Handle(ListRehabilitationAuthorisations query, CancellationToken ct)
    {
        return await RequestViews.ListAsync(db.Set<RehabilitationAuthorisation>(), caller, query, clock.GetUtcNow(), (r, overdue) => new RehabilitationAuthorisationSummaryDto(
                r.Id, r.Status, r.ReceivedAt, r.Matricule, r.KindCode, r.Start, r.AuthorisedFrom, r.AuthorisedTo, r.DecisionDueBy,
                overdue, r.VoucherNumber, r.Reasons.Select(x => x.Code).ToList()), ct);
    }
}

/// <summary>The centre withdraws a request that has no decision yet (pending or waiting for information). No voucher follows.</summary>
public sealed record CancelRehabilitationAuthorisation(Guid Id, CancelInput? Body) : ICommand<RehabilitationAuthorisationDto>, ICancelCareRequest;

public sealed class CancelRehabilitationAuthorisationValidator : CancelCareRequestValidator<CancelRehabilitationAuthorisation>;

/// <summary>The centre answers the reviewer's question; the request is pending again, due the next working day.</summary>
public sealed record AnswerRehabilitationInformation(Guid Id, InformationAnswerInput? Body) : ICommand<RehabilitationAuthorisationDto>, IAnswerCareRequest;

public sealed class AnswerRehabilitationInformationValidator : AnswerCareRequestValidator<AnswerRehabilitationInformation>;

public sealed class RehabilitationRequestCommandHandlers(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller,
    RequestPipeline pipeline) :
    ICommandHandler<CancelRehabilitationAuthorisation, RehabilitationAuthorisationDto>,
    ICommandHandler<AnswerRehabilitationInformation, RehabilitationAuthorisationDto>
{
    public async ValueTask<RehabilitationAuthorisationDto> Handle(CancelRehabilitationAuthorisation command, CancellationToken ct)
    {
        var request = await pipeline.CancelAsync(RequestKind.RehabilitationAuthorisation, command.Id, command.Body?.Note, ct);
        return await RehabilitationViews.MapAsync(db, reference, caller.Language, clock.GetUtcNow(), (RehabilitationAuthorisation)request, ct);
    }

    public async ValueTask<RehabilitationAuthorisationDto> Handle(AnswerRehabilitationInformation command, CancellationToken ct)
    {
        var request = await pipeline.AnswerInformationAsync(RequestKind.RehabilitationAuthorisation, command.Id, command.Body!.Answer!.Trim(), ct);
        return await RehabilitationViews.MapAsync(db, reference, caller.Language, clock.GetUtcNow(), (RehabilitationAuthorisation)request, ct);
    }
}
