namespace CnsExchange.Application.Common;

/// <summary>
/// What a provider searches its own vouchers, requests and memoirs by, besides status and dates: the person's matricule and
/// a voucher number, both exact. A malformed one is bad input (400), never an empty page.
/// </summary>
public sealed record SearchTerms(string? Matricule, string? VoucherNumber)
{
    public static readonly SearchTerms None = new(null, null);

    public const string MalformedMatricule = "matricule must have 13 digits with valid Luhn and Verhoeff check digits.";

    public static SearchTerms Of(string? matricule, string? voucherNumber)
    {
        var m = string.IsNullOrWhiteSpace(matricule) ? null : matricule.Trim();
        var v = string.IsNullOrWhiteSpace(voucherNumber) ? null : voucherNumber.Trim().ToUpperInvariant();
        if (m is not null && !Domain.Common.Matricule.IsValid(m))
            throw new BadInputException("matricule", MalformedMatricule);
        if (v is not null && !Domain.Vouchers.VoucherNumber.HasShape(v))
            throw new BadInputException("voucherNumber", "A voucher number looks like K26-0001000-5 (kind, year, sequence, check digit).");
        return new SearchTerms(m, v);
    }
}
