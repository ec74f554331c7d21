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

    /// <summary>
    /// A reviewer's refusal: each code given once, with its rule, and the note as REVIEWER_REFUSAL of
    /// <paramref name="noteRule"/> with the note as its detail; REVIEWER_REFUSAL named among the codes as well is that same
    /// reason, listed once (it was listed twice: once bare, once with the note).
    /// </summary>
    public static List<Reason> RefusalReasons(IEnumerable<string>? codes, Func<string, string> ruleOf, string noteRule, string? note)
    {
        var withNote = !string.IsNullOrWhiteSpace(note);
        var reasons = (codes ?? []).Distinct().Where(code => !(withNote && code == ReviewerRefusal)).Select(code => Reason.Refusal(code, ruleOf(code))).ToList();
        if (withNote) reasons.Add(Reason.Refusal(ReviewerRefusal, noteRule, null, note!.Trim()));
        return reasons;
    }

    public static bool IsOverdue(CareRequest request, DateTimeOffset now) =>
        request.Status == RequestStatus.Pending && request.DecisionDueBy is { } due && IsOverdue(due, now);
}
