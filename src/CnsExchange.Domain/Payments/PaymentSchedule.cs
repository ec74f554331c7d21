using CnsExchange.Domain.Calendar;

namespace CnsExchange.Domain.Payments;

/// <summary>When payment runs happen (PAY-02): the weekday of the weekly run and the local time of every run.</summary>
/// <param name="WeeklyDay">Day of the weekly run (Monday); when it is a holiday, the run moves to the next working day.</param>
/// <param name="RunTime">Luxembourg local time of every scheduled run (02:00).</param>
public sealed record PaymentScheduleSettings(DayOfWeek WeeklyDay, TimeOnly RunTime)
{
    /// <summary>The schedule of reference data (parameters payment_run.weekly_iso_day and payment_run.hour) in force on <paramref name="date"/>.</summary>
    public static PaymentScheduleSettings From(ReferenceCatalog catalog, DateOnly date)
    {
        var isoDay = catalog.IntParameter("payment_run.weekly_iso_day", date);
        var hour = catalog.IntParameter("payment_run.hour", date);
        return new PaymentScheduleSettings((DayOfWeek)(isoDay % 7), new TimeOnly(hour, 0));
    }
}

/// <summary>Why a run exists: the weekly slot, an extra slot that keeps a memoir from passing its due date, or an administrator.</summary>
public enum PaymentRunTrigger
{
    Weekly,
    Extra,
    Manual,
}

/// <summary>A scheduled run opportunity: a working day at the run time. Its key names the run it may produce, once.</summary>
public sealed record PaymentSlot(DateOnly Date, DateTimeOffset Instant, bool IsWeekly)
{
    public string Key(PaymentRunTrigger trigger) => PaymentSchedule.SlotKey(trigger, Date);
}

/// <summary>
/// PAY-01 and PAY-02 as pure functions. Every Luxembourg working day at the run time (02:00) is an opportunity to
/// run. The weekly run takes the weekly opportunity (Monday, or the next working day when Monday is a holiday)
/// whenever something is to be paid or reported. Any other opportunity D becomes an extra run when some unpaid
/// memoir has a due date before the next opportunity after D — D is then the last chance to pay it on time. So a
/// memoir is paid by the first weekly run after its receipt or, at the latest, by an extra run on the last working
/// day on or before its due date: never late, whatever weekends and holidays come in between.
/// </summary>
public static class PaymentSchedule
{
    public const string Rule = "PAY-02";

    /// <summary>The date of the weekly run of the week (Monday to Sunday) that holds <paramref name="date"/>.</summary>
    public static DateOnly WeeklyRunDateOfWeek(DateOnly date, PaymentScheduleSettings settings)
    {
        var monday = date.AddDays(-(((int)date.DayOfWeek + 6) % 7));
        var day = monday.AddDays(((int)settings.WeeklyDay + 6) % 7);
        return LuxembourgCalendar.IsWorkingDay(day) ? day : LuxembourgCalendar.NextWorkingDay(day);
    }

    public static bool IsWeeklyRunDate(DateOnly date, PaymentScheduleSettings settings) =>
        LuxembourgCalendar.IsWorkingDay(date) && WeeklyRunDateOfWeek(date, settings) == date;

    /// <summary>The instant of the run opportunity of a (working) day.</summary>
    public static DateTimeOffset SlotInstant(DateOnly date, PaymentScheduleSettings settings) => LuxembourgCalendar.AtLocal(date, settings.RunTime);

    /// <summary>Every run opportunity strictly after <paramref name="after"/> and up to <paramref name="until"/> (inclusive), in time order.</summary>
    public static IEnumerable<PaymentSlot> Opportunities(DateTimeOffset after, DateTimeOffset until, Func<DateOnly, PaymentScheduleSettings> settingsOn)
    {
        if (until <= after) yield break;
        var last = LuxembourgCalendar.LocalDate(until);
        for (var day = LuxembourgCalendar.LocalDate(after); day <= last; day = day.AddDays(1))
        {
            if (!LuxembourgCalendar.IsWorkingDay(day)) continue;
            var settings = settingsOn(day);
            var instant = SlotInstant(day, settings);
            if (instant > after && instant <= until) yield return new PaymentSlot(day, instant, IsWeeklyRunDate(day, settings));
        }
    }

