using CnsExchange.Domain.Requests;

namespace CnsExchange.Domain.Physio;

/// <summary>
/// A physiotherapist's request to validate a prescription (RULES.md §2): the prescription as transcribed and what an
/// agreement grants. Its lifecycle (decision, review, information, cancellation, history) is the one every request shares.
/// </summary>
public sealed class ValidationRequest : CareRequest
{
    public ValidationRequest() => Kind = RequestKind.PhysioValidation;

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
    /// <summary>INS-01: asked for by the insured through the insured channel (no third-party payment).</summary>
    public bool RequestedByInsured { get; set; }
    /// <summary>INS-01: the insured channel's key that sent the request, which may read it back; null when the physiotherapist sent it.</summary>
    public Guid? SubmittedByKeyId { get; set; }

    /// <summary>What an agreement grants (from the automatic evaluation); null when refused automatically.</summary>
    public PhysioCategory? GrantCategory { get; set; }
    public string? GrantActCode { get; set; }
    public int? GrantSessions { get; set; }
    public decimal? GrantRatePercent { get; set; }
    public bool GrantTravelAllowance { get; set; }
    public bool GrantThirdPartyPayment { get; set; }
    public bool GrantAccidentCase { get; set; }

    public required string ScanSha256 { get; set; }
    /// <summary>Doctor + insured + date + act fingerprint (VAL-14).</summary>
    public required string PrescriptionFingerprint { get; set; }

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

    /// <summary>The evaluation as the pipeline sees it; the grant is kept for the voucher (now, or when a reviewer agrees).</summary>
    public AutomaticDecision TakeEvaluation(PrescriptionEvaluation evaluation)
    {
        Grant = evaluation.Grant;
        var outcome = evaluation.Outcome switch
        {
            ValidationOutcome.Agreed => RequestOutcome.Agreed,
            ValidationOutcome.Pending => RequestOutcome.Pending,
            _ => RequestOutcome.Refused,
        };
        return new AutomaticDecision(outcome, evaluation.Reasons);
    }
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
