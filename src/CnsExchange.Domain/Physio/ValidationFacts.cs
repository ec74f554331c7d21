namespace CnsExchange.Domain.Physio;

/// <summary>
/// Everything the validation rules look at, gathered beforehand by the caller: the rules do no I/O and read no clock.
/// </summary>
/// <param name="Today">The request date (Luxembourg local date of receipt).</param>
/// <param name="Insured">The registry entry of the matricule, null when unknown.</param>
/// <param name="RegisteredDoctor">The registry entry of the doctor code, null when no code was given or it is unknown.</param>
/// <param name="ExistingVoucherNumber">A voucher already issued for the same prescription (VAL-14), if any.</param>
public sealed record ValidationFacts(
    DateOnly Today,
    Prescription Prescription,
    Insured? Insured,
    Doctor? RegisteredDoctor,
    string? ExistingVoucherNumber,
    ReferenceCatalog Catalog)
{
    public const string Luxembourg = "LU";

    /// <summary>The existing voucher (VAL-14) was issued to the requesting provider: only then is its number disclosed.</summary>
    public bool ExistingVoucherIsOwn { get; init; } = true;

    /// <summary>The existing voucher (VAL-14) was found by the scan's bytes, not by the prescription's data.</summary>
    public bool ExistingVoucherMatchedScan { get; init; }

    /// <summary>INS-01: the insured asked for the validation (insured channel): no third-party payment.</summary>
    public bool RequestedByInsured { get; init; }

    /// <summary>Country of the prescribing doctor: the registry's, else the one given, else LU for a Luxembourg-style code (9…).</summary>
    public string? DoctorCountry =>
        RegisteredDoctor?.Country
        ?? Prescription.Doctor.Country
        ?? (Prescription.Doctor.Code is { Length: > 0 } code && code[0] == '9' ? Luxembourg : null);

    /// <summary>A prescription written by a doctor practising outside Luxembourg.</summary>
    public bool IsForeignPrescription => DoctorCountry is { } country && country != Luxembourg;

    public bool CareInLuxembourg => Prescription.CareCountry == Luxembourg;
}
