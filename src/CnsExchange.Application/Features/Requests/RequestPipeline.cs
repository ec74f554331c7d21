using CnsExchange.Application.Features.Events;
using CnsExchange.Domain.Lifecycle;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Reference;

namespace CnsExchange.Application.Features.Requests;

/// <summary>Whether a voucher is issued by the rules on receipt, or by a reviewer agreeing to a pending request.</summary>
public enum IssueMode
{
    Automatic,
    Review,
}

/// <summary>
/// What a rule set works with: the instant and Luxembourg date of the decision, the reference data, the insured person
/// (null when unknown), and on receipt the <see cref="Facts"/> its kind gathered.
/// </summary>
public sealed record RequestContext(DateTimeOffset Now, DateOnly Today, ReferenceCatalog Catalog, Insured? Insured, IssueMode Mode)
{
    public RequestFacts? Facts { get; init; }

    /// <summary>The decision on receipt (its facts were gathered), not one given later (a document's arrival, a reviewer).</summary>
    public bool OnReceipt => Facts is not null;
}

/// <summary>What a decision on receipt reads from the database: the insured person (null when unknown); kinds add their own.</summary>
public record RequestFacts(Insured? Insured);

/// <summary>The voucher of an agreement and the reasons it adds (e.g. a reviewer's reduction); or, without voucher, why none could be issued.</summary>
public sealed record VoucherIssue(Voucher? Voucher, IReadOnlyList<Reason> Reasons)
{
    public static VoucherIssue Issued(Voucher voucher, params Reason[] reasons) => new(voucher, reasons);

    public static VoucherIssue Refused(Reason reason) => new(null, [reason]);
}

/// <summary>
/// The rules of one kind of request, plugged into the one <see cref="RequestPipeline"/>: how to decide it on receipt
/// and how to issue the voucher of an agreement. Everything else (receipt, deadlines, review, information,
/// cancellation, history, idempotency, ownership) is the pipeline's.
/// </summary>
public interface IRequestRuleSet
{
    RequestKind Kind { get; }

    /// <summary>What the kind is called in messages ("Cure authorisation").</summary>
    string Name { get; }

    /// <summary>Where a request of this kind is read (/api/v1/...).</summary>
    string Url(Guid id);

    /// <summary>Working days a pending request of this kind may wait for a reviewer (VAL-17).</summary>
    int DecisionWorkingDays(DateOnly date, ReferenceCatalog catalog);

    /// <summary>
    /// Reads what the decision on receipt needs in as few round trips as the kind can (e.g. one batch), or null to let the
    /// pipeline read the insured person alone.
    /// </summary>
    Task<RequestFacts?> GatherFactsAsync(CareRequest request, CancellationToken ct);

    /// <summary>The automatic decision; may gather more facts from the database, and keeps what an agreement grants on the request.</summary>
    Task<AutomaticDecision> EvaluateAsync(CareRequest request, RequestContext context, CancellationToken ct);

    /// <summary>
    /// Issues (adds to the unit of work) the voucher of an agreed request. <paramref name="sessions"/>: a reviewer grants
    /// fewer than proposed. Returns the refusal when the database refuses the voucher on receipt (a duplicate).
    /// </summary>
    Task<VoucherIssue> IssueVoucherAsync(CareRequest request, int? sessions, RequestContext context, CancellationToken ct);

    /// <summary>One line telling a reviewer what is asked for.</summary>
    string Subject(CareRequest request);

    /// <summary>
    /// True when the save was refused because a concurrent request won a unique key the decision relied on (VAL-14): the
    /// submission is then decided again from the start, and sees the winner.
    /// </summary>
    bool IsLostRace(DbUpdateException e);

    /// <summary>
    /// True when the decision on receipt takes no lock and reads nothing that must stay unchanged until the save (its
    /// races are settled by unique keys at the save): it then runs without a transaction of its own, and its one save is
    /// atomic by itself. False (the default) wraps the decision and the save in one transaction.
    /// </summary>
    bool DecidesWithoutLocks { get; }
}

/// <summary>The typed base of a rule set: <typeparamref name="TRequest"/> is the kind's request entity.</summary>
public abstract class RequestRuleSet<TRequest> : IRequestRuleSet where TRequest : CareRequest
{
    public abstract RequestKind Kind { get; }
    public abstract string Name { get; }
    protected abstract string Route { get; }
    protected abstract string WorkingDaysParameter { get; }

