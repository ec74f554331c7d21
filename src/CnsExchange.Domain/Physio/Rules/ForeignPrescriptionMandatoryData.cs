namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-05: a foreign prescription must carry every mandatory item of the standard form (doctor identity and country,
/// insured identity, date, treatment type, sessions, frequency, diagnosis/indication); each missing item is named.
/// A doctor code that the registry does not know identifies nobody: refused as <c>DOCTOR_UNKNOWN</c>.
/// </summary>
public static class ForeignPrescriptionMandatoryData
{
    public const string Rule = "VAL-05";

    public static IEnumerable<Reason> Check(Prescription p, Doctor? registeredDoctor, bool foreign)
    {
        if (p.Doctor.Code is { Length: > 0 } code && registeredDoctor is null)
            yield return Reason.Refusal(PhysioReasonCodes.DoctorUnknown, Rule, "doctor.code", code);
        if (!foreign) yield break;

        // Date, insured identity, treatment type and sessions are required input of every request (400 when absent).
        if (registeredDoctor is null && string.IsNullOrWhiteSpace(p.Doctor.Name)) yield return Missing("doctor.name");
        if (registeredDoctor is null && string.IsNullOrWhiteSpace(p.Doctor.Country)) yield return Missing("doctor.country");
        if (string.IsNullOrWhiteSpace(p.Frequency)) yield return Missing("frequency");
        if (string.IsNullOrWhiteSpace(p.Diagnosis)) yield return Missing("diagnosis");
    }

    private static Reason Missing(string field) => Reason.Refusal(PhysioReasonCodes.MandatoryDataMissing, Rule, field, field);
}
