using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Rehabilitation;
using CnsExchange.Domain.Requests;

namespace CnsExchange.Domain.Lifecycle;

/// <summary>What an attached document is (the API writes it snake_case: medical_report, s2_reasoned_form…).</summary>
public enum DocumentPurpose
{
    /// <summary>Any supporting document (e.g. for a contestation, where a document is optional).</summary>
    Other,
    /// <summary>Geriatric ambulatory rehabilitation: the detailed medical report (seed 003).</summary>
    MedicalReport,
    /// <summary>Colpach (SNRP / SNRPO): the doctor's reasoned request (seed 003).</summary>
    ReasonedRequest,
    /// <summary>Cure abroad: the doctor's reasoned form that goes with the S2 request (seed 003).</summary>
    S2ReasonedForm,
    /// <summary>A document that goes with the answer to a reviewer's request for information.</summary>
    InformationAnswer,
    /// <summary>INS-03: the receipted invoice of a reimbursement claim (what the insured paid, and to whom).</summary>
    ReceiptedInvoice,
    /// <summary>CUR-10 with LIF-07: the treating doctor's certificate of a medical interruption of a cure.</summary>
    MedicalCertificate,
}

/// <summary>
/// LIF-07: where seed 003 requires a document — geriatric ambulatory rehabilitation: a detailed medical report; Colpach:
/// a reasoned request; a cure abroad (S2): the doctor's reasoned form — a request the rules would agree or send to a
/// reviewer stays pending <c>DOCUMENT_MISSING</c> until that document is attached; then it takes its normal path (agreed
/// with its voucher, or pending for a reviewer). A refusal needs no document and stays a refusal.
/// </summary>
public static class RequiredDocuments
{
    public const string Rule = "LIF-07";
    public const string Field = "attachments";

    /// <summary>The document the request cannot be decided without, or null.</summary>
    public static DocumentPurpose? For(CareRequest request) => request switch
    {
        RehabilitationAuthorisation { Service: RehabService.Geriatric, Setting: CareSetting.Ambulatory } => DocumentPurpose.MedicalReport,
        RehabilitationAuthorisation { IsColpach: true } => DocumentPurpose.ReasonedRequest,
        CureAuthorisation { Abroad: true } => DocumentPurpose.S2ReasonedForm,
        _ => null,
    };

    /// <summary>The decision on receipt, held pending <c>DOCUMENT_MISSING</c> when the required document is not attached yet.</summary>
    public static AutomaticDecision Hold(AutomaticDecision decision, DocumentPurpose? required, bool attached)
    {
        if (required is not { } purpose || attached || decision.Outcome is RequestOutcome.Refused or RequestOutcome.NotRequired) return decision;
        return new AutomaticDecision(RequestOutcome.Pending, [.. decision.Reasons, Missing(purpose)]);
    }

    public static Reason Missing(DocumentPurpose purpose) =>
        Reason.Pending(RequestReasonCodes.DocumentMissing, Rule, Field, Code(purpose));

    public static bool IsMissing(CareRequest request) => request.Reasons.Any(r => r.Code == RequestReasonCodes.DocumentMissing);

    /// <summary>The purpose as the API writes it.</summary>
    public static string Code(DocumentPurpose purpose) => purpose switch
    {
        DocumentPurpose.MedicalReport => "medical_report",
        DocumentPurpose.ReasonedRequest => "reasoned_request",
        DocumentPurpose.S2ReasonedForm => "s2_reasoned_form",
        DocumentPurpose.InformationAnswer => "information_answer",
        DocumentPurpose.MedicalCertificate => "medical_certificate",
        _ => "other",
    };
}
