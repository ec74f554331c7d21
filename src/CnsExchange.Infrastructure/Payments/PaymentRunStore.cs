using CnsExchange.Application.Features.PaymentRuns;
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

    public Task MarkMemoirsInPaymentRunAsync(Guid runId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE cns.fee_memoirs SET status = {InPaymentRun}
            WHERE status = {Adjudicated} AND id IN (SELECT memoir_id FROM cns.fee_memoir_lines WHERE payment_run_id = {runId})
            """, ct);

    // The application role owns no table: the owner analyses it (a SECURITY DEFINER function of the sandboxes migration).
    public Task RefreshLineStatisticsAsync(CancellationToken ct) => db.Database.ExecuteSqlRawAsync("SELECT cns.analyze_fee_memoir_lines()", ct);

    public Task InsertOrdersAsync(PaymentRun run, DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO cns.payment_orders (id, run_id, provider_id, provider_code, provider_name, iban, bic, amount, line_count,
                                            end_to_end_id, remittance_text, created_at)
            SELECT gen_random_uuid(), {run.Id}, p.id, p.code, p.name, p.iban, p.bic, n.order_amount, coalesce(s.lines, 0),
                   {run.Number} || '-' || p.code, 'CNS ' || {run.Number} || ' ' || p.code || ' memoires d''honoraires, tiers payant', {now}
            FROM cns.payment_run_nettings n
            LEFT JOIN (SELECT provider_id, (count(*) FILTER (WHERE payable_amount > 0))::int AS lines
                  FROM cns.fee_memoir_lines WHERE payment_run_id = {run.Id} GROUP BY provider_id) s ON s.provider_id = n.provider_id
            JOIN cns.providers p ON p.id = n.provider_id
            WHERE n.run_id = {run.Id} AND n.order_amount > 0
            ON CONFLICT (sandbox_id, run_id, provider_id) DO NOTHING
            """, ct);

    public Task MarkMemoirsPaidAsync(Guid runId, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH taken AS MATERIALIZED (SELECT DISTINCT memoir_id FROM cns.fee_memoir_lines WHERE payment_run_id = {runId}),
            held AS MATERIALIZED (
              SELECT DISTINCT u.memoir_id FROM cns.fee_memoir_lines u JOIN taken t ON t.memoir_id = u.memoir_id WHERE u.payment_run_id IS NULL)
            UPDATE cns.fee_memoirs m SET status = {Paid}
            FROM taken
            WHERE m.id = taken.memoir_id AND m.status = {InPaymentRun} AND NOT EXISTS (SELECT 1 FROM held WHERE held.memoir_id = m.id)
            """, ct);

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
