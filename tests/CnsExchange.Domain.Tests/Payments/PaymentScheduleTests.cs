using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Payments;
using CnsExchange.Domain.Tests.Support;
using static CnsExchange.Domain.Tests.Support.TestReference;

namespace CnsExchange.Domain.Tests.Payments;

/// <summary>PAY-01 and PAY-02: when payment runs happen, and why no memoir is ever paid after its due date.</summary>
public sealed class PaymentScheduleTests
{
    private static readonly PaymentScheduleSettings Settings = PaymentScheduleSettings.From(Catalog, D("2026-11-23"));

    private static PaymentScheduleSettings SettingsOn(DateOnly _) => Settings;

    private static DateTimeOffset Local(string date, int hour, int minute = 0) => LuxembourgCalendar.AtLocal(D(date), new TimeOnly(hour, minute));

    private static PaymentSlot Slot(string date) => new(D(date), PaymentSchedule.SlotInstant(D(date), Settings), PaymentSchedule.IsWeeklyRunDate(D(date), Settings));

    [Fact]
    public void Reference_data_puts_the_weekly_run_on_monday_at_two()
    {
        Assert.Equal(DayOfWeek.Monday, Settings.WeeklyDay);
        Assert.Equal(new TimeOnly(2, 0), Settings.RunTime);
    }

    [Theory]
    [InlineData("2026-11-30", true)]  // a plain Monday
    [InlineData("2026-12-01", false)] // Tuesday
    [InlineData("2026-11-28", false)] // Saturday
    [InlineData("2026-12-28", true)]  // Monday after Christmas (Friday 25, Saturday 26)
    [InlineData("2027-03-29", false)] // Easter Monday 2027: no run that day…
    [InlineData("2027-03-30", true)]  // …the weekly run moves to Tuesday
    [InlineData("2027-05-17", false)] // Whit Monday 2027
    [InlineData("2027-05-18", true)]
    [InlineData("2028-12-25", false)] // Christmas on a Monday, St Stephen on Tuesday…
    [InlineData("2028-12-26", false)]
    [InlineData("2028-12-27", true)]  // …the run is on Wednesday
    [InlineData("2029-01-01", false)] // New Year on a Monday
    [InlineData("2029-01-02", true)]
    [InlineData("2026-06-22", true)]  // the Monday before National Day (Tuesday 23 June)
    public void Pay02_weekly_run_is_on_monday_or_the_next_working_day_after_a_holiday(string date, bool weekly) =>
        Assert.Equal(weekly, PaymentSchedule.IsWeeklyRunDate(D(date), Settings));

    [Theory]
    // weekly slot: runs when something can be taken, whatever the due dates
    [InlineData("2026-11-30", true, null, "Weekly")]
    [InlineData("2026-11-30", false, null, null)]
    [InlineData("2026-11-30", false, "2026-11-30", null)] // nothing takeable (held lines are takeable on their last chance)
    // extra slot: only on a memoir's last chance (due before the next opportunity)
    [InlineData("2026-12-04", true, "2026-12-06", "Extra")] // Friday, due Sunday: Monday would be late
    [InlineData("2026-12-03", true, "2026-12-06", null)]    // Thursday, due Sunday: Friday is still in time
    [InlineData("2026-12-04", true, "2026-12-07", null)]    // Friday, due Monday: Monday's run is in time
    [InlineData("2026-12-24", true, "2026-12-27", "Extra")] // Thursday before Christmas, due Sunday: next is Monday 28
    [InlineData("2026-12-23", true, "2026-12-27", null)]    // Wednesday: Thursday 24 is still in time
    [InlineData("2026-12-31", true, "2027-01-01", "Extra")] // New Year's Eve, due on New Year's Day
    [InlineData("2026-12-30", true, "2027-01-01", null)]
    [InlineData("2027-03-26", true, "2027-03-29", "Extra")] // Good Friday (a working day), due Easter Monday
    [InlineData("2027-03-25", true, "2027-03-29", null)]
    [InlineData("2026-12-08", true, "2026-12-05", "Extra")] // already overdue (a run failed for days): pay at once
    [InlineData("2026-12-08", true, "2026-12-08", "Extra")] // due today: today is the last chance
    [InlineData("2026-12-08", true, "2026-12-09", null)]
    [InlineData("2026-12-08", false, null, null)]           // nothing unpaid
    public void Pay02_an_opportunity_becomes_the_weekly_run_an_extra_run_or_nothing(string date, bool anythingToTake, string? earliestDue, string? expected)
    {
        var trigger = PaymentSchedule.Decide(Slot(date), anythingToTake, earliestDue is null ? null : D(earliestDue));
        Assert.Equal(expected, trigger?.ToString());
    }

    [Fact]
    public void Opportunities_are_working_days_at_two_strictly_after_the_start_and_up_to_the_end()
    {
        var slots = PaymentSchedule.Opportunities(Local("2026-11-27", 18, 30), Local("2026-12-01", 2), SettingsOn).ToList();
        Assert.Equal([D("2026-11-30"), D("2026-12-01")], slots.Select(s => s.Date));
        Assert.Equal(Local("2026-11-30", 2), slots[0].Instant);
        Assert.True(slots[0].IsWeekly);
        Assert.False(slots[1].IsWeekly);

        Assert.Empty(PaymentSchedule.Opportunities(Local("2026-11-30", 2), Local("2026-11-30", 23), SettingsOn)); // the start is excluded
        Assert.Single(PaymentSchedule.Opportunities(Local("2026-11-30", 1, 59), Local("2026-11-30", 2), SettingsOn));
    }

