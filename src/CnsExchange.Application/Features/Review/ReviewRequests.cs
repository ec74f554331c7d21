using CnsExchange.Domain.Lifecycle;

namespace CnsExchange.Application.Features.Review;

/// <summary>
/// A pending request of any kind in the review queue; <see cref="Overdue"/> once its due time has passed (VAL-17).
/// <see cref="Subject"/> says what is asked for; the whole request is at <see cref="Url"/>.
/// </summary>
public sealed record ReviewQueueItemDto(
    Guid Id,
    RequestKind Kind,
    string Url,
    string ProviderCode,
    string Matricule,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DecisionDueBy,
    bool Overdue,
    string Subject,
    string? InformationAnswer,
    IReadOnlyList<ReasonDto> Reasons);

/// <summary>The queue's counts, a page of it, and the cursor of the next page (null at the end).</summary>
public sealed record ReviewQueue(int Total, int Overdue, IReadOnlyList<ReviewQueueItemDto> Items, string? NextCursor);

/// <summary>Pending requests of every kind, the most urgent first (ordered by decisionDueBy).</summary>
public sealed record GetReviewQueue(int? Limit, string? Cursor = null) : IQuery<ReviewQueue>;

/// <summary>Where a page of the review queue ends: its order is (decisionDueBy, receivedAt, id), most urgent first.</summary>
internal readonly record struct QueuePosition(DateTimeOffset DueBy, DateTimeOffset ReceivedAt, Guid Id)
{
    public string Encode() => OpaqueCursor.Encode("queue", OpaqueCursor.Part(DueBy), OpaqueCursor.Part(ReceivedAt), Id.ToString("N"));

    public static QueuePosition? Decode(string? text) => OpaqueCursor.Decode(text, parts => parts.Length == 4 && parts[0] == "queue"
        ? new QueuePosition(OpaqueCursor.Instant(parts[1]), OpaqueCursor.Instant(parts[2]), Guid.ParseExact(parts[3], "N"))
        : throw OpaqueCursor.Invalid());
}

public enum ReviewDecisionKind
{
    Agree,
    Refuse,
    RequestInformation,
}

/// <summary>
/// A reviewer's decision on a pending request of any kind: <c>agree</c> (optionally with fewer <c>sessions</c> than
/// proposed, where the kind counts sessions), <c>refuse</c> with
/// <c>reasonCodes</c> and/or a <c>note</c>, or <c>request_information</c> with a <c>question</c>.
/// </summary>
public sealed record ReviewDecisionInput(ReviewDecisionKind? Decision, int? Sessions, List<string>? ReasonCodes, [MultiLineText] string? Note, [MultiLineText] string? Question)
    : IHasOpenApiExample
{
    public static object Example => new ReviewDecisionInput(ReviewDecisionKind.Agree, null, null, "No double financing: the care plan covers other days.", null);
}

public sealed record DecideRequest(Guid Id, ReviewDecisionInput? Decision) : ICommand<RequestDto>;

public sealed class DecideRequestValidator : AbstractValidator<DecideRequest>
{
    public DecideRequestValidator(IReferenceData reference)
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
            this.ReasonedRefusal(reference, x => x.Decision!.Decision == ReviewDecisionKind.Refuse, x => x.Decision!.ReasonCodes, x => x.Decision!.Note);
        });
    }
}

public sealed class ReviewHandlers(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller, RequestPipeline pipeline) :
    IQueryHandler<GetReviewQueue, ReviewQueue>,
    ICommandHandler<DecideRequest, RequestDto>
{
    public async ValueTask<ReviewQueue> Handle(GetReviewQueue query, CancellationToken ct)
    {
        var limit = Cursor.Limit(query.Limit);
        var after = QueuePosition.Decode(query.Cursor);
        var now = clock.GetUtcNow();
        // A request waiting for its provider's document (LIF-07) has no due time and is not a reviewer's yet.
        var pending = db.Set<CareRequest>().AsNoTracking().Where(r => r.Status == RequestStatus.Pending && r.DecisionDueBy != null);
        var total = await pending.CountAsync(ct);
        var overdue = await pending.CountAsync(r => r.DecisionDueBy < now, ct);
        var page = pending;
        if (after is { } a)
            page = page.Where(r => r.DecisionDueBy > a.DueBy
                                   || (r.DecisionDueBy == a.DueBy && (r.ReceivedAt > a.ReceivedAt || (r.ReceivedAt == a.ReceivedAt && r.Id.CompareTo(a.Id) > 0))));
        var (rows, next) = Keyset.Cut(await page.OrderBy(r => r.DecisionDueBy).ThenBy(r => r.ReceivedAt).ThenBy(r => r.Id).Take(limit + 1).ToListAsync(ct),
            limit, last => new QueuePosition(last.DecisionDueBy!.Value, last.ReceivedAt, last.Id).Encode());
        var providerIds = rows.Select(r => r.ProviderId).Distinct().ToList();
        var codes = await db.Providers.AsNoTracking().Where(p => providerIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Code, ct);
        var items = rows.Select(r =>
        {
            var rules = pipeline.RulesOf(r.Kind);
            return new ReviewQueueItemDto(r.Id, r.Kind, rules.Url(r.Id), codes[r.ProviderId], r.Matricule, r.ReceivedAt, r.DecisionDueBy!.Value,
                RequestLifecycle.IsOverdue(r, now), rules.Subject(r), r.InformationAnswer, reference.Render(r.Reasons, caller.Language));
        }).ToList();
        return new ReviewQueue(total, overdue, items, next);
    }

    public async ValueTask<RequestDto> Handle(DecideRequest command, CancellationToken ct)
    {
        var input = command.Decision!;
        var now = clock.GetUtcNow();
        return await db.InTransactionAsync(async () =>
        {
            var request = await pipeline.LoadForChangeAsync(command.Id, kind: null, ownOnly: false, ct);
            if (request.Status != RequestStatus.Pending)
                throw new ConflictException("request_not_pending", request.Status == RequestStatus.InformationRequested
                    ? "The request waits for the provider's answer."
                    : "The request already has a final decision.");

            var rules = pipeline.RulesOf(request.Kind);
            switch (input.Decision)
            {
                case ReviewDecisionKind.Agree:
                    if (RequiredDocuments.IsMissing(request))
                        throw new ConflictException("document_missing", "The required document is not attached yet (DOCUMENT_MISSING, LIF-07): the request can be refused or asked about, not agreed.");
                    var issue = await rules.IssueVoucherAsync(request, input.Sessions, pipeline.Context(now, null, IssueMode.Review), ct);
                    var voucher = issue.Voucher ?? throw new InvalidOperationException("A voucher issued on review is never refused silently.");
                    request.Agree(voucher.Number, voucher.Id, issue.Reasons, now, caller.Actor, input.Note);
                    break;
                case ReviewDecisionKind.Refuse:
                    var reasons = RequestLifecycle.RefusalReasons(input.ReasonCodes, code => reference.Catalog.Reason(code)!.Rule, RequestLifecycle.Rule, input.Note);
                    request.Refuse(reasons, now, caller.Actor, input.Note);
                    break;
                default:
                    request.RequestInformation(input.Question!.Trim(), RequestLifecycle.Rule, now, caller.Actor);
                    pipeline.PublishInformationRequested(request);
                    break;
            }
            pipeline.PublishDecision(request);
            await pipeline.SaveChangeAsync(ct);
            return await RequestViews.MapAsync(db, reference, rules, caller.Language, now, request, ct);
        }, ct);
    }
}
