using CnsExchange.Domain.Requests;

namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-17: CNS answers within one working day. An automatic decision is immediate; a pending one is due at the end of
/// the next working day after receipt (Luxembourg holidays and weekends skipped). The request pipeline applies the
/// same rule to every kind of request (<see cref="RequestLifecycle"/>), each with its own number of working days.
/// </summary>
public static class DecisionDeadline
{
    public const string Rule = RequestLifecycle.Rule;
    public const string WorkingDaysParameter = "physio.decision.working_days";

    public static DateTimeOffset DueBy(DateTimeOffset receivedAt, ReferenceCatalog catalog) =>
        RequestLifecycle.DueBy(receivedAt, (int)catalog.Parameter(WorkingDaysParameter, Calendar.LuxembourgCalendar.LocalDate(receivedAt)));

    public static bool IsOverdue(DateTimeOffset dueBy, DateTimeOffset now) => RequestLifecycle.IsOverdue(dueBy, now);
}
