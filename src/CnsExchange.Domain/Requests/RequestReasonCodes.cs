namespace CnsExchange.Domain.Requests;

/// <summary>Reason codes a reviewer adds to a request (VAL-17, reason-codes.json).</summary>
public static class RequestReasonCodes
{
    public const string InformationRequested = "INFORMATION_REQUESTED";
    public const string ReviewerRefusal = "REVIEWER_REFUSAL";
    public const string SessionsReducedByReviewer = "SESSIONS_REDUCED_BY_REVIEWER";
}
