using System.Data;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Common;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore.Storage;
using NpgsqlTypes;

namespace CnsExchange.Infrastructure.Billing;

/// <summary>
/// Adjudication writes in plain SQL on the context's connection and transaction. Session consumption is a
/// conditional increment (<c>sessions_billed &lt; sessions_granted</c>, backed by a check constraint) and paid lines
/// go in with <c>ON CONFLICT DO NOTHING</c> against the partial unique indexes of BIL-07/BIL-08, in one statement, so
/// a line is stored as paid and consumes a session, or neither — whatever runs at the same moment.
/// </summary>
internal sealed class BillingLedger(AppDbContext db) : IBillingLedger
{
    private const string LineColumns =
        "id, memoir_id, provider_id, line_number, source_line, voucher_number, voucher_id, voucher_service_id, matricule, insured_id, " +
        "session_date, act_code, travel, claimed_amount, tariff_amount, rate_percent, cns_amount, insured_share, outcome, reasons, " +
        "payable_amount, created_at, hospital_stay_id, single_room_surcharge, travel_allowance, competent_fund";

    private const string LineValues =
        "@id, @memoir_id, @provider_id, @line_number, @source_line, @voucher_number, @voucher_id, @voucher_service_id, @matricule, @insured_id, " +
        "@session_date, @act_code, @travel, @claimed_amount, @tariff_amount, @rate_percent, @cns_amount, @insured_share, @outcome, @reasons, " +
        "@payable_amount, @created_at, @hospital_stay_id, @single_room_surcharge, @travel_allowance, @competent_fund";

    /// <summary>BIL-09: the stored line pays a travel allowance (as <see cref="FeeMemoirLine.PaysTravelAllowance"/>).</summary>
    private const string PaysTravel =
        "(l.travel_allowance OR (l.travel AND NOT l.reasons @> '[{\"field\": \"" + TravelAllowance.Field + "\"}]'::jsonb))";

    public async Task<IReadOnlyDictionary<Guid, SessionCounter>> LockServicesAsync(IReadOnlyCollection<Guid> serviceIds, CancellationToken ct)
    {
        var result = new Dictionary<Guid, SessionCounter>();
        if (serviceIds.Count == 0) return result;
        var ids = serviceIds.Order().ToArray();
        await using var cmd = Command(
            "SELECT id, sessions_granted, sessions_billed FROM cns.voucher_services WHERE id = ANY(@ids) ORDER BY id FOR UPDATE");
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) result[reader.GetGuid(0)] = new SessionCounter(reader.GetInt32(1), reader.GetInt32(2));

