namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-16: the "special cases" go to manual review: a foreign prescription, or a heavy pathology with more than 32
/// sessions (sandbox assumption, reference parameter).
/// </summary>
public static class ManualReview
{
    public const string Rule = "VAL-16";
    public const string HeavyThresholdParameter = "physio.heavy.review_above_sessions";

    public static IEnumerable<Reason> Check(bool foreign, string? country, PhysioCategory effectiveCategory, int sessions, DateOnly asOf, ReferenceCatalog catalog)
    {
        if (foreign) yield return Reason.Pending(PhysioReasonCodes.ManualReviewRequired, Rule, "doctor.country", country);
        if (effectiveCategory == PhysioCategory.Heavy && sessions > catalog.Parameter(HeavyThresholdParameter, asOf))
            yield return Reason.Pending(PhysioReasonCodes.ManualReviewRequired, Rule, "sessions", $"{sessions} > {catalog.Parameter(HeavyThresholdParameter, asOf):0}");
    }
}