    public string Url(Guid id) => $"{Route}/{id}";

    public int DecisionWorkingDays(DateOnly date, ReferenceCatalog catalog) => catalog.IntParameter(WorkingDaysParameter, date);

    protected virtual Task<RequestFacts?> GatherFactsAsync(TRequest request, CancellationToken ct) => Task.FromResult<RequestFacts?>(null);

    protected abstract Task<AutomaticDecision> EvaluateAsync(TRequest request, RequestContext context, CancellationToken ct);

    protected abstract Task<VoucherIssue> IssueVoucherAsync(TRequest request, int? sessions, RequestContext context, CancellationToken ct);

    protected abstract string Subject(TRequest request);

    protected virtual bool IsLostRace(DbUpdateException e) => false;

    public virtual bool DecidesWithoutLocks => false;

    Task<RequestFacts?> IRequestRuleSet.GatherFactsAsync(CareRequest request, CancellationToken ct) => GatherFactsAsync((TRequest)request, ct);

    Task<AutomaticDecision> IRequestRuleSet.EvaluateAsync(CareRequest request, RequestContext context, CancellationToken ct) =>
        EvaluateAsync((TRequest)request, context, ct);

    Task<VoucherIssue> IRequestRuleSet.IssueVoucherAsync(CareRequest request, int? sessions, RequestContext context, CancellationToken ct) =>
        IssueVoucherAsync((TRequest)request, sessions, context, ct);

    string IRequestRuleSet.Subject(CareRequest request) => Subject((TRequest)request);

    bool IRequestRuleSet.IsLostRace(DbUpdateException e) => IsLostRace(e);
}

/// <summary>
/// The one request pipeline (physiotherapy validation, cure and rehabilitation authorisations): a request is received,
/// decided at once by its kind's rule set — agreed with a voucher, refused with every reason, not required, or pending
/// for a reviewer with a due time — and stored with its history in one transaction (which an Idempotency-Key joins).
/// Later changes (review decisions, information, cancellation, extensions) load the request whole and save it under
/// optimistic concurrency.
/// </summary>
public sealed class RequestPipeline(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller, IEnumerable<IRequestRuleSet> ruleSets, IEvents events)
{
    private readonly Dictionary<RequestKind, IRequestRuleSet> _rules = ruleSets.ToDictionary(r => r.Kind);

    public IRequestRuleSet RulesOf(RequestKind kind) =>
        _rules.TryGetValue(kind, out var rules) ? rules : throw new InvalidOperationException($"No rule set for {kind}.");

    public RequestContext Context(DateTimeOffset now, Insured? insured, IssueMode mode) =>
        new(now, LuxembourgCalendar.LocalDate(now), reference.Catalog, insured, mode);

