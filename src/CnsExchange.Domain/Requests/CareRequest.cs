namespace CnsExchange.Domain.Requests;

/// <summary>The kinds of request that go through the one request pipeline, each decided by its own rule set.</summary>
public enum RequestKind
{
    /// <summary>Physiotherapy prescription validation (RULES.md §2).</summary>
    PhysioValidation,
    /// <summary>Thermal or therapeutic cure authorisation (RULES.md §5).</summary>
    CureAuthorisation,
    /// <summary>Rehabilitation authorisation, or the CNRFR affiliation check (RULES.md §6).</summary>
    RehabilitationAuthorisation,
}

public enum RequestStatus
{
    /// <summary>Waiting for a reviewer, due by <see cref="CareRequest.DecisionDueBy"/>.</summary>
    Pending,
    /// <summary>The reviewer asked the provider for information; back to pending when answered.</summary>
    InformationRequested,
    Agreed,
    Refused,
    /// <summary>Withdrawn by the provider before a decision; no voucher.</summary>
    Cancelled,
    /// <summary>No authorisation is needed and the conditions (affiliation) are in order (CNRFR, REH-01); no voucher.</summary>
    NotRequired,
}

/// <summary>What a kind's rule set decides on receipt.</summary>
public enum RequestOutcome
{
    Agreed,
    Refused,
    /// <summary>A person must look (reasons of severity pending).</summary>
    Pending,
    NotRequired,
}

/// <summary>The automatic decision of a rule set: outcome and every reason found (refusals are reported together).</summary>
public sealed record AutomaticDecision(RequestOutcome Outcome, IReadOnlyList<Reason> Reasons)
{
    public static AutomaticDecision Refused(IReadOnlyList<Reason> reasons) => new(RequestOutcome.Refused, reasons);

    /// <summary>Refused when any reason refuses, pending when any asks for a person, otherwise agreed.</summary>
    public static AutomaticDecision From(IReadOnlyList<Reason> reasons) =>
        new(reasons.Any(r => r.Severity == ReasonSeverity.Refusal) ? RequestOutcome.Refused
            : reasons.Any(r => r.Severity == ReasonSeverity.Pending) ? RequestOutcome.Pending
            : RequestOutcome.Agreed, reasons);
}

/// <summary>
/// The lifecycle every request shares, whatever its kind: received → automatic decision by the kind's rule set →
/// agreed with a voucher, refused with reasons, not required, or pending for a reviewer (who agrees, refuses or asks
/// for information); a request without decision may be cancelled by its provider. Refusals are decisions too and are
/// kept. Every change of state is appended to <see cref="History"/> with who and when. The kind's own data (the
/// prescription, the cure, the rehabilitation) lives in the derived class.
/// </summary>
public abstract class CareRequest
{
    public Guid Id { get; set; }
    public RequestKind Kind { get; protected set; }
    public Guid ProviderId { get; set; }
    public Guid? InsuredId { get; set; }
    public required string Matricule { get; set; }

