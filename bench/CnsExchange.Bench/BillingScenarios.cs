using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Npgsql;

namespace CnsExchange.Bench;

/// <summary>One billing file sent through the API and followed until the job has finished with it.</summary>
public sealed record BillingRun(
    string Id, string Format, int Lines, long Bytes, string Status, int LinesImported, int Accepted,
    TimeSpan Upload, TimeSpan EndToEnd, TimeSpan QueueWait, TimeSpan Job, long StartRss, long PeakRss)
{
    public double LinesPerSecond => Lines / EndToEnd.TotalSeconds;

    /// <summary>Upload + job, without the wait in the job queue: what a line costs the API.</summary>
    public double CostMsPerLine => (Upload + Job).TotalMilliseconds / Lines;

    public double RssGrowthMb => (PeakRss - StartRss) / 1048576.0;

    /// <summary>Where the job's time went, as the API logged it (when its log is readable).</summary>
    public string? Phases { get; init; }

    /// <summary>CPU of the API, PostgreSQL and the rest of the machine from the upload until the file was processed.</summary>
    public CpuUse? Cpu { get; init; }

    /// <summary>PostgreSQL's CPU per line, µs.</summary>
    public double PostgresMicrosPerLine => Cpu is { } c ? c.Postgres * 1e6 / Lines : double.NaN;

    /// <summary>What the cores did while the file went through: the measured reason its rate is what it is.</summary>
    public string? WhyRate() => Cpu is not { } c ? null :
        $"over the file's {Report.F(c.Wall.TotalSeconds, "0.0")} s PostgreSQL used {Report.F(c.Postgres / c.Wall.TotalSeconds)} cores " +
        $"({Report.F(PostgresMicrosPerLine, "0.0")} µs per line), the API {Report.F(c.Api / c.Wall.TotalSeconds)}, other processes {Report.F(c.Other / c.Wall.TotalSeconds)}, of {c.Cores}" +
        (Phases is null ? "" : $"; job phases in ms: {Phases}");

    /// <summary>The job's <c>write</c> phase (ms) as the API logged it; null when the log was not read.</summary>
    public double? WriteMs =>
        Phases?.Split(", ").Select(p => p.Split(' ')).Where(p => p.Length == 2 && p[0] == "write")
            .Select(p => (double?)double.Parse(p[1], CultureInfo.InvariantCulture)).FirstOrDefault();

    /// <summary>
    /// What this run says about a target of <paramref name="targetLinesPerSecond"/>: the file's time end to end with the
    /// job's write phase at the pace of the database floor (a COPY of its lines into a copy of the lines table) and all else
    /// as measured (upload, queue, the job's other phases), against the time the target allows. Null without the phases.
    /// </summary>
    public string? AtFloorPace(double floorLinesPerSecond, double targetLinesPerSecond)
    {
        if (WriteMs is not { } writeMs || !(floorLinesPerSecond > 0)) return null;
        var others = EndToEnd.TotalSeconds - writeMs / 1000;
        var write = Lines / floorLinesPerSecond;
        var best = others + write;
        var allowed = Lines / targetLinesPerSecond;
        return $"with the write phase at the floor's pace ({Lines:N0} lines ÷ {Report.F(floorLinesPerSecond, "0")} lines/s = {Report.F(write, "0.0")} s, " +
               $"measured {Report.F(writeMs / 1000, "0.0")} s) and all else as measured ({Report.F(others, "0.0")} s: upload, queue and the job's other phases), " +
               $"the file would take {Report.F(best, "0.0")} s = {Report.F(Lines / best, "0")} lines/s; the target allows {Report.F(allowed, "0.0")} s, " +
               (others >= allowed ? "less than all else takes without the write"
                   : $"{Report.F(allowed - others, "0.0")} s for the write ({Report.F((allowed - others) / write)}× the floor's time)");
    }

    public string Describe() =>
        $"{Format.ToUpperInvariant()} {Lines:N0} lines ({Bytes / 1e6:0.0} MB): {Status}, {Accepted:N0} accepted; upload {Upload.TotalSeconds:0.0} s, " +
        $"queue {QueueWait.TotalSeconds:0.00} s, job {Job.TotalSeconds:0.0} s, end to end {EndToEnd.TotalSeconds:0.0} s = {LinesPerSecond:0} lines/s, " +
        $"{CostMsPerLine:0.000} ms/line; API RSS {StartRss / 1048576.0:0} → peak {PeakRss / 1048576.0:0} MB" +
        (Phases is null ? "" : $"; job phases in ms: {Phases}") +
        (Cpu is not { } c ? "" : $"; cores busy upload → processed: PostgreSQL {c.Postgres / c.Wall.TotalSeconds:0.00}, API {c.Api / c.Wall.TotalSeconds:0.00}, " +
                                 $"other processes {c.Other / c.Wall.TotalSeconds:0.00} of {c.Cores}");
}