        // Then the insured persons of those vouchers. BIL-07 (one act per insured and day) spans vouchers: a memoir on one
        // voucher and a billing file on another voucher of the same person lock no common service, so each decided its
        // line without the other's and the later one to commit met the paid-line index and was rolled back whole (a file of
        // any size, tried again for every memoir that committed during it). Holding the person makes them wait for each
        // other instead. Every writer locks services first, then persons, each in id order: no cycle.
        await using var persons = Command("""
            SELECT i.id FROM cns.insured i
            WHERE i.id IN (SELECT v.insured_id FROM cns.voucher_services vs JOIN cns.vouchers v ON v.id = vs.voucher_id WHERE vs.id = ANY(@ids))
            ORDER BY i.id FOR NO KEY UPDATE
            """);
        persons.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
        await persons.ExecuteNonQueryAsync(ct);
        return result;
    }

    public async Task<bool> TryInsertMemoirAsync(FeeMemoir m, CancellationToken ct)
    {
        await using var cmd = Command("""
            INSERT INTO cns.fee_memoirs (id, provider_id, reference, source, billing_file_id, simulation_id, status, received_at, received_on,
                due_date, adjudicated_at, line_count, accepted_count, reduced_count, refused_count, claimed_total, tariff_total, cns_total,
                insured_share_total, source_json, source_line, replaces_memoir_id)
            VALUES (@id, @provider_id, @reference, @source, @billing_file_id, @simulation_id, @status, @received_at, @received_on,
                @due_date, NULL, 0, 0, 0, 0, 0, 0, 0, 0, @source_json, @source_line, @replaces_memoir_id)
            ON CONFLICT (provider_id, reference) DO NOTHING
            """);
        cmd.Parameters.AddWithValue("id", m.Id);
        cmd.Parameters.AddWithValue("provider_id", m.ProviderId);
        cmd.Parameters.AddWithValue("reference", m.Reference);
        cmd.Parameters.AddWithValue("source", m.Source.ToString());
        cmd.Parameters.Add(Uuid("billing_file_id", m.BillingFileId));
        cmd.Parameters.Add(Uuid("simulation_id", m.SimulationId));
        cmd.Parameters.AddWithValue("status", m.Status.ToString());
        cmd.Parameters.AddWithValue("received_at", m.ReceivedAt.ToUniversalTime());
        cmd.Parameters.AddWithValue("received_on", m.ReceivedOn);
        cmd.Parameters.AddWithValue("due_date", m.DueDate);
        cmd.Parameters.Add(Param("source_json", NpgsqlDbType.Jsonb, m.SourceJson));
        cmd.Parameters.Add(Param("source_line", NpgsqlDbType.Integer, m.SourceLine));
        cmd.Parameters.Add(Uuid("replaces_memoir_id", m.ReplacesMemoirId));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// BIL-08 across a stay's correction: each named stay <c>s</c> with every released stay <c>r</c> of the same person on
    /// days it shares. A doctor's fee paid for a stay that was released afterwards is left as it is (lifecycle.md); counted
    /// only in its own stay, the same visit billed again on the corrected stay was paid a second time.
    /// </summary>
    private const string ReleasedStaysOfTheSameDays = """
        cns.hospital_stays s JOIN cns.hospital_stays r ON r.insured_id = s.insured_id AND r.id <> s.id AND r.status = 'Released'
          AND r.admission_date <= s.discharge_date AND r.discharge_date >= s.admission_date AND s.id = ANY(@stays)
        """;

    public async Task<IReadOnlyList<PaidLine>> PaidLinesAsync(Guid providerId, IReadOnlyCollection<string> voucherNumbers, IReadOnlyCollection<string> matricules,
        IReadOnlyCollection<Guid> stayIds, CancellationToken ct)
    {
        // One index scan per arm, on ids read first (ARRAY(...)): a plain OR, or IN (subquery), let the planner scan every
        // memoir or voucher as the tables grew. The memoir reference is looked up only for the few lines found. The insured
        // arm repeats the predicate of its partial unique index (sessions, not hospital fees: BIL-07), so that index serves
        // it; the stay arm (doctors' fees, BIL-08) is served by ix_fee_memoir_lines_hospital_stay and is left out when no
        // line names a stay (billing files never do): with the statistics of a table still empty, the planner scanned the
        // whole table for it at every batch of a file.
        await using var cmd = Command($"""
            SELECT l.voucher_id, l.insured_id, l.session_date, l.act_code, (SELECT m.reference FROM cns.fee_memoirs m WHERE m.id = l.memoir_id), l.hospital_stay_id,
              l.travel_allowance, {PaysTravel}, false
            FROM cns.fee_memoir_lines l
            WHERE {BillingTables.Paid("l")} AND l.voucher_id = ANY(ARRAY(SELECT v.id FROM cns.vouchers v WHERE v.number = ANY(@numbers) AND v.provider_id = @provider))
            UNION ALL
            SELECT c.voucher_id, NULL::uuid, c.service_date, c.act_code, c.claim_id::text, NULL::uuid, false, false, true
            FROM cns.{ReimbursementTables.Lines} c
            WHERE c.{ReimbursementTables.PaidPredicate} AND c.voucher_id = ANY(ARRAY(SELECT v.id FROM cns.vouchers v WHERE v.number = ANY(@numbers) AND v.provider_id = @provider))
            UNION ALL
            SELECT l.voucher_id, l.insured_id, l.session_date, l.act_code, (SELECT m.reference FROM cns.fee_memoirs m WHERE m.id = l.memoir_id), NULL::uuid,
              false, {PaysTravel}, false
            FROM cns.fee_memoir_lines l
            WHERE {BillingTables.PaidSession("l")} AND l.provider_id = @provider
              AND l.insured_id = ANY(ARRAY(SELECT i.id FROM cns.insured i WHERE i.matricule = ANY(@matricules)))
            {(stayIds.Count == 0 ? "" : $"""
            UNION ALL
            SELECT l.voucher_id, l.insured_id, l.session_date, l.act_code, (SELECT m.reference FROM cns.fee_memoirs m WHERE m.id = l.memoir_id), l.hospital_stay_id,
              false, false, false
            FROM cns.fee_memoir_lines l
            WHERE l.hospital_stay_id = ANY(@stays) AND l.provider_id = @provider AND {BillingTables.Paid("l")}
            UNION ALL
            SELECT NULL::uuid, NULL::uuid, c.service_date, c.act_code, c.claim_id::text, c.hospital_stay_id, false, false, true
            FROM cns.{ReimbursementTables.Lines} c
            WHERE c.hospital_stay_id = ANY(@stays) AND c.provider_id = @provider AND c.{ReimbursementTables.PaidPredicate}
            UNION ALL
            SELECT l.voucher_id, l.insured_id, l.session_date, l.act_code, (SELECT m.reference FROM cns.fee_memoirs m WHERE m.id = l.memoir_id), s.id,
              false, false, false
            FROM {ReleasedStaysOfTheSameDays} JOIN cns.fee_memoir_lines l ON l.hospital_stay_id = r.id
            WHERE l.provider_id = @provider AND {BillingTables.Paid("l")}
            UNION ALL
            SELECT NULL::uuid, NULL::uuid, c.service_date, c.act_code, c.claim_id::text, s.id, false, false, true
            FROM {ReleasedStaysOfTheSameDays} JOIN cns.{ReimbursementTables.Lines} c ON c.hospital_stay_id = r.id
            WHERE c.provider_id = @provider AND c.{ReimbursementTables.PaidPredicate}
            """)}
            """);
        cmd.Parameters.Add(new NpgsqlParameter("numbers", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = voucherNumbers.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("matricules", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = matricules.ToArray() });
        if (stayIds.Count > 0) cmd.Parameters.Add(new NpgsqlParameter("stays", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = stayIds.ToArray() });
        cmd.Parameters.AddWithValue("provider", providerId);
        var lines = new List<PaidLine>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            lines.Add(new PaidLine(reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1),
                reader.GetFieldValue<DateOnly>(2), reader.GetString(3), reader.GetString(4))
            {
                HospitalStayId = reader.IsDBNull(5) ? null : reader.GetGuid(5),
                TravelAllowance = reader.GetBoolean(6),
                TravelPaid = reader.GetBoolean(7),
                Reimbursed = reader.GetBoolean(8),
            });
        return lines;
    }

    public async Task<LineState> ReadLineStateAsync(Guid providerId, Guid? voucherId, Guid? insuredId, DateOnly sessionDate, string actCode, CancellationToken ct)
    {
        await using var cmd = Command($"""
            SELECT
              (SELECT m.reference FROM cns.fee_memoir_lines l JOIN cns.fee_memoirs m ON m.id = l.memoir_id
                WHERE l.voucher_id = @voucher AND l.session_date = @date AND l.act_code = @act AND {BillingTables.Paid("l")} LIMIT 1),
              EXISTS (SELECT 1 FROM cns.fee_memoir_lines l
                WHERE l.provider_id = @provider AND l.insured_id = @insured AND l.session_date = @date AND {BillingTables.PaidSession("l")}
                  AND NOT (l.voucher_id IS NOT DISTINCT FROM @voucher AND l.act_code = @act))
            """);
        cmd.Parameters.Add(Uuid("voucher", voucherId));
        cmd.Parameters.Add(Uuid("insured", insuredId));
        cmd.Parameters.AddWithValue("provider", providerId);
        cmd.Parameters.AddWithValue("date", sessionDate);
        cmd.Parameters.AddWithValue("act", actCode);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new LineState(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetBoolean(1));
    }

    public async Task<ClaimResult> ClaimAsync(FeeMemoirLine line, CancellationToken ct)
    {
        if (line.VoucherServiceId is null)
        {
            // A travel allowance line consumes no session: stored once per voucher, date and act (BIL-08), or not at all.
            await using var insert = Command($"INSERT INTO cns.fee_memoir_lines ({LineColumns}) VALUES ({LineValues}) ON CONFLICT DO NOTHING");
            AddLineParameters(insert, line);
            return await insert.ExecuteNonQueryAsync(ct) == 1 ? ClaimResult.Claimed : ClaimResult.Conflict;
        }
        await using (var cmd = Command($"""
            WITH consumed AS (
              UPDATE cns.voucher_services SET sessions_billed = sessions_billed + 1
              WHERE id = @voucher_service_id AND sessions_billed < sessions_granted
              RETURNING id),
            inserted AS (
              INSERT INTO cns.fee_memoir_lines ({LineColumns})
              SELECT {LineValues} WHERE EXISTS (SELECT 1 FROM consumed)
              ON CONFLICT DO NOTHING
              RETURNING id)
            SELECT (SELECT count(*) FROM consumed)::int, (SELECT count(*) FROM inserted)::int
            """))
        {
            AddLineParameters(cmd, line);
            int consumed, inserted;
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                consumed = reader.GetInt32(0);
                inserted = reader.GetInt32(1);
            }
            if (inserted == 1) return ClaimResult.Claimed;
            if (consumed == 0) return ClaimResult.SessionsExhausted;
        }
        // The session was taken but the line collided with a paid one: give the session back (the row is still ours).
        await using var giveBack = Command("UPDATE cns.voucher_services SET sessions_billed = sessions_billed - 1 WHERE id = @id");
        giveBack.Parameters.AddWithValue("id", line.VoucherServiceId!.Value);
        await giveBack.ExecuteNonQueryAsync(ct);
        return ClaimResult.Conflict;
    }

    public async Task LockHospitalStaysAsync(IReadOnlyCollection<Guid> stayIds, CancellationToken ct)
    {
        if (stayIds.Count == 0) return;
        // NO KEY UPDATE: serialises fee memoirs for the stay without blocking rows that merely reference it.
        await using var cmd = Command("SELECT id FROM cns.hospital_stays WHERE id = ANY(@ids) ORDER BY id FOR NO KEY UPDATE");
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = stayIds.Order().ToArray() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) { }
    }

    public async Task InsertLineAsync(FeeMemoirLine line, CancellationToken ct)
    {
        if (line.IsPaidAtAdjudication && line.HospitalStayId is null) throw new InvalidOperationException("Paid lines under a voucher are stored through ClaimAsync.");
        await using var cmd = Command($"INSERT INTO cns.fee_memoir_lines ({LineColumns}) VALUES ({LineValues})");
        AddLineParameters(cmd, line);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public Task<List<FeeMemoirLine>> LockMemoirLinesAsync(Guid memoirId, CancellationToken ct) =>
        db.Set<FeeMemoirLine>().FromSqlInterpolated($"SELECT * FROM cns.fee_memoir_lines WHERE memoir_id = {memoirId} ORDER BY id FOR UPDATE").ToListAsync(ct);

    public Task LinkReplacedMemoirsAsync(Guid billingFileId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE cns.fee_memoirs o SET replaced_by_memoir_id = n.id
            FROM cns.fee_memoirs n WHERE n.billing_file_id = {billingFileId} AND n.replaces_memoir_id = o.id
            """, ct);

    public Task GiveBackSessionsAsync(IReadOnlyDictionary<Guid, int> sessions, CancellationToken ct) => AddSessionsBilledAsync(sessions, -1, ct);

    public Task ConsumeSessionsAsync(IReadOnlyDictionary<Guid, int> sessions, CancellationToken ct) => AddSessionsBilledAsync(sessions, 1, ct);

    private async Task AddSessionsBilledAsync(IReadOnlyDictionary<Guid, int> sessions, int sign, CancellationToken ct)
    {
        if (sessions.Count == 0) return;
        await using var update = Command($"""
            UPDATE cns.voucher_services s SET sessions_billed = s.sessions_billed + {sign} * d.n
            FROM unnest(@ids, @counts) AS d(id, n) WHERE s.id = d.id
            """);
        update.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = sessions.Keys.ToArray() });
        update.Parameters.Add(new NpgsqlParameter("counts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = sessions.Values.ToArray() });
        await update.ExecuteNonQueryAsync(ct);
    }

    public async Task CompleteMemoirAsync(FeeMemoir m, CancellationToken ct)
    {
        await using var cmd = Command("""
            UPDATE cns.fee_memoirs SET status = @status, adjudicated_at = @adjudicated_at, line_count = @line_count,
              accepted_count = @accepted_count, reduced_count = @reduced_count, refused_count = @refused_count,
              claimed_total = @claimed_total, tariff_total = @tariff_total, cns_total = @cns_total, insured_share_total = @insured_share_total
            WHERE id = @id
            """);
        cmd.Parameters.AddWithValue("id", m.Id);
        cmd.Parameters.AddWithValue("status", m.Status.ToString());
        cmd.Parameters.AddWithValue("adjudicated_at", (m.AdjudicatedAt ?? m.ReceivedAt).ToUniversalTime());
        cmd.Parameters.AddWithValue("line_count", m.LineCount);
        cmd.Parameters.AddWithValue("accepted_count", m.AcceptedCount);
        cmd.Parameters.AddWithValue("reduced_count", m.ReducedCount);
        cmd.Parameters.AddWithValue("refused_count", m.RefusedCount);
        cmd.Parameters.AddWithValue("claimed_total", m.ClaimedTotal);
        cmd.Parameters.AddWithValue("tariff_total", m.TariffTotal);
        cmd.Parameters.AddWithValue("cns_total", m.CnsTotal);
        cmd.Parameters.AddWithValue("insured_share_total", m.InsuredShareTotal);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public IEncodedLines EncodeLines(IReadOnlyList<FeeMemoir> memoirs)
    {
        var lines = 0;
        foreach (var m in memoirs) lines += m.Lines.Count;
        var rows = new BinaryCopyRows(lines * EncodedLineBytes);
        var reasons = new ReasonsJson();
        foreach (var m in memoirs)
            foreach (var l in m.Lines)
                EncodeLine(rows, l, reasons.Of(l.Reasons));
        return new EncodedLines(rows);
    }

    /// <summary>About what a line takes in binary COPY (a bench line: 400–500 bytes), so that a batch's buffer seldom grows.</summary>
    private const int EncodedLineBytes = 512;

    private sealed class EncodedLines(BinaryCopyRows rows) : IEncodedLines
    {
        public BinaryCopyRows Rows => rows;
        public void Dispose() => rows.Dispose();
    }

    public async Task WriteMemoirsAsync(IReadOnlyList<FeeMemoir> memoirs, IEncodedLines? lines, IReadOnlyDictionary<Guid, int> sessionsConsumed, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Billing writes run inside a transaction.");
        if (memoirs.Count > 0)
        {
            // The lines' rows were made ahead, off this connection (EncodeLines): the COPY only sends them.
            var rows = ((EncodedLines)(lines ?? throw new ArgumentNullException(nameof(lines), "Memoirs are written with their lines made by EncodeLines."))).Rows;
            await InsertMemoirsAsync(memoirs, ct);
            var roleBefore = await TakeBulkRoleAsync(ct);
            if (roleBefore is null) await CreateStagedTableAsync("fee_memoir_lines", CopyLineColumns, ct);
            await using (var copy = await connection.BeginRawBinaryCopyAsync(
                $"COPY {(roleBefore is null ? "pg_temp.staged_fee_memoir_lines" : "cns.fee_memoir_lines")} ({CopyLineColumns}) FROM STDIN (FORMAT BINARY)", ct))
                await rows.WriteToAsync(copy, ct);
            if (roleBefore is null) await MoveStagedAsync("fee_memoir_lines", CopyLineColumns, ct);
            else await ReturnToRoleAsync(roleBefore, ct);
        }
        if (sessionsConsumed.Count == 0) return;
        // `s.id = ANY(@ids)` lets the planner read the services through their key: joined with the unnested ids alone, it
        // scanned every service of the sandbox (12,500 services among 277,500: 201 ms, 49 ms by key;
        // bench/results/2026-12-06-p5-table-size.md).
        await using var update = Command("""
            UPDATE cns.voucher_services s SET sessions_billed = s.sessions_billed + d.n
            FROM unnest(@ids, @counts) AS d(id, n) WHERE s.id = d.id AND s.id = ANY(@ids)
            """);
        update.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = sessionsConsumed.Keys.ToArray() });
        update.Parameters.Add(new NpgsqlParameter("counts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = sessionsConsumed.Values.ToArray() });
        var updated = await update.ExecuteNonQueryAsync(ct);
        if (updated != sessionsConsumed.Count) throw new InvalidOperationException($"{sessionsConsumed.Count - updated} voucher service(s) vanished while their sessions were consumed.");
    }

    /// <summary>
    /// The planner needs to know that fee_memoir_lines holds lines: with the statistics of an empty or never analysed table,
    /// every index of it looks equally empty, and the paid-lines facts (<see cref="PaidLinesAsync"/>) were read through
    /// the BIL-08 index on sandbox_id alone, i.e. every paid line of the sandbox at every batch of a billing file (34–52 s
    /// for the first 200,000-line file of a fresh database: bench/results/2026-12-02-p2-write-phase.md). Analysed in the
    /// import's transaction, the table's sample includes the lines the transaction wrote (ANALYZE counts the rows its own
    /// transaction inserted); the new statistics invalidate the plans cached for the table. pg_class.reltuples is written
    /// in place, so other sessions see the new count at once and do not analyse again. The ShareUpdateExclusiveLock of
    /// ANALYZE is held until the import commits (it only excludes VACUUM, ANALYZE and schema changes of the table).
    /// </summary>
    public async Task<bool> RefreshLineStatisticsIfBehindAsync(int linesWritten, CancellationToken ct)
    {
        // Behind: fewer lines known than just written (never analysed: -1; analysed while empty: 0). pg_stats cannot tell
        // whether column statistics exist: it hides them from a role under row-level security. (An import that analysed
        // and then rolled back leaves reltuples without column statistics, until autovacuum removes its aborted lines and
        // records the live count again.)
        await using (var known = Command("SELECT c.reltuples FROM pg_catalog.pg_class c WHERE c.oid = 'cns.fee_memoir_lines'::regclass"))
            if (await known.ExecuteScalarAsync(ct) is float reltuples && reltuples >= linesWritten) return false;
        // The application role owns no table: the owner analyses it (a SECURITY DEFINER function of the sandboxes migration).
        await using var analyse = Command("SELECT cns.analyze_fee_memoir_lines()");
        await analyse.ExecuteNonQueryAsync(ct);
        return true;
    }

    /// <summary>
    /// PostgreSQL refuses COPY FROM into a table under row-level security. The lines of a billing file — the one bulk
    /// write whose cost matters (issue 24, P2) — are copied as the application role's bulk role (<c>&lt;role&gt;_bulk</c>,
    /// made at start-up: INSERT on fee_memoir_lines only, BYPASSRLS), taken for this transaction and given back right
    /// after the COPY. The COPY does not name <c>sandbox_id</c>: each line takes the column's default, the session's
    /// sandbox, and a statement trigger refuses any line of another sandbox from a role that bypasses row-level security
    /// (the policy's check, once per statement; the memoirs, written before under the policy, are the lines' parents in
    /// the same sandbox by the references trigger). Without the role (an owner that may not make it), the lines are staged.
    /// Returns the role to go back to, or null when the bulk role was not taken.
    /// </summary>
    private async Task<string?> TakeBulkRoleAsync(CancellationToken ct)
    {
        await using var take = Command("""
            SELECT current_user::text, set_config('role', r.rolname, true) FROM pg_catalog.pg_roles r
            WHERE r.rolname = current_user || '_bulk' AND r.rolbypassrls AND NOT r.rolsuper AND NOT r.rolcanlogin
              AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')
              AND pg_catalog.has_table_privilege(r.oid, 'cns.fee_memoir_lines', 'INSERT')
            """);
        await using var reader = await take.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? reader.GetString(0) : null;
    }

    private async Task ReturnToRoleAsync(string role, CancellationToken ct)
    {
        await using var back = Command("SELECT set_config('role', @role, true)");
        back.Parameters.AddWithValue("role", role);
        await back.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Without the bulk role, the lines are copied into a session temp table of the copied columns only (no default, no
    /// constraint: nothing is evaluated per row there), then inserted in one statement, which the policy checks.
    /// </summary>
    private async Task CreateStagedTableAsync(string table, string columns, CancellationToken ct)
    {
        await using var create = Command($"CREATE TEMP TABLE IF NOT EXISTS staged_{table} ON COMMIT DELETE ROWS AS SELECT {columns} FROM cns.{table} WITH NO DATA");
        await create.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The rows' sandbox is the session's, read once per statement (an InitPlan) instead of the column default evaluated
    /// for each row; the policy's WITH CHECK still compares every row with the session's sandbox.
    /// </summary>
    private async Task MoveStagedAsync(string table, string columns, CancellationToken ct)
    {
        await using var move = Command($"""
            INSERT INTO cns.{table} ({columns}, {SandboxModel.Column}) SELECT {columns}, (SELECT {SandboxModel.CurrentSql}) FROM pg_temp.staged_{table};
            TRUNCATE pg_temp.staged_{table}
            """);
        await move.ExecuteNonQueryAsync(ct);
    }

    // Every column of the tables, named: a column added later must be added to the memoirs' columns below, or here and in
    // the lines' writer (the COPY tests compare both lists with the table's columns).
    internal const string CopyLineColumns =
        "id, memoir_id, provider_id, line_number, source_line, voucher_number, voucher_id, voucher_service_id, hospital_stay_id, matricule, " +
        "insured_id, session_date, act_code, travel, claimed_amount, single_room_surcharge, tariff_amount, rate_percent, cns_amount, " +
        "insured_share, outcome, reasons, payable_amount, contestation_status, created_at, payment_run_id, paid_amount, " +
        "travel_allowance, released_at, competent_fund";

    private static readonly short CopyLineColumnCount = (short)CopyLineColumns.Split(',').Length;

    /// <summary>
    /// Every column of fee_memoirs but sandbox_id, each with its type and its value for a memoir, in the order of
    /// <see cref="MemoirColumns"/> and of the arrays of <see cref="InsertMemoirsAsync"/>.
    /// </summary>
    private static readonly MemoirColumn[] MemoirArrays =
    [
        MemoirColumn.Of("id", NpgsqlDbType.Uuid, m => m.Id),
        MemoirColumn.Of("provider_id", NpgsqlDbType.Uuid, m => m.ProviderId),
        MemoirColumn.Of("reference", NpgsqlDbType.Varchar, m => m.Reference),
        MemoirColumn.Of("source", NpgsqlDbType.Varchar, m => m.Source.ToString()),
        MemoirColumn.Of("billing_file_id", NpgsqlDbType.Uuid, m => m.BillingFileId),
        MemoirColumn.Of("simulation_id", NpgsqlDbType.Uuid, m => m.SimulationId),
        MemoirColumn.Of("hospital_stay_id", NpgsqlDbType.Uuid, m => m.HospitalStayId),
        MemoirColumn.Of("status", NpgsqlDbType.Varchar, m => m.Status.ToString()),
        MemoirColumn.Of("received_at", NpgsqlDbType.TimestampTz, m => m.ReceivedAt.ToUniversalTime()),
        MemoirColumn.Of("received_on", NpgsqlDbType.Date, m => m.ReceivedOn),
        MemoirColumn.Of("due_date", NpgsqlDbType.Date, m => m.DueDate),
        MemoirColumn.Of("adjudicated_at", NpgsqlDbType.TimestampTz, m => m.AdjudicatedAt?.ToUniversalTime()),
        MemoirColumn.Of("line_count", NpgsqlDbType.Integer, m => m.LineCount),
        MemoirColumn.Of("accepted_count", NpgsqlDbType.Integer, m => m.AcceptedCount),
        MemoirColumn.Of("reduced_count", NpgsqlDbType.Integer, m => m.ReducedCount),
        MemoirColumn.Of("refused_count", NpgsqlDbType.Integer, m => m.RefusedCount),
        MemoirColumn.Of("claimed_total", NpgsqlDbType.Numeric, m => m.ClaimedTotal),
        MemoirColumn.Of("tariff_total", NpgsqlDbType.Numeric, m => m.TariffTotal),
        MemoirColumn.Of("cns_total", NpgsqlDbType.Numeric, m => m.CnsTotal),
        MemoirColumn.Of("insured_share_total", NpgsqlDbType.Numeric, m => m.InsuredShareTotal),
        MemoirColumn.Of("source_json", NpgsqlDbType.Jsonb, m => m.SourceJson),
        MemoirColumn.Of("source_line", NpgsqlDbType.Integer, m => m.SourceLine),
        MemoirColumn.Of("voided_at", NpgsqlDbType.TimestampTz, m => m.VoidedAt?.ToUniversalTime()),
        MemoirColumn.Of("void_reason", NpgsqlDbType.Text, m => m.VoidReason),
        MemoirColumn.Of("replaces_memoir_id", NpgsqlDbType.Uuid, m => m.ReplacesMemoirId),
        MemoirColumn.Of("replaced_by_memoir_id", NpgsqlDbType.Uuid, m => m.ReplacedByMemoirId),
    ];

    internal static readonly string MemoirColumns = string.Join(", ", MemoirArrays.Select(c => c.Name));

    /// <summary>The memoirs' INSERT: one array parameter per column (<c>@c0</c>, <c>@c1</c> …), the rows' sandbox the session's, read once.</summary>
    private static readonly string InsertMemoirsSql = $"""
        INSERT INTO cns.fee_memoirs ({MemoirColumns}, {SandboxModel.Column})
        SELECT m.*, (SELECT {SandboxModel.CurrentSql})
        FROM unnest({string.Join(", ", MemoirArrays.Select((_, i) => $"@c{i}"))}) AS m({MemoirColumns})
        """;

    /// <summary>
    /// A batch's memoirs in one INSERT from arrays, one per column, under the policy (its WITH CHECK on each row, as for any
    /// insert). Staged before through a session temp table (its CREATE … IF NOT EXISTS, a COPY with its round trips, an
    /// INSERT … SELECT and a TRUNCATE, which gives the temp table a new file, at each batch), the memoirs of a 1M-line file
    /// took 5.0–7.2 s of its write phase, 2.2–2.3 s of them in the CREATE with the COPY's start and in the TRUNCATE; from
    /// arrays 4.4–5.1 s against 5.4–6.5 s in the same alternated runs (bench/results/2026-12-06-p2-memoirs-from-arrays.md).
    /// </summary>
    private async Task InsertMemoirsAsync(IReadOnlyList<FeeMemoir> memoirs, CancellationToken ct)
    {
        await using var insert = Command(InsertMemoirsSql);
        for (var i = 0; i < MemoirArrays.Length; i++) insert.Parameters.Add(MemoirArrays[i].Values(memoirs, $"c{i}"));
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A column of fee_memoirs: its name, and its values for a batch of memoirs as an array parameter.</summary>
    private sealed record MemoirColumn(string Name, Func<IReadOnlyList<FeeMemoir>, string, NpgsqlParameter> Values)
    {
        public static MemoirColumn Of<T>(string name, NpgsqlDbType type, Func<FeeMemoir, T> value) => new(name, (memoirs, parameter) =>
        {
            var array = new T[memoirs.Count];
            for (var i = 0; i < array.Length; i++) array[i] = value(memoirs[i]);
            return new NpgsqlParameter<T[]>(parameter, NpgsqlDbType.Array | type) { TypedValue = array };
        });
    }

    /// <summary>A line as a row of <see cref="CopyLineColumns"/>, in their order.</summary>
    private static void EncodeLine(BinaryCopyRows w, FeeMemoirLine l, byte[] reasons)
    {
        w.StartRow(CopyLineColumnCount);
        w.Uuid(l.Id);
        w.Uuid(l.MemoirId);
        w.Uuid(l.ProviderId);
        w.Int(l.LineNumber);
        w.Int(l.SourceLine);
        w.Text(l.VoucherNumber);
        w.Uuid(l.VoucherId);
        w.Uuid(l.VoucherServiceId);
        w.Uuid(l.HospitalStayId);
        w.Text(l.Matricule);
        w.Uuid(l.InsuredId);
        w.Date(l.SessionDate);
        w.Text(l.ActCode);
        w.Bool(l.Travel);
        w.Numeric(l.ClaimedAmount);
        w.Numeric(l.SingleRoomSurcharge);
        w.Numeric(l.TariffAmount);
        w.Numeric(l.RatePercent);
        w.Numeric(l.CnsAmount);
        w.Numeric(l.InsuredShare);
        w.Text(l.Outcome.ToString());
        w.Jsonb(reasons);
        w.Numeric(l.PayableAmount);
        w.Text(l.ContestationStatus?.ToString());
        w.TimestampTz(l.CreatedAt);
        // Payment fields: empty until a payment run takes the line (written as they are, so the row is the entity).
        w.Uuid(l.PaymentRunId);
        w.Numeric(l.PaidAmount);
        w.Bool(l.TravelAllowance);
        w.TimestampTz(l.ReleasedAt);
        w.Text(l.CompetentFund);
    }

    /// <summary>Most lines of a file carry the same reasons (the insured share of the same tariff): serialized once each.</summary>
    private sealed class ReasonsJson
    {
        private readonly Dictionary<Reason, byte[]> _single = [];

        public byte[] Of(List<Reason> reasons)
        {
            if (reasons.Count != 1) return JsonSerializer.SerializeToUtf8Bytes(reasons, JsonDefaults.Options);
            if (!_single.TryGetValue(reasons[0], out var json))
            {
                if (_single.Count > 1000) _single.Clear();
                _single[reasons[0]] = json = JsonSerializer.SerializeToUtf8Bytes(reasons, JsonDefaults.Options);
            }
            return json;
        }
    }

    private static void AddLineParameters(NpgsqlCommand cmd, FeeMemoirLine l)
    {
        var p = cmd.Parameters;
        p.AddWithValue("id", l.Id);
        p.AddWithValue("memoir_id", l.MemoirId);
        p.AddWithValue("provider_id", l.ProviderId);
        p.AddWithValue("line_number", l.LineNumber);
        p.Add(Param("source_line", NpgsqlDbType.Integer, l.SourceLine));
        p.Add(Param("voucher_number", NpgsqlDbType.Varchar, l.VoucherNumber));
        p.Add(Uuid("voucher_id", l.VoucherId));
        p.Add(Uuid("voucher_service_id", l.VoucherServiceId));
        p.AddWithValue("matricule", l.Matricule);
        p.Add(Uuid("insured_id", l.InsuredId));
        p.AddWithValue("session_date", l.SessionDate);
        p.AddWithValue("act_code", l.ActCode);
        p.AddWithValue("travel", l.Travel);
        p.AddWithValue("claimed_amount", l.ClaimedAmount);
        p.Add(Param("tariff_amount", NpgsqlDbType.Numeric, l.TariffAmount));
        p.Add(Param("rate_percent", NpgsqlDbType.Numeric, l.RatePercent));
        p.AddWithValue("cns_amount", l.CnsAmount);
        p.AddWithValue("insured_share", l.InsuredShare);
        p.AddWithValue("outcome", l.Outcome.ToString());
        p.Add(new NpgsqlParameter("reasons", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(l.Reasons, JsonDefaults.Options) });
        p.AddWithValue("payable_amount", l.PayableAmount);
        p.AddWithValue("created_at", l.CreatedAt.ToUniversalTime());
        p.Add(Uuid("hospital_stay_id", l.HospitalStayId));
        p.Add(Param("competent_fund", NpgsqlDbType.Varchar, l.CompetentFund));
        p.Add(Param("single_room_surcharge", NpgsqlDbType.Numeric, l.SingleRoomSurcharge));
        p.AddWithValue("travel_allowance", l.TravelAllowance);
    }

    private static NpgsqlParameter Uuid(string name, Guid? value) => Param(name, NpgsqlDbType.Uuid, value);

    /// <summary>A typed parameter that sends SQL NULL for a null value (the type says what the NULL is).</summary>
    private static NpgsqlParameter Param(string name, NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };

    private NpgsqlCommand Command(string sql)
    {
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Billing writes run inside a transaction.");
        return new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction());
    }
}
