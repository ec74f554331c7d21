using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Domain.Common;
using CnsExchange.Infrastructure.Payments.Files;
using static CnsExchange.Infrastructure.Tests.PaymentFiles.PaymentFileSamples;

namespace CnsExchange.Infrastructure.Tests.PaymentFiles;

/// <summary>PAY-05: the outcome of a line a return file lists, from what it claimed and what the run pays. Pure: no database.</summary>
public sealed class ReturnLineOutcomeTests
{
    [Theory]
    [InlineData("36.80", "0.00", ReturnLineOutcome.Refused)]
    [InlineData("36.80", "0.01", ReturnLineOutcome.PaidInPart)]
    [InlineData("45.00", "25.76", ReturnLineOutcome.PaidInPart)]
    [InlineData("36.80", "36.79", ReturnLineOutcome.PaidInPart)]
    [InlineData("36.80", "36.80", ReturnLineOutcome.PaidInFull)] // e.g. a contestation overturned at 100 %
    public void Pay07_a_listed_line_is_refused_paid_in_part_or_paid_in_full(string claimed, string paid, ReturnLineOutcome expected) =>
        Assert.Equal(expected, ReturnLineOutcomes.Of(decimal.Parse(claimed, System.Globalization.CultureInfo.InvariantCulture),
            decimal.Parse(paid, System.Globalization.CultureInfo.InvariantCulture)));

    private static ReturnFileLine Overturned(decimal paid, ReturnLineOutcome outcome) =>
        new(MemoirB, "MEM-2026-121", 1, "K26-0001007-2", "2012051469331", new DateOnly(2026, 11, 16), "ZK11", 36.80m, 0m, paid, outcome,
            ReturnFileReason.Render(ReferenceData, [Reason.Refusal("SESSIONS_EXHAUSTED", "BIL-06", detail: "1/1"),
                Reason.Information("CONTESTATION_OVERTURNED", "BIL-15", detail: "36.80")], "en"));

    [Fact]
    public void A_line_paid_in_full_after_an_overturned_contestation_is_written_in_every_format_and_the_xml_validates()
    {
        var file = ReturnFile(lines: [Overturned(36.80m, ReturnLineOutcome.PaidInFull)]);
        var writer = new ReturnFileWriter();
        var xml = writer.Write(file, ReturnFileFormat.Xml);
        Assert.Empty(PaymentFileSchemas.Validate(xml.Content, PaymentFileSchemas.ReturnFile));
        Assert.Contains("<Outcome>paid_in_full</Outcome>", System.Text.Encoding.UTF8.GetString(xml.Content));
        Assert.Contains("\"outcome\": \"paid_in_full\"", System.Text.Encoding.UTF8.GetString(writer.Write(file, ReturnFileFormat.Json).Content));
        Assert.Equal("paid_in_full", ReturnFileCsv.Read(writer.Write(file, ReturnFileFormat.Csv).Content)[0].Outcome);
    }

    [Fact]
    public void A_line_called_paid_in_full_that_is_paid_less_than_claimed_is_refused()
    {
        var file = ReturnFile(lines: [Overturned(25.76m, ReturnLineOutcome.PaidInFull)]);
        Assert.Contains(file.Problems(), p => p.Contains("paid in full", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new ReturnFileWriter().Write(file, ReturnFileFormat.Json));
    }
}
