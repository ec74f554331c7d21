using CnsExchange.Domain.Common;
using CnsExchange.Domain.Reimbursement;
using CnsExchange.Domain.Tests.Support;

namespace CnsExchange.Domain.Tests.Reimbursement;

/// <summary>INS-05: the competent fund pays the insured, by payment runs, within 30 days of the claim, with a statement.</summary>
public sealed class ClaimPaymentRuleTests
{
    [Theory]
    // outcome, reimbursed → what the line pays the insured
    [InlineData(ClaimLineOutcome.Accepted, "25.76", "25.76")]
    [InlineData(ClaimLineOutcome.Reduced, "21.00", "21.00")]
    [InlineData(ClaimLineOutcome.Refused, "0", "0")]
    [InlineData(ClaimLineOutcome.Pending, "0", "0")]
    [InlineData(ClaimLineOutcome.Refused, "12.00", "0")] // a refused line never pays, whatever is stored
    [InlineData(ClaimLineOutcome.Accepted, "0", "0")]
    public void Ins05_a_decided_line_pays_its_reimbursed_amount_and_a_refused_one_nothing(ClaimLineOutcome outcome, string reimbursed, string paid) =>
        Assert.Equal(decimal.Parse(paid, System.Globalization.CultureInfo.InvariantCulture),
            ClaimPayment.PaidAmount(outcome, decimal.Parse(reimbursed, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    // status, reimbursed total, account known, already taken → a run may take it
    [InlineData(ClaimStatus.Adjudicated, "25.76", true, false, true)]
    [InlineData(ClaimStatus.Adjudicated, "25.76", false, false, false)] // no account: it waits
    [InlineData(ClaimStatus.Adjudicated, "0", true, false, false)]      // nothing to pay
    [InlineData(ClaimStatus.Adjudicated, "25.76", true, true, false)]   // taken by a run already: paid once
    [InlineData(ClaimStatus.Pending, "25.76", true, false, false)]      // a line waits for a reviewer
    [InlineData(ClaimStatus.Refused, "0", true, false, false)]
    [InlineData(ClaimStatus.Paid, "25.76", true, true, false)]
    public void Ins05_a_run_takes_a_decided_claim_with_something_to_pay_and_an_account_once(ClaimStatus status, string total, bool account, bool taken, bool payable) =>
        Assert.Equal(payable, ClaimPayment.Payable(status, decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture), account, taken));

    [Theory]
    // status, reimbursed total, account known, paid → state, payment reason code, severity
    [InlineData(ClaimStatus.Adjudicated, "25.76", true, false, ClaimPaymentState.Scheduled, "REIMBURSEMENT_SCHEDULED", ReasonSeverity.Information)]
    [InlineData(ClaimStatus.Adjudicated, "25.76", false, false, ClaimPaymentState.WaitingForBankAccount, "BANK_ACCOUNT_MISSING", ReasonSeverity.Pending)]
    [InlineData(ClaimStatus.Adjudicated, "25.76", true, true, ClaimPaymentState.Paid, "REIMBURSEMENT_TRANSFERRED", ReasonSeverity.Information)]
    [InlineData(ClaimStatus.Paid, "25.76", true, true, ClaimPaymentState.Paid, "REIMBURSEMENT_TRANSFERRED", ReasonSeverity.Information)]
    [InlineData(ClaimStatus.Adjudicated, "0", true, false, ClaimPaymentState.NothingToPay, "NOTHING_REIMBURSED", ReasonSeverity.Information)]
    [InlineData(ClaimStatus.Adjudicated, "0", false, false, ClaimPaymentState.NothingToPay, "NOTHING_REIMBURSED", ReasonSeverity.Information)]
    [InlineData(ClaimStatus.Pending, "25.76", false, false, ClaimPaymentState.PendingReview, "CLAIM_UNDER_REVIEW", ReasonSeverity.Pending)]
    [InlineData(ClaimStatus.Refused, "0", true, false, ClaimPaymentState.Refused, null, null)]
    public void Ins05_the_statement_says_where_the_payment_stands_and_why(ClaimStatus status, string total, bool account, bool paid, ClaimPaymentState state,
        string? code, ReasonSeverity? severity)
    {
        var actual = ClaimPayment.StateOf(status, decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture), account, paid);
        Assert.Equal(state, actual);
        var reason = ClaimPayment.StatementReason(actual, new DateOnly(2026, 12, 20), "25.76 € → LU03…5678, 2026-11-30, PR-2026-0001");
        Assert.Equal((code, severity), (reason?.Code, reason?.Severity));
        if (reason is not null) Assert.Equal(ClaimPayment.Rule, reason.Rule);
    }

    [Theory]
    // submitted on → due (claim + reimbursement.payment_due_days = 30, assumption)
    [InlineData("2026-11-23", "2026-12-23")]
    [InlineData("2026-12-15", "2027-01-14")]
    [InlineData("2028-02-10", "2028-03-11")] // leap year
    public void Ins05_a_claim_is_due_30_days_after_it_was_received(string submitted, string due) =>
        Assert.Equal(DateOnly.Parse(due), ClaimPayment.DueDate(DateOnly.Parse(submitted), TestReference.Catalog));

    [Fact]
    public void Ins05_the_end_to_end_id_is_the_claim_id_in_sepa_characters_within_35()
    {
        var claim = Guid.Parse("0192f3c4-5b6a-7c8d-9e0f-a1b2c3d4e5f6");
        var id = ClaimPayment.EndToEndId(claim);
        Assert.Equal("0192f3c45b6a7c8d9e0fa1b2c3d4e5f6", id);
        Assert.True(id.Length <= 35 && id.All(char.IsAsciiLetterOrDigit));
    }

    [Theory]
    [InlineData("LU030021000012345678", "LU03…5678")]
    [InlineData("lu03 0021 0000 1234 5678", "LU03…5678")]
    [InlineData("DE89370400440532013000", "DE89…3000")]
    public void Ins05_the_statement_shows_the_account_masked(string iban, string masked) => Assert.Equal(masked, ClaimPayment.MaskedIban(iban));

    [Fact]
    public void Ins05_every_fund_that_can_be_competent_has_an_account_to_pay_from()
    {
        var catalog = TestReference.Catalog;
        Assert.Equal(["CMFEC", "CMFEP", "CNS", "EMCFL"], catalog.FundCodes.Order(StringComparer.Ordinal));
        foreach (var code in catalog.FundCodes)
        {
            var account = catalog.FundOn(code, new DateOnly(2026, 11, 30));
            Assert.True(Iban.IsValid(account.Iban), $"{code}: {account.Iban}");
        }
    }
}