    /// <summary>
    /// Receives the request made by <paramref name="receive"/> (its kind's data and provider set), decides it and stores it
    /// with one save. <paramref name="alongside"/> adds what is stored with the request (e.g. the scan) before that save.
    /// A decision that loses a race at the save (<see cref="IRequestRuleSet.IsLostRace"/>) is rolled back and made again
    /// from a new request: here when this call owns the transaction, else by the owner (see <see cref="LostRaceException"/>).
    /// </summary>
    public async Task<TRequest> SubmitAsync<TRequest>(Func<TRequest> receive, Action<TRequest>? alongside, CancellationToken ct) where TRequest : CareRequest
    {
        if (db.Database.CurrentTransaction is not null) return await DecideAndStoreAsync(receive(), alongside, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var request = receive();
                if (!RulesOf(request.Kind).DecidesWithoutLocks)
                    return await db.InTransactionAsync(() => DecideAndStoreAsync(request, alongside, ct), ct);
                // No transaction around a decision that locks nothing (its one save is atomic by itself); one connection
                // for its reads and its save.
                await db.Database.OpenConnectionAsync(ct);
                try
                {
                    return await DecideAndStoreAsync(request, alongside, ct);
                }
                finally
                {
                    await db.Database.CloseConnectionAsync();
                }
            }
            catch (LostRaceException) when (attempt < LostRaceException.MaxAttempts)
            {
                db.ClearChangeTracker();
            }
        }
    }

    private async Task<TRequest> DecideAndStoreAsync<TRequest>(TRequest request, Action<TRequest>? alongside, CancellationToken ct) where TRequest : CareRequest
    {
        var now = clock.GetUtcNow();
        var rules = RulesOf(request.Kind);
        if (request.Id == Guid.Empty) request.Id = Guid.CreateVersion7();
        request.ReceivedAt = now;
        request.ReceivedOn = LuxembourgCalendar.LocalDate(now);
        var facts = await rules.GatherFactsAsync(request, ct)
                    // One round trip: an insured person has a handful of periods, cases and plans, so no cartesian blow-up.
                    ?? new RequestFacts(await db.Insured.AsNoTracking().AsSingleQuery().SingleOrDefaultAsync(i => i.Matricule == request.Matricule, ct));
        request.InsuredId = facts.Insured?.Id;
        request.Record("submitted", caller.Actor, now);

        var context = Context(now, facts.Insured, IssueMode.Automatic) with { Facts = facts };
        // LIF-07: nothing is attached to a request being received, so a required document is missing until it arrives.
        var decision = RequiredDocuments.Hold(await rules.EvaluateAsync(request, context, ct), RequiredDocuments.For(request), attached: false);
        if (decision.Outcome == RequestOutcome.Agreed)
        {
            var issue = await rules.IssueVoucherAsync(request, null, context, ct);
            if (issue.Voucher is { } voucher)
            {
                request.AttachVoucher(voucher.Number, voucher.Id);
                decision = decision with { Reasons = [.. decision.Reasons, .. issue.Reasons] };
            }
            else decision = AutomaticDecision.Refused(issue.Reasons);
        }
        var dueBy = RequestLifecycle.DueBy(now, rules.DecisionWorkingDays(context.Today, context.Catalog));
        request.ApplyAutomaticDecision(decision, now, dueBy, RequestLifecycle.AutomaticActor);
        PublishDecision(request);

        db.Set<CareRequest>().Add(request);
        alongside?.Invoke(request);
        // One batch, without a savepoint: a failed save undoes the whole transaction anyway. Outside a transaction, the
        // batch needs none of EF's: its few rows go in one command, which PostgreSQL runs as one implicit transaction.
        var savepoints = db.Database.AutoSavepointsEnabled;
        var transactions = db.Database.AutoTransactionBehavior;
        db.Database.AutoSavepointsEnabled = false;
        if (db.Database.CurrentTransaction is null) db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (rules.IsLostRace(e))
        {
            throw new LostRaceException(e);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
            db.Database.AutoTransactionBehavior = transactions;
        }
        Telemetry.RecordDecision(Telemetry.Snake(request.Kind), Telemetry.Snake(decision.Outcome), decision.Reasons);
        return request;
    }

    /// <summary>
    /// Records the kind's <c>*.decided</c> event when the request has a final decision (agreed, refused, not required): for
    /// the provider, and for the insured-channel key that sent it (INS-01).
    /// </summary>
    public void PublishDecision(CareRequest request)
    {
        if (request.Status is not (RequestStatus.Agreed or RequestStatus.Refused or RequestStatus.NotRequired)) return;
        var type = request.Kind switch
        {
            RequestKind.PhysioValidation => EventTypes.ValidationRequestDecided,
            RequestKind.CureAuthorisation => EventTypes.CureAuthorisationDecided,
            RequestKind.RehabilitationAuthorisation => EventTypes.RehabilitationAuthorisationDecided,
            _ => throw new InvalidOperationException($"No decision event for {request.Kind}."),
        };
        events.Record(type, new EventResource(request.Id, RulesOf(request.Kind).Url(request.Id)),
            new RequestDecidedData(RequestViews.StatusCode(request.Status), request.VoucherNumber, request.DecidedAt, request.DecidedBy,
                request.Reasons.Select(r => r.Code).Distinct().ToList()), request.ProviderId, (request as Domain.Physio.ValidationRequest)?.SubmittedByKeyId);
    }

    /// <summary>Records request.information_requested: the provider is asked a question.</summary>
    public void PublishInformationRequested(CareRequest request) =>
        events.Record(EventTypes.RequestInformationRequested, new EventResource(request.Id, RulesOf(request.Kind).Url(request.Id)),
            new InformationRequestedData(Telemetry.Snake(request.Kind), request.InformationQuestion ?? ""),
            request.ProviderId);

    /// <summary>Loads a request whole (history included) for a change. Another provider's request, or one of another kind, is not found.</summary>
    public async Task<CareRequest> LoadForChangeAsync(Guid id, RequestKind? kind, bool ownOnly, CancellationToken ct)
    {
        var providerId = ownOnly ? caller.RequireProvider() : (Guid?)null;
        var request = await db.Set<CareRequest>().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || (kind is { } k && request.Kind != k) || (providerId is { } p && request.ProviderId != p))
            throw new NotFoundException(kind is { } named ? RulesOf(named).Name : "Request");
        return request;
    }

    /// <summary>Saves a change; a change made at the same time by someone else wins and this one is a 409.</summary>
    public async Task SaveChangeAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("request_changed", "The request was changed at the same time by someone else; read it again.");
        }
    }

    /// <summary>The provider withdraws its request that has no decision yet (pending or waiting for information). No voucher follows.</summary>
    public async Task<CareRequest> CancelAsync(RequestKind kind, Guid id, string? note, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var request = await LoadForChangeAsync(id, kind, ownOnly: true, ct);
        if (!request.AwaitsDecision)
            throw new ConflictException("request_already_decided", $"The request is {RequestViews.StatusCode(request.Status)}: only a request without decision can be cancelled.");
        request.Cancel(now, caller.Actor, note);
        await SaveChangeAsync(ct);
        return request;
    }

    /// <summary>The provider answers the reviewer's question; the request is pending again, due after the kind's working days.</summary>
    public async Task<CareRequest> AnswerInformationAsync(RequestKind kind, Guid id, string answer, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var request = await LoadForChangeAsync(id, kind, ownOnly: true, ct);
        if (request.Status != RequestStatus.InformationRequested)
            throw new ConflictException("no_information_requested", $"The request is {RequestViews.StatusCode(request.Status)}: no information was asked for.");
        var rules = RulesOf(kind);
        var dueBy = RequestLifecycle.DueBy(now, rules.DecisionWorkingDays(LuxembourgCalendar.LocalDate(now), reference.Catalog));
        request.AnswerInformation(answer, now, dueBy, caller.Actor);
        await SaveChangeAsync(ct);
        return request;
    }

    /// <summary>
    /// LIF-07: a document arrived for a request (tracked, history loaded). When it is the one the request was waiting for,
    /// the request takes its normal path: agreed with its voucher when nothing else asks for a person, otherwise pending
    /// for a reviewer, due after the kind's working days. A request waiting for the provider's answer to a reviewer's
    /// question has <c>DOCUMENT_MISSING</c> resolved and keeps waiting for that answer (the reviewer then decides). A cure's
    /// medical certificate goes to its medical interruption that waits for one (CUR-10). The caller saves.
    /// </summary>
    public async Task DocumentArrivedAsync(CareRequest request, DocumentPurpose purpose, Guid attachmentId, CancellationToken ct)
    {
        if (purpose == DocumentPurpose.MedicalCertificate && request is CureAuthorisation cure)
        {
            if (MedicalInterruption.CertificateArrived(cure, attachmentId) is { } sequence)
                cure.Record("medical_certificate_received", caller.Actor, clock.GetUtcNow(), $"medical interruption {sequence}");
            return;
        }
        if (!request.AwaitsDecision || !RequiredDocuments.IsMissing(request) || RequiredDocuments.For(request) != purpose) return;
        var now = clock.GetUtcNow();
        if (request.Status == RequestStatus.InformationRequested)
        {
            request.DocumentReceived(RequiredDocuments.Code(purpose), now, dueBy: null, caller.Actor);
            return;
        }
        var rules = RulesOf(request.Kind);
        var dueBy = RequestLifecycle.DueBy(now, rules.DecisionWorkingDays(LuxembourgCalendar.LocalDate(now), reference.Catalog));
        request.DocumentReceived(RequiredDocuments.Code(purpose), now, dueBy, caller.Actor);
        if (request.HasPendingReasons) return;
        var issue = await rules.IssueVoucherAsync(request, null, Context(now, null, IssueMode.Automatic), ct);
        if (issue.Voucher is { } voucher) request.Agree(voucher.Number, voucher.Id, issue.Reasons, now, RequestLifecycle.AutomaticActor, null);
        else request.Refuse(issue.Reasons, now, RequestLifecycle.AutomaticActor, null);
        PublishDecision(request); // decided on the document's arrival: its *.decided event, in the same transaction
    }

    /// <summary>Name of the table holding every request's lifecycle (Infrastructure maps it).</summary>
    public const string Table = "care_requests";
}
