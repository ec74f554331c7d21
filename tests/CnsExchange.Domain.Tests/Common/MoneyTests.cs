using CnsExchange.Domain.Common;

namespace CnsExchange.Domain.Tests.Common;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("0.005", "0.01")]
    [InlineData("0.004", "0.00")]
    [InlineData("25.765", "25.77")]
    [InlineData("25.764", "25.76")]
    [InlineData("-0.005", "-0.01")]
    [InlineData("37.72", "37.72")]
    public void Rounds_half_away_from_zero_to_cents(string amount, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            Money.Round(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("36.80", 70, "25.76")]
    [InlineData("37.72", 70, "26.40")]
    [InlineData("48.20", 100, "48.20")]
    [InlineData("12.50", 70, "8.75")]
    [InlineData("44.10", 88, "38.81")]
    public void Share_is_rate_times_tariff_rounded_once(string tariff, int rate, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            Money.Share(decimal.Parse(tariff, System.Globalization.CultureInfo.InvariantCulture), rate));

    [Theory]
    [InlineData("LU280019400644750000", true)]
    [InlineData("LU390010001234567890", true)]
    [InlineData("LU000019400644750000", false)]
    [InlineData("DE89370400440532013000", true)]
    [InlineData("XX", false)]
    public void Iban_check(string iban, bool valid) => Assert.Equal(valid, Iban.IsValid(iban));
}
