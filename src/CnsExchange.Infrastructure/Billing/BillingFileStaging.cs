using System.Runtime.CompilerServices;
using CnsExchange.Application.Features.Billing;
using Microsoft.EntityFrameworkCore.Storage;
using NpgsqlTypes;

namespace CnsExchange.Infrastructure.Billing;

/// <summary>
/// Temporary tables of the current transaction (dropped at its end). While the file streams, its lines are bulk-copied
/// (binary COPY) into the first as runs: consecutive lines of one memoir that bill the same service and replace the same
/// memoir are one row (first and last line, line count), so the file is checked as a whole in SQL with bounded memory
/// whatever its size, without a row per line. The memoirs (reference, first line, last line, line count) are grouped once
/// into a second table that the checks and the read-back order use. A file whose memoirs are not runs of lines in file
/// order is read back memoir by memoir through a cursor over its lines, copied into a third table from the file parsed again.
/// </summary>
internal sealed class BillingFileStaging(AppDbContext db) : IBillingFileStaging
{
    private const string Runs = "billing_stage";
    private const string Memoirs = "billing_stage_memoirs";
    private const string Lines = "billing_stage_lines";
    private const int FetchSize = 5000;
    private const int MaxErrorsPerCheck = 200;
    private NpgsqlBinaryImporter? _importer;

    /// <summary>The run being read: its first line (which gives its memoir, service and replaced memoir), its last line and line count.</summary>
    private (StagedLine First, int LastLine, int Lines)? _run;

    /// <summary>Whether a staged line names a memoir it replaces (LIF-03): without one, the replacement checks have nothing to find.</summary>
    private bool _anyReplaces;

    private NpgsqlConnection Connection => (NpgsqlConnection)db.Database.GetDbConnection();

    public async Task BeginAsync(CancellationToken ct)
    {
        _anyReplaces = false;
        _run = null;
        // Grouping and ordering staged lines stays in memory instead of spilling to disk; the many short statements of an
        // import are not worth compiling (the estimates of a table growing in the transaction are stale).
        await ExecuteAsync("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off", ct);
        await ExecuteAsync($"""
            CREATE TEMP TABLE {Runs} (
              first_line int NOT NULL, last_line int NOT NULL, lines int NOT NULL, memoir_ordinal int NOT NULL, memoir_reference text NOT NULL,
              voucher_number text NOT NULL, matricule text NOT NULL, act_code text NOT NULL, replaces uuid, memoir_line int NOT NULL) ON COMMIT DROP
            """, ct);
        _importer = await Connection.BeginBinaryImportAsync(
            $"COPY {Runs} (first_line, last_line, lines, memoir_ordinal, memoir_reference, voucher_number, matricule, act_code, replaces, memoir_line) FROM STDIN (FORMAT BINARY)", ct);
    }

    public async Task AddAsync(StagedLine line, CancellationToken ct)
    {
        if (_importer is null) throw new InvalidOperationException("Staging has not begun.");
        _anyReplaces |= line.Replaces is not null;
        if (_run is { } run && SameRun(run.First, line))
        {
            _run = (run.First, line.SourceLine, run.Lines + 1);
            return;
        }
        await WriteRunAsync(ct);
        _run = (line, line.SourceLine, 1);
    }

    /// <summary>Lines of one run: the same memoir (reference and element), the same service billed, the same memoir replaced.</summary>
    private static bool SameRun(StagedLine a, StagedLine b) =>
        a.MemoirOrdinal == b.MemoirOrdinal && a.Replaces == b.Replaces && a.MemoirReference == b.MemoirReference
        && a.Input.VoucherNumber == b.Input.VoucherNumber && a.Input.Matricule == b.Input.Matricule && a.Input.ActCode == b.Input.ActCode;

