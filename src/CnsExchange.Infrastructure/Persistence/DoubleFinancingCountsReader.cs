using CnsExchange.Application.Features.DependencyInsurance;

namespace CnsExchange.Infrastructure.Persistence;

internal sealed class DoubleFinancingCountsReader(AppDbContext db) : IDoubleFinancingCounts
{
    // One pass per source, grouped by provider and month in the database (columns snake_case, as the naming convention
    // maps DoubleFinancingCounts). A request counts when its history ever sent it to review for the overlap: a reviewer's
    // decision replaces its current reasons, not the fact that it was sent (seed 004 asks for the evidence).
    public async Task<IReadOnlyList<DoubleFinancingCounts>> ReadAsync(DateOnly from, DateOnly to, CancellationToken ct) =>
        await db.Database.SqlQuery<DoubleFinancingCounts>($$"""
        WITH requests AS (
            SELECT q.provider_id, date_trunc('month', q.received_on)::date AS month, count(*)::int AS n, array_agg(DISTINCT q.insured_id) AS insured
            FROM cns.care_requests q
            WHERE q.kind = {{nameof(Domain.Requests.RequestKind.PhysioValidation)}}
              AND q.received_on BETWEEN {{from}} AND {{to}}
              AND q.history @> '[{"reasons":[{"code":"DEPENDENCY_INSURANCE_OVERLAP"}]}]'::jsonb
            GROUP BY 1, 2),
        refused AS (
            SELECT provider_id, date_trunc('month', session_date)::date AS month, count(*)::int AS n, sum(claimed_amount) AS amount, array_agg(DISTINCT insured_id) AS insured
            FROM cns.fee_memoir_lines
            WHERE session_date BETWEEN {{from}} AND {{to}} AND reasons @> '[{"code":"DOUBLE_FINANCING"}]'::jsonb
            GROUP BY 1, 2),
        paid AS (
            SELECT l.provider_id, date_trunc('month', l.session_date)::date AS month, count(*)::int AS n, sum(l.payable_amount) AS amount, array_agg(DISTINCT l.insured_id) AS insured
            FROM cns.fee_memoir_lines l
            WHERE l.session_date BETWEEN {{from}} AND {{to}} AND l.payable_amount > 0 AND l.released_at IS NULL -- LIF-02/04: released lines are no longer paid
              AND EXISTS (SELECT 1 FROM cns.care_plans cp WHERE cp.insured_id = l.insured_id AND cp.includes_physiotherapy
                          AND cp."from" <= l.session_date AND (cp."to" IS NULL OR cp."to" >= l.session_date))
            GROUP BY 1, 2),
        keys AS (SELECT provider_id, month FROM requests UNION SELECT provider_id, month FROM refused UNION SELECT provider_id, month FROM paid)
        SELECT k.provider_id AS provider_id, k.month AS month,
               coalesce(r.n, 0) AS requests, coalesce(f.n, 0) AS refused, coalesce(f.amount, 0) AS refused_amount,
               coalesce(p.n, 0) AS paid_during_plan, coalesce(p.amount, 0) AS paid_amount,
               (SELECT count(DISTINCT x)::int FROM unnest(coalesce(r.insured, '{}') || coalesce(f.insured, '{}') || coalesce(p.insured, '{}')) AS x WHERE x IS NOT NULL) AS insured
        FROM keys k
        LEFT JOIN requests r ON r.provider_id = k.provider_id AND r.month = k.month
        LEFT JOIN refused f ON f.provider_id = k.provider_id AND f.month = k.month
        LEFT JOIN paid p ON p.provider_id = k.provider_id AND p.month = k.month
        """).ToListAsync(ct);
}
