using CnsExchange.Bench;

namespace CnsExchange.Bench.Tests;

public class ReportVerdictTests
{
    private static LoadAtStart Quiet => new(0.4, 0.4, 1.5, TimeSpan.Zero, TimeSpan.FromMinutes(5));

    [Theory]
    [InlineData(514, false, "514 /s < 1000 /s")]
    [InlineData(1000, true, "1000 /s ≥ 1000 /s")]
    [InlineData(1250.5, true, "1250.5 /s ≥ 1000 /s")]
    public void An_at_least_target_is_met_only_at_or_above_its_limit_and_says_why(double value, bool met, string reason)
    {
        var verdict = Target.AtLeastOf("≥ 1,000 201/s", 1000, "/s").Judge(value);
        Assert.Equal(met, verdict.Met);
        Assert.Equal(reason, verdict.Reason);
    }

    [Theory]
    [InlineData(4.9, true, "4.9 ms ≤ 5 ms")]
    [InlineData(5.01, false, "5.01 ms > 5 ms")]
    public void An_at_most_target_is_met_only_at_or_below_its_limit(double value, bool met, string reason)
    {
        var verdict = Target.AtMostOf("p50 ≤ 5 ms", 5, "ms").Judge(value);
        Assert.Equal(met, verdict.Met);
        Assert.Equal(reason, verdict.Reason);
    }

    [Fact]
    public void A_figure_from_a_run_that_went_wrong_is_not_met_whatever_its_value()
    {
        var verdict = Target.AtLeastOf("≥ 25,000 lines/s", 25_000, "lines/s").Judge(90_000, "status failed, 10 of 1000000 lines accepted");
        Assert.False(verdict.Met);
        Assert.StartsWith("status failed", verdict.Reason);
    }

    [Fact]
    public void A_phase_verdict_says_not_met_with_the_reason_and_the_report_counts_it()
    {
        var report = new Report();
        report.Phase("P1", Quiet);
        report.Row("P1", "201/s", "514", "1660", "0.31", Target.AtLeastOf("≥ 1,000 201/s", 1000, "/s"), 514);
        report.Row("P1", "ratio", "514", "1660", "0.31", Target.AtLeastOf("≥ 0.6× baseline", 0.6, "×"), 0.31);
        report.Phase("P3", Quiet);
        report.Row("P3", "s", "100", "80", "1.25", Target.AtMostOf("≤ 1.5× raw SQL", 1.5, "×"), 1.25);

        var verdicts = report.PhaseVerdicts();

        Assert.StartsWith("P1: **not met**: P1 ≥ 1,000 201/s: 514 /s < 1000 /s; P1 ≥ 0.6× baseline: 0.31 × < 0.6 ×.", verdicts[0]);
        Assert.StartsWith("P3: met.", verdicts[1]);
        var text = report.Render("test machine", TimeSpan.FromMinutes(1));
        Assert.Contains("targets met: 1 of 3", text);
        Assert.Contains("| **not met**: 514 /s < 1000 /s |", text);
    }

    [Fact]
    public async Task A_busy_start_waits_until_the_load_falls_and_the_report_says_it_waited()
    {
        var loads = new Queue<double>([2.7, 2.1, 1.2]);
        var slept = TimeSpan.Zero;
        var gate = new LoadGate(() => loads.Dequeue(), t => { slept += t; return Task.CompletedTask; }, 1.5, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10));

        var load = await gate.WaitQuietAsync();

        Assert.True(load.WasBusy);
        Assert.True(load.Quiet);
        Assert.Equal(TimeSpan.FromSeconds(20), load.Waited);
        Assert.Equal(TimeSpan.FromSeconds(20), slept);
        var report = new Report();
        report.Phase("P2", load);
        Assert.Equal("P2: no target. 1-min load 2.7 at start (threshold 1.5): busy, waited 20 s until it fell to 1.2: quiet.", report.PhaseVerdicts()[0]);
    }

    [Fact]
    public async Task A_start_that_stays_busy_waits_only_up_to_the_limit_and_is_reported_as_busy()
    {
        var gate = new LoadGate(() => 3.0, _ => Task.CompletedTask, 1.5, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(10));

        var load = await gate.WaitQuietAsync();

        Assert.Equal(TimeSpan.FromSeconds(25), load.Waited);
        Assert.False(load.Quiet);
        Assert.Contains("waited 25 s (the limit) and it was still 3: the machine did not become quiet", load.Describe());
    }

    [Fact]
    public async Task A_quiet_start_does_not_wait()
    {
        var gate = new LoadGate(() => 0.8, _ => throw new InvalidOperationException("must not wait"), 1.5, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10));

        var load = await gate.WaitQuietAsync();

        Assert.False(load.WasBusy);
        Assert.Equal(TimeSpan.Zero, load.Waited);
        Assert.Equal("1-min load 0.8 at start (threshold 1.5): quiet, no wait", load.Describe());
    }
}