    /// <summary>The first run opportunity after a run executed on <paramref name="executionDate"/>: the next working day.</summary>
    public static DateOnly NextOpportunity(DateOnly executionDate) => LuxembourgCalendar.NextWorkingDay(executionDate);

    /// <summary>
    /// PAY-01: a memoir due on <paramref name="dueDate"/> must be paid by a run executed on
    /// <paramref name="executionDate"/>, because the next opportunity would be too late (or it is already overdue).
    /// </summary>
    public static bool IsLastChance(DateOnly dueDate, DateOnly executionDate) => dueDate < NextOpportunity(executionDate);

    /// <summary>
    /// What an opportunity becomes: the weekly run when something can be paid or reported, an extra run when an unpaid
    /// memoir would otherwise pass its due date, or nothing.
    /// </summary>
    /// <param name="anythingToTake">Some unsettled line of a memoir received by the slot instant can be taken.</param>
    /// <param name="earliestUnpaidDueDate">Earliest due date of the memoirs received by the slot instant that still have unsettled lines.</param>
    public static PaymentRunTrigger? Decide(PaymentSlot slot, bool anythingToTake, DateOnly? earliestUnpaidDueDate)
    {
        if (slot.IsWeekly) return anythingToTake ? PaymentRunTrigger.Weekly : null;
        return earliestUnpaidDueDate is { } due && IsLastChance(due, slot.Date) ? PaymentRunTrigger.Extra : null;
    }

    /// <summary>
    /// The execution date of the run that pays a memoir received at <paramref name="receivedAt"/> and due on
    /// <paramref name="dueDate"/>, when nothing holds it back: the first weekly run after its receipt, or an extra run
    /// on its last chance if that comes first. Null when no opportunity after the receipt is on or before the due date
    /// (only possible for a due date on the day of receipt).
    /// </summary>
    public static DateOnly? PlannedPaymentDate(DateTimeOffset receivedAt, DateOnly dueDate, Func<DateOnly, PaymentScheduleSettings> settingsOn)
    {
        // A run takes what was received on or before its as-of instant: a memoir received at 02:00 sharp is in that run.
        foreach (var slot in Opportunities(receivedAt.AddTicks(-1), LuxembourgCalendar.EndOfDay(dueDate.AddDays(14)), settingsOn))
        {
            if (Decide(slot, anythingToTake: true, earliestUnpaidDueDate: dueDate) is not null)
                return slot.Date <= dueDate ? slot.Date : null;
        }
        return null;
    }

    /// <summary>Execution date of a run started by hand at <paramref name="today"/>: that day when it is a working day, else the next one.</summary>
    public static DateOnly ManualExecutionDate(DateOnly today) =>
        LuxembourgCalendar.IsWorkingDay(today) ? today : LuxembourgCalendar.NextWorkingDay(today);

    /// <summary>When the lines of a run are paid: its as-of instant, or the start of its execution date when that comes later.</summary>
    public static DateTimeOffset PaidAt(DateTimeOffset asOf, DateOnly executionDate)
    {
        var start = LuxembourgCalendar.StartOfDay(executionDate);
        return asOf >= start ? asOf : start;
    }

    /// <summary>The key that makes a slot produce at most one run: "weekly:2026-11-30", "extra:2026-12-03".</summary>
    public static string SlotKey(PaymentRunTrigger trigger, DateOnly date) =>
        trigger switch
        {
            PaymentRunTrigger.Weekly => "weekly:",
            PaymentRunTrigger.Extra => "extra:",
            _ => throw new ArgumentOutOfRangeException(nameof(trigger), "Manual runs have a key of their own."),
        } + date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string ManualSlotKey(Guid runId) => "manual:" + runId.ToString("D");
}
