namespace CnsExchange.Domain.Common;

/// <summary>EUR amounts. Rounding happens here and nowhere else: 2 decimals, half away from zero (CNS tariff rounding).</summary>
public static class Money
{
    public static decimal Round(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <summary>Share of a tariff paid at a coverage rate given in percent (70, 80, 88, 100).</summary>
    public static decimal Share(decimal tariff, decimal ratePercent) => Round(tariff * ratePercent / 100m);
}
