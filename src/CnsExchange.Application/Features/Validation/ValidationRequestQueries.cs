using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Physio.Rules;

namespace CnsExchange.Application.Features.Validation;

public sealed record GetValidationRequest(Guid Id) : IQuery<ValidationRequestDto>;

/// <summary>The provider's own requests, newest first; filter by status and by date of receipt (Luxembourg dates, inclusive).</summary>
public sealed record ListValidationRequests(string? Cursor, int? Limit, string? Status, DateOnly? From, DateOnly? To)
    : ListRequests(Cursor, Limit, Status, From, To), IQuery<Page<ValidationRequestSummaryDto>>;

public sealed record ScanFile(byte[] Content, string ContentType, string FileName);

public sealed record GetPrescriptionScan(Guid Id) : IQuery<ScanFile>;

public sealed class ValidationRequestQueryHandlers(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller) :
    IQueryHandler<GetValidationRequest, ValidationRequestDto>,
    IQueryHandler<ListValidationRequests, Page<ValidationRequestSummaryDto>>,
    IQueryHandler<GetPrescriptionScan, ScanFile>
{
    public async ValueTask<ValidationRequestDto> Handle(GetValidationRequest query, CancellationToken ct) =>
        await ValidationRequestViews.LoadAsync(db, reference, caller, clock.GetUtcNow(), query.Id, ct);

    public async ValueTask<Page<ValidationRequestSummaryDto>> Handle(ListValidationRequests query, CancellationToken ct)
    {
        return await RequestViews.ListAsync(db.Set<ValidationRequest>(), caller, query, clock.GetUtcNow(), (r, overdue) => new ValidationRequestSummaryDto(
                r.Id, r.Status, r.ReceivedAt, r.Matricule, r.PrescriptionDate, r.Category, r.ActCode, r.SessionsPrescribed, r.DecisionDueBy,
                overdue, r.VoucherNumber, r.Reasons.Select(x => x.Code).ToList()), ct);
    }

    public async ValueTask<ScanFile> Handle(GetPrescriptionScan query, CancellationToken ct)
    {
        var owner = await db.Set<ValidationRequest>().AsNoTracking().Where(r => r.Id == query.Id)
            .Select(r => new { r.ProviderId, r.SubmittedByKeyId }).SingleOrDefaultAsync(ct);
        if (owner is null || !RequestViews.IsVisible(owner.ProviderId, owner.SubmittedByKeyId, caller)) throw new NotFoundException("Validation request");
        var scan = await db.Set<PrescriptionScan>().AsNoTracking().SingleAsync(s => s.RequestId == query.Id, ct);
        return new ScanFile(scan.Content, scan.ContentType, $"prescription-{query.Id}{ScanFormat.Extension(scan.ContentType)}");
    }
}

/// <summary>The provider withdraws a request that has no decision yet (pending or waiting for information). No voucher follows.</summary>
public sealed record CancelValidationRequest(Guid Id, CancelInput? Body) : ICommand<ValidationRequestDto>, ICancelCareRequest;

/// <summary>The provider answers the reviewer's question; the request is pending again, due the next working day.</summary>
public sealed record AnswerInformationRequest(Guid Id, InformationAnswerInput? Body) : ICommand<ValidationRequestDto>, IAnswerCareRequest;

public sealed class AnswerInformationRequestValidator : AnswerCareRequestValidator<AnswerInformationRequest>;

public sealed class CancelValidationRequestValidator : CancelCareRequestValidator<CancelValidationRequest>;

public sealed class ProviderRequestCommandHandlers(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller, RequestPipeline pipeline) :
    ICommandHandler<CancelValidationRequest, ValidationRequestDto>,
    ICommandHandler<AnswerInformationRequest, ValidationRequestDto>
{
    public async ValueTask<ValidationRequestDto> Handle(CancelValidationRequest command, CancellationToken ct)
    {
        var request = await pipeline.CancelAsync(RequestKind.PhysioValidation, command.Id, command.Body?.Note, ct);
        return await ValidationRequestViews.MapAsync(db, reference, caller.Language, clock.GetUtcNow(), (ValidationRequest)request, ct);
    }

    public async ValueTask<ValidationRequestDto> Handle(AnswerInformationRequest command, CancellationToken ct)
    {
        var request = await pipeline.AnswerInformationAsync(RequestKind.PhysioValidation, command.Id, command.Body!.Answer!.Trim(), ct);
        return await ValidationRequestViews.MapAsync(db, reference, caller.Language, clock.GetUtcNow(), (ValidationRequest)request, ct);
    }
}
