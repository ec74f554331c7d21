using CnsExchange.Domain.Physio.Rules;

namespace CnsExchange.Domain.Physio;

public enum ValidationOutcome
{
    Agreed,
    Refused,
    Pending,
}

/// <summary>
/// What CNS would grant for a prescription: the act and sessions (after VAL-06/07), the coverage rate (VAL-10), the travel
/// allowance (VAL-11) and third-party payment (VAL-12). Issued as a voucher on agreement.
/// </summary>
public sealed record ServiceGrant(
    PhysioCategory Category,
    string ActCode,
    int Sessions,
    decimal RatePercent,
    bool TravelAllowance,
    bool ThirdPartyPayment,
    bool AccidentCase);

/// <summary>The automatic decision: refused with every refusal reason, pending with the reasons a person must look at, or agreed.</summary>
public sealed record PrescriptionEvaluation(ValidationOutcome Outcome, IReadOnlyList<Reason> Reasons, ServiceGrant? Grant);

/// <summary>Runs every rule VAL-01…VAL-16 over the facts and reports all reasons together (RULES.md §2).</summary>
public static class PrescriptionEvaluator
{
    /// <summary>The coverage-rate rule for an accident reference that matches no open AAA case of the insured person.</summary>
    public const string AccidentCaseNotFound = PhysioReasonCodes.AccidentCaseNotFound;

    public static PrescriptionEvaluation Evaluate(ValidationFacts facts)
    {
        var p = facts.Prescription;
        var today = facts.Today;
        var catalog = facts.Catalog;
        var foreign = facts.IsForeignPrescription;

        var refusals = new List<Reason>();
        refusals.AddRange(InsuredMustBeAffiliated.Check(facts.Insured, p.Date, today));
        refusals.AddIfAny(PrescriptionTooOld.Check(p.Date, today, catalog));
        refusals.AddIfAny(PrescriptionDateInFuture.Check(p.Date, today));
        refusals.AddIfAny(ForeignPrescriptionLanguage.Check(foreign, p.Language));
        refusals.AddRange(ForeignPrescriptionMandatoryData.Check(p, facts.RegisteredDoctor, foreign));
        refusals.AddIfAny(PostSurgicalConditions.Check(p.Category, p.SurgeryDate, p.Date, today, catalog));
        refusals.AddIfAny(ActMatchesCategory.Check(p.ActCode, p.Category, p.Date, catalog));
        refusals.AddIfAny(CareInCountryOfResidence.Check(facts.Insured, p.CareCountry));
        refusals.AddIfAny(DuplicatePrescription.Check(facts.ExistingVoucherNumber, facts.ExistingVoucherIsOwn, facts.ExistingVoucherMatchedScan));
        if (refusals.Count > 0) return new PrescriptionEvaluation(ValidationOutcome.Refused, refusals, null);

        // No refusal: the insured person is known and the act matches the category.
        var insured = facts.Insured!;
        var reasons = new List<Reason>();
        var (category, heavyReduction) = HeavyPathologyListed.Apply(p.Category, p.AnnexGCode, p.Date, catalog);
        reasons.AddIfAny(heavyReduction);
        var act = category == p.Category ? p.ActCode : ActMatchesCategory.SessionActOf(category, p.Date, catalog) ?? p.ActCode;
        var (sessions, capReduction) = SessionCap.Apply(category, p.Sessions, today, catalog);
        reasons.AddIfAny(capReduction);

        var accident = CoverageRate.AccidentCaseFor(insured, p.AccidentReference, p.Date);
        if (p.AccidentReference is { Length: > 0 } && accident is null)
            reasons.Add(Reason.Information(AccidentCaseNotFound, CoverageRate.Rule, "accidentReference", p.AccidentReference));
        var rate = CoverageRate.For(category, insured.AgeOn(p.Date), accident is not null, today, catalog, new DrainageGrounds(p.AnnexGCode, p.SurgeryDate, p.Date));

        var (travel, travelInfo) = TravelAllowance.Decide(p.HomeVisitMedicallyNecessary, p.TravelAllowanceRequested, facts.CareInLuxembourg);
        reasons.AddIfAny(travelInfo);
        var (thirdParty, thirdPartyInfo) = facts.RequestedByInsured
            ? Reimbursement.InsuredValidation.ThirdPartyPayment() // INS-01
            : ThirdPartyPayment.Decide(requestedByPhysiotherapist: true, facts.CareInLuxembourg);
        reasons.AddIfAny(thirdPartyInfo);

        var terms = PhysioVoucherTerms.For(category, today, catalog);
        reasons.AddIfAny(DependencyInsuranceOverlap.Check(insured, p.Date, terms.ValidUntil));
        reasons.AddRange(ManualReview.Check(foreign, facts.DoctorCountry, category, sessions, today, catalog));

        var grant = new ServiceGrant(category, act, sessions, rate, travel, thirdParty, accident is not null);
        var outcome = reasons.Any(r => r.Severity == ReasonSeverity.Pending) ? ValidationOutcome.Pending : ValidationOutcome.Agreed;
        return new PrescriptionEvaluation(outcome, reasons, grant);
    }

    private static void AddIfAny(this List<Reason> reasons, Reason? reason)
    {
        if (reason is not null) reasons.Add(reason);
    }
}
