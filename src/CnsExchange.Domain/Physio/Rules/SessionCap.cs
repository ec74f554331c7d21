namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-06: sessions per prescription are capped (common 8, heavy 64, lymphatic drainage 24, post-surgical 32, from
/// reference data); more prescribed than the cap gives an agreement for the cap with a reduction.
/// </summary>
public static class SessionCap
{
    public const string Rule = "VAL-06";

    public static string ParameterName(PhysioCategory category) => "physio.cap." + category.Code();

    /// <param name="asOf">The decision date: the figures in force then apply.</param>
    public static int CapFor(PhysioCategory category, DateOnly asOf, ReferenceCatalog catalog) =>
        (int)catalog.Parameter(ParameterName(category), asOf);

    public static (int Granted, Reason? Reduction) Apply(PhysioCategory category, int prescribed, DateOnly asOf, ReferenceCatalog catalog)
    {
        var cap = CapFor(category, asOf, catalog);
        return prescribed > cap
            ? (cap, Reason.Reduction(PhysioReasonCodes.SessionsReducedToCap, Rule, "sessions", cap.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : (prescribed, null);
    }
}