    public RequestStatus Status { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>Luxembourg date of receipt: the request date the rules see.</summary>
    public DateOnly ReceivedOn { get; set; }
    /// <summary>End of the allowed working days after receipt (or after the provider's answer) while pending (VAL-17).</summary>
    public DateTimeOffset? DecisionDueBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    /// <summary>Time of the last change of state (every change touches the request row, so concurrent changes conflict).</summary>
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Reasons of the current state: refusals, reductions, pending and information.</summary>
    public List<Reason> Reasons { get; set; } = [];

    public Guid? VoucherId { get; set; }
    public string? VoucherNumber { get; set; }

    public string? InformationQuestion { get; set; }
    public string? InformationAnswer { get; set; }

    /// <summary>Append-only, stored on the request's row (one row per decision, not one per change; issue 24).</summary>
    public List<RequestEvent> History { get; set; } = [];

    public bool AwaitsDecision => Status is RequestStatus.Pending or RequestStatus.InformationRequested;

    /// <summary>Applies the automatic decision (VAL-17: immediate, or pending until <paramref name="dueBy"/>).</summary>
    public void ApplyAutomaticDecision(AutomaticDecision decision, DateTimeOffset at, DateTimeOffset dueBy, string actor)
    {
        Reasons = decision.Reasons.ToList();
        switch (decision.Outcome)
        {
            case RequestOutcome.Pending:
                Status = RequestStatus.Pending;
                // LIF-07: waiting for the provider's document, not for a reviewer: no due time until it arrives.
                DecisionDueBy = Reasons.Any(r => r.Code == RequestReasonCodes.DocumentMissing) ? null : dueBy;
                Record("pending", actor, at, null, Reasons);
                break;
            case RequestOutcome.Agreed:
                Conclude(RequestStatus.Agreed, at, actor);
                Record("agreed", actor, at, null, Reasons);
                break;
            case RequestOutcome.NotRequired:
                Conclude(RequestStatus.NotRequired, at, actor);
                Record("not_required", actor, at, null, Reasons);
                break;
            default:
                Conclude(RequestStatus.Refused, at, actor);
                Record("refused", actor, at, null, Reasons);
                break;
        }
    }

    /// <summary>A reviewer agrees: the pending reasons are resolved and the voucher is attached.</summary>
    public void Agree(string voucherNumber, Guid voucherId, IEnumerable<Reason> extraReasons, DateTimeOffset at, string actor, string? note)
    {
        Reasons = Reasons.Where(r => r.Severity != ReasonSeverity.Pending).Concat(extraReasons).ToList();
        AttachVoucher(voucherNumber, voucherId);
        Conclude(RequestStatus.Agreed, at, actor);
        Record("agreed", actor, at, note, Reasons);
    }

    public void AttachVoucher(string voucherNumber, Guid voucherId)
    {
        VoucherNumber = voucherNumber;
        VoucherId = voucherId;
    }

    /// <summary>Refused by a reviewer.</summary>
    public void Refuse(IReadOnlyList<Reason> reasons, DateTimeOffset at, string actor, string? note)
    {
        Reasons = reasons.ToList();
        Conclude(RequestStatus.Refused, at, actor);
        Record("refused", actor, at, note, Reasons);
    }

    public void RequestInformation(string question, string rule, DateTimeOffset at, string actor)
    {
        Status = RequestStatus.InformationRequested;
        InformationQuestion = question;
        InformationAnswer = null;
        DecisionDueBy = null;
        var reason = Reason.Pending(RequestLifecycle.InformationRequested, rule, null, question);
        Reasons = Reasons.Where(r => r.Code != reason.Code).Append(reason).ToList();
        Record("information_requested", actor, at, question, [reason]);
    }

    /// <summary>The provider answers; the request is pending again, due by <paramref name="dueBy"/>.</summary>
    public void AnswerInformation(string answer, DateTimeOffset at, DateTimeOffset dueBy, string actor)
    {
        Status = RequestStatus.Pending;
        InformationAnswer = answer;
        DecisionDueBy = dueBy;
        Record("information_provided", actor, at, answer);
    }

    /// <summary>
    /// LIF-07: the required document arrived; <c>DOCUMENT_MISSING</c> is resolved and the request waits for a reviewer
    /// until <paramref name="dueBy"/> when other reasons still ask for one (otherwise the caller agrees it at once). A
    /// request waiting for the provider's answer keeps waiting, with no due date (<paramref name="dueBy"/> null).
    /// </summary>
    public void DocumentReceived(string document, DateTimeOffset at, DateTimeOffset? dueBy, string actor)
    {
        Reasons = Reasons.Where(r => r.Code != RequestReasonCodes.DocumentMissing).ToList();
        DecisionDueBy = dueBy;
        Record("document_received", actor, at, document, Reasons);
    }

    /// <summary>True while a reason still asks for a person (a reviewer, or the provider's document).</summary>
    public bool HasPendingReasons => Reasons.Any(r => r.Severity == ReasonSeverity.Pending);

    public void Cancel(DateTimeOffset at, string actor, string? note)
    {
        Status = RequestStatus.Cancelled;
        DecidedAt = at;
        DecidedBy = actor;
        DecisionDueBy = null;
        Record("cancelled", actor, at, note);
    }

    private void Conclude(RequestStatus status, DateTimeOffset at, string actor)
    {
        Status = status;
        DecidedAt = at;
        DecidedBy = actor;
        DecisionDueBy = null;
    }

    /// <summary>Appends a change of state; <see cref="History"/> must be loaded whole, as it numbers the entries.</summary>
    public void Record(string action, string actor, DateTimeOffset at, string? note = null, IEnumerable<Reason>? reasons = null)
    {
        UpdatedAt = at;
        History.Add(new RequestEvent
        {
            Sequence = History.Count + 1, At = at, Actor = actor, Action = action,
            Status = Status, Note = note, Reasons = reasons?.ToList() ?? [],
        });
    }
}

/// <summary>One change of state of a request: who, when, what.</summary>
public sealed class RequestEvent
{
    /// <summary>1, 2, 3… in the order of the changes (several may share one instant).</summary>
    public int Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    /// <summary>
    /// submitted, agreed, refused, pending, not_required, information_requested, information_provided, cancelled,
    /// extension_granted, extension_refused, document_received.
    /// </summary>
    public required string Action { get; set; }
    /// <summary>Status after the change.</summary>
    public RequestStatus Status { get; set; }
    public string? Note { get; set; }
    public List<Reason> Reasons { get; set; } = [];
}
