namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-15: an insured person in a dependency-insurance care plan that includes physiotherapy-type care over the
/// treatment period goes to a person, who checks for double financing (seed 004).
/// </summary>
public static class DependencyInsuranceOverlap
{
    public const string Rule = "VAL-15";

    public static Reason? Check(Insured? insured, DateOnly treatmentFrom, DateOnly treatmentTo) =>
        insured is not null && insured.HasPhysioCarePlanOverlapping(treatmentFrom, treatmentTo)
            ? Reason.Pending(PhysioReasonCodes.DependencyInsuranceOverlap, Rule)
            : null;
}
