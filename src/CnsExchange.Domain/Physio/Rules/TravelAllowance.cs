namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-11: the travel allowance (ZKD1) is validated only if the doctor marked the home visit as medically necessary and
/// the care takes place in Luxembourg; it is paid at the same rate as the act. When it was asked for (or the home visit
/// marked) but cannot be validated, the decision says so.
/// </summary>
public static class TravelAllowance
{
    public const string Rule = "VAL-11";

    public static (bool Granted, Reason? Information) Decide(bool homeVisitMedicallyNecessary, bool requested, bool careInLuxembourg)
    {
        if (homeVisitMedicallyNecessary && careInLuxembourg) return (true, null);
        return homeVisitMedicallyNecessary || requested
            ? (false, Reason.Information(PhysioReasonCodes.TravelNotValidated, Rule, "homeVisitMedicallyNecessary"))
            : (false, null);
    }
}
