namespace CnsExchange.Domain.Physio;

/// <summary>The prescribing doctor: a registry code, or name and country for a doctor abroad.</summary>
public sealed record PrescribingDoctor(string? Code, string? Name, string? Country);

/// <summary>What the physiotherapist transcribed from the prescription (RULES.md §2 inputs, scan aside).</summary>
public sealed record Prescription(
    string Matricule,
    PrescribingDoctor Doctor,
    DateOnly Date,
    string Language,
    PhysioCategory Category,
    string? AnnexGCode,
    DateOnly? SurgeryDate,
    string ActCode,
    int Sessions,
    string? Frequency,
    string? Diagnosis,
    bool HomeVisitMedicallyNecessary,
    bool TravelAllowanceRequested,
    string CareCountry,
    string? AccidentReference);