    private async Task WriteRunAsync(CancellationToken ct)
    {
        if (_run is not { } run) return;
        var w = _importer!;
        var line = run.First;
        await w.StartRowAsync(ct);
        await w.WriteAsync(line.SourceLine, NpgsqlDbType.Integer, ct);
        await w.WriteAsync(run.LastLine, NpgsqlDbType.Integer, ct);
        await w.WriteAsync(run.Lines, NpgsqlDbType.Integer, ct);
        await w.WriteAsync(line.MemoirOrdinal, NpgsqlDbType.Integer, ct);
        await w.WriteAsync(line.MemoirReference, NpgsqlDbType.Text, ct);
        await w.WriteAsync(line.Input.VoucherNumber, NpgsqlDbType.Text, ct);
        await w.WriteAsync(line.Input.Matricule, NpgsqlDbType.Text, ct);
        await w.WriteAsync(line.Input.ActCode, NpgsqlDbType.Text, ct);
        if (line.Replaces is { } replaces) await w.WriteAsync(replaces, NpgsqlDbType.Uuid, ct);
        else await w.WriteNullAsync(ct);
        await w.WriteAsync(line.MemoirLine, NpgsqlDbType.Integer, ct);
        _run = null;
    }

    public async Task EndAsync(CancellationToken ct)
    {
        if (_importer is null) return;
        await WriteRunAsync(ct);
        await _importer.CompleteAsync(ct);
        await _importer.DisposeAsync();
        _importer = null;
    }

    public async Task<IReadOnlyList<BillingFileError>> CheckAsync(Guid providerId, int maxLinesPerMemoir, CancellationToken ct)
    {
        // One pass over the runs: a row per memoir element (XML) or per reference (CSV, memoir_ordinal 0).
        await ExecuteAsync($"""
            CREATE TEMP TABLE {Memoirs} ON COMMIT DROP AS
            SELECT memoir_reference, memoir_ordinal, min(first_line) AS first_line, max(last_line) AS last_line, sum(lines)::int AS lines,
              min(memoir_line) AS memoir_line
            FROM {Runs} GROUP BY 1, 2;
            """, ct);
        // Without statistics the planner joins the vouchers the file names by scanning every voucher (0.2 s for 10k lines).
        await ExecuteAsync($"ANALYZE {Runs}; ANALYZE {Memoirs}", ct);
        var errors = new List<BillingFileError>();
        await using (var count = Command($"SELECT count(*) FROM {Memoirs}"))
        {
            if ((long)(await count.ExecuteScalarAsync(ct))! == 0)
                return [new BillingFileError(1, null, "The file contains no memoir line.")];
        }

        // Errors of a whole memoir point to its <memoir> element (XML) or its first row (CSV): memoir_line.
        // XML: one reference for two <memoir> elements.
        await ReadErrorsAsync(errors, $"""
            SELECT memoir_reference, memoir_line FROM
              (SELECT *, row_number() OVER (PARTITION BY memoir_reference ORDER BY first_line) AS n FROM {Memoirs}) ranked
            WHERE n > 1 ORDER BY first_line LIMIT {MaxErrorsPerCheck}
            """, null, r => $"Memoir reference '{r}' appears in more than one memoir of the file.", ct);
        await ReadErrorsAsync(errors, $"""
            SELECT s.memoir_reference, min(s.memoir_line) FROM {Memoirs} s
            JOIN cns.fee_memoirs m ON m.provider_id = @provider AND m.reference = s.memoir_reference
            GROUP BY 1 ORDER BY 2 LIMIT {MaxErrorsPerCheck}
            """, providerId, r => $"Memoir reference '{r}' was already used by this provider.", ct);
        await ReadErrorsAsync(errors, $"""
            SELECT memoir_reference, min(memoir_line) FROM {Memoirs} GROUP BY 1 HAVING sum(lines) > {maxLinesPerMemoir}
            ORDER BY 2 LIMIT {MaxErrorsPerCheck}
            """, null, r => $"Memoir '{r}' has more than {maxLinesPerMemoir} lines.", ct);
        // LIF-03: a memoir names one memoir it replaces, on all its lines or none; the memoir replaced is this provider's,
        // adjudicated and not yet in a payment run; no two memoirs of the file replace the same one. Skipped for a file that
        // replaces nothing: the first check groups every run (0.1 s for 200,000 lines, one run each).
        if (_anyReplaces)
        {
            await ReadErrorsAsync(errors, $"""
                SELECT memoir_reference, min(memoir_line) FROM {Runs} GROUP BY 1
                HAVING count(DISTINCT replaces) > 1 OR (count(replaces) > 0 AND count(replaces) < count(*))
                ORDER BY 2 LIMIT {MaxErrorsPerCheck}
                """, null, r => $"Every line of memoir '{r}' must name the same memoir in replaces (or none).", ct);
            await ReadErrorsAsync(errors, $"""
                SELECT s.memoir_reference, min(s.memoir_line) FROM {Runs} s
                LEFT JOIN cns.fee_memoirs m ON m.id = s.replaces AND m.provider_id = @provider
                WHERE s.replaces IS NOT NULL AND (m.id IS NULL OR m.status <> '{nameof(FeeMemoirStatus.Adjudicated)}'
                  OR EXISTS (SELECT 1 FROM cns.fee_memoir_lines l WHERE l.memoir_id = m.id AND l.payment_run_id IS NOT NULL))
                GROUP BY 1 ORDER BY 2 LIMIT {MaxErrorsPerCheck}
                """, providerId, r => $"Memoir '{r}' replaces a memoir that is unknown, already voided or already in a payment run (LIF-03).", ct);
            // Two memoirs replacing one: the later one, at its <memoir> element (XML) or at the last row naming it (CSV).
            await ReadErrorsAsync(errors, $"""
                SELECT max(memoir_reference), max(CASE WHEN memoir_ordinal = 0 THEN last_line ELSE memoir_line END) FROM {Runs}
                WHERE replaces IS NOT NULL GROUP BY replaces
                HAVING count(DISTINCT memoir_reference) > 1 ORDER BY 2 LIMIT {MaxErrorsPerCheck}
                """, null, r => $"Memoir '{r}' replaces a memoir another memoir of the file replaces too.", ct);
        }
        return errors;
    }

