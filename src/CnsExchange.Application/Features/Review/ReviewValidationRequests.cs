using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Physio.Rules;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.Application.Features.Review;

/// <summary>A pending request in the review queue; <see cref="Overdue"/> once its due time has passed (VAL-17).</summary>
public sealed record ReviewQueueItemDto(
    Guid Id,
    string ProviderCode,
    string Matricule,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DecisionDueBy,
    bool Overdue,
    PhysioCategory Category,
    string ActCode,
    int Sessions,
    bool ForeignPrescription,
    string? InformationAnswer,
    GrantDto? Proposal,
    IReadOnlyList<ReasonDto> Reasons);

public sealed record ReviewQueue(int Total, int Overdue, IReadOnlyList<ReviewQueueItemDto> Items);

/// <summary>Pending requests, the most urgent first (ordered by decisionDueBy).</summary>
public sealed record GetReviewQueue(int? Limit) : IQuery<ReviewQueue>;

public enum ReviewDecisionKind
{
    Agree,
    Refuse,
    RequestInformation,
}

/// <summary>
/// A reviewer's decision: <c>agree</c> (optionally with fewer <c>sessions</c> than proposed), <c>refuse</c> with
/// <c>reasonCodes</c> and/or a <c>note</c>, or <c>request_information</c> with a <c>question</c>.
/// </summary>
public sealed record ReviewDecisionInput(ReviewDecisionKind? Decision, int? Sessions, List<string>? ReasonCodes, string? Note, string? Question)
    : IHasOpenApiExample
{
    public static object Example => new ReviewDecisionInput(ReviewDecisionKind.Agree, null, null, "No double financing: the care plan covers other days.", null);
}

public sealed record DecideValidationRequest(Guid Id, ReviewDecisionInput? Decision) : ICommand<ValidationRequestDto>;

public sealed class DecideValidationRequestValidator : AbstractValidator<DecideValidationRequest>
{
    public DecideValidationRequestValidator(IReferenceData reference)
    {
        RuleFor(x => x.Decision).NotNull().OverridePropertyName("body").WithMessage("A JSON body with 'decision' is required.");
        When(x => x.Decision is not null, () =>
        {
            RuleFor(x => x.Decision!.Decision).NotNull().IsInEnum().OverridePropertyName("decision")
                .WithMessage("decision is required: agree, refuse or request_information.");
            RuleFor(x => x.Decision!.Sessions).InclusiveBetween(1, 999).OverridePropertyName("sessions");
            RuleFor(x => x.Decision!.Sessions).Null().When(x => x.Decision!.Decision != ReviewDecisionKind.Agree)
                .OverridePropertyName("sessions").WithMessage("sessions only goes with an agreement.");
            RuleFor(x => x.Decision!.Note).MaximumLength(2000).OverridePropertyName("note");
            RuleFor(x => x.Decision!.Question).MaximumLength(2000).OverridePropertyName("question");
            RuleFor(x => x.Decision!.Question).NotEmpty().When(x => x.Decision!.Decision == ReviewDecisionKind.RequestInformation)
                .OverridePropertyName("question").WithMessage("A request for information needs a question.");
            RuleFor(x => x.Decision!).Must(d => (d.ReasonCodes?.Count ?? 0) > 0 || !string.IsNullOrWhiteSpace(d.Note))
                .When(x => x.Decision!.Decision == ReviewDecisionKind.Refuse)
                .OverridePropertyName("reasonCodes").WithMessage("A refusal is reasoned: give reasonCodes and/or a note.");
            RuleForEach(x => x.Decision!.ReasonCodes)
                .Must(code => reference.Catalog.Reason(code) is { Severity: "refusal" })
                .OverridePropertyName("reasonCodes").WithMessage((_, code) => $"'{code}' is not a refusal reason code (see /api/v1/reference/reason-codes).");
        });
    }
}

