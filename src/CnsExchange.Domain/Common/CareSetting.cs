namespace CnsExchange.Domain.Common;

/// <summary>Whether care is given with an overnight stay (stationary) or not (ambulatory).</summary>
public enum CareSetting
{
    Ambulatory,
    Stationary,
}
