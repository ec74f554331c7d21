using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace CnsExchange.Bench;

/// <summary>A payment run executed by the API (POST /admin/payment-runs, then polled until closed), with its steps.</summary>
public sealed record PaymentRunMeasure(
    string Id, string Number, DateTimeOffset AsOf, int Lines, int Memoirs, int Providers, int Orders, int Files, decimal Total, long FileBytes,
    int ListedLines, TimeSpan EndToEnd, IReadOnlyList<(string Step, TimeSpan Took)> Steps, long StartRss, long PeakRss)
{
    public string Describe() =>
        $"run {Number}: {Lines:N0} lines of {Memoirs:N0} memoirs, {Providers} providers, {Orders} orders, {Files} files ({FileBytes / 1e6:0.0} MB; " +
        $"{ListedLines:N0} lines listed in the return files), total {Total.ToString("N2", CultureInfo.InvariantCulture)}; end to end {EndToEnd.TotalSeconds:0.0} s " +
        $"(steps: {string.Join(", ", Steps.Select(s => $"{s.Step} {s.Took.TotalSeconds:0.0} s"))}); API RSS {StartRss / 1048576.0:0} → peak {PeakRss / 1048576.0:0} MB";
}

/// <summary>
/// P3: a payment run over 1M adjudicated lines (pain.001 and every return file) against the raw SQL bound: the same
/// lines grouped per provider into orders, the orders written and the lines marked paid with plain SQL, on an equal
/// copy of the data (same columns, indexes, foreign keys and triggers) in the same PostgreSQL.
/// </summary>
public sealed class PaymentRunScenario(BenchContext ctx, BillingScenarios billing)
{
    private static readonly int LineCount = EnvInt("BENCH_P3_LINES", 1_000_000);
    private static readonly int ProviderCount = EnvInt("BENCH_P3_PROVIDERS", 40);
    private readonly string _stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    public async Task RunAsync(Report report)
    {
        using var admin = Client("sandbox-admin");

        // Lines left by earlier scenarios would be taken by the measured run: a first run pays them (and warms the code up).
        var warmup = await ExecuteRunAsync(admin);
        Console.WriteLine("   warm-up " + warmup.Describe());

        var seeding = Stopwatch.StartNew();
        var (lines, accepted) = await SeedLinesAsync(admin);
        seeding.Stop();
        Console.WriteLine($"   seeded {lines:N0} adjudicated lines ({accepted:N0} accepted) of {ProviderCount} providers through billing files in {seeding.Elapsed.TotalSeconds:0} s");

        var copying = Stopwatch.StartNew();
        await CopyForBaselineAsync();
        copying.Stop();

        await SqlAsync("CHECKPOINT");
        var run = await ExecuteRunAsync(admin);
        Console.WriteLine("   " + run.Describe());
        await SqlAsync("CHECKPOINT");
        var raw = await RawBoundAsync(run);
        Console.WriteLine($"   raw SQL bound: {raw.Total.TotalSeconds:0.0} s ({raw.Detail})");
        await SqlAsync("DROP TABLE IF EXISTS bench.p3_lines, bench.p3_memoirs, bench.p3_orders");

        var ratio = run.EndToEnd.TotalSeconds / raw.Total.TotalSeconds;
        var ok = run.Lines == lines && run.Orders == ProviderCount && raw.Lines == lines;
        report.Row("P3", $"payment run over {run.Lines:N0} adjudicated lines ({run.Providers} providers): pain.001 + {run.Files - 1} return files, s (POST → closed)",
            Report.F(run.EndToEnd.TotalSeconds, "0.0"), Report.F(raw.Total.TotalSeconds, "0.0") + " s raw SQL group/write/link", Report.F(ratio, "0.00"),
            Target.AtMostOf("≤ 1.5× raw SQL", 1.5, "×"), ratio, ok ? null : "unexpected counts");
        report.Note($"P3 {run.Describe()}. Baseline in the same PostgreSQL, right after the run, on an equal copy of the lines and memoirs the run took " +
                    "(bench.p3_lines/p3_memoirs: the same columns, indexes, foreign keys and triggers, copied before the run): one transaction that groups " +
                    "the takeable lines per provider into orders and writes them, links every line to the run once (run and paid amount: the line model " +
                    "of issue 24, where paid at, reported at and the return file are the run's and its provider's, not the line's) and marks the " +
                    $"memoirs paid: {raw.Total.TotalSeconds:0.0} s ({raw.Detail}). Both start after a CHECKPOINT. The lines are real: {ProviderCount} physiotherapists " +
                    $"created through the admin API, each sending a CSV billing file of {lines / ProviderCount:N0} lines ({accepted:N0} accepted of {lines:N0}; " +
                    $"5 % claim more than the tariff and are reduced, 4 % bill an act the voucher does not cover and are refused), adjudicated by the import " +
                    $"job; seeding took {seeding.Elapsed.TotalSeconds:0} s and the copy {copying.Elapsed.TotalSeconds:0} s. A warm-up run first paid what the " +
                    $"earlier scenarios had left: {warmup.Describe()}.");
        if (!ok) report.Note($"P3: unexpected counts (run took {run.Lines} lines and built {run.Orders} orders; {lines} lines seeded; the raw bound marked {raw.Lines}).");
    }

