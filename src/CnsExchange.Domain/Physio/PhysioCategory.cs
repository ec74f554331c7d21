namespace CnsExchange.Domain.Physio;

/// <summary>Treatment category of a physiotherapy prescription (RULES.md §2). JSON: common, heavy, lymphatic_drainage, post_surgical.</summary>
public enum PhysioCategory
{
    Common,
    Heavy,
    LymphaticDrainage,
    PostSurgical,
}

public static class PhysioCategories
{
    /// <summary>The nomenclature domain of physiotherapy acts in the reference data.</summary>
    public const string ActDomain = "physio";

    /// <summary>The act category of the travel allowance (ZKD1) in the reference data.</summary>
    public const string TravelActCategory = "travel";

    /// <summary>The code used in reference data (act categories, parameter names) and in the API.</summary>
    public static string Code(this PhysioCategory category) => category switch
    {
        PhysioCategory.Common => "common",
        PhysioCategory.Heavy => "heavy",
        PhysioCategory.LymphaticDrainage => "lymphatic_drainage",
        PhysioCategory.PostSurgical => "post_surgical",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    public static bool TryParse(string? code, out PhysioCategory category)
    {
        foreach (var c in Enum.GetValues<PhysioCategory>())
        {
            if (c.Code() != code) continue;
            category = c;
            return true;
        }
        category = default;
        return false;
    }

    public static PhysioCategory Parse(string code) =>
        TryParse(code, out var c) ? c : throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown physiotherapy category.");
}
