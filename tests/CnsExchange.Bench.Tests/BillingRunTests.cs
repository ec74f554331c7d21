using CnsExchange.Bench;

namespace CnsExchange.Bench.Tests;

public class BillingRunTests
{
    // Run 2026-12-05-1047, CSV: 1,000,000 lines in 71.0 s end to end, the job's phases as the API logged them.
    private const string Phases = "parse+stage 4564, check 1742, lock 4104, read 3518, facts 3384, adjudicate 78, write 52406, commit 102";

    private static BillingRun Run(string? phases) =>
        new("id", "csv", 1_000_000, 75_000_000, "processed", 1_000_000, 1_000_000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(71.0),
            TimeSpan.FromSeconds(0.02), TimeSpan.FromSeconds(69.9), 0, 0) { Phases = phases };

    [Fact]
    public void The_write_phase_is_read_from_the_logged_phases()
    {
        Assert.Equal(52406, Run(Phases).WriteMs);
        Assert.Null(Run(null).WriteMs);
        Assert.Null(Run("parse+stage 10, check 2").WriteMs);
    }

    [Fact]
    public void At_the_floors_pace_the_write_takes_lines_over_floor_and_all_else_stays_as_measured()
    {
        // All else: 71.0 − 52.406 = 18.594 s; the write at 51,243 lines/s: 19.515 s; together 38.109 s = 26,241 lines/s.
        var text = Run(Phases).AtFloorPace(51_243, 25_000)!;
        Assert.Contains("= 19.5 s, measured 52.4 s", text);
        Assert.Contains("(18.6 s: upload, queue and the job's other phases)", text);
        Assert.Contains("would take 38.1 s = 26241 lines/s", text);
        Assert.Contains("the target allows 40.0 s, 21.4 s for the write (1.1× the floor's time)", text);
    }

    [Fact]
    public void A_target_that_all_else_alone_exceeds_says_so()
    {
        // 0.8× a floor of 60,000 lines/s allows 20.8 s: 2.2 s left after the 18.6 s of all else. The floor itself allows
        // 16.7 s, less than all else alone.
        Assert.Contains("the target allows 20.8 s, 2.2 s for the write", Run(Phases).AtFloorPace(60_000, 48_000));
        Assert.Contains("less than all else takes without the write", Run(Phases).AtFloorPace(60_000, 60_000));
    }

    [Fact]
    public void Without_phases_or_a_floor_nothing_is_claimed()
    {
        Assert.Null(Run(null).AtFloorPace(51_243, 25_000));
        Assert.Null(Run(Phases).AtFloorPace(double.NaN, 25_000));
        Assert.Null(Run(Phases).AtFloorPace(0, 25_000));
    }
}
