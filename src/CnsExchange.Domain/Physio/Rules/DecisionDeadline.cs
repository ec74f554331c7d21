using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Reference;

namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-17: CNS answers within one working day. An automatic decision is immediate; a pending one is due at the end of
/// the next working day after receipt (Luxembourg holidays and weekends skipped).
/// </summary>
public static class DecisionDeadline
{
    public const string Rule = "VAL-17";
    public const string WorkingDaysParameter = "physio.decision.working_days";

    public static DateTimeOffset DueBy(DateTimeOffset receivedAt, ReferenceCatalog catalog)
    {
        var received = LuxembourgCalendar.LocalDate(receivedAt);
        var days = (int)catalog.Parameter(WorkingDaysParameter, received);
        return LuxembourgCalendar.EndOfDay(LuxembourgCalendar.AddWorkingDays(received, days)).ToUniversalTime();
    }

    public static bool IsOverdue(DateTimeOffset dueBy, DateTimeOffset now) => now > dueBy;
}
