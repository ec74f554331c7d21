using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;

namespace CnsExchange.Bench;

/// <summary>CPU seconds used so far by the API process, the PostgreSQL cluster, this bench process and the whole machine.</summary>
public sealed record CpuReading(long Timestamp, double Api, double Postgres, double Bench, double MachineBusy)
{
    /// <summary>When it was read (wall clock), to find the cluster's autovacuum runs of a phase in its log.</summary>
    public DateTimeOffset At { get; init; } = TimeProvider.System.GetUtcNow();

    /// <summary>CPU seconds the hypervisor gave to other guests while this machine's processes were runnable (steal, /proc/stat).</summary>
    public double Steal { get; init; }
}

/// <summary>
/// Where a measured phase's CPU went: the API, PostgreSQL, the bench process (load generator, or the baseline host), and
/// every other process of the machine. With the phase's count of answers it says what one answer costs, and so what this
/// machine's cores allow at that cost: the measured reason a throughput or latency target is missed.
/// </summary>
public sealed record CpuUse(TimeSpan Wall, double Api, double Postgres, double Bench, double Other, int Cores)
{
    public static CpuUse Between(CpuReading start, CpuReading end, int cores)
    {
        var api = end.Api - start.Api;
        var postgres = end.Postgres - start.Postgres;
        var bench = end.Bench - start.Bench;
        var steal = Math.Max(0, end.Steal - start.Steal);
        var other = Math.Max(0, end.MachineBusy - start.MachineBusy - steal - api - postgres - bench);
        return new CpuUse(Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp), api, postgres, bench, other, cores)
        {
            Autovacuum = AutovacuumLog.Between(start.At, end.At),
            Steal = steal,
        };
    }

    /// <summary>The autovacuum runs that ended during the phase (their CPU is part of <see cref="Postgres"/>); null without the cluster's log.</summary>
    public IReadOnlyList<AutovacuumRun>? Autovacuum { get; init; }

    /// <summary>
    /// CPU seconds the hypervisor took for other guests (steal; not in <see cref="Other"/>, counted as busy: the cores were
    /// not this machine's). A VM whose host is busy runs every process slower; this says when a phase's cost per answer
    /// may have risen for that reason rather than by its own work.
    /// </summary>
    public double Steal { get; init; }

    /// <summary>CPU seconds of those runs, or NaN when unknown.</summary>
    public double AutovacuumCpu => Autovacuum?.Sum(r => r.CpuSeconds) ?? double.NaN;

    /// <summary>Cores busy on average over the phase (all processes, and the hypervisor's steal).</summary>
    public double CoresBusy => (Api + Postgres + Bench + Other + Steal) / Wall.TotalSeconds;

    /// <summary>CPU ms per answer of the work the phase measures: the API, PostgreSQL and the bench's own side of it.</summary>
    public double MsPer(long answers) => answers == 0 ? double.NaN : (Api + Postgres + Bench) * 1000 / answers;

    /// <summary>Answers per second that the machine's cores allow at this cost (every core busy with this phase's work only).</summary>
    public double MaxPerSecond(long answers) => Cores * 1000 / MsPer(answers);

    public string Describe(long answers, string bench = "load generator") => answers == 0 ? "no answer" :
        $"API {F(Api * 1000 / answers)} / PostgreSQL {F(Postgres * 1000 / answers)}{OfWhichAutovacuum(answers)} / {bench} {F(Bench * 1000 / answers)} ms per answer, " +
        $"other processes {F(Other * 1000 / answers)} ms{(Steal > 0 ? $", steal (the host's other guests) {F(Steal * 1000 / answers)} ms" : "")}; {F(CoresBusy)} of {Cores} cores busy over {F(Wall.TotalSeconds)} s";

    /// <summary>
    /// Why a throughput target is missed, from the measured cost: the most the cores allow at this cost, and whether the
    /// phase used them (a CPU-bound phase) or waited (commits, locks, I/O: the cores were not the limit).
    /// </summary>
    public string WhyRate(long answers, double limitPerSecond)
    {
        var max = MaxPerSecond(answers);
        var bound = $"CPU per answer {F(MsPer(answers))} ms (API {F(Api * 1000 / answers)}, PostgreSQL {F(Postgres * 1000 / answers)}, bench {F(Bench * 1000 / answers)})" +
                    $": {Cores} cores allow at most {F(max, "0")}/s at this cost";
        return max < limitPerSecond
            ? $"{bound}, below {F(limitPerSecond, "0")}/s: the work per answer, not the machine's load, decides it"
            : Saturated
                ? $"{bound}, but {F(CoresBusy)} of {Cores} cores were busy, {F(Other / Wall.TotalSeconds)} of them with other processes"
                : $"{bound}; only {F(CoresBusy)} of {Cores} cores were busy: the answers waited on something else than CPU (commits, locks)";
    }

    /// <summary>
    /// Why a latency is what it is at a given concurrency. Throughput cannot exceed cores ÷ CPU per request, and by Little's
    /// law (in flight = throughput × mean latency) the mean latency cannot fall below in flight × CPU per request ÷ cores
    /// (below CPU per request itself with fewer requests than cores), whatever else the requests wait on.
    /// </summary>
    public string WhyLatency(long answers, int connections)
    {
        var cpu = MsPer(answers);
        var floor = cpu * Math.Max(connections, Cores) / Cores;
        var perPart = $"API {F(Api * 1000 / answers)}, PostgreSQL {F(Postgres * 1000 / answers)}, bench {F(Bench * 1000 / answers)}";
        return $"CPU per request {F(cpu)} ms ({perPart}): with {connections} in flight on {Cores} cores the mean latency cannot fall below " +
               $"{F(floor, "0.#")} ms; {F(CoresBusy)} of {Cores} cores were busy" +
               (Saturated ? " (CPU-bound)" : ", the rest of the time the requests waited on something else than CPU (commits, locks)");
    }

    /// <summary>" (of which autovacuum x)" in ms per answer, when the cluster's log was read.</summary>
    public string OfWhichAutovacuum(long answers) => Autovacuum is null ? "" : $" (of which autovacuum {F(AutovacuumCpu * 1000 / answers)})";

    /// <summary>At least 90 % of the cores busy.</summary>
    public bool Saturated => CoresBusy >= 0.9 * Cores;

    private static string F(double v, string format = "0.##") => Report.F(v, format);
}

