using CnsExchange.Domain.Vouchers;

namespace CnsExchange.Domain.Tests.Common;

/// <summary>
/// The voucher number `K26-0000017-3`: kind letter, year, sequence and a Luhn check digit over the nine digits. The shape
/// is checked position by position, and the check digit against a property of Luhn's scheme that cannot share a table's
/// mistake: every single-digit error is detected.
/// </summary>
public sealed class VoucherNumberTests
{
    public static TheoryData<VoucherKind> Kinds => [VoucherKind.Physiotherapy, VoucherKind.Cure, VoucherKind.Rehabilitation];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_formatted_number_is_well_formed_and_reads_its_kind(VoucherKind kind)
    {
        var number = VoucherNumber.Format(kind, 2026, 17);

        Assert.Matches(@"^[KCR]26-0000017-\d$", number);
        Assert.StartsWith(VoucherNumber.Prefix(kind), number, StringComparison.Ordinal);
        Assert.True(VoucherNumber.HasShape(number));
        Assert.True(VoucherNumber.IsWellFormed(number));
    }

    [Fact]
    public void Each_position_has_its_shape()
    {
        var number = VoucherNumber.Format(VoucherKind.Physiotherapy, 2026, 1234567);
        for (var i = 0; i < number.Length; i++)
        {
            var wrong = number[i] switch { '-' => '0', >= '0' and <= '9' => 'X', _ => '1' };
            var changed = string.Concat(number.AsSpan(0, i), wrong.ToString(), number.AsSpan(i + 1));
            Assert.False(VoucherNumber.HasShape(changed), changed);
        }
        Assert.False(VoucherNumber.HasShape("Z" + number[1..]));
        Assert.False(VoucherNumber.HasShape(number + "0"));
        Assert.False(VoucherNumber.HasShape(number[..^1]));
        Assert.False(VoucherNumber.HasShape(null));
    }

    [Fact]
    public void Every_single_digit_error_in_year_sequence_or_check_digit_is_detected()
    {
        foreach (var sequence in new[] { 1L, 17, 25, 1234567, 9999999 })
        {
            var number = VoucherNumber.Format(VoucherKind.Physiotherapy, 2026, sequence);
            foreach (var i in new[] { 1, 2, 4, 5, 6, 7, 8, 9, 10, 12 })
                for (var d = '0'; d <= '9'; d++)
                {
                    if (d == number[i]) continue;
                    var changed = string.Concat(number.AsSpan(0, i), d.ToString(), number.AsSpan(i + 1));
                    Assert.True(VoucherNumber.HasShape(changed), changed); // the shape holds: only the check digit can tell
                    Assert.False(VoucherNumber.IsWellFormed(changed), changed);
                }
        }
    }
}
