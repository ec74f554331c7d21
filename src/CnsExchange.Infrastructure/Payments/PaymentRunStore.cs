using System.Text.Json;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Payments;

namespace CnsExchange.Infrastructure.Payments;

/// <summary>The set-based SQL of payment runs (PAY-01…PAY-06), on the caller's context and transaction.</summary>
internal sealed class PaymentRunStore(AppDbContext db) : IPaymentRunStore
{
    // Statuses as the entity configuration stores them (HasConversion<string>: the enum's name), sent as parameters (in
    // the reads below, written into the SQL).
    private const string Pending = nameof(ContestationStatus.Pending);
    private const string Lapsed = nameof(ContestationStatus.Lapsed);
    private const string Adjudicated = nameof(FeeMemoirStatus.Adjudicated);
    private const string InPaymentRun = nameof(FeeMemoirStatus.InPaymentRun);
    private const string Paid = nameof(FeeMemoirStatus.Paid);
    private const string Created = nameof(PaymentRunStatus.Created);
    private const string Accepted = nameof(LineOutcome.Accepted);

    /// <summary>
    /// The provider's lines of the run are read once (the CTE, materialised), then split: the lines the file lists
    /// (refused or reduced at adjudication, or no longer payable in full, CUR-09) one row each with their memoir's
    /// reference, and one row of the count and sums of the others (accepted and payable in full). The reference is looked
    /// up by primary key per listed line: the planner knows nothing of the CTE's rows, and a join may scan every memoir.
    /// </summary>
    private const string ReturnFileLinesSql = $"""
        WITH p AS MATERIALIZED (
          SELECT l.outcome <> '{Accepted}' OR l.payable_amount < l.cns_amount AS listed, l.memoir_id, l.line_number, l.voucher_number, l.matricule,
                 l.session_date, l.act_code, l.claimed_amount, l.cns_amount, l.payable_amount, coalesce(l.paid_amount, l.payable_amount) AS paid_amount,
                 l.outcome, l.reasons, l.competent_fund
          FROM cns.fee_memoir_lines l
          WHERE l.payment_run_id = $1 AND l.provider_id = $2)
        SELECT true, p.memoir_id, (SELECT m.reference FROM cns.fee_memoirs m WHERE m.id = p.memoir_id), p.line_number, p.voucher_number,
               p.matricule, p.session_date, p.act_code, p.claimed_amount, p.cns_amount, p.payable_amount, p.paid_amount, p.outcome,
               p.reasons::text, p.competent_fund, NULL::int, NULL::int
        FROM p
        WHERE p.listed
        UNION ALL
        SELECT false, NULL, NULL, NULL, NULL, NULL, NULL, NULL, sum(p.claimed_amount), sum(p.cns_amount), sum(p.payable_amount), sum(p.paid_amount),
               NULL, NULL, NULL, count(*)::int, (count(*) FILTER (WHERE p.paid_amount > 0))::int
        FROM p
        WHERE NOT p.listed
        """;

    public Task PrepareStepAsync(CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off", ct);

    public Task LapseContestationsAsync(PaymentRun run, string lapsedReason, string decidedBy, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH lapsed AS (
              UPDATE cns.line_contestations c
              SET status = {Lapsed}, decided_at = {run.AsOf}, decided_by = {decidedBy}, payable_after = l.payable_amount,
                  decision_note = 'Not decided before the memoir''s last payment run due on time; paid as adjudicated.'
              FROM cns.fee_memoir_lines l
              WHERE l.id = c.line_id AND l.payment_run_id = {run.Id} AND c.status = {Pending}
              RETURNING c.line_id)
            UPDATE cns.fee_memoir_lines SET contestation_status = {Lapsed}, reasons = reasons || {lapsedReason}::jsonb
            WHERE id IN (SELECT line_id FROM lapsed)
            """, ct);

    public async Task<TakenCounts> MarkMemoirsInPaymentRunAsync(Guid runId, CancellationToken ct)
    {
        // One read of the run's lines gives both the memoirs to mark and the run's counts.
        await using var reader = await ReadAsync($"""
            WITH taken AS MATERIALIZED (
              SELECT memoir_id, provider_id, count(*) AS lines FROM cns.fee_memoir_lines WHERE payment_run_id = $1 GROUP BY memoir_id, provider_id),
            marked AS (
              UPDATE cns.fee_memoirs m SET status = '{InPaymentRun}' FROM taken t WHERE m.id = t.memoir_id AND m.status = '{Adjudicated}')
            SELECT coalesce(sum(lines), 0)::int, count(*)::int, count(DISTINCT provider_id)::int FROM taken
            """, [runId], ct);
        await reader.ReadAsync(ct);
        return new TakenCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
    }

    // The application role owns no table: the owner analyses it (a SECURITY DEFINER function of the sandboxes migration),
    // the run column only since migration LineStatisticsOfTheRunColumn.
    public Task RefreshLineStatisticsAsync(CancellationToken ct) => db.Database.ExecuteSqlRawAsync("SELECT cns.analyze_fee_memoir_lines()", ct);

    // The providers' paid-line counts come with the netting's read of the run's lines (not a second read of them here).
    public Task InsertOrdersAsync(PaymentRun run, IReadOnlyDictionary<Guid, int> paidLines, DateTimeOffset now, CancellationToken ct)
    {
        var providers = paidLines.Keys.ToArray();
        var lines = providers.Select(p => paidLines[p]).ToArray();
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO cns.payment_orders (id, run_id, provider_id, provider_code, provider_name, iban, bic, amount, line_count,
                                            end_to_end_id, remittance_text, created_at)
            SELECT gen_random_uuid(), {run.Id}, p.id, p.code, p.name, p.iban, p.bic, n.order_amount, coalesce(s.lines, 0),
                   {run.Number} || '-' || p.code, 'CNS ' || {run.Number} || ' ' || p.code || ' memoires d''honoraires, tiers payant', {now}
            FROM cns.payment_run_nettings n
            LEFT JOIN unnest({providers}::uuid[], {lines}::int[]) AS s(provider_id, lines) ON s.provider_id = n.provider_id
            JOIN cns.providers p ON p.id = n.provider_id
            WHERE n.run_id = {run.Id} AND n.order_amount > 0
            ON CONFLICT (sandbox_id, run_id, provider_id) DO NOTHING
            """, ct);
    }

