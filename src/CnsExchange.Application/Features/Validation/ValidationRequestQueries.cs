using CnsExchange.Application.Common;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Physio.Rules;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.Application.Features.Validation;

public sealed record GetValidationRequest(Guid Id) : IQuery<ValidationRequestDto>;

/// <summary>The provider's own requests, newest first; filter by status and by date of receipt (Luxembourg dates, inclusive).</summary>
public sealed record ListValidationRequests(string? Cursor, int? Limit, string? Status, DateOnly? From, DateOnly? To)
    : IQuery<Page<ValidationRequestSummaryDto>>;

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
        var providerId = caller.RequireProvider();
        var limit = Common.Cursor.Limit(query.Limit);
        var cursor = Common.Cursor.Decode(query.Cursor);
        if (query.From is { } f && query.To is { } t && t < f) throw new BadInputException("to", "'to' must not be before 'from'.");

        var q = db.Set<ValidationRequest>().AsNoTracking().Where(r => r.ProviderId == providerId);
        if (query.Status is { Length: > 0 } text)
        {
            var status = ParseStatus(text);
            q = q.Where(r => r.Status == status);
        }
        if (query.From is { } from) q = q.Where(r => r.ReceivedOn >= from);
        if (query.To is { } to) q = q.Where(r => r.ReceivedOn <= to);
        if (cursor is { } c) q = q.Where(r => r.ReceivedAt < c.CreatedAt || (r.ReceivedAt == c.CreatedAt && r.Id.CompareTo(c.Id) < 0));
        var rows = await q.OrderByDescending(r => r.ReceivedAt).ThenByDescending(r => r.Id).Take(limit + 1).ToListAsync(ct);

        var now = clock.GetUtcNow();
        var items = rows.Take(limit).Select(r => new ValidationRequestSummaryDto(
            r.Id, r.Status, r.ReceivedAt, r.Matricule, r.PrescriptionDate, r.Category, r.ActCode, r.SessionsPrescribed, r.DecisionDueBy,
            ValidationRequestViews.IsOverdue(r, now), r.VoucherNumber, r.Reasons.Select(x => x.Code).ToList())).ToList();
        var next = rows.Count > limit ? new Cursor(rows[limit - 1].ReceivedAt, rows[limit - 1].Id).Encode() : null;
        return new Page<ValidationRequestSummaryDto>(items, next);
    }

    private static ValidationRequestStatus ParseStatus(string text)
    {
        foreach (var s in Enum.GetValues<ValidationRequestStatus>())
            if (System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()) == text) return s;
        throw new BadInputException("status", "status is one of pending, information_requested, agreed, refused, cancelled.");
    }

    public async ValueTask<ScanFile> Handle(GetPrescriptionScan query, CancellationToken ct)
    {
        var owner = await db.Set<ValidationRequest>().AsNoTracking().Where(r => r.Id == query.Id).Select(r => (Guid?)r.ProviderId).SingleOrDefaultAsync(ct);
        if (owner is null || (!caller.IsStaff() && owner != caller.ProviderId)) throw new NotFoundException("Validation request");
        var scan = await db.Set<PrescriptionScan>().AsNoTracking().SingleAsync(s => s.RequestId == query.Id, ct);
        return new ScanFile(scan.Content, scan.ContentType, $"prescription-{query.Id}{ScanFormat.Extension(scan.ContentType)}");
    }
}

/// <summary>The provider withdraws a request that has no decision yet (pending or waiting for information). No voucher follows.</summary>
public sealed record CancelValidationRequest(Guid Id, CancelInput? Body) : ICommand<ValidationRequestDto>;

public sealed record CancelInput(string? Note) : IHasOpenApiExample
{
    public static object Example => new CancelInput("The patient moved abroad.");
}

/// <summary>The provider answers the reviewer's question; the request is pending again, due the next working day.</summary>
public sealed record AnswerInformationRequest(Guid Id, InformationAnswerInput? Body) : ICommand<ValidationRequestDto>;

public sealed record InformationAnswerInput(string? Answer) : IHasOpenApiExample
{
    public static object Example => new InformationAnswerInput("The surgery took place on 2026-10-02 (report attached to the patient file).");
}

public sealed class AnswerInformationRequestValidator : AbstractValidator<AnswerInformationRequest>
{
    public AnswerInformationRequestValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body").WithMessage("A JSON body with 'answer' is required.");
        RuleFor(x => x.Body!.Answer).NotEmpty().MaximumLength(2000).When(x => x.Body is not null).OverridePropertyName("answer");
    }
}

public sealed class CancelValidationRequestValidator : AbstractValidator<CancelValidationRequest>
{
    public CancelValidationRequestValidator() =>
        RuleFor(x => x.Body!.Note).MaximumLength(2000).When(x => x.Body is not null).OverridePropertyName("note");
}

public sealed class ProviderRequestCommandHandlers(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller) :
    ICommandHandler<CancelValidationRequest, ValidationRequestDto>,
    ICommandHandler<AnswerInformationRequest, ValidationRequestDto>
{
    public async ValueTask<ValidationRequestDto> Handle(CancelValidationRequest command, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var request = await ValidationRequestChanges.LoadOwnAsync(db, caller, command.Id, ct);
        if (!request.AwaitsDecision)
            throw new ConflictException("request_already_decided", $"The request is {Status(request)}: only a request without decision can be cancelled.");
        request.Cancel(now, caller.Actor, command.Body?.Note);
        return await ValidationRequestChanges.SaveAsync(db, reference, caller, now, request, ct);
    }

    public async ValueTask<ValidationRequestDto> Handle(AnswerInformationRequest command, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var request = await ValidationRequestChanges.LoadOwnAsync(db, caller, command.Id, ct);
        if (request.Status != ValidationRequestStatus.InformationRequested)
            throw new ConflictException("no_information_requested", $"The request is {Status(request)}: no information was asked for.");
        request.AnswerInformation(command.Body!.Answer!.Trim(), now, DecisionDeadline.DueBy(now, reference.Catalog), caller.Actor);
        return await ValidationRequestChanges.SaveAsync(db, reference, caller, now, request, ct);
    }

    private static string Status(ValidationRequest r) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(r.Status.ToString());
}

/// <summary>Loading and saving a request whose state changes: whole history loaded, optimistic concurrency on save.</summary>
internal static class ValidationRequestChanges
{
    public static async Task<ValidationRequest> LoadAsync(IAppDbContext db, Guid id, CancellationToken ct) =>
        await db.Set<ValidationRequest>().Include(r => r.History).SingleOrDefaultAsync(r => r.Id == id, ct)
        ?? throw new NotFoundException("Validation request");

    public static async Task<ValidationRequest> LoadOwnAsync(IAppDbContext db, ICurrentCaller caller, Guid id, CancellationToken ct)
    {
        var providerId = caller.RequireProvider();
        var request = await LoadAsync(db, id, ct);
        if (request.ProviderId != providerId) throw new NotFoundException("Validation request");
        return request;
    }

    public static async Task<ValidationRequestDto> SaveAsync(IAppDbContext db, IReferenceData reference, ICurrentCaller caller, DateTimeOffset now,
        ValidationRequest request, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("request_changed", "The request was changed at the same time by someone else; read it again.");
        }
        return await ValidationRequestViews.MapAsync(db, reference, caller.Language, now, request, ct);
    }
}
