using System.Diagnostics;
using CnsExchange.Bench;

namespace CnsExchange.Bench.Tests;

/// <summary>The CPU accounting behind the bench's measured reasons: it must see work where there is some, and none where there is none.</summary>
public class CpuMeterTests
{
    [Fact]
    public void A_stat_line_is_read_from_the_last_parenthesis_whatever_the_command_name_holds()
    {
        const string line = "4242 (postgres: cns_app db (x) 127.0.0.1(5) INSERT) R 977 4242 4242 0 -1 4194560 900 0 0 0 1234 56 78 9 20 0 1 0 100 0 0";
        var stat = ProcStat.Parse(line);
        Assert.Equal(new ProcStat(977, 1234, 56, 78, 9), stat);
    }

    [Fact]
    public void The_hypervisors_share_of_a_phase_is_its_steal_between_the_readings_apart_from_the_other_processes()
    {
        var start = new CpuReading(0, Api: 1, Postgres: 1, Bench: 1, MachineBusy: 10) { Steal = 5 };
        var end = new CpuReading(Stopwatch.Frequency * 2, Api: 2, Postgres: 2, Bench: 1.5, MachineBusy: 14) { Steal = 5.5 };
        var use = CpuUse.Between(start, end, 2);
        Assert.Equal(0.5, use.Steal, 9);
        Assert.Equal(1.0, use.Other, 9); // 4 busy − steal 0.5 − API 1 − PostgreSQL 1 − bench 0.5
        Assert.Equal(2.0, use.CoresBusy, 9); // 4 s over 2 s: the steal is counted busy, the cores were not ours
        Assert.Contains("other processes 1 ms, steal (the host's other guests) 0.5 ms", use.Describe(1000), StringComparison.Ordinal);
        Assert.DoesNotContain("steal", CpuUse.Between(start, start, 2).Describe(1000), StringComparison.Ordinal);
    }

    [Fact]
    public void Busy_and_idle_processes_are_told_apart()
    {
        if (!File.Exists("/proc/stat")) return;
        // Over 2 s of wall time: a spinning shell gets at least a tenth of a core even on a loaded machine; a sleeping one none.
        Assert.InRange(ApiCpuOf("while :; do :; done"), 0.2, 2.2);
        Assert.InRange(ApiCpuOf("sleep 3"), 0, 0.05);
    }

    /// <summary>The API's CPU seconds over 2 s of a shell running <paramref name="script"/> (the shell plays the API; stopped after).</summary>
    private static double ApiCpuOf(string script)
    {
        using var child = Process.Start(new ProcessStartInfo("sh", ["-c", script]))!;
        var meter = new CpuMeter(apiPid: child.Id, postmasterPid: -1);
        var start = meter.Read();
        Thread.Sleep(2000);
        var use = CpuUse.Between(start, meter.Read(), Environment.ProcessorCount);
        child.Kill();
        child.WaitForExit();
        Assert.InRange(use.Postgres, 0, 0.0001); // no such cluster: nothing counted
        return use.Api;
    }

    [Fact]
    public void The_cluster_counts_children_that_have_exited_as_well_as_the_live_ones()
    {
        if (!File.Exists("/proc/stat")) return;
        // This process plays the postmaster: a child that does some work and exits, reaped into cutime/cstime, as a backend
        // does when its connection closes during a phase. Just before it exits the child prints its own /proc stat, so the
        // meter is compared with what the child itself used, whatever this machine's speed.
        var meter = new CpuMeter(apiPid: -1, postmasterPid: Environment.ProcessId);
        var start = meter.Read();
        string own;
        using (var child = Process.Start(new ProcessStartInfo("sh", ["-c", "i=0; while [ $i -lt 600000 ]; do i=$((i+1)); done; cat /proc/$$/stat"])
                   { RedirectStandardOutput = true })!)
        {
            own = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
        }
        var use = CpuUse.Between(start, meter.Read(), Environment.ProcessorCount);
        var stat = ProcStat.Parse(own) ?? throw new InvalidOperationException("no stat from the child: " + own);
        var childCpu = (stat.User + stat.System) * CpuMeter.Tick;
        Assert.True(childCpu > 0.1, $"the child used only {childCpu:0.00} s");
        Assert.True(use.Postgres - use.Bench >= 0.9 * childCpu - 0.02, $"children's CPU {use.Postgres - use.Bench:0.00} s, the child's own {childCpu:0.00} s");
    }

    private static CpuUse Use(double seconds, double api, double postgres, double bench, double other) =>
        new(TimeSpan.FromSeconds(seconds), api, postgres, bench, other, 2);

    [Fact]
    public void The_cost_per_answer_gives_the_most_the_cores_allow()
    {
        var use = Use(10, api: 6, postgres: 8, bench: 4, other: 1);
        Assert.Equal(6.0, use.MsPer(3000), 6);                // (6 + 8 + 4) s / 3,000 answers
        Assert.Equal(333.33, use.MaxPerSecond(3000), 2);      // 2 cores / 6 ms
        Assert.Equal(1.9, use.CoresBusy, 6);
        Assert.True(use.Saturated);
    }

    [Fact]
    public void A_rate_target_above_what_the_cores_allow_is_explained_by_the_work_per_answer()
    {
        var why = Use(10, 6, 8, 4, 1).WhyRate(3000, 1000);
        Assert.Contains("at most 333/s", why);
        Assert.Contains("the work per answer, not the machine's load, decides it", why);
    }

    [Fact]
    public void A_rate_the_cores_would_allow_but_did_not_reach_says_whether_they_were_busy()
    {
        Assert.Contains("only 0.5 of 2 cores were busy", Use(10, 2, 2, 1, 0).WhyRate(10_000, 1000));
        Assert.Contains("of them with other processes", Use(10, 2, 2, 1, 14).WhyRate(10_000, 1000));
    }

    [Fact]
    public void A_latency_at_4_connections_has_a_floor_from_the_cpu_per_request_busy_cores_or_not()
    {
        var busy = Use(10, 6, 8, 4, 1).WhyLatency(3000, 4);
        Assert.Contains("cannot fall below 12 ms", busy); // 4 in flight × 6 ms over 2 cores
        Assert.Contains("(CPU-bound)", busy);
        var waiting = Use(10, 1, 1, 1, 0).WhyLatency(3000, 4);
        Assert.Contains("cannot fall below 2 ms", waiting); // 4 × 1 ms over 2 cores
        Assert.Contains("waited on something else than CPU", waiting);
        Assert.Contains("cannot fall below 1 ms", Use(10, 1, 1, 1, 0).WhyLatency(3000, 1)); // one request: its own CPU
    }

    [Fact]
    public void The_resident_memory_is_read_by_kind_from_a_tab_separated_status()
    {
        var parts = RssParts.Parse(["Name:\tdotnet", "VmRSS:\t  307200 kB", "RssAnon:\t  153600 kB", "RssFile:\t   98304 kB", "RssShmem:\t   55296 kB"]);
        Assert.Equal(new RssParts(300L << 20, 150L << 20, 96L << 20, 54L << 20), parts);
        Assert.Null(RssParts.Parse(["Name:\tdotnet"]));
        if (!File.Exists("/proc/self/status")) return;
        var own = RssParts.Read(Environment.ProcessId)!;
        Assert.True(own.Total > 10 << 20, $"{own.Total} bytes");
        Assert.InRange(own.Anonymous + own.File + own.Shared, own.Total - (1 << 20), own.Total + (1 << 20));
    }
}
