namespace CnsExchange.Domain.Calendar;

/// <summary>Luxembourg public holidays and working-day arithmetic (RULES.md §0).</summary>
public static class LuxembourgCalendar
{
    public static readonly TimeZoneInfo TimeZone = ResolveTimeZone();

    private static TimeZoneInfo ResolveTimeZone()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/Luxembourg"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.FindSystemTimeZoneById("W. Europe Standard Time"); }
    }

    public sealed record Holiday(DateOnly Date, string Key);

    /// <summary>Gregorian Easter Sunday (anonymous Gregorian algorithm).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = (19 * a + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + 2 * e + 2 * i - h - k) % 7;
        var m = (a + 11 * h + 22 * l) / 451;
        var month = (h + l - 7 * m + 114) / 31;
        var day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }

    public static IReadOnlyList<Holiday> Holidays(int year)
    {
        var easter = EasterSunday(year);
        var list = new List<Holiday>
        {
            new(new DateOnly(year, 1, 1), "new_year"),
            new(easter.AddDays(1), "easter_monday"),
            new(new DateOnly(year, 5, 1), "labour_day"),
            new(new DateOnly(year, 5, 9), "europe_day"),
            new(easter.AddDays(39), "ascension"),
            new(easter.AddDays(50), "whit_monday"),
            new(new DateOnly(year, 6, 23), "national_day"),
            new(new DateOnly(year, 8, 15), "assumption"),
            new(new DateOnly(year, 11, 1), "all_saints"),
            new(new DateOnly(year, 12, 25), "christmas"),
            new(new DateOnly(year, 12, 26), "st_stephen"),
        };
        list.Sort((x, y) => x.Date.CompareTo(y.Date));
        return list;
    }

    public static bool IsHoliday(DateOnly date) =>
        HolidayDates.GetOrAdd(date.Year, year => Holidays(year).Select(h => h.Date).ToHashSet()).Contains(date);

    /// <summary>Working-day arithmetic asks for a year's holidays day after day: computed once per year.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, HashSet<DateOnly>> HolidayDates = new();

    public static bool IsWorkingDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsHoliday(date);

    /// <summary>The first working day strictly after <paramref name="date"/>.</summary>
    public static DateOnly NextWorkingDay(DateOnly date) => AddWorkingDays(date, 1);

    /// <summary>Counts <paramref name="days"/> working days after <paramref name="date"/> (the date itself is not counted).</summary>
    public static DateOnly AddWorkingDays(DateOnly date, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var d = date;
        while (days > 0)
        {
            d = d.AddDays(1);
            if (IsWorkingDay(d)) days--;
        }
        return d;
    }

    /// <summary>Working days strictly after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public static int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var n = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
            if (IsWorkingDay(d)) n++;
        return n;
    }

    /// <summary>Local Luxembourg date-time of an instant.</summary>
    public static DateTime ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime;

    public static DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant));

    /// <summary>End of a local day (23:59:59 Luxembourg time) as an instant.</summary>
    public static DateTimeOffset EndOfDay(DateOnly date)
    {
        var local = date.ToDateTime(new TimeOnly(23, 59, 59));
        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
    }

    public static DateTimeOffset StartOfDay(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
    }

    public static DateTimeOffset AtLocal(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time);
        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
    }
}
