using System.Text.Json;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Payments;

namespace CnsExchange.Infrastructure.Payments;

/// <summary>The set-based SQL of payment runs (PAY-01…PAY-06), on the caller's context and transaction.</summary>
internal sealed class PaymentRunStore(AppDbContext db) : IPaymentRunStore
{
    // Statuses as the entity configuration stores them (HasConversion<string>: the enum's name), sent as parameters.
    private const string Pending = nameof(ContestationStatus.Pending);
    private const string Lapsed = nameof(ContestationStatus.Lapsed);
    private const string Adjudicated = nameof(FeeMemoirStatus.Adjudicated);
    private const string InPaymentRun = nameof(FeeMemoirStatus.InPaymentRun);
    private const string Paid = nameof(FeeMemoirStatus.Paid);
    private const string Created = nameof(PaymentRunStatus.Created);
    private const string Accepted = nameof(LineOutcome.Accepted);

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

    // One read of the run's lines gives both the memoirs to mark and the run's counts (columns snake_case, as the naming
    // convention maps TakenCounts).
    public async Task<TakenCounts> MarkMemoirsInPaymentRunAsync(Guid runId, CancellationToken ct) =>
        (await db.Database.SqlQuery<TakenCounts>($"""
            WITH taken AS MATERIALIZED (
              SELECT memoir_id, provider_id, count(*) AS lines FROM cns.fee_memoir_lines WHERE payment_run_id = {runId} GROUP BY memoir_id, provider_id),
            marked AS (
              UPDATE cns.fee_memoirs m SET status = {InPaymentRun} FROM taken t WHERE m.id = t.memoir_id AND m.status = {Adjudicated})
            SELECT coalesce(sum(lines), 0)::int AS lines, count(*)::int AS memoirs, count(DISTINCT provider_id)::int AS providers FROM taken
            """).ToListAsync(ct)).Single();

    // The application role owns no table: the owner analyses it, the run column only (a SECURITY DEFINER function of
    // migration LineStatisticsPerCaller).
    public Task RefreshLineStatisticsAsync(CancellationToken ct) => db.Database.ExecuteSqlRawAsync("SELECT cns.analyze_fee_memoir_lines_run_column()", ct);

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
            ON CONFLICT (run_id, provider_id) DO NOTHING
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

    /// <summary>
    /// The provider's lines of the run are read once (the CTE, materialised), then split: the lines the file lists
    /// (refused or reduced at adjudication, or no longer payable in full, CUR-09) one row each with their memoir's
    /// reference, and one row of the count and sums of the others (accepted and payable in full). The reference is looked
    /// up by primary key per listed line: the planner knows nothing of the CTE's rows, and a join may scan every memoir.
    /// </summary>
    public async Task<(IReadOnlyList<ListedLine> Listed, AcceptedLinesSummary Accepted)> ReadReturnFileLinesAsync(Guid runId, Guid providerId,
        CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<ReturnFileRow>($"""
            WITH p AS MATERIALIZED (
              SELECT l.outcome <> {Accepted} OR l.payable_amount < l.cns_amount AS listed, l.memoir_id, l.line_number, l.voucher_number, l.matricule,
                     l.session_date, l.act_code, l.claimed_amount, l.cns_amount, l.payable_amount, coalesce(l.paid_amount, l.payable_amount) AS paid_amount,
                     l.outcome, l.reasons, l.competent_fund
              FROM cns.fee_memoir_lines l
              WHERE l.payment_run_id = {runId} AND l.provider_id = {providerId})
            SELECT true AS listed, p.memoir_id, (SELECT m.reference FROM cns.fee_memoirs m WHERE m.id = p.memoir_id) AS reference, p.line_number,
                   p.voucher_number, p.matricule, p.session_date, p.act_code, p.claimed_amount, p.cns_amount, p.payable_amount, p.paid_amount,
                   p.outcome, p.reasons::text AS reasons, p.competent_fund, NULL::int AS accepted_lines, NULL::int AS accepted_paid_lines
            FROM p
            WHERE p.listed
            UNION ALL
            SELECT false, NULL, NULL, NULL, NULL, NULL, NULL, NULL, sum(p.claimed_amount), sum(p.cns_amount), sum(p.payable_amount), sum(p.paid_amount),
                   NULL, NULL, NULL, count(*)::int, (count(*) FILTER (WHERE p.paid_amount > 0))::int
            FROM p
            WHERE NOT p.listed
            """).ToListAsync(ct);
        var listed = rows.Where(r => r.Listed).Select(r => new ListedLine(r.MemoirId!.Value, r.Reference!, r.LineNumber!.Value, r.VoucherNumber,
            r.Matricule!, r.SessionDate!.Value, r.ActCode!, r.ClaimedAmount!.Value, r.CnsAmount!.Value, r.PayableAmount!.Value, r.PaidAmount!.Value,
            Enum.Parse<LineOutcome>(r.Outcome!), JsonSerializer.Deserialize<List<Reason>>(r.Reasons!, JsonDefaults.Options) ?? [])
        {
            CompetentFund = r.CompetentFund,
        }).ToList();
        // None when every line is listed (no sums of no line).
        var accepted = rows.Single(r => !r.Listed) is { AcceptedLines: > 0 } a
            ? new AcceptedLinesSummary(a.AcceptedLines.Value, a.AcceptedPaidLines!.Value, a.ClaimedAmount!.Value, a.CnsAmount!.Value,
                a.PayableAmount!.Value, a.PaidAmount!.Value)
            : AcceptedLinesSummary.None;
        return (listed, accepted);
    }

    /// <summary>A row of <see cref="ReadReturnFileLinesAsync"/>: a listed line, or the one row of the accepted lines' count and sums.</summary>
    private sealed record ReturnFileRow(bool Listed, Guid? MemoirId, string? Reference, int? LineNumber, string? VoucherNumber, string? Matricule,
        DateOnly? SessionDate, string? ActCode, decimal? ClaimedAmount, decimal? CnsAmount, decimal? PayableAmount, decimal? PaidAmount,
        string? Outcome, string? Reasons, string? CompetentFund, int? AcceptedLines, int? AcceptedPaidLines);

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