    public Task MarkMemoirsPaidAsync(Guid runId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH taken AS MATERIALIZED (SELECT DISTINCT memoir_id FROM cns.fee_memoir_lines WHERE payment_run_id = {runId}),
            held AS MATERIALIZED (
              SELECT DISTINCT u.memoir_id FROM cns.fee_memoir_lines u JOIN taken t ON t.memoir_id = u.memoir_id WHERE u.payment_run_id IS NULL)
            UPDATE cns.fee_memoirs m SET status = {Paid}
            FROM taken
            WHERE m.id = taken.memoir_id AND m.status = {InPaymentRun} AND NOT EXISTS (SELECT 1 FROM held WHERE held.memoir_id = m.id)
            """, ct);

    public async Task<(IReadOnlyList<ListedLine> Listed, AcceptedLinesSummary Accepted)> ReadReturnFileLinesAsync(Guid runId, Guid providerId,
        CancellationToken ct)
    {
        var listed = new List<ListedLine>();
        var accepted = AcceptedLinesSummary.None;
        await using var reader = await ReadAsync(ReturnFileLinesSql, [runId, providerId], ct);
        while (await reader.ReadAsync(ct))
        {
            if (!reader.GetBoolean(0))
            {
                // None when every line is listed (no sums of no line).
                var count = reader.GetInt32(15);
                if (count > 0)
                    accepted = new AcceptedLinesSummary(count, reader.GetInt32(16), reader.GetDecimal(8), reader.GetDecimal(9), reader.GetDecimal(10),
                        reader.GetDecimal(11));
                continue;
            }
            listed.Add(new ListedLine(reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5), reader.GetFieldValue<DateOnly>(6), reader.GetString(7), reader.GetDecimal(8), reader.GetDecimal(9),
                reader.GetDecimal(10), reader.GetDecimal(11), Enum.Parse<LineOutcome>(reader.GetString(12)),
                JsonSerializer.Deserialize<List<Reason>>(reader.GetString(13), JsonDefaults.Options) ?? [])
            {
                CompetentFund = reader.IsDBNull(14) ? null : reader.GetString(14),
            });
        }
        return (listed, accepted);
    }

    /// <summary>
    /// Runs a query on the context's connection (and its transaction, with the step's command timeout); the connection,
    /// opened for it when the context had not, is given back when the reader is disposed.
    /// </summary>
    private async Task<RowReader> ReadAsync(string sql, object[] parameters, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var cmd = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection()) { CommandTimeout = db.Database.GetCommandTimeout() ?? 30 };
            foreach (var value in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = value });
            return new RowReader(db, cmd, await cmd.ExecuteReaderAsync(ct));
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    public Task InsertScheduledRunAsync(Guid id, string number, string key, PaymentRunTrigger trigger, DateTimeOffset asOf, DateOnly executionDate,
        DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO cns.payment_runs (id, number, slot_key, trigger, as_of, execution_date, status, started_by, created_at,
                memoir_count, line_count, paid_line_count, unpaid_line_count, provider_count, order_count, total_amount, file_count, failed_attempts)
            VALUES ({id}, {number}, {key}, {trigger.ToString()}, {asOf}, {executionDate}, {Created}, 'scheduler', {now}, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            ON CONFLICT (sandbox_id, slot_key) DO NOTHING
            """, ct);

    public Task AdvanceSchedulerAsync(int stateRow, DateTimeOffset at, DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO cns.payment_scheduler_state (id, evaluated_through, updated_at) VALUES ({stateRow}, {at}, {now})
            ON CONFLICT (sandbox_id, id) DO UPDATE SET evaluated_through = GREATEST(payment_scheduler_state.evaluated_through, EXCLUDED.evaluated_through),
                                           updated_at = EXCLUDED.updated_at
            """, ct);
}

/// <summary>A data reader that disposes its command and gives the context's connection back.</summary>
internal sealed class RowReader(AppDbContext db, NpgsqlCommand command, NpgsqlDataReader reader) : IAsyncDisposable
{
    public Task<bool> ReadAsync(CancellationToken ct) => reader.ReadAsync(ct);
    public bool GetBoolean(int i) => reader.GetBoolean(i);
    public int GetInt32(int i) => reader.GetInt32(i);
    public decimal GetDecimal(int i) => reader.GetDecimal(i);
    public Guid GetGuid(int i) => reader.GetGuid(i);
    public string GetString(int i) => reader.GetString(i);
    public bool IsDBNull(int i) => reader.IsDBNull(i);
    public T GetFieldValue<T>(int i) => reader.GetFieldValue<T>(i);

    public async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync();
        await command.DisposeAsync();
        await db.Database.CloseConnectionAsync();
    }
}