    [Theory]
    [InlineData("2026-12-23", "2027-01-05", new[] { "2026-12-24", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-04", "2027-01-05" })]
    [InlineData("2027-03-25", "2027-03-31", new[] { "2027-03-26", "2027-03-30", "2027-03-31" })]
    public void Opportunities_skip_weekends_and_holidays(string from, string to, string[] expected) =>
        Assert.Equal(expected.Select(D), PaymentSchedule.Opportunities(Local(from, 3), Local(to, 3), SettingsOn).Select(s => s.Date));

    [Theory]
    [InlineData("2026-11-27", 18, 30, "2026-12-27", "2026-11-30")] // Friday evening: Monday's weekly run
    [InlineData("2026-11-30", 1, 59, "2026-12-30", "2026-11-30")]  // just before Monday 02:00: that run
    [InlineData("2026-11-30", 2, 0, "2026-12-30", "2026-11-30")]   // at 02:00 exactly: still that run (received on or before its as-of)
    [InlineData("2026-11-30", 2, 1, "2026-12-30", "2026-12-07")]   // just after: next Monday
    [InlineData("2026-12-24", 10, 0, "2027-01-23", "2026-12-28")]  // Christmas Eve
    [InlineData("2027-03-26", 17, 0, "2027-04-25", "2027-03-30")]  // Good Friday: Tuesday after Easter Monday
    [InlineData("2028-12-22", 18, 0, "2029-01-21", "2028-12-27")]  // before a four-day Christmas break
    [InlineData("2026-12-30", 18, 0, "2027-01-03", "2026-12-31")]  // due on a Sunday after New Year: extra run on the 31st
    [InlineData("2026-11-27", 18, 30, "2026-11-29", null)]         // due two days later, on a Sunday: no working day in between
    public void Pay01_a_memoir_is_planned_for_the_first_weekly_run_or_its_last_chance(string received, int hour, int minute, string due, string? expected)
    {
        var planned = PaymentSchedule.PlannedPaymentDate(Local(received, hour, minute), D(due), SettingsOn);
        Assert.Equal(expected is null ? null : D(expected), planned);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(10)]
    [InlineData(6)] // the longest break without a working day is four days (Christmas on a Monday)
    public void Pay01_every_memoir_received_from_2026_to_2032_is_planned_on_or_before_its_due_date(int dueDays)
    {
        var checkedMemoirs = 0;
        for (var day = D("2026-01-01"); day <= D("2032-12-31"); day = day.AddDays(1))
        {
            foreach (var (hour, minute) in new[] { (0, 0), (1, 59), (2, 0), (2, 1), (9, 0), (18, 30), (23, 59) })
            {
                var received = LuxembourgCalendar.AtLocal(day, new TimeOnly(hour, minute));
                var due = day.AddDays(dueDays);
                var planned = PaymentSchedule.PlannedPaymentDate(received, due, SettingsOn);
                Assert.True(planned is { } p && p >= day && p <= due, $"received {received:yyyy-MM-dd HH:mm}, due {due}: planned {planned}");
                checkedMemoirs++;
            }
        }
        Assert.Equal(7 * (365 * 7 + 2), checkedMemoirs);
    }

    [Theory]
    [InlineData("2026-12-04", "2026-12-06", true)]
    [InlineData("2026-12-04", "2026-12-07", false)]
    [InlineData("2026-12-24", "2026-12-27", true)]
    [InlineData("2026-12-24", "2026-12-28", false)]
    public void A_pending_contestation_is_held_unless_this_run_is_its_memoirs_last_chance(string executionDate, string dueDate, bool lastChance) =>
        Assert.Equal(lastChance, PaymentSchedule.IsLastChance(D(dueDate), D(executionDate)));

    [Theory]
    [InlineData("2026-11-23", "2026-11-23")]
    [InlineData("2026-11-28", "2026-11-30")] // Saturday → Monday
    [InlineData("2026-12-25", "2026-12-28")] // Christmas (Friday) → Monday
    public void A_run_started_by_hand_executes_that_day_or_the_next_working_day(string today, string expected) =>
        Assert.Equal(D(expected), PaymentSchedule.ManualExecutionDate(D(today)));

    [Fact]
    public void Lines_are_paid_at_the_as_of_instant_or_the_start_of_a_later_execution_date()
    {
        Assert.Equal(Local("2026-11-30", 2), PaymentSchedule.PaidAt(Local("2026-11-30", 2), D("2026-11-30")));
        Assert.Equal(LuxembourgCalendar.StartOfDay(D("2026-11-30")), PaymentSchedule.PaidAt(Local("2026-11-28", 15), D("2026-11-30")));
    }

    [Fact]
    public void Slot_keys_name_the_kind_and_the_date()
    {
        Assert.Equal("weekly:2026-11-30", PaymentSchedule.SlotKey(PaymentRunTrigger.Weekly, D("2026-11-30")));
        Assert.Equal("extra:2026-12-24", PaymentSchedule.SlotKey(PaymentRunTrigger.Extra, D("2026-12-24")));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaymentSchedule.SlotKey(PaymentRunTrigger.Manual, D("2026-12-24")));
    }
}