    private HttpClient Client(string key)
    {
        var http = new HttpClient { BaseAddress = ctx.ApiUri, Timeout = TimeSpan.FromMinutes(20) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    /// <summary>Providers created through the admin API, vouchers seeded for each, and a CSV billing file per provider imported by the API.</summary>
    private async Task<(int Lines, int Accepted)> SeedLinesAsync(HttpClient admin)
    {
        var seed = await billing.SeedAsync();
        var perProvider = LineCount / ProviderCount;
        var files = new List<(string Key, string Path, long Bytes)>();
        for (var p = 0; p < ProviderCount; p++)
        {
            var code = $"B{_stamp}{p:000}";
            var created = await admin.PostAsJsonAsync("/api/v1/admin/providers", new
            {
                code, kind = "physiotherapist", name = $"Bench physiotherapy practice {p + 1}", iban = "LU280019400644750000", bic = "BCEELULL",
            });
            var body = await created.Content.ReadAsStringAsync();
            if ((int)created.StatusCode != 201) throw new InvalidOperationException($"Creating provider {code} answered {(int)created.StatusCode}: {body}");
            var key = JsonNode.Parse(body)!["apiKey"]!.GetValue<string>();
            var block = await seed.SeedAsync(BillingFileWriter.VouchersFor(perProvider), code);
            var path = Path.Combine(Path.GetTempPath(), $"cnsexchange-bench-p3-{code}.csv");
            var bytes = await BillingFileWriter.WriteCsvAsync(path,
                BillingFileWriter.WithMixedOutcomes(BillingFileWriter.Lines(seed, block, perProvider, $"P3-{code}")));
            files.Add((key, path, bytes));
        }
        try
        {
            // Two at a time: the API processes files on two workers.
            var runs = new List<BillingRun>();
            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (f, _) =>
            {
                var run = await billing.SendAsync(f.Path, "csv", perProvider, f.Bytes, settle: false, apiKey: f.Key);
                lock (runs) runs.Add(run);
            });
            if (runs.Any(r => r.Status != "processed")) throw new InvalidOperationException("P3: a billing file was not processed.");
            return (runs.Sum(r => r.LinesImported), runs.Sum(r => r.Accepted));
        }
        finally
        {
            foreach (var f in files) File.Delete(f.Path);
        }
    }

    /// <summary>Starts a run through the API and polls it every 250 ms until it is closed.</summary>
    private async Task<PaymentRunMeasure> ExecuteRunAsync(HttpClient admin)
    {
        await using var rss = new RssSampler(ctx.ApiPid);
        var watch = Stopwatch.StartNew();
        var started = await admin.PostAsync("/api/v1/admin/payment-runs", null);
        var body = await started.Content.ReadAsStringAsync();
        if ((int)started.StatusCode != 202) throw new InvalidOperationException($"Starting a payment run answered {(int)started.StatusCode}: {body}");
        var id = JsonNode.Parse(body)!["id"]!.GetValue<string>();
        JsonNode run;
        while (true)
        {
            run = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/payment-runs/{id}"))!;
            if (run["status"]!.GetValue<string>() == "closed") break;
            if (run["lastError"]?.GetValue<string>() is { } error) Console.WriteLine($"   payment run {id}: {error}");
            if (watch.Elapsed > TimeSpan.FromMinutes(15)) throw new TimeoutException($"Payment run {id} did not close within 15 minutes.");
            await Task.Delay(250); // the run resource is not free to build: polled gently, on a 2-core machine
        }
        watch.Stop();

        var created = run["createdAt"]!.GetValue<DateTimeOffset>();
        var steps = new List<(string, TimeSpan)>();
        var previous = created;
        foreach (var step in run["steps"]!.AsArray())
        {
            var at = step!["completedAt"]!.GetValue<DateTimeOffset>();
            steps.Add((step["step"]!.GetValue<string>(), at - previous));
            previous = at;
        }
        var counts = run["counts"]!;
        var returnFiles = run["returnFiles"]!.AsArray();
        var bytes = (run["pain001"]?["length"]?.GetValue<long>() ?? 0)
                    + returnFiles.Sum(r => r!["files"]!.AsArray().Sum(f => f!["length"]!.GetValue<long>()));
        return new PaymentRunMeasure(id, run["runNumber"]!.GetValue<string>(), run["asOf"]!.GetValue<DateTimeOffset>(), counts["lines"]!.GetValue<int>(),
            counts["memoirs"]!.GetValue<int>(), counts["providers"]!.GetValue<int>(), counts["orders"]!.GetValue<int>(), counts["files"]!.GetValue<int>(),
            run["totalAmount"]?.GetValue<decimal>() ?? 0m, bytes, returnFiles.Sum(r => r!["listedLines"]!.GetValue<int>()), watch.Elapsed, steps,
            rss.StartBytes, rss.PeakBytes);
    }

    /// <summary>
    /// An equal copy of what the next run takes: the unpaid lines and their memoirs, with the indexes, foreign keys (not
    /// validated again: they hold) and triggers of cns.fee_memoir_lines and cns.fee_memoirs, and an empty copy of
    /// cns.payment_orders. Indexes are built after the rows are in (faster; the result is the same index).
    /// </summary>
    private async Task CopyForBaselineAsync()
    {
        await SqlAsync("""
            DROP TABLE IF EXISTS bench.p3_lines, bench.p3_memoirs, bench.p3_orders;
            CREATE TABLE bench.p3_lines (LIKE cns.fee_memoir_lines INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
            CREATE TABLE bench.p3_memoirs (LIKE cns.fee_memoirs INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
            CREATE TABLE bench.p3_orders (LIKE cns.payment_orders INCLUDING ALL);
            DO $$ DECLARE r record; BEGIN
              -- Storage parameters (fillfactor) before the rows go in, so that the copy's pages are laid out alike.
              FOR r IN SELECT c.relname AS source, t.target, array_to_string(c.reloptions, ', ') AS options
                       FROM pg_class c JOIN (VALUES ('fee_memoir_lines', 'p3_lines'), ('fee_memoirs', 'p3_memoirs'), ('payment_orders', 'p3_orders')) t(source, target) ON t.source = c.relname
                       WHERE c.relnamespace = 'cns'::regnamespace AND c.reloptions IS NOT NULL LOOP
                EXECUTE format('ALTER TABLE bench.%I SET (%s)', r.target, r.options);
              END LOOP;
            END $$;
            INSERT INTO bench.p3_lines SELECT * FROM cns.fee_memoir_lines WHERE payment_run_id IS NULL;
            INSERT INTO bench.p3_memoirs SELECT * FROM cns.fee_memoirs m WHERE m.id IN (SELECT memoir_id FROM bench.p3_lines);
            DO $$ DECLARE r record; BEGIN
              FOR r IN SELECT c.relname AS source, t.target, pg_get_indexdef(i.indexrelid) AS def
                       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                       JOIN (VALUES ('fee_memoir_lines', 'p3_lines'), ('fee_memoirs', 'p3_memoirs')) t(source, target) ON t.source = c.relname
                       WHERE c.relnamespace = 'cns'::regnamespace LOOP
                EXECUTE regexp_replace(r.def, '^(CREATE (UNIQUE )?INDEX )(\S+) ON cns\.' || r.source || ' ', '\1\3_p3 ON bench.' || r.target || ' ');
              END LOOP;
              FOR r IN SELECT c.relname AS source, t.target, co.conname, pg_get_constraintdef(co.oid) AS def
                       FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid
                       JOIN (VALUES ('fee_memoir_lines', 'p3_lines'), ('fee_memoirs', 'p3_memoirs'), ('payment_orders', 'p3_orders')) t(source, target) ON t.source = c.relname
                       WHERE c.relnamespace = 'cns'::regnamespace AND co.contype = 'f' LOOP
                EXECUTE format('ALTER TABLE bench.%I ADD CONSTRAINT %I %s NOT VALID', r.target, r.conname || '_p3', r.def);
              END LOOP;
              FOR r IN SELECT c.relname AS source, t.target, tg.tgname, pg_get_triggerdef(tg.oid) AS def
                       FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
                       JOIN (VALUES ('fee_memoir_lines', 'p3_lines'), ('fee_memoirs', 'p3_memoirs'), ('payment_orders', 'p3_orders')) t(source, target) ON t.source = c.relname
                       WHERE c.relnamespace = 'cns'::regnamespace AND NOT tg.tgisinternal LOOP
                EXECUTE replace(replace(r.def, 'TRIGGER ' || r.tgname || ' ', 'TRIGGER ' || r.tgname || '_p3 '), ' ON cns.' || r.source || ' ', ' ON bench.' || r.target || ' ');
              END LOOP;
            END $$;
            """);
        // Both sides measured on vacuumed, analysed tables (autovacuum would have got there between an import and a run).
        await SqlAsync("VACUUM (ANALYZE) cns.fee_memoir_lines, cns.fee_memoirs, bench.p3_lines, bench.p3_memoirs, bench.p3_orders");
    }

    private sealed record RawBound(TimeSpan Total, int Lines, string Detail);

    /// <summary>
    /// The raw SQL bound of a run, on the copy: in one transaction, the takeable lines grouped per provider into orders
    /// (written), every line linked to the run once (run and paid amount, the columns a run writes on a line since issue
    /// 24), the memoirs paid. Uses the measured run's id and as-of.
    /// </summary>
    private async Task<RawBound> RawBoundAsync(PaymentRunMeasure run)
    {
        await using var conn = new NpgsqlConnection(ctx.ConnectionString);
        await conn.OpenAsync();
        var watch = Stopwatch.StartNew();
        var laps = new List<string>();
        var last = TimeSpan.Zero;
        void Lap(string what)
        {
            laps.Add($"{what} {(watch.Elapsed - last).TotalSeconds:0.0} s");
            last = watch.Elapsed;
        }
        await using var tx = await conn.BeginTransactionAsync();
        const string Takeable = "l.payment_run_id IS NULL AND m.status IN ('Adjudicated', 'InPaymentRun') AND m.received_at <= @as_of";
        await using (var orders = new NpgsqlCommand($"""
            INSERT INTO bench.p3_orders (id, run_id, provider_id, provider_code, provider_name, iban, bic, amount, line_count, end_to_end_id, remittance_text, created_at)
            SELECT gen_random_uuid(), @run, p.id, p.code, p.name, p.iban, p.bic, s.amount, s.lines, @number || '-' || p.code,
                   'CNS ' || @number || ' ' || p.code || ' memoires d''honoraires, tiers payant', now()
            FROM (SELECT l.provider_id, sum(l.payable_amount) AS amount, (count(*) FILTER (WHERE l.payable_amount > 0))::int AS lines
                  FROM bench.p3_lines l JOIN bench.p3_memoirs m ON m.id = l.memoir_id
                  WHERE {Takeable}
                  GROUP BY l.provider_id HAVING sum(l.payable_amount) > 0) s
            JOIN cns.providers p ON p.id = s.provider_id
            """, conn, tx) { CommandTimeout = 0 })
        {
            orders.Parameters.AddWithValue("run", Guid.Parse(run.Id));
            orders.Parameters.AddWithValue("number", run.Number);
            orders.Parameters.AddWithValue("as_of", run.AsOf.ToUniversalTime());
            await orders.ExecuteNonQueryAsync();
        }
        Lap("orders");
        int marked;
        await using (var mark = new NpgsqlCommand($"""
            UPDATE bench.p3_lines l
            SET payment_run_id = @run, paid_amount = l.payable_amount
            FROM bench.p3_memoirs m
            WHERE m.id = l.memoir_id AND {Takeable}
            """, conn, tx) { CommandTimeout = 0 })
        {
            mark.Parameters.AddWithValue("run", Guid.Parse(run.Id));
            mark.Parameters.AddWithValue("as_of", run.AsOf.ToUniversalTime());
            marked = await mark.ExecuteNonQueryAsync();
        }
        Lap($"{marked:N0} lines linked");
        await using (var memoirs = new NpgsqlCommand(
            "UPDATE bench.p3_memoirs SET status = 'Paid' WHERE status IN ('Adjudicated', 'InPaymentRun') AND received_at <= @as_of", conn, tx) { CommandTimeout = 0 })
        {
            memoirs.Parameters.AddWithValue("as_of", run.AsOf.ToUniversalTime());
            await memoirs.ExecuteNonQueryAsync();
        }
        Lap("memoirs");
        await tx.CommitAsync();
        Lap("commit");
        watch.Stop();
        return new RawBound(watch.Elapsed, marked, string.Join(", ", laps));
    }

    private async Task SqlAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(ctx.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }
}
