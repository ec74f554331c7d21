using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Payments;
using CnsExchange.Domain.Reimbursement;

namespace CnsExchange.Infrastructure.Payments;

/// <summary>The set-based SQL of the claim payment stage (INS-05), on the caller's context and transaction.</summary>
internal sealed class ClaimPaymentStore(AppDbContext db) : IClaimPaymentStore
{
    // Outcomes as the entity configuration stores them (HasConversion<string>: the enum's name), sent as parameters.
    private const string Accepted = nameof(ClaimLineOutcome.Accepted);
    private const string Reduced = nameof(ClaimLineOutcome.Reduced);

    public Task InsertOrdersAsync(PaymentRun run, DateTimeOffset now, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO cns.claim_payment_orders (id, run_id, claim_id, fund, insured_id, creditor_name, iban, bic, amount, line_count,
                                                  end_to_end_id, remittance_text, created_at)
            SELECT gen_random_uuid(), {run.Id}, c.id, c.competent_fund, i.id, left(i.first_name || ' ' || i.last_name, 250), i.iban, i.bic, s.amount, s.lines,
                   replace(c.id::text, '-', ''),
                   left(c.competent_fund || ' ' || {run.Number} || ' remboursement ' || coalesce('facture ' || c.invoice_number, 'demande ' || replace(c.id::text, '-', '')), 140),
                   {now}
            FROM cns.reimbursement_claims c
            JOIN cns.insured i ON i.id = c.insured_id
            JOIN (SELECT claim_id, sum(reimbursed_amount) AS amount, count(*)::int AS lines
                  FROM cns.reimbursement_claim_lines
                  WHERE payment_run_id = {run.Id} AND outcome IN ({Accepted}, {Reduced}) AND reimbursed_amount > 0
                  GROUP BY claim_id) s ON s.claim_id = c.id
            WHERE c.payment_run_id = {run.Id}
            ORDER BY c.id
            ON CONFLICT (claim_id) DO NOTHING
            """, ct);
}
