using CnsExchange.Domain.Cures;
using static CnsExchange.Domain.Tests.Support.TestReference;

namespace CnsExchange.Domain.Tests.Cures;

/// <summary>How an earlier authorisation and the sessions billed on it become the history the CUR rules read.</summary>
public sealed class CureHistoryTests
{
    private static CureCourse Course(int done, string? first = null, string? last = null, int granted = 24, int? window = 6, string? lastBy = null) =>
        new("T200", D("2026-01-10"), D("2027-01-10"), granted, done, first is null ? null : D(first), last is null ? null : D(last), null, window,
            lastBy is null ? null : D(lastBy));

    [Fact]
    public void Without_any_session_the_cure_has_not_started_and_lapses_with_its_validity()
    {
        var entry = Course(0).ToHistoryEntry(D("2026-06-01"));
        Assert.Null(entry.Start);
        Assert.Null(entry.End);
        Assert.False(entry.LapsedOn(D("2027-01-10")));
        Assert.True(entry.LapsedOn(D("2027-01-11")));
    }

    [Theory]
    [InlineData(24, "2026-06-01", true)]  // every session given: over, whatever the date
    [InlineData(23, "2026-08-01", false)] // 23 of 24 inside the 6-month window: still in progress
    [InlineData(23, "2026-08-02", true)]  // window of the cycle closed (first session + 6 months - 1 day = 2026-08-01): over
    public void A_cycle_is_over_once_every_session_was_given_or_its_window_has_closed(int done, string today, bool over)
    {
        var entry = Course(done, "2026-02-02", "2026-05-20").ToHistoryEntry(D(today));
        Assert.Equal(D("2026-02-02"), entry.Start);
        Assert.Equal(over ? D("2026-05-20") : null, entry.End);
        Assert.Equal(done, entry.SessionsDone);
    }

    [Theory]
    [InlineData("2027-01-10", false)] // a kind without window: in progress until its validity ends
    [InlineData("2027-01-11", true)]
    public void A_cure_without_window_is_over_when_its_validity_has_passed(string today, bool over)
    {
        var entry = Course(10, "2026-03-01", "2026-03-20", granted: 21, window: null).ToHistoryEntry(D(today));
        Assert.Equal(over ? D("2026-03-20") : null, entry.End);
    }

    [Fact]
    public void A_series_is_over_after_its_last_session_date()
    {
        var course = Course(5, "2026-03-01", "2026-04-01", granted: 14, window: null, lastBy: "2026-12-31");
        Assert.Null(course.ToHistoryEntry(D("2026-12-31")).End);
        Assert.Equal(D("2026-04-01"), course.ToHistoryEntry(D("2027-01-01")).End);
    }

    [Fact]
    public void Sessions_billed_without_dates_count_as_a_cure_in_progress_since_the_authorisation()
    {
        var entry = Course(3).ToHistoryEntry(D("2026-06-01"));
        Assert.Equal(D("2026-01-10"), entry.Start);
        Assert.Null(entry.End);
        Assert.True(entry.OpenOn(D("2026-06-01")));
    }
}
