namespace CnsExchange.Domain.Registry;

public enum Sex
{
    Female,
    Male,
}

/// <summary>An insured person of the sandbox registry.</summary>
public sealed class Insured
{
    public Guid Id { get; set; }
    public required string Matricule { get; set; }
    public required string FirstName { get; set; }
    public required string LastName { get; set; }
    public DateOnly BirthDate { get; set; }
    public Sex Sex { get; set; }
    /// <summary>"CNS" or a public-sector fund code ("CMFEP", "CMFEC", "EMCFL").</summary>
    public required string CompetentFund { get; set; }
    /// <summary>ISO 3166-1 alpha-2 country of residence.</summary>
    public required string ResidenceCountry { get; set; }
    public string? Municipality { get; set; }
    public bool CrossBorderWorker { get; set; }
    /// <summary>The account the competent fund pays reimbursements to (INS-05), electronic format; null when none is known.</summary>
    public string? Iban { get; set; }
    /// <summary>BIC of the bank of <see cref="Iban"/> (a SEPA credit transfer names the creditor's agent).</summary>
    public string? Bic { get; set; }
    public List<AffiliationPeriod> Affiliations { get; set; } = [];
    public List<AccidentCase> AccidentCases { get; set; } = [];
    public List<CarePlan> CarePlans { get; set; } = [];

    public bool IsAffiliatedOn(DateOnly date)
    {
        foreach (var period in Affiliations) // a loop, not Any with a closure: billing asks it for each line
            if (period.Covers(date)) return true;
        return false;
    }

    public int AgeOn(DateOnly date)
    {
        var age = date.Year - BirthDate.Year;
        if (date < BirthDate.AddYears(age)) age--;
        return age;
    }

    public AccidentCase? OpenAccidentCase(string? reference, DateOnly date) =>
        AccidentCases.FirstOrDefault(c => (reference is null || c.Reference == reference) && c.OpenedOn <= date && (c.ClosedOn is null || c.ClosedOn >= date));

    public bool HasPhysioCarePlanOverlapping(DateOnly from, DateOnly to) =>
        CarePlans.Any(p => p.IncludesPhysiotherapy && p.From <= to && (p.To is null || p.To >= from));

    public bool PhysioCareDeliveredOn(DateOnly date)
    {
        foreach (var plan in CarePlans) // a loop, as IsAffiliatedOn
            if (plan.IncludesPhysiotherapy && plan.PhysioDeliveredOn.Contains(date)) return true;
        return false;
    }
}

public sealed class AffiliationPeriod
{
    public Guid Id { get; set; }
    public Guid InsuredId { get; set; }
    public DateOnly From { get; set; }
    public DateOnly? To { get; set; }

    public bool Covers(DateOnly date) => From <= date && (To is null || To >= date);
}

/// <summary>An accident-insurance (AAA, Association d'assurance accident) case.</summary>
public sealed class AccidentCase
{
    public Guid Id { get; set; }
    public Guid InsuredId { get; set; }
    public required string Reference { get; set; }
    public DateOnly OpenedOn { get; set; }
    public DateOnly? ClosedOn { get; set; }
}

/// <summary>A dependency-insurance (assurance dépendance) care plan.</summary>
public sealed class CarePlan
{
    public Guid Id { get; set; }
    public Guid InsuredId { get; set; }
    public DateOnly From { get; set; }
    public DateOnly? To { get; set; }
    public bool IncludesPhysiotherapy { get; set; }
    /// <summary>Days on which physiotherapy-type care was delivered under the plan (seed 004).</summary>
    public List<DateOnly> PhysioDeliveredOn { get; set; } = [];
}
