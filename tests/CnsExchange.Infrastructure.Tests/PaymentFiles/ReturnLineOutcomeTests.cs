using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Common;
using CnsExchange.Infrastructure.Payments.Files;
using static CnsExchange.Infrastructure.Tests.PaymentFiles.PaymentFileSamples;

namespace CnsExchange.Infrastructure.Tests.PaymentFiles;

/// <summary>PAY-05/07: a listed line keeps the memoir's outcome and amounts, whatever a contestation changed. Pure: no database.</summary>
public sealed class ReturnLineOutcomeTests
{
    private static ReturnFileLine Overturned(decimal payable, decimal paid) =>
        new(MemoirB, "MEM-2026-121", 1, "K26-0001007-2", "2012051469331", new DateOnly(2026, 11, 16), "ZK11", 36.80m, 0m, payable, paid, LineOutcome.Refused,
            ReturnFileReason.Render(ReferenceData, [Reason.Refusal("SESSIONS_EXHAUSTED", "BIL-06", detail: "1/1"),
                Reason.Information("CONTESTATION_OVERTURNED", "BIL-15", detail: "36.80")], "en"));

    [Theory]
    [InlineData("0.00", "0.00", true)]
    [InlineData("36.80", "36.80", true)]   // a contestation overturned at 100 %: payable, and paid
    [InlineData("0.00", "0.01", false)]    // PAY-07: a refused line with nothing payable is never paid
    [InlineData("25.00", "25.01", false)]
    public void Pay07_a_listed_line_is_paid_at_most_what_is_payable(string payable, string paid, bool valid)
    {
        var file = ReturnFile(lines: [Overturned(decimal.Parse(payable, System.Globalization.CultureInfo.InvariantCulture),
            decimal.Parse(paid, System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(valid, file.Problems().Count == 0);
    }

    [Fact]
    public void Cur09_an_accepted_line_whose_payment_an_interruption_stopped_is_listed_accepted_paid_nothing_and_the_xml_validates()
    {
        var stopped = new ReturnFileLine(MemoirB, "MEM-2026-122", 2, "K26-0001007-2", "2012051469331", new DateOnly(2026, 11, 17), "T200", 35.00m, 28.00m,
            0m, 0m, LineOutcome.Accepted, ReturnFileReason.Render(ReferenceData, [Reason.Refusal("CURE_INTERRUPTED", "CUR-09", "sessionDate", "2026-11-17")], "en"));
        var file = ReturnFile(lines: [stopped]);
        Assert.Empty(file.Problems());
        var writer = new ReturnFileWriter();
        var xml = writer.Write(file, ReturnFileFormat.Xml);
        Assert.Empty(PaymentFileSchemas.Validate(xml.Content, PaymentFileSchemas.ReturnFile));
        Assert.Contains("<Outcome>accepted</Outcome>", System.Text.Encoding.UTF8.GetString(xml.Content));
        var row = ReturnFileCsv.Read(writer.Write(file, ReturnFileFormat.Csv).Content)[0];
        Assert.Equal(("accepted", 0m, 0m, "CURE_INTERRUPTED"), (row.Outcome, row.PayableAmount, row.PaidAmount, row.ReasonCodes));
        // Still payable in full, an accepted line is summarised, never listed.
        Assert.NotEmpty(ReturnFile(lines: [stopped with { PayableAmount = 28.00m, PaidAmount = 28.00m }]).Problems());
    }

    [Fact]
    public void A_refused_line_paid_after_an_overturned_contestation_stays_refused_in_every_format_and_the_xml_validates()
    {
        var file = ReturnFile(lines: [Overturned(36.80m, 36.80m)]);
        var writer = new ReturnFileWriter();
        var xml = writer.Write(file, ReturnFileFormat.Xml);
        Assert.Empty(PaymentFileSchemas.Validate(xml.Content, PaymentFileSchemas.ReturnFile));
        Assert.Contains("<Outcome>refused</Outcome>", System.Text.Encoding.UTF8.GetString(xml.Content));
        Assert.Contains("<PayableAmount>36.80</PayableAmount>", System.Text.Encoding.UTF8.GetString(xml.Content));
        Assert.Contains("\"outcome\": \"refused\"", System.Text.Encoding.UTF8.GetString(writer.Write(file, ReturnFileFormat.Json).Content));
        var row = ReturnFileCsv.Read(writer.Write(file, ReturnFileFormat.Csv).Content)[0];
        Assert.Equal(("refused", 36.80m, 36.80m, 1), (row.Outcome, row.PayableAmount, row.PaidAmount, row.PaidLines));
        Assert.Equal(Accepted.PaidLines + 1, file.Totals.PaidLines);
    }
}
