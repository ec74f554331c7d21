namespace CnsExchange.Domain.Physio;

/// <summary>
/// Dates of a physiotherapy voucher (RULES.md §2, seed 000): treatment must start within 30 days of the title;
/// the title is valid for the maximum treatment duration of its category (3 months common and lymphatic,
/// 6 months post-surgical, 12 months heavy: sandbox assumptions in reference parameters).
/// </summary>
public sealed record PhysioVoucherTerms(DateOnly IssuedOn, DateOnly TreatmentStartBy, DateOnly ValidUntil)
{
    public const string StartWithinDaysParameter = "physio.voucher.start_within_days";

    public static string ValidityParameter(PhysioCategory category) => "physio.voucher.validity_months." + category.Code();

    public static PhysioVoucherTerms For(PhysioCategory category, DateOnly issuedOn, ReferenceCatalog catalog) => new(
        issuedOn,
        issuedOn.AddDays((int)catalog.Parameter(StartWithinDaysParameter, issuedOn)),
        issuedOn.AddMonths((int)catalog.Parameter(ValidityParameter(category), issuedOn)));
}
