using CnsExchange.Bench;

namespace CnsExchange.Bench.Tests;

/// <summary>The autovacuum CPU a phase reports is read from the cluster's log: each run once, with its own CPU, in the phase it ended in.</summary>
public class AutovacuumLogTests
{
    // Lines of a bench cluster's server.log (2026-12-05, P1), with a backend's message and a toast table's vacuum between them.
    private const string Log = """
        2026-12-05 05:24:03.870 UTC [27470] LOG:  automatic vacuum of table "cnsexchange_bench.cns.care_requests": index scans: 0
        	pages: 0 removed, 2761 remain, 1985 scanned (71.89% of total)
        	tuples: 0 removed, 33853 remain, 0 are dead but not yet removable
        	buffer usage: 3766 hits, 337 misses, 1362 dirtied
        	WAL usage: 1954 records, 2 full page images, 128013 bytes
        	system usage: CPU: user: 0.00 s, system: 0.02 s, elapsed: 0.38 s
        2026-12-05 05:24:04.112 UTC [27401] ERROR:  sandbox storage quota exceeded
        2026-12-05 05:24:04.112 UTC [27401] STATEMENT:  INSERT INTO cns.prescription_scans (id) VALUES ($1)
        2026-12-05 05:24:05.000 UTC [27470] LOG:  automatic analyze of table "cnsexchange_bench.cns.care_requests"
        	avg read rate: 5.220 MB/s, avg write rate: 0.076 MB/s
        	buffer usage: 2716 hits, 755 misses, 11 dirtied
        	system usage: CPU: user: 0.44 s, system: 0.08 s, elapsed: 1.12 s
        2026-12-05 05:24:13.012 UTC [27470] LOG:  automatic vacuum of table "cnsexchange_bench.pg_toast.pg_toast_16753": index scans: 0
        	pages: 0 removed, 96060 remain, 32017 scanned (33.33% of total)
        	system usage: CPU: user: 0.25 s, system: 0.13 s, elapsed: 5.20 s
        """;

    [Fact]
    public void Each_autovacuum_and_autoanalyze_is_read_once_with_its_end_time_table_and_cpu()
    {
        var runs = AutovacuumLog.Parse(Log.ReplaceLineEndings("\n")).ToList();
        Assert.Equal(
        [
            new AutovacuumRun(At("05:24:03.870"), "vacuum", "cns.care_requests", 0.02),
            new AutovacuumRun(At("05:24:05.000"), "analyze", "cns.care_requests", 0.52),
            new AutovacuumRun(At("05:24:13.012"), "vacuum", "pg_toast.pg_toast_16753", 0.38),
        ], runs);
    }

    [Theory]
    [InlineData("05:24:00", "05:24:10", 0.54)] // the vacuum and the analyze of care_requests
    [InlineData("05:24:04", "05:24:14", 0.90)] // the analyze and the toast table's vacuum
    [InlineData("05:24:05.000", "05:24:13.012", 0.52)] // from its start, up to (not including) its end
    [InlineData("05:25:00", "05:26:00", 0.0)]
    public void A_phase_counts_the_runs_that_ended_in_it(string from, string to, double cpu)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, Log.ReplaceLineEndings("\n"));
            Assert.Equal(cpu, AutovacuumLog.Read(path, At(from), At(to)).Sum(r => r.CpuSeconds), 6);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static DateTimeOffset At(string time) =>
        DateTimeOffset.Parse("2026-12-05T" + time + "Z", System.Globalization.CultureInfo.InvariantCulture);
}
