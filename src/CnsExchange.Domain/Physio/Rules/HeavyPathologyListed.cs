namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-07: <c>heavy</c> needs an Annex G code valid on the prescription date; otherwise the prescription is treated as
/// common (a reduction), and VAL-06 then applies the common cap.
/// </summary>
public static class HeavyPathologyListed
{
    public const string Rule = "VAL-07";

    public static (PhysioCategory Effective, Reason? Reduction) Apply(PhysioCategory category, string? annexGCode, DateOnly prescriptionDate, ReferenceCatalog catalog)
    {
        if (category != PhysioCategory.Heavy) return (category, null);
        if (annexGCode is { Length: > 0 } code && catalog.IsAnnexG(code, prescriptionDate)) return (category, null);
        return (PhysioCategory.Common, Reason.Reduction(PhysioReasonCodes.HeavyPathologyNotListed, Rule, "annexGCode", annexGCode));
    }
}
