using CnsExchange.Domain.Common;

namespace CnsExchange.Domain.Physio;

public enum ValidationRequestStatus
{
    /// <summary>Waiting for a reviewer (VAL-15, VAL-16), due by <see cref="ValidationRequest.DecisionDueBy"/>.</summary>
    Pending,
    /// <summary>The reviewer asked the provider for information; back to pending when answered.</summary>
    InformationRequested,
    Agreed,
    Refused,
    /// <summary>Withdrawn by the provider before a decision; no voucher.</summary>
    Cancelled,
}

/// <summary>
/// A physiotherapist's request to validate a prescription (RULES.md §2) and its decision. Refusals are decisions too and
/// are kept. Every change of state is appended to <see cref="History"/> with who and when.
/// </summary>
public sealed class ValidationRequest
{
    public Guid Id { get; set; }
    public Guid ProviderId { get; set; }
    public Guid? InsuredId { get; set; }
    public required string Matricule { get; set; }

    public string? DoctorCode { get; set; }
    public string? DoctorName { get; set; }
    public string? DoctorCountry { get; set; }
    public DateOnly PrescriptionDate { get; set; }
    public required string PrescriptionLanguage { get; set; }
    public PhysioCategory Category { get; set; }
    public string? AnnexGCode { get; set; }
    public DateOnly? SurgeryDate { get; set; }
    public required string ActCode { get; set; }
    public int SessionsPrescribed { get; set; }
    public string? Frequency { get; set; }
    public string? Diagnosis { get; set; }
    public bool HomeVisitMedicallyNecessary { get; set; }
    public bool TravelAllowanceRequested { get; set; }
    public required string CareCountry { get; set; }
    public string? AccidentReference { get; set; }
    public bool ForeignPrescription { get; set; }