/// <summary>
/// P2 (billing files of 1M lines, XML and CSV, against PostgreSQL COPY of the same lines), P4 second half (API RSS while
/// a 100 MB file is processed) and P5 (cost per line at 10k, 100k and 1M lines).
/// </summary>
public sealed class BillingScenarios(BenchContext ctx)
{
    private static readonly int BigFile = EnvInt("BENCH_BILLING_LINES", 1_000_000);
    private static readonly long P4Bytes = EnvInt("BENCH_P4_BYTES", 100_000_000);
    private BillingSeed? _seed;
    private int _files;
    /// <summary>Memoir references are unique per provider: each invocation uses references of its own.</summary>
    private readonly string _stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
    private CpuMeter? _cpu;
    private bool _cpuLooked;

    /// <summary>The run's CPU meter (null where /proc cannot tell).</summary>
    private async Task<CpuMeter?> CpuAsync()
    {
        if (!_cpuLooked) (_cpu, _cpuLooked) = (await CpuMeter.ForAsync(ctx), true);
        return _cpu;
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    /// <summary>The seed of bench vouchers (shared by P2…P5), dated by the sandbox clock.</summary>
    public async Task<BillingSeed> SeedAsync()
    {
        if (_seed is not null) return _seed;
        using var http = new HttpClient { BaseAddress = ctx.ApiUri };
        http.DefaultRequestHeaders.Add("X-Api-Key", "sandbox-admin");
        var clock = JsonNode.Parse(await http.GetStringAsync("/api/v1/admin/clock"))!;
        await using (var conn = new NpgsqlConnection(ctx.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                CREATE SCHEMA IF NOT EXISTS bench;
                CREATE TABLE IF NOT EXISTS bench.copy_lines (memoir_reference text, voucher_number text, matricule text, session_date date,
                  act_code text, travel boolean, claimed_amount numeric(14,2));
                """, conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return _seed = new BillingSeed(ctx.ConnectionString, DateOnly.Parse(clock["localDate"]!.GetValue<string>(), CultureInfo.InvariantCulture));
    }

    // ---------------------------------------------------------------- P2

    public async Task RunP2Async(Report report)
    {
        report.Note("P2 before the bulk import (commit 8547449: memoir by memoir, 2–3 statements per line), same harness with 10,000-line files " +
                    "on this machine: CSV 454 lines/s (2.19 ms/line), XML 446 lines/s (2.24 ms/line); at 1M lines that is about 37 minutes a file. " +
                    "Report: bench/results/2026-11-23-1719-billing-before.md; profile, EXPLAIN findings and what changed: bench/results/2026-11-23-billing-profile.md.");
        var runs = new List<(string Format, BillingRun Run, double Copy)>();
        foreach (var format in new[] { "csv", "xml" })
        {
            var (run, copy) = await RunWithCopyBaselineAsync(format, BigFile);
            runs.Add((format, run, copy));
        }
        // The floor: the database alone storing these lines as the import must (the lines table as it is: its indexes, foreign keys and triggers).
        var (floorLines, floor, floorCpu) = await WriteFloorAsync(runs[0].Run.Id, FloorLines);
        var floorMicros = floorCpu is null ? double.NaN : floorCpu.Postgres * 1e6 / floorLines;
        foreach (var (format, run, copy) in runs)
        {
            var ok = run.Status == "processed" && run.Accepted == run.Lines;
            var invalid = ok ? null : $"status {run.Status}, {run.Accepted} of {run.Lines} lines accepted";
            report.Row("P2", $"{format.ToUpperInvariant()} billing file, {run.Lines:N0} lines: lines/s (upload → processed)", Report.F(run.LinesPerSecond, "0"),
                "-", "-", Target.AtLeastOf("≥ 25,000 lines/s", 25_000, "lines/s"), run.LinesPerSecond, invalid,
                Joined(run.WhyRate(), run.AtFloorPace(floor, 25_000)));
            report.Row("P2", $"{format.ToUpperInvariant()} billing file vs the COPY floor into fee_memoir_lines", Report.F(run.LinesPerSecond, "0") + " lines/s",
                Report.F(floor, "0") + " lines/s COPY floor", Report.F(run.LinesPerSecond / floor, "0.000"), Target.AtLeastOf("≥ 0.8× COPY floor", 0.8, "×"),
                run.LinesPerSecond / floor, invalid,
                Joined(double.IsNaN(floorMicros) || run.Cpu is null ? null
                    : $"PostgreSQL CPU per line {Report.F(run.PostgresMicrosPerLine, "0.0")} µs in the import against {Report.F(floorMicros, "0.0")} µs in the floor's COPY " +
                      $"({Report.F(run.PostgresMicrosPerLine / floorMicros)}×); PostgreSQL used {Report.F(run.Cpu.Postgres / run.Cpu.Wall.TotalSeconds)} cores over the file, " +
                      $"{Report.F(floorCpu!.Postgres / floorCpu.Wall.TotalSeconds)} over the COPY",
                    run.AtFloorPace(floor, 0.8 * floor)));
            report.Info("P2", $"{format.ToUpperInvariant()} billing file vs COPY of the same lines into a plain table", Report.F(run.LinesPerSecond, "0") + " lines/s",
                Report.F(copy, "0") + " lines/s COPY", Report.F(run.LinesPerSecond / copy, "0.000"));
            report.Note($"P2 {run.Describe()}. Plain COPY: COPY ... FROM STDIN (FORMAT csv) of the same {run.Lines:N0} lines into a plain table " +
                        $"(7 typed columns, no index) on the same database: {copy:0} lines/s.");
            if (!ok) report.Note($"P2 {format}: the file was not imported as expected ({invalid}).");
        }
        report.Info("P2", $"database floor: COPY of {floorLines:N0} adjudicated lines into a copy of fee_memoir_lines (same indexes, foreign keys and triggers)",
            Report.F(floor, "0") + " lines/s", Report.F(runs[0].Copy, "0") + " lines/s COPY", Report.F(floor / runs[0].Copy, "0.000"));
        report.Note($"P2 database floor: the lines the API wrote for the CSV file ({floorLines:N0} of them), copied back in binary into an empty table " +
                    $"with the columns, indexes, foreign keys and triggers of cns.fee_memoir_lines as it is: {floor:0} lines/s, i.e. {floor / runs[0].Copy:0.000}× the plain COPY" +
                    (floorCpu is null ? "." : $"; PostgreSQL CPU {floorMicros:0.0} µs per line, {floorCpu.Postgres / floorCpu.Wall.TotalSeconds:0.00} cores busy over the COPY."));
    }

    private const int FloorLines = 200_000;

    private static string? Joined(params string?[] parts) =>
        parts.Where(p => p is not null).ToList() is { Count: > 0 } given ? string.Join("; ", given) : null;

    /// <summary>COPY of a processed file's lines (binary, as stored) into an empty copy of cns.fee_memoir_lines with the same indexes, foreign keys and triggers.</summary>
    private async Task<(int Lines, double LinesPerSecond, CpuUse? Cpu)> WriteFloorAsync(string billingFileId, int maxLines)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cnsexchange-bench-floor-{_stamp}.bin");
        await using var conn = new NpgsqlConnection(ctx.ConnectionString);
        await conn.OpenAsync();
        try
        {
            await using (var setup = new NpgsqlCommand("""
                DROP TABLE IF EXISTS bench.lines_floor;
                CREATE TABLE bench.lines_floor (LIKE cns.fee_memoir_lines INCLUDING ALL);
                DO $$ DECLARE c record; o text; BEGIN
                  -- Its storage parameters (LIKE copies none): the fillfactor decides how many pages the lines fill.
                  SELECT array_to_string(reloptions, ', ') INTO o FROM pg_class WHERE oid = 'cns.fee_memoir_lines'::regclass;
                  IF o IS NOT NULL THEN EXECUTE format('ALTER TABLE bench.lines_floor SET (%s)', o); END IF;
                  FOR c IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'cns.fee_memoir_lines'::regclass AND contype = 'f' LOOP
                    EXECUTE format('ALTER TABLE bench.lines_floor ADD CONSTRAINT %I %s', c.conname || '_floor', c.def);
                  END LOOP;
                  -- Its triggers too: some references of a line are checked by a statement trigger instead of foreign keys.
                  FOR c IN SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = 'cns.fee_memoir_lines'::regclass AND NOT tgisinternal LOOP
                    EXECUTE replace(c.def, ' ON cns.fee_memoir_lines ', ' ON bench.lines_floor ');
                  END LOOP;
                END $$;
                """, conn))
                await setup.ExecuteNonQueryAsync();
            var id = Guid.Parse(billingFileId);
            await using (var export = await conn.BeginRawBinaryCopyAsync(
                $"COPY (SELECT l.* FROM cns.fee_memoir_lines l JOIN cns.fee_memoirs m ON m.id = l.memoir_id WHERE m.billing_file_id = '{id}' ORDER BY l.id LIMIT {maxLines}) TO STDOUT (FORMAT BINARY)"))
            await using (var file = File.Create(path))
                await export.CopyToAsync(file);

            var meter = await CpuAsync();
            var cpuStart = meter?.Read();
            var watch = Stopwatch.StartNew();
            await using (var import = await conn.BeginRawBinaryCopyAsync("COPY bench.lines_floor FROM STDIN (FORMAT BINARY)"))
            await using (var file = File.OpenRead(path))
                await file.CopyToAsync(import);
            watch.Stop();
            var cpu = meter is null ? null : CpuUse.Between(cpuStart!, meter.Read(), Environment.ProcessorCount);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM bench.lines_floor", conn);
            var lines = (int)(long)(await count.ExecuteScalarAsync())!;
            return (lines, lines / watch.Elapsed.TotalSeconds, cpu);
        }
        finally
        {
            await using (var drop = new NpgsqlCommand("DROP TABLE IF EXISTS bench.lines_floor", conn)) await drop.ExecuteNonQueryAsync();
            File.Delete(path);
        }
    }

    private async Task<(BillingRun Run, double CopyLinesPerSecond)> RunWithCopyBaselineAsync(string format, int lines)
    {
        var seed = await SeedAsync();
        var block = await seed.SeedAsync(BillingFileWriter.VouchersFor(lines));
        var prefix = $"B{_stamp}-{++_files}{format[0]}";
        var path = Path.Combine(Path.GetTempPath(), $"cnsexchange-bench-{prefix}.{format}");
        var csvPath = Path.Combine(Path.GetTempPath(), $"cnsexchange-bench-{prefix}-copy.csv");
        try
        {
            var rows = BillingFileWriter.Lines(seed, block, lines, prefix);
            var bytes = format == "csv" ? await BillingFileWriter.WriteCsvAsync(path, rows) : await BillingFileWriter.WriteXmlAsync(path, rows);
            if (format != "csv") await BillingFileWriter.WriteCsvAsync(csvPath, rows);
            var run = await SendAsync(path, format, lines, bytes);
            var copy = await CopyBaselineAsync(format == "csv" ? path : csvPath, lines);
            return (run, copy);
        }
        finally
        {
            File.Delete(path);
            File.Delete(csvPath);
        }
    }

    /// <summary>PostgreSQL COPY of the same lines (the CSV text) into a plain table: lines per second.</summary>
    private async Task<double> CopyBaselineAsync(string csvPath, int lines)
    {
        await using var conn = new NpgsqlConnection(ctx.ConnectionString);
        await conn.OpenAsync();
        await using (var truncate = new NpgsqlCommand("TRUNCATE bench.copy_lines", conn)) await truncate.ExecuteNonQueryAsync();
        var watch = Stopwatch.StartNew();
        await using (var copy = await conn.BeginTextImportAsync(
            "COPY bench.copy_lines (memoir_reference, voucher_number, matricule, session_date, act_code, travel, claimed_amount) FROM STDIN (FORMAT csv, HEADER true)"))
        using (var file = new StreamReader(csvPath))
        {
            var buffer = new char[1 << 16];
            int read;
            while ((read = await file.ReadAsync(buffer)) > 0) await copy.WriteAsync(buffer.AsMemory(0, read));
        }
        watch.Stop();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM bench.copy_lines", conn);
        var copied = (long)(await count.ExecuteScalarAsync())!;
        if (copied != lines) throw new InvalidOperationException($"COPY baseline loaded {copied} lines instead of {lines}.");
        return lines / watch.Elapsed.TotalSeconds;
    }

    private static readonly string[] SettledTables =
    [
        "fee_memoir_lines", "fee_memoirs", "voucher_services", "vouchers", "insured", "affiliation_periods", "billing_files", "billing_file_contents",
        "billing_file_chunks",
    ];

    /// <summary>
    /// Vacuums and analyses the billing tables before a measured file, as autovacuum would between two loads: otherwise
    /// the vacuum of the previous scenario's million lines runs in the middle of the next measurement. An empty table is
    /// left alone, as autovacuum would leave it: a VACUUM or ANALYZE of an empty table records that each of its indexes
    /// holds no entry (reltuples 0), which the planner then scales to any size the table reaches, so every index looks as
    /// cheap as any other, and the import's look-ups of paid lines scanned a whole sandbox's lines at each batch of the
    /// first file (bench/results/2026-12-02-p2-write-phase.md).
    /// </summary>
    private async Task SettleAsync()
    {
        await using var conn = new NpgsqlConnection(ctx.ConnectionString);
        await conn.OpenAsync();
        var tables = new List<string>();
        foreach (var table in SettledTables)
        {
            await using var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM cns.{table})", conn);
            if ((bool)(await any.ExecuteScalarAsync())!) tables.Add("cns." + table);
        }
        if (tables.Count == 0) return;
        await using var cmd = new NpgsqlCommand($"VACUUM (ANALYZE) {string.Join(", ", tables)}", conn) { CommandTimeout = 600 };
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Uploads the file, polls its status resource until processed or rejected, sampling the API's RSS throughout.</summary>
    public async Task<BillingRun> SendAsync(string path, string format, int lines, long bytes, bool settle = true, string apiKey = "sandbox-physio-1")
    {
        if (settle) await SettleAsync();
        using var http = new HttpClient { BaseAddress = ctx.ApiUri, Timeout = TimeSpan.FromMinutes(20) };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        await using var rss = new RssSampler(ctx.ApiPid);
        var meter = await CpuAsync();
        var cpuStart = meter?.Read();
        var watch = Stopwatch.StartNew();
        JsonNode accepted;
        await using (var file = File.OpenRead(path))
        {
            var content = new StreamContent(file, 1 << 16);
            content.Headers.ContentType = new MediaTypeHeaderValue(format == "csv" ? "text/csv" : "application/xml");
            using var response = await http.PostAsync($"/api/v1/billing-files?fileName={Path.GetFileName(path)}", content);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != 202) throw new InvalidOperationException($"Upload answered {(int)response.StatusCode}: {body}");
            accepted = JsonNode.Parse(body)!;
        }
        var upload = watch.Elapsed;
        var id = accepted["id"]!.GetValue<string>();
        JsonNode status;
        while (true)
        {
            status = JsonNode.Parse(await http.GetStringAsync($"/api/v1/billing-files/{id}"))!;
            if (status["status"]!.GetValue<string>() is "processed" or "rejected") break;
            await Task.Delay(50);
        }
        var endToEnd = watch.Elapsed;
        var cpu = meter is null ? null : CpuUse.Between(cpuStart!, meter.Read(), Environment.ProcessorCount);
        var received = status["receivedAt"]!.GetValue<DateTimeOffset>();
        var started = status["processingStartedAt"]!.GetValue<DateTimeOffset>();
        var completed = status["completedAt"]!.GetValue<DateTimeOffset>();
        var counts = status["counts"]!;
        var run = new BillingRun(id, format, lines, bytes, status["status"]!.GetValue<string>(), counts["lines"]!.GetValue<int>(), counts["accepted"]!.GetValue<int>(),
            upload, endToEnd, started - received, completed - started, rss.StartBytes, rss.PeakBytes) { Phases = await PhasesAsync(id), Cpu = cpu };
        Console.WriteLine("   " + run.Describe());
        return run;
    }

    /// <summary>The phase timings the API logs when it has processed a file (run.sh keeps the API log in BENCH_API_LOG).</summary>
    private static async Task<string?> PhasesAsync(string id)
    {
        var log = Environment.GetEnvironmentVariable("BENCH_API_LOG");
        if (log is null || !File.Exists(log)) return null;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await using (var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new StreamReader(stream))
            {
                string? line;
                while ((line = await reader.ReadLineAsync()) is not null)
                {
                    var at = line.IndexOf($"Billing file {id} processed:", StringComparison.Ordinal);
                    var ms = line.IndexOf("ms: ", StringComparison.Ordinal);
                    if (at >= 0 && ms > at) return line[(ms + 4)..].Trim();
                }
            }
            await Task.Delay(100); // the log is written asynchronously
        }
        return null;
    }

    // ---------------------------------------------------------------- P4 (second half)

    public async Task RunP4Async(Report report)
    {
        var seed = await SeedAsync();
        // A small file first, so that the figure is about the file, not about compiling the billing code the first time.
        var warmup = await RunWithoutBaselineAsync(2_000, settle: false);
        // An XML file of at least P4Bytes: about 181 bytes a line.
        var lines = (int)(P4Bytes / 181) + 1;
        var block = await seed.SeedAsync(BillingFileWriter.VouchersFor(lines));
        var prefix = $"B{_stamp}-{++_files}x";
        var path = Path.Combine(Path.GetTempPath(), $"cnsexchange-bench-{prefix}.xml");
        try
        {
            var bytes = await BillingFileWriter.WriteXmlAsync(path, BillingFileWriter.Lines(seed, block, lines, prefix));
            var run = await SendAsync(path, "xml", lines, bytes);
            var ok = run.Status == "processed" && run.Accepted == lines;
            report.Row("P4", $"API RSS increase while a {bytes / 1e6:0} MB XML billing file ({lines:N0} lines) is uploaded and processed (MB)",
                Report.F(run.RssGrowthMb, "0"), $"{run.StartRss / 1048576.0:0} MB before", "-", "< 100 MB", ok && run.RssGrowthMb < 100);
            report.Note($"P4 {run.Describe()}. RSS sampled from /proc every 100 ms from the upload until the status resource said {run.Status}; " +
                        $"before it, a 2,000-line file warmed the billing code up ({warmup.Status}, API RSS {warmup.StartRss / 1048576.0:0} → {warmup.PeakRss / 1048576.0:0} MB). " +
                        "P4 runs before the 1M-line files of P2, which would otherwise have grown the heap already and hidden the increase.");
        }
        finally
        {
            File.Delete(path);
        }
    }

    // ---------------------------------------------------------------- P5

    public async Task RunP5Async(Report report)
    {
        // Small and medium files alternate, with the large one in the middle, so that whatever else the machine does
        // meanwhile weighs on every size alike (a figure taken minutes earlier, such as P2's, would not); the median of
        // each size counts. The tables are vacuumed once before (not between files: a vacuum's writes would weigh on the
        // next small file).
        int[] sizes = [BigFile / 100, BigFile / 10];
        const int rounds = 3;
        var runs = new Dictionary<int, List<BillingRun>> { [sizes[0]] = [], [sizes[1]] = [], [BigFile] = [] };
        await SettleAsync();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var size in sizes) runs[size].Add(await RunWithoutBaselineAsync(size, settle: false));
            if (round == rounds / 2) runs[BigFile].Add(await RunWithoutBaselineAsync(BigFile, settle: false));
        }

        var costs = runs.OrderBy(r => r.Key).Select(r =>
        {
            var median = r.Value.OrderBy(x => x.CostMsPerLine).ElementAt(r.Value.Count / 2);
            var detail = r.Value.Count > 1
                ? $"median of {r.Value.Count}: {string.Join(", ", r.Value.Select(x => x.CostMsPerLine.ToString("0.000", CultureInfo.InvariantCulture)))}"
                : "one run";
            return (Lines: r.Key, Cost: median.CostMsPerLine, Detail: detail);
        }).ToList();
        // Each size is compared with one fixed target per line, measured in this run on the smallest file; no row is
        // met unless every file of every size was imported in full (a file cut short would look cheap).
        var incomplete = runs.Values.SelectMany(r => r).Where(r => r.Status != "processed" || r.LinesImported != r.Lines || r.Accepted != r.Lines).ToList();
        foreach (var r in incomplete) report.Note($"P5: the {r.Lines:N0}-line file {r.Id} was not imported in full ({r.Status}, {r.Accepted:N0} lines accepted): no P5 row is met.");
        var reference = costs[0];
        report.Info("P5", $"CSV {reference.Lines:N0} lines: ms per line (upload + job), the per-line reference", Report.F(reference.Cost, "0.0000"), "-", "-");
        foreach (var (lines, cost, _) in costs.Skip(1))
            report.Row("P5", $"CSV {lines:N0} lines: ms per line (upload + job)", Report.F(cost, "0.0000"), Report.F(reference.Cost, "0.0000") + $" ({reference.Lines:N0} lines)",
                Report.F(cost / reference.Cost, "0.00"), Report.P5Target, incomplete.Count == 0 && cost <= 1.2 * reference.Cost);
        report.Note("P5: cost per line = (upload time + job time from processingStartedAt to completedAt) / lines, i.e. end to end without the wait in " +
                    $"the Hangfire queue (polled every 250 ms); {rounds} rounds of one {sizes[0]:N0}-line and one {sizes[1]:N0}-line file, median per size. " +
                    string.Join("; ", costs.Select(c => $"{c.Lines:N0}: {c.Detail}")) + ".");
    }

    private async Task<BillingRun> RunWithoutBaselineAsync(int lines, bool settle = true)
    {
        var seed = await SeedAsync();
        var block = await seed.SeedAsync(BillingFileWriter.VouchersFor(lines));
        var prefix = $"B{_stamp}-{++_files}c";
        var path = Path.Combine(Path.GetTempPath(), $"cnsexchange-bench-{prefix}.csv");
        try
        {
            var bytes = await BillingFileWriter.WriteCsvAsync(path, BillingFileWriter.Lines(seed, block, lines, prefix));
            return await SendAsync(path, "csv", lines, bytes, settle);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
