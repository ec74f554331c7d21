using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Payments;

namespace CnsExchange.Domain.Tests.Payments;

/// <summary>Which memoirs a payment run takes lines of, and which billing files are still to process, in both their forms.</summary>
public sealed class PaymentOrderStatusTests
{
    private static bool QueryTakesLinesOf(FeeMemoirStatus status) =>
        PaymentOrders.MemoirWithLinesToTake.Compile()(new FeeMemoir { Reference = "M-1", Status = status });

    [Theory]
    [InlineData(FeeMemoirStatus.Received, false)]
    [InlineData(FeeMemoirStatus.Adjudicated, true)]
    [InlineData(FeeMemoirStatus.InPaymentRun, true)]
    [InlineData(FeeMemoirStatus.Paid, false)]
    [InlineData(FeeMemoirStatus.Voided, false)]
    public void Pay03_a_run_takes_lines_of_adjudicated_memoirs_and_of_those_a_run_took_in_part(FeeMemoirStatus status, bool takes)
    {
        Assert.Equal(takes, PaymentOrders.TakesLinesOf(status));
        Assert.Equal(takes, QueryTakesLinesOf(status));
    }

    [Fact]
    public void Pay03_every_memoir_status_is_decided_alike_in_both_forms()
    {
        foreach (var status in Enum.GetValues<FeeMemoirStatus>())
            Assert.Equal(PaymentOrders.TakesLinesOf(status), QueryTakesLinesOf(status));
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
