using CnsExchange.Domain.Calendar;

namespace CnsExchange.Domain.Requests;

/// <summary>
/// VAL-17, applied to every kind of request: an automatic decision is immediate; a pending one is due at the end of the
/// kind's allowed working days after receipt (Luxembourg holidays and weekends skipped); the review queue is ordered by
/// that time and overdue requests are visible. The reviewer's own reasons belong to this rule.
/// </summary>
public static class RequestLifecycle
{
    public const string Rule = "VAL-17";
    public const string InformationRequested = RequestReasonCodes.InformationRequested;
    public const string ReviewerRefusal = RequestReasonCodes.ReviewerRefusal;
    public const string SessionsReducedByReviewer = RequestReasonCodes.SessionsReducedByReviewer;

    /// <summary>The actor of decisions taken by the rules alone.</summary>
    public const string AutomaticActor = "cns:automatic";

    public static DateTimeOffset DueBy(DateTimeOffset receivedAt, int workingDays)
    {
        var received = LuxembourgCalendar.LocalDate(receivedAt);
        return LuxembourgCalendar.EndOfDay(LuxembourgCalendar.AddWorkingDays(received, workingDays)).ToUniversalTime();
    }

    public static bool IsOverdue(DateTimeOffset dueBy, DateTimeOffset now) => now > dueBy;

    public static bool IsOverdue(CareRequest request, DateTimeOffset now) =>
        request.Status == RequestStatus.Pending && request.DecisionDueBy is { } due && IsOverdue(due, now);
}
