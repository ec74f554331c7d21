using System.Globalization;

namespace CnsExchange.Bench;

/// <summary>The machine's 1-minute load average at a phase's start, and the wait (if any) for it to fall below the threshold.</summary>
/// <param name="AtStart">1-minute load average when the phase was due to start.</param>
/// <param name="WhenStarted">1-minute load average when it started (after the wait, if any).</param>
public sealed record LoadAtStart(double AtStart, double WhenStarted, double Threshold, TimeSpan Waited, TimeSpan MaxWait)
{
    public bool WasBusy => AtStart > Threshold;
    public bool Quiet => WhenStarted <= Threshold;

    public string Describe()
    {
        var at = $"1-min load {Report.F(AtStart)} at start (threshold {Report.F(Threshold)})";
        if (!WasBusy) return at + ": quiet, no wait";
        return Quiet
            ? $"{at}: busy, waited {Report.F(Waited.TotalSeconds, "0")} s until it fell to {Report.F(WhenStarted)}: quiet"
            : $"{at}: busy, waited {Report.F(Waited.TotalSeconds, "0")} s (the limit) and it was still {Report.F(WhenStarted)}: " +
              "the machine did not become quiet, this phase's figures were taken on a busy machine";
    }
}

/// <summary>Holds a phase back while the machine is busy (other work on a shared machine weighs on every figure), for a bounded time.</summary>
public sealed class LoadGate(Func<double> readLoad, Func<TimeSpan, Task> delay, double threshold, TimeSpan maxWait, TimeSpan poll)
{
    /// <summary>From BENCH_LOAD_MAX (default 1.5) and BENCH_LOAD_WAIT_SECONDS (default 300), reading /proc/loadavg.</summary>
    public static LoadGate FromEnvironment() => new(OneMinuteLoad, t => Task.Delay(t),
        double.Parse(Environment.GetEnvironmentVariable("BENCH_LOAD_MAX") ?? "1.5", CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("BENCH_LOAD_WAIT_SECONDS") ?? "300", CultureInfo.InvariantCulture)),
        TimeSpan.FromSeconds(10));

    public static double OneMinuteLoad() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : 0;

    public async Task<LoadAtStart> WaitQuietAsync()
    {
        var first = readLoad();
        var load = first;
        var waited = TimeSpan.Zero;
        while (load > threshold && waited < maxWait)
        {
            var step = poll < maxWait - waited ? poll : maxWait - waited;
            await delay(step);
            waited += step;
            load = readLoad();
        }
        return new LoadAtStart(first, load, threshold, waited, maxWait);
    }
}
