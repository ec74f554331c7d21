namespace CnsExchange.Domain.Physio.Rules;

/// <summary>VAL-04: a foreign prescription must be in French, German or English; otherwise it is returned.</summary>
public static class ForeignPrescriptionLanguage
{
    public const string Rule = "VAL-04";

    /// <summary>The languages CNS services can process (seed 000); ISO 639-1.</summary>
    public static readonly IReadOnlySet<string> Accepted = new HashSet<string>(["fr", "de", "en"]);

    public static Reason? Check(bool foreign, string language) =>
        foreign && !Accepted.Contains(language.ToLowerInvariant())
            ? Reason.Refusal(PhysioReasonCodes.PrescriptionLanguageNotAccepted, Rule, "prescriptionLanguage", language)
            : null;
}
