namespace CnsExchange.Domain.Physio.Rules;

/// <summary>VAL-01: the insured person must exist and be affiliated on the prescription date and on the request date.</summary>
public static class InsuredMustBeAffiliated
{
    public const string Rule = "VAL-01";

    public static IEnumerable<Reason> Check(Insured? insured, DateOnly prescriptionDate, DateOnly requestDate)
    {
        if (insured is null)
        {
            yield return Reason.Refusal(CommonReasonCodes.InsuredUnknown, Rule, "matricule");
            yield break;
        }
        var dates = new[] { prescriptionDate, requestDate }.Distinct().Where(d => !insured.IsAffiliatedOn(d)).ToList();
        if (dates.Count > 0)
            yield return Reason.Refusal(CommonReasonCodes.InsuredNotAffiliated, Rule, "matricule", string.Join(", ", dates.Select(d => d.ToString("yyyy-MM-dd"))));
    }
}
