using CnsExchange.Domain.Calendar;

namespace CnsExchange.Domain.Tests.Calendar;

public sealed class LuxembourgCalendarTests
{
    [Theory]
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2026, "2026-04-05")]
    [InlineData(2027, "2027-03-28")]
    [InlineData(2028, "2028-04-16")]
    [InlineData(2038, "2038-04-25")]
    public void Easter_sunday(int year, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), LuxembourgCalendar.EasterSunday(year));

    [Theory]
    [InlineData("2026-01-01", true)]
    [InlineData("2026-04-06", true)]  // Easter Monday
    [InlineData("2026-05-01", true)]
    [InlineData("2026-05-09", true)]  // Europe Day (a Saturday)
    [InlineData("2026-05-14", true)]  // Ascension
    [InlineData("2026-05-25", true)]  // Whit Monday
    [InlineData("2026-06-23", true)]
    [InlineData("2026-08-15", true)]
    [InlineData("2026-11-01", true)]
    [InlineData("2026-12-25", true)]
    [InlineData("2026-12-26", true)]
    [InlineData("2026-04-05", false)] // Easter Sunday is a Sunday, not a listed holiday
    [InlineData("2026-12-24", false)]
    [InlineData("2027-05-06", true)]  // Ascension 2027
    [InlineData("2027-05-17", true)]  // Whit Monday 2027
    public void Holidays(string date, bool holiday) => Assert.Equal(holiday, LuxembourgCalendar.IsHoliday(DateOnly.Parse(date)));

    [Theory]
    [InlineData("2026-11-23", "2026-11-24")] // Monday → Tuesday
    [InlineData("2026-11-27", "2026-11-30")] // Friday → Monday
    [InlineData("2026-11-28", "2026-11-30")] // Saturday → Monday
    [InlineData("2026-12-24", "2026-12-28")] // Thursday before Christmas → Monday
    [InlineData("2026-04-03", "2026-04-07")] // Good Friday is a working day in LU; Easter Monday is not
    [InlineData("2026-05-13", "2026-05-15")] // day before Ascension
    [InlineData("2026-06-22", "2026-06-24")] // National Day
    [InlineData("2026-12-31", "2027-01-04")] // New Year then weekend
    public void Next_working_day(string date, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), LuxembourgCalendar.NextWorkingDay(DateOnly.Parse(date)));

    [Theory]
    [InlineData("2026-12-23", 3, "2026-12-29")]
    [InlineData("2026-11-23", 0, "2026-11-23")]
    [InlineData("2026-11-23", 5, "2026-11-30")]
    public void Add_working_days(string date, int days, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), LuxembourgCalendar.AddWorkingDays(DateOnly.Parse(date), days));

    [Theory]
    [InlineData("2026-12-21", "2026-12-24", 3)]
    [InlineData("2026-12-24", "2026-12-29", 2)]
    public void Working_days_between(string from, string to, int expected) =>
        Assert.Equal(expected, LuxembourgCalendar.WorkingDaysBetween(DateOnly.Parse(from), DateOnly.Parse(to)));

    [Fact]
    public void End_of_day_is_local_luxembourg_time()
    {
        var end = LuxembourgCalendar.EndOfDay(new DateOnly(2026, 7, 1));
        Assert.Equal(TimeSpan.FromHours(2), end.Offset);
        Assert.Equal(new DateOnly(2026, 7, 1), LuxembourgCalendar.LocalDate(end));
        Assert.Equal(new DateOnly(2026, 7, 2), LuxembourgCalendar.LocalDate(end.AddSeconds(1)));
    }
}
