using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Payments;

namespace CnsExchange.Domain.Tests.Payments;

/// <summary>Which memoirs a payment run takes lines of, and which billing files are still to process (every form of each).</summary>
public sealed class PaymentOrderStatusTests
{
    [Theory]
    [InlineData(FeeMemoirStatus.Received, false)]
    [InlineData(FeeMemoirStatus.Adjudicated, true)]
    [InlineData(FeeMemoirStatus.InPaymentRun, true)]
    [InlineData(FeeMemoirStatus.Paid, false)]
    [InlineData(FeeMemoirStatus.Voided, false)]
    public void Pay03_a_run_takes_lines_of_adjudicated_memoirs_and_of_those_a_run_took_in_part(FeeMemoirStatus status, bool takes)
    {
        Assert.Equal(takes, PaymentOrders.MemoirWithLinesToTake.Compile()(new FeeMemoir { Reference = "M-1", Status = status }));
    }

    [Theory]
    [InlineData(BillingFileStatus.Received, true)]
    [InlineData(BillingFileStatus.Processing, true)]
    [InlineData(BillingFileStatus.Processed, false)]
    [InlineData(BillingFileStatus.Rejected, false)]
    public void A_billing_file_is_unfinished_until_processed_or_rejected(BillingFileStatus status, bool unfinished)
    {
        Assert.Equal(unfinished, UnfinishedFiles.Is(status));
        Assert.Equal(unfinished, UnfinishedFiles.Statuses.Contains(status));
        Assert.Equal(unfinished, UnfinishedFiles.File.Compile()(new BillingFile { Sha256 = "00", Status = status }));
    }
}