    public async Task<bool> InFileOrderAsync(CancellationToken ct)
    {
        // Each memoir's lines lie between its first and last line, and no two memoirs' spans meet: in the file each memoir is
        // one run of lines, the runs in the order of their first lines (the order ReadMemoirsAsync reads them in). Ties on a
        // line (several XML elements on one line) fail the strict comparison, and the file is read back from here.
        await using var cmd = Command($"""
            SELECT coalesce(bool_and(first_line > previous_last), true) FROM
              (SELECT first_line, lag(last_line) OVER (ORDER BY first_line, last_line) AS previous_last FROM {Memoirs}) spans
            WHERE previous_last IS NOT NULL
            """);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<IReadOnlyList<Guid>> ReplacedMemoirsAsync(CancellationToken ct)
    {
        if (!_anyReplaces) return [];
        await using var cmd = Command($"SELECT DISTINCT replaces FROM {Runs} WHERE replaces IS NOT NULL ORDER BY 1");
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    public async Task<IReadOnlyList<Guid>> ServiceIdsAsync(Guid providerId, CancellationToken ct)
    {
        // The staged lines are reduced to what they bill first (a service is billed by eight lines of a bench file): joined
        // line by line, the services' index was probed once per line and the result sorted to drop the repeats (0.55 s
        // for 200,000 lines against 25,000 services; bench/results/2026-12-05-p2-lock-phase.md). Each of them then finds
        // its voucher and service through their indexes (LATERAL … LIMIT 1: a number names one voucher, a voucher one
        // service per act): joined as tables, the planner hashed every voucher of the sandbox for a file of 12,500
        // services, a cost that grew with the sandbox rather than the file (for a 100,000-line file among 277,500
        // vouchers: 361 ms, 86 ms by index; bench/results/2026-12-06-p5-table-size.md).
        await using var cmd = Command($"""
            SELECT x.id FROM (SELECT DISTINCT voucher_number, matricule, act_code FROM {Runs}) s
            CROSS JOIN LATERAL (
                SELECT vs.id FROM cns.vouchers v
                JOIN cns.voucher_services vs ON vs.voucher_id = v.id AND vs.act_code = s.act_code
                WHERE v.number = s.voucher_number AND v.provider_id = @provider AND v.matricule = s.matricule
                LIMIT 1) x
            """);
        cmd.Parameters.AddWithValue("provider", providerId);
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    public async IAsyncEnumerable<StagedMemoir> ReadMemoirsAsync(IAsyncEnumerable<StagedLine> lines, [EnumeratorCancellation] CancellationToken ct)
    {
        await ExecuteAsync($"""
            CREATE TEMP TABLE {Lines} (
              source_line int NOT NULL, memoir_ordinal int NOT NULL, memoir_reference text NOT NULL, voucher_number text NOT NULL,
              matricule text NOT NULL, session_date date NOT NULL, act_code text NOT NULL, travel boolean NOT NULL,
              claimed_amount numeric(14,2) NOT NULL, replaces uuid) ON COMMIT DROP
            """, ct);
        await using (var w = await Connection.BeginBinaryImportAsync(
            $"COPY {Lines} (source_line, memoir_ordinal, memoir_reference, voucher_number, matricule, session_date, act_code, travel, claimed_amount, replaces) FROM STDIN (FORMAT BINARY)", ct))
        {
            await foreach (var line in lines.WithCancellation(ct))
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(line.SourceLine, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(line.MemoirOrdinal, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(line.MemoirReference, NpgsqlDbType.Text, ct);
                await w.WriteAsync(line.Input.VoucherNumber, NpgsqlDbType.Text, ct);
                await w.WriteAsync(line.Input.Matricule, NpgsqlDbType.Text, ct);
                await w.WriteAsync(line.Input.SessionDate, NpgsqlDbType.Date, ct);
                await w.WriteAsync(line.Input.ActCode, NpgsqlDbType.Text, ct);
                await w.WriteAsync(line.Input.Travel, NpgsqlDbType.Boolean, ct);
                await w.WriteAsync(line.Input.ClaimedAmount, NpgsqlDbType.Numeric, ct);
                if (line.Replaces is { } replaces) await w.WriteAsync(replaces, NpgsqlDbType.Uuid, ct);
                else await w.WriteNullAsync(ct);
            }
            await w.CompleteAsync(ct);
        }
        // CSV rows of one memoir need not be adjacent: a memoir is ordered by its first line in the file (a file that
        // passed the checks has one memoir per reference).
        await ExecuteAsync($"""
            DECLARE billing_stage_cursor NO SCROLL CURSOR FOR
            SELECT s.source_line, s.memoir_ordinal, s.memoir_reference, s.voucher_number, s.matricule, s.session_date, s.act_code, s.travel,
                   s.claimed_amount, m.first_line, s.replaces
            FROM {Lines} s JOIN {Memoirs} m ON m.memoir_reference = s.memoir_reference
            ORDER BY m.first_line, s.source_line
            """, ct);

        var current = new List<StagedLine>();
        var currentFirst = -1;
        while (true)
        {
            // A batch is read whole before anything is yielded: the caller uses the same connection in between.
            var batch = new List<(StagedLine Line, int First)>(FetchSize);
            await using (var fetch = Command($"FETCH {FetchSize} FROM billing_stage_cursor"))
            await using (var reader = await fetch.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var input = new FeeMemoirLineInput(reader.GetString(3), reader.GetString(4), reader.GetFieldValue<DateOnly>(5), reader.GetString(6),
                        reader.GetBoolean(7), reader.GetDecimal(8));
                    batch.Add((new StagedLine(reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), input)
                        { Replaces = reader.IsDBNull(10) ? null : reader.GetGuid(10) }, reader.GetInt32(9)));
                }
            }
            if (batch.Count == 0) break;
            foreach (var (line, first) in batch)
            {
                if (first != currentFirst && current.Count > 0)
                {
                    yield return new StagedMemoir(current[0].MemoirReference, currentFirst, current);
                    current = [];
                }
                currentFirst = first;
                current.Add(line);
            }
        }
        if (current.Count > 0) yield return new StagedMemoir(current[0].MemoirReference, currentFirst, current);
        await ExecuteAsync("CLOSE billing_stage_cursor", ct);
    }

    private async Task ReadErrorsAsync(List<BillingFileError> errors, string sql, Guid? providerId, Func<string, string> message, CancellationToken ct)
    {
        await using var cmd = Command(sql);
        if (providerId is { } p) cmd.Parameters.AddWithValue("provider", p);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            errors.Add(new BillingFileError(reader.GetInt32(1), "memoirReference", message(reader.GetString(0))));
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var cmd = Command(sql);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private NpgsqlCommand Command(string sql)
    {
        var transaction = db.Database.CurrentTransaction ?? throw new InvalidOperationException("Staging runs inside a transaction.");
        return new NpgsqlCommand(sql, Connection, (NpgsqlTransaction)transaction.GetDbTransaction());
    }

    public async ValueTask DisposeAsync()
    {
        if (_importer is not null)
        {
            try { await _importer.DisposeAsync(); }
            catch (NpgsqlException) { /* the transaction is being abandoned anyway */ }
            _importer = null;
        }
    }
}