public sealed class ReviewHandlers(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller) :
    IQueryHandler<GetReviewQueue, ReviewQueue>,
    ICommandHandler<DecideValidationRequest, ValidationRequestDto>
{
    public async ValueTask<ReviewQueue> Handle(GetReviewQueue query, CancellationToken ct)
    {
        var limit = Cursor.Limit(query.Limit);
        var now = clock.GetUtcNow();
        var pending = db.Set<ValidationRequest>().AsNoTracking().Where(r => r.Status == ValidationRequestStatus.Pending);
        var total = await pending.CountAsync(ct);
        var overdue = await pending.CountAsync(r => r.DecisionDueBy < now, ct);
        var rows = await pending.OrderBy(r => r.DecisionDueBy).ThenBy(r => r.ReceivedAt).Take(limit)
            .Join(db.Providers, r => r.ProviderId, p => p.Id, (r, p) => new { Request = r, p.Code })
            .ToListAsync(ct);
        var items = rows.Select(x => new ReviewQueueItemDto(
            x.Request.Id, x.Code, x.Request.Matricule, x.Request.ReceivedAt, x.Request.DecisionDueBy!.Value,
            ValidationRequestViews.IsOverdue(x.Request, now), x.Request.Category, x.Request.ActCode, x.Request.SessionsPrescribed,
            x.Request.ForeignPrescription, x.Request.InformationAnswer, GrantDto.From(x.Request.Grant),
            reference.Render(x.Request.Reasons, caller.Language))).ToList();
        return new ReviewQueue(total, overdue, items);
    }

    public async ValueTask<ValidationRequestDto> Handle(DecideValidationRequest command, CancellationToken ct)
    {
        var input = command.Decision!;
        var now = clock.GetUtcNow();
        var today = LuxembourgCalendar.LocalDate(now);
        return await db.InTransactionAsync(async () =>
        {
            var request = await ValidationRequestChanges.LoadAsync(db, command.Id, ct);
            if (request.Status != ValidationRequestStatus.Pending)
                throw new ConflictException("request_not_pending", request.Status == ValidationRequestStatus.InformationRequested
                    ? "The request waits for the provider's answer."
                    : "The request already has a final decision.");

            switch (input.Decision)
            {
                case ReviewDecisionKind.Agree:
                    await AgreeAsync(request, input, today, now, ct);
                    break;
                case ReviewDecisionKind.Refuse:
                    var reasons = (input.ReasonCodes ?? []).Distinct().Select(code => Reason.Refusal(code, reference.Catalog.Reason(code)!.Rule)).ToList();
                    if (!string.IsNullOrWhiteSpace(input.Note)) reasons.Add(Reason.Refusal("REVIEWER_REFUSAL", DecisionDeadline.Rule, null, input.Note.Trim()));
                    request.Refuse(reasons, now, caller.Actor, input.Note);
                    break;
                default:
                    request.RequestInformation(input.Question!.Trim(), now, caller.Actor);
                    break;
            }
            return await ValidationRequestChanges.SaveAsync(db, reference, caller, now, request, ct);
        }, ct);
    }

    private async Task AgreeAsync(ValidationRequest request, ReviewDecisionInput input, DateOnly today, DateTimeOffset now, CancellationToken ct)
    {
        var grant = request.Grant ?? throw new InvalidOperationException("A pending request carries what an agreement grants.");
        var sessions = input.Sessions ?? grant.Sessions;
        if (sessions > grant.Sessions)
            throw new UnprocessableException("sessions_above_grant", $"At most {grant.Sessions} sessions can be granted for this prescription.");

        var issue = await PhysioVouchers.TryIssueAsync(db, reference.Catalog, request, grant, sessions, today, now, ct);
        if (issue.Voucher is not { } voucher)
            throw new ConflictException("duplicate_prescription", $"This prescription already has a voucher ({issue.ExistingVoucherNumber}); refuse the request with DUPLICATE_PRESCRIPTION.");
        var extra = sessions < grant.Sessions
            ? [Reason.Reduction("SESSIONS_REDUCED_BY_REVIEWER", DecisionDeadline.Rule, "sessions", sessions.ToString(System.Globalization.CultureInfo.InvariantCulture))]
            : Array.Empty<Reason>();
        request.Agree(voucher.Number, voucher.Id, sessions, extra, now, caller.Actor, input.Note);
    }
}
