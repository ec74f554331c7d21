namespace CnsExchange.Domain.Requests;

/// <summary>Reason codes the request lifecycle adds to a request (VAL-17 reviewer, LIF-07 documents; reason-codes.json).</summary>
public static class RequestReasonCodes
{
    public const string InformationRequested = "INFORMATION_REQUESTED";
    public const string ReviewerRefusal = "REVIEWER_REFUSAL";
    public const string SessionsReducedByReviewer = "SESSIONS_REDUCED_BY_REVIEWER";
    /// <summary>LIF-07: the document a seed requires is not attached yet.</summary>
    public const string DocumentMissing = "DOCUMENT_MISSING";
}