/// <summary>
/// Reads CPU time from /proc: the API's process, the PostgreSQL cluster (its postmaster, the children it has reaped and its
/// live children, i.e. every backend and background process), this process, and the machine's busy time from /proc/stat.
/// </summary>
public sealed class CpuMeter(int apiPid, int postmasterPid)
{
    /// <summary>Seconds per clock tick of /proc (1 / sysconf(_SC_CLK_TCK)).</summary>
    public static readonly double Tick = 1.0 / ClockTicks();

    /// <summary>The meter of a run: the API under test and the cluster behind its connection string (found from a backend's parent).</summary>
    public static async Task<CpuMeter?> ForAsync(BenchContext ctx)
    {
        if (!File.Exists("/proc/stat")) return null;
        await using var conn = new NpgsqlConnection(ctx.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT pg_backend_pid()", conn);
        var backend = (int)(await cmd.ExecuteScalarAsync())!;
        var stat = ProcStat.Read(backend);
        return stat is null ? null : new CpuMeter(apiPid: ctx.ApiPid, postmasterPid: stat.Value.ParentPid);
    }

    public CpuReading Read()
    {
        var api = ProcStat.Read(apiPid) is { } a ? (a.User + a.System) * Tick : 0;
        double postgres = 0;
        if (ProcStat.Read(postmasterPid) is { } pm) postgres += (pm.User + pm.System + pm.ChildrenUser + pm.ChildrenSystem) * Tick;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (ProcStat.Read(pid) is { } s && s.ParentPid == postmasterPid) postgres += (s.User + s.System) * Tick;
        }
        var bench = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var (busy, steal) = MachineTicks();
        return new CpuReading(Stopwatch.GetTimestamp(), api, postgres, bench, busy * Tick) { Steal = steal * Tick };
    }

    /// <summary>
    /// From one read of the first line of /proc/stat: the machine's busy ticks (user + nice + system + irq + softirq + steal;
    /// idle and iowait left out) and, of them, steal (0 on a kernel that does not report it).
    /// </summary>
    internal static (double Busy, double Steal) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double F(int i) => fields.Length > i ? double.Parse(fields[i], CultureInfo.InvariantCulture) : 0;
        return (F(1) + F(2) + F(3) + F(6) + F(7) + F(8), F(8));
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);

    private static double ClockTicks()
    {
        const int ScClkTck = 2; // _SC_CLK_TCK on Linux
        try { return SysConf(ScClkTck) is > 0 and var t ? t : 100; }
        catch (DllNotFoundException) { return 100; }
        catch (EntryPointNotFoundException) { return 100; }
    }
}

/// <summary>The fields of /proc/PID/stat the meter uses (in clock ticks).</summary>
public readonly record struct ProcStat(int ParentPid, long User, long System, long ChildrenUser, long ChildrenSystem)
{
    public static ProcStat? Read(int pid)
    {
        try { return Parse(File.ReadAllText($"/proc/{pid}/stat")); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// The command name (field 2) is in parentheses and may itself hold spaces and parentheses ("postgres: cns_app …"), so
    /// the fields are counted from the last ')'.
    /// </summary>
    public static ProcStat? Parse(string text)
    {
        var close = text.LastIndexOf(')');
        if (close < 0) return null;
        // After the name: state (3), ppid (4), … utime (14), stime (15), cutime (16), cstime (17).
        var f = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 15) return null;
        long L(int field) => long.Parse(f[field - 3], CultureInfo.InvariantCulture);
        return new ProcStat((int)L(4), L(14), L(15), L(16), L(17));
    }
}
