using System.Globalization;
using System.Text.RegularExpressions;

namespace CnsExchange.Bench;

/// <summary>One autovacuum or autoanalyze of a table, as the cluster's log reports it when it ends.</summary>
public sealed record AutovacuumRun(DateTimeOffset EndedAt, string Kind, string Table, double CpuSeconds);

/// <summary>
/// The autovacuum workers' CPU, from the cluster's server log. bench/run.sh starts PostgreSQL with
/// <c>log_autovacuum_min_duration=0</c>, <c>log_line_prefix='%m [%p] '</c> and <c>log_timezone=UTC</c>, so every
/// autovacuum and autoanalyze of a table logs its end time and its "system usage: CPU: user: … s, system: … s"; and it
/// names the log in <c>BENCH_PG_LOG</c>. The workers' CPU is part of PostgreSQL's in <see cref="CpuMeter"/>, which cannot
/// tell it apart: a worker exits when its pass ends and its time joins the postmaster's reaped children with the
/// backends'. A run is counted in the phase in which it ended (a run spanning a phase's start counts whole).
/// </summary>
public static partial class AutovacuumLog
{
    /// <summary>The log of this run's cluster, or null (no BENCH_PG_LOG, or not readable): nothing is said then.</summary>
    public static string? Path => Environment.GetEnvironmentVariable("BENCH_PG_LOG") is { Length: > 0 } p && File.Exists(p) ? p : null;

    /// <summary>The runs that ended in [from, to), read from the log at <see cref="Path"/>; null without a log.</summary>
    public static IReadOnlyList<AutovacuumRun>? Between(DateTimeOffset from, DateTimeOffset to) =>
        Path is { } path ? Read(path, from, to) : null;

    /// <summary>The runs of the log at <paramref name="path"/> that ended in [from, to).</summary>
    public static IReadOnlyList<AutovacuumRun> Read(string path, DateTimeOffset from, DateTimeOffset to)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd()).Where(r => r.EndedAt >= from && r.EndedAt < to).ToList();
    }

    /// <summary>Every autovacuum or autoanalyze message of a log: a line that starts with a time stamp, and the lines that continue it.</summary>
    public static IEnumerable<AutovacuumRun> Parse(string log)
    {
        foreach (Match m in Message().Matches(log))
        {
            var text = m.Groups["text"].Value;
            if (Header().Match(text) is not { Success: true } header) continue;
            if (Usage().Match(text) is not { Success: true } usage) continue;
            var at = DateTimeOffset.ParseExact(m.Groups["at"].Value, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal);
            var cpu = double.Parse(usage.Groups["user"].Value, CultureInfo.InvariantCulture) + double.Parse(usage.Groups["system"].Value, CultureInfo.InvariantCulture);
            yield return new AutovacuumRun(at, header.Groups["kind"].Value, header.Groups["table"].Value, cpu);
        }
    }

    /// <summary>"N runs, X s of CPU (tables)": what the runs of a phase cost, for a report.</summary>
    public static string Describe(IReadOnlyList<AutovacuumRun> runs, long answers)
    {
        if (runs.Count == 0) return "no autovacuum run ended in it";
        var cpu = runs.Sum(r => r.CpuSeconds);
        var tables = runs.GroupBy(r => r.Table).OrderByDescending(g => g.Sum(r => r.CpuSeconds)).Take(4)
            .Select(g => $"{g.Key} {Report.F(g.Sum(r => r.CpuSeconds))} s");
        return $"{runs.Count} autovacuum runs ended in it, {Report.F(cpu)} s of CPU ({Report.F(cpu * 1000 / Math.Max(1, answers))} ms per answer; {string.Join(", ", tables)})";
    }

    // A message: its time stamp (log_line_prefix '%m [%p] ', UTC), and its text up to the next line that starts with one.
    [GeneratedRegex(@"^(?<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) UTC \[\d+\] (?<text>.*?)(?=^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} |\z)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Message();

    [GeneratedRegex(@"^LOG:\s+automatic (?<kind>vacuum|analyze) of table ""[^"".]+\.(?<table>[^""]+)""")]
    private static partial Regex Header();

    [GeneratedRegex(@"system usage: CPU: user: (?<user>\d+\.\d+) s, system: (?<system>\d+\.\d+) s")]
    private static partial Regex Usage();
}
