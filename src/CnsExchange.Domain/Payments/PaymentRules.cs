using System.Linq.Expressions;
using CnsExchange.Domain.Billing;

namespace CnsExchange.Domain.Payments;

/// <summary>PAY-01: CNS pays a memoir within the due days of its receipt; every adjudicated memoir carries that due date.</summary>
public static class PaymentDeadline
{
    public const string Rule = "PAY-01";
    public const string DueDaysParameter = "billing.payment_due_days";

    public static DateOnly DueDate(DateOnly receivedOn, ReferenceCatalog catalog) =>
        receivedOn.AddDays((int)catalog.Parameter(DueDaysParameter, receivedOn));
}

/// <summary>PAY-03: a run takes every adjudicated, unpaid line exactly once; one payment order per provider per run.</summary>
public static class PaymentOrders
{
    public const string Rule = "PAY-03";

    /// <summary>
    /// The memoirs whose unpaid lines a run takes: adjudicated, or in a payment run that took some of their lines already
    /// (a line with a pending contestation waits for a later run). Received, paid and voided memoirs give none.
    /// </summary>
    public static readonly Expression<Func<FeeMemoir, bool>> MemoirWithLinesToTake =
        m => m.Status == FeeMemoirStatus.Adjudicated || m.Status == FeeMemoirStatus.InPaymentRun;
}

/// <summary>PAY-04: a run produces one ISO 20022 pain.001 credit-transfer file for all its orders.</summary>
public static class CreditTransferFile
{
    public const string Rule = "PAY-04";
}

/// <summary>PAY-05: each provider of a run gets a return file listing every line not paid or paid in part; lines paid in full are summarised.</summary>
public static class ReturnFiles
{
    public const string Rule = "PAY-05";
}

/// <summary>PAY-06: a run is idempotent and crash-safe; a closed run and its files are immutable and reproducible.</summary>
public static class RunIdempotence
{
    public const string Rule = "PAY-06";
}

/// <summary>PAY-07: lines refused at adjudication are reported in the next return file and never paid.</summary>
public static class RefusedLinesReported
{
    public const string Rule = "PAY-07";
}
