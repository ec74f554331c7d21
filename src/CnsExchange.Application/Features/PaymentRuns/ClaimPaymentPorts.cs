namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>
/// The set-based writes of the claim payment stage (INS-05) that LINQ does not express; the SQL lives in Infrastructure
/// (<c>ClaimPaymentStore</c>). Runs on the caller's context, connection and transaction.
/// </summary>
public interface IClaimPaymentStore
{
    /// <summary>
    /// INS-05: one transfer per claim the run took whose lines pay more than 0, to the insured's account as it is now,
    /// with the claim's competent fund as debtor. A claim is paid by one transfer ever (unique claim id): a rerun adds nothing.
    /// </summary>
    Task InsertOrdersAsync(PaymentRun run, DateTimeOffset now, CancellationToken ct);
}

/// <summary>The named points of <see cref="IPaymentRunFaults"/> inside the claim payment stage (INS-05).</summary>
public static class ClaimPaymentFaultPoints
{
    /// <summary>Inside the claim step: the claim lines taken, their claims not yet.</summary>
    public const string LinesTaken = "claim_lines:reimbursement_lines_taken";
    /// <summary>Inside the claim step: the claims of the taken lines are in the run.</summary>
    public const string ClaimsTaken = "claim_lines:reimbursement_claims_taken";
    /// <summary>Inside the order step: one transfer per taken claim inserted.</summary>
    public const string OrdersInserted = "build_orders:reimbursement_orders_inserted";
    /// <summary>Inside the file step, after each file of the insured's route is built and added (a fund's pain.001, then each statement).</summary>
    public const string FileBuilt = "write_files:reimbursement_file_built";
    /// <summary>Inside the file step, after a fund's pain.001 and statements are saved.</summary>
    public const string FundWritten = "write_files:reimbursement_fund_written";
    /// <summary>Inside the marking step: the taken claim lines marked paid, the claims not yet.</summary>
    public const string LinesPaid = "mark_paid:reimbursement_lines_paid";
    /// <summary>Inside the marking step: the claims paid, the run not closed yet.</summary>
    public const string ClaimsPaid = "mark_paid:reimbursement_claims_paid";

    public static readonly IReadOnlyList<string> All = [LinesTaken, ClaimsTaken, OrdersInserted, FileBuilt, FundWritten, LinesPaid, ClaimsPaid];
}
