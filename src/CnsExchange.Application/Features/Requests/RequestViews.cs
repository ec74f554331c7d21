using System.Diagnostics.CodeAnalysis;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Physio;

namespace CnsExchange.Application.Features.Requests;

/// <summary>One change of state: who (actor), when, what.</summary>
public sealed record HistoryEntryDto(DateTimeOffset At, string Actor, string Action, RequestStatus Status, string? Note, IReadOnlyList<ReasonDto> Reasons);

/// <summary>
/// A request of any kind as its lifecycle shows it (the answer to a reviewer's decision): status, reasons, voucher,
/// information asked and given, history. The kind's own data is at <see cref="Url"/>.
/// </summary>
public sealed record RequestDto : RequestHeader
{
    public RequestDto() { }
    [SetsRequiredMembers] public RequestDto(RequestHeader header) : base(header) { }
    public required RequestKind Kind { get; init; }
    public required string Url { get; init; } = null!;
    public required string Matricule { get; init; } = null!;
    public required string Subject { get; init; } = null!;
    public required VoucherDto? Voucher { get; init; }
}

/// <summary>
/// What every request view shows about the request itself (validation, cure, rehabilitation, any kind), mapped in one
/// place (<see cref="RequestViews.Header"/>); each kind's view adds its own members.
/// </summary>
// Each view derives from it: the header constructor copies these, the view's initializer sets its own members (hence `= null!`).
public record RequestHeader
{
    public required Guid Id { get; init; }
    public required RequestStatus Status { get; init; }
    public required string ProviderCode { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required DateTimeOffset? DecisionDueBy { get; init; }
    public required bool Overdue { get; init; }
    public required DateTimeOffset? DecidedAt { get; init; }
    public required IReadOnlyList<ReasonDto> Reasons { get; init; }
    public required string? InformationQuestion { get; init; }
    public required string? InformationAnswer { get; init; }
    public required IReadOnlyList<HistoryEntryDto> History { get; init; }
}

/// <summary>The list query of every request kind: a page at a time, filtered by status, by date of receipt and by search terms.</summary>
public abstract record ListRequests(string? Cursor, int? Limit, string? Status, DateOnly? From, DateOnly? To)
{
    /// <summary>The person's matricule and the voucher number, exact.</summary>
    public SearchTerms Search { get; init; } = SearchTerms.None;
}

public static class RequestViews
{
    /// <summary>The status as the API writes it (snake_case).</summary>
    public static string StatusCode(RequestStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    public static RequestStatus ParseStatus(string text)
    {
        foreach (var s in Enum.GetValues<RequestStatus>())
            if (StatusCode(s) == text) return s;
        throw new BadInputException("status", "status is one of " + string.Join(", ", Enum.GetValues<RequestStatus>().Select(StatusCode)) + ".");
    }

    public static IReadOnlyList<HistoryEntryDto> History(CareRequest r, IReferenceData reference, string language) =>
        r.History.OrderBy(e => e.Sequence)
            .Select(e => new HistoryEntryDto(e.At, e.Actor, e.Action, e.Status, e.Note, reference.Render(e.Reasons, language))).ToList();

    /// <summary>Providers see only their own requests; another's is "not found" (no existence leak).</summary>
    public static void EnsureVisible(CareRequest? request, ICurrentCaller caller, string name)
    {
        if (request is null || !IsVisible(request.ProviderId, (request as ValidationRequest)?.SubmittedByKeyId, caller)) throw new NotFoundException(name);
    }

    /// <summary>
    /// Who reads a request: CNS staff, the provider it is for, and the insured channel key that sent it (INS-01: the
    /// <c>Location</c> of its 201 answer); anyone else gets 404.
    /// </summary>
    public static bool IsVisible(Guid providerId, Guid? submittedByKeyId, ICurrentCaller caller) =>
        caller.IsStaff()
        || (caller.Role != CallerRole.InsuredChannel && providerId == caller.ProviderId)
        || (caller.Role == CallerRole.InsuredChannel && submittedByKeyId is { } key && key == caller.KeyId);

    /// <summary>A request of one kind with its history, as the caller may see it (<see cref="EnsureVisible"/>).</summary>
    public static async Task<TRequest> LoadVisibleAsync<TRequest>(IAppDbContext db, Guid id, ICurrentCaller caller, string name, CancellationToken ct)
        where TRequest : CareRequest
    {
        var request = await db.Set<TRequest>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        EnsureVisible(request, caller, name);
        return request!;
    }

    public static Task<string> ProviderCodeAsync(IAppDbContext db, Guid providerId, CancellationToken ct) =>
        db.Providers.AsNoTracking().Where(p => p.Id == providerId).Select(p => p.Code).SingleAsync(ct);

    /// <summary>
    /// The decision's terms are shown while they stand: with an agreement, or while the request awaits a decision. A refused,
    /// cancelled or not-required request shows none.
    /// </summary>
    public static bool ShowsTerms(CareRequest r) => r.Status == RequestStatus.Agreed || r.AwaitsDecision;

    /// <summary>The voucher a request's agreement issued, if any (read without tracking).</summary>
    public static async Task<Voucher?> VoucherAsync(IAppDbContext db, CareRequest r, CancellationToken ct) =>
        r.VoucherId is { } id ? await db.Vouchers.AsNoTracking().SingleAsync(v => v.Id == id, ct) : null;

    /// <summary>The header of a request's view (its provider's code read here).</summary>
    public static async Task<RequestHeader> HeaderAsync(IAppDbContext db, IReferenceData reference, string language, DateTimeOffset now,
        CareRequest r, CancellationToken ct) =>
        Header(r, await ProviderCodeAsync(db, r.ProviderId, ct), reference, language, now);

    public static RequestHeader Header(CareRequest r, string providerCode, IReferenceData reference, string language, DateTimeOffset now) =>
        new()
        {
            Id = r.Id, Status = r.Status, ProviderCode = providerCode, ReceivedAt = r.ReceivedAt, DecisionDueBy = r.DecisionDueBy,
            Overdue = RequestLifecycle.IsOverdue(r, now), DecidedAt = r.DecidedAt, Reasons = reference.Render(r.Reasons, language),
            InformationQuestion = r.InformationQuestion, InformationAnswer = r.InformationAnswer, History = History(r, reference, language),
        };

    /// <summary>Get: a request of one kind the caller may see, mapped to its view.</summary>
    public static async Task<TDto> GetAsync<TRequest, TDto>(IAppDbContext db, Guid id, ICurrentCaller caller, string name,
        Func<TRequest, Task<TDto>> map, CancellationToken ct) where TRequest : CareRequest =>
        await map(await LoadVisibleAsync<TRequest>(db, id, caller, name, ct));

    /// <summary>List: the caller's own requests of one kind, a page at a time (<see cref="PageAsync{TRequest}"/>), each summarised with whether it is overdue.</summary>
    public static async Task<Page<TSummary>> ListAsync<TRequest, TSummary>(IQueryable<TRequest> source, ICurrentCaller caller, ListRequests query,
        DateTimeOffset now, Func<TRequest, bool, TSummary> summarise, CancellationToken ct)
        where TRequest : CareRequest
    {
        var (rows, next) = await PageAsync(source, caller.RequireProvider(), query.Cursor, query.Limit, query.Status, query.From, query.To, query.Search, ct);
        return new Page<TSummary>(rows.Select(r => summarise(r, RequestLifecycle.IsOverdue(r, now))).ToList(), next);
    }

    public static async Task<RequestDto> MapAsync(IAppDbContext db, IReferenceData reference, IRequestRuleSet rules, string language, DateTimeOffset now,
        CareRequest r, CancellationToken ct)
    {
        var voucher = r.VoucherId is { } id ? await VoucherViews.LoadAsync(db, reference, id, ct) : null;
        return new RequestDto(await HeaderAsync(db, reference, language, now, r, ct))
        {
            Kind = r.Kind, Url = rules.Url(r.Id), Matricule = r.Matricule, Subject = rules.Subject(r), Voucher = voucher,
        };
    }

    /// <summary>
    /// A provider's own requests of one kind, newest first (keyset on receipt time and id), filtered by status, by
    /// Luxembourg date of receipt (inclusive), by the person's matricule and by the voucher the request issued.
    /// </summary>
    public static async Task<(List<TRequest> Rows, string? NextCursor)> PageAsync<TRequest>(IQueryable<TRequest> source, Guid providerId,
        string? cursorText, int? limitValue, string? status, DateOnly? from, DateOnly? to, SearchTerms search, CancellationToken ct) where TRequest : CareRequest
    {
        var page = PageRequest.Of(cursorText, limitValue);
        var window = DateWindow.Of(from, to);

        var q = source.AsNoTracking().Where(r => r.ProviderId == providerId);
        if (status is { Length: > 0 } text)
        {
            var parsed = ParseStatus(text);
            q = q.Where(r => r.Status == parsed);
        }
        q = q.Within(window, r => r.ReceivedOn);
        if (search.Matricule is { } matricule) q = q.Where(r => r.Matricule == matricule);
        if (search.VoucherNumber is { } voucher) q = q.Where(r => r.VoucherNumber == voucher);
        return await q.NewestFirstAsync(page, r => r.ReceivedAt, r => r.Id, ct);
    }
}
