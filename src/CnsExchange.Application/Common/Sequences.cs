namespace CnsExchange.Application.Common;

/// <summary>Names of the database sequences the use cases draw numbers from.</summary>
public static class Sequences
{
    public const string VoucherNumber = "voucher_number_seq";
    /// <summary>Payment run numbers (PR-2026-0001).</summary>
    public const string PaymentRunNumber = "payment_run_number_seq";
}