    public ValidationRequestStatus Status { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateOnly ReceivedOn { get; set; }
    /// <summary>End of the next working day after receipt (or after the provider's answer) while pending (VAL-17).</summary>
    public DateTimeOffset? DecisionDueBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    /// <summary>Reasons of the current state: refusals, reductions, pending and information.</summary>
    public List<Reason> Reasons { get; set; } = [];

    /// <summary>What an agreement grants (from the automatic evaluation); null when refused automatically.</summary>
    public PhysioCategory? GrantCategory { get; set; }
    public string? GrantActCode { get; set; }
    public int? GrantSessions { get; set; }
    public decimal? GrantRatePercent { get; set; }
    public bool GrantTravelAllowance { get; set; }
    public bool GrantThirdPartyPayment { get; set; }
    public bool GrantAccidentCase { get; set; }

    public Guid? VoucherId { get; set; }
    public string? VoucherNumber { get; set; }

    public string? InformationQuestion { get; set; }
    public string? InformationAnswer { get; set; }

    public required string ScanSha256 { get; set; }
    /// <summary>Doctor + insured + date + act fingerprint (VAL-14).</summary>
    public required string PrescriptionFingerprint { get; set; }

    public List<ValidationRequestEvent> History { get; set; } = [];

    public bool AwaitsDecision => Status is ValidationRequestStatus.Pending or ValidationRequestStatus.InformationRequested;

    public Prescription ToPrescription() => new(
        Matricule, new PrescribingDoctor(DoctorCode, DoctorName, DoctorCountry), PrescriptionDate, PrescriptionLanguage, Category,
        AnnexGCode, SurgeryDate, ActCode, SessionsPrescribed, Frequency, Diagnosis, HomeVisitMedicallyNecessary,
        TravelAllowanceRequested, CareCountry, AccidentReference);

    public ServiceGrant? Grant
    {
        get => GrantCategory is { } c && GrantActCode is { } act && GrantSessions is { } s && GrantRatePercent is { } rate
            ? new ServiceGrant(c, act, s, rate, GrantTravelAllowance, GrantThirdPartyPayment, GrantAccidentCase)
            : null;
        set
        {
            GrantCategory = value?.Category;
            GrantActCode = value?.ActCode;
            GrantSessions = value?.Sessions;
            GrantRatePercent = value?.RatePercent;
            GrantTravelAllowance = value?.TravelAllowance ?? false;
            GrantThirdPartyPayment = value?.ThirdPartyPayment ?? false;
            GrantAccidentCase = value?.AccidentCase ?? false;
        }
    }

    /// <summary>Applies the automatic decision of <see cref="PrescriptionEvaluator"/> (VAL-17: immediate, or pending until <paramref name="dueBy"/>).</summary>
    public void ApplyAutomaticDecision(PrescriptionEvaluation evaluation, DateTimeOffset at, DateTimeOffset dueBy, string actor)
    {
        Reasons = evaluation.Reasons.ToList();
        Grant = evaluation.Grant;
        switch (evaluation.Outcome)
        {
            case ValidationOutcome.Pending:
                Status = ValidationRequestStatus.Pending;
                DecisionDueBy = dueBy;
                Record("pending", actor, at, null, Reasons);
                break;
            case ValidationOutcome.Agreed:
                Conclude(ValidationRequestStatus.Agreed, at, actor);
                Record("agreed", actor, at, null, Reasons);
                break;
            default:
                Conclude(ValidationRequestStatus.Refused, at, actor);
                Record("refused", actor, at, null, Reasons);
                break;
        }
    }

    /// <summary>A reviewer (or the automatic decision) agrees: the voucher is issued with the granted services.</summary>
    public void Agree(string voucherNumber, Guid voucherId, int sessions, IEnumerable<Reason> extraReasons, DateTimeOffset at, string actor, string? note)
    {
        GrantSessions = sessions;
        Reasons = Reasons.Where(r => r.Severity != ReasonSeverity.Pending).Concat(extraReasons).ToList();
        VoucherNumber = voucherNumber;
        VoucherId = voucherId;
        Conclude(ValidationRequestStatus.Agreed, at, actor);
        Record("agreed", actor, at, note, Reasons);
    }

    public void AttachVoucher(string voucherNumber, Guid voucherId)
    {
        VoucherNumber = voucherNumber;
        VoucherId = voucherId;
    }

    /// <summary>Refused by a reviewer, or turned into a refusal because the prescription already has a voucher (VAL-14).</summary>
    public void Refuse(IReadOnlyList<Reason> reasons, DateTimeOffset at, string actor, string? note)
    {
        Reasons = reasons.ToList();
        Conclude(ValidationRequestStatus.Refused, at, actor);
        Record("refused", actor, at, note, Reasons);
    }

    public void RequestInformation(string question, DateTimeOffset at, string actor)
    {
        Status = ValidationRequestStatus.InformationRequested;
        InformationQuestion = question;
        InformationAnswer = null;
        DecisionDueBy = null;
        var reason = Reason.Pending("INFORMATION_REQUESTED", Rules.DecisionDeadline.Rule, null, question);
        Reasons = Reasons.Where(r => r.Code != reason.Code).Append(reason).ToList();
        Record("information_requested", actor, at, question, [reason]);
    }

    /// <summary>The provider answers; the request is pending again, due by the end of the next working day after the answer.</summary>
    public void AnswerInformation(string answer, DateTimeOffset at, DateTimeOffset dueBy, string actor)
    {
        Status = ValidationRequestStatus.Pending;
        InformationAnswer = answer;
        DecisionDueBy = dueBy;
        Record("information_provided", actor, at, answer);
    }

    public void Cancel(DateTimeOffset at, string actor, string? note)
    {
        Status = ValidationRequestStatus.Cancelled;
        DecidedAt = at;
        DecidedBy = actor;
        DecisionDueBy = null;
        Record("cancelled", actor, at, note);
    }

    private void Conclude(ValidationRequestStatus status, DateTimeOffset at, string actor)
    {
        Status = status;
        DecidedAt = at;
        DecidedBy = actor;
        DecisionDueBy = null;
    }

    /// <summary>Appends a change of state; <see cref="History"/> must be loaded whole, as it numbers the entries.</summary>
    public void Record(string action, string actor, DateTimeOffset at, string? note = null, IEnumerable<Reason>? reasons = null) =>
        History.Add(new ValidationRequestEvent
        {
            Id = Guid.CreateVersion7(at), RequestId = Id, Sequence = History.Count + 1, At = at, Actor = actor, Action = action,
            Status = Status, Note = note, Reasons = reasons?.ToList() ?? [],
        });
}

/// <summary>One change of state of a validation request: who, when, what.</summary>
public sealed class ValidationRequestEvent
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    /// <summary>1, 2, 3… in the order of the changes (several may share one instant).</summary>
    public int Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    /// <summary>submitted, agreed, refused, pending, information_requested, information_provided, cancelled.</summary>
    public required string Action { get; set; }
    /// <summary>Status after the change.</summary>
    public ValidationRequestStatus Status { get; set; }
    public string? Note { get; set; }
    public List<Reason> Reasons { get; set; } = [];
}

/// <summary>The scanned prescription, stored with its request in the same transaction (VAL-18).</summary>
public sealed class PrescriptionScan
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    /// <summary>Sniffed from the bytes, never taken from the upload.</summary>
    public required string ContentType { get; set; }
    public required string Sha256 { get; set; }
    public long SizeBytes { get; set; }
    public string? FileName { get; set; }
    public required byte[] Content { get; set; }
}

/// <summary>
/// A fingerprint of a prescription that has a physiotherapy voucher (scan hash, or doctor + insured + date + act).
/// Unique: the database refuses a second voucher for the same prescription (VAL-14).
/// </summary>
public sealed class PrescriptionFingerprint
{
    public required string Fingerprint { get; set; }
    public Guid VoucherId { get; set; }
    public required string VoucherNumber { get; set; }
    public Guid RequestId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
