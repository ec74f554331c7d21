namespace CnsExchange.Domain.Physio;

/// <summary>Reason codes of the prescription validation rules VAL-01…VAL-16 (reason-codes.json).</summary>
public static class PhysioReasonCodes
{
    public const string PrescriptionTooOld = "PRESCRIPTION_TOO_OLD";
    public const string PrescriptionDateInFuture = "PRESCRIPTION_DATE_IN_FUTURE";
    public const string PrescriptionLanguageNotAccepted = "PRESCRIPTION_LANGUAGE_NOT_ACCEPTED";
    public const string DoctorUnknown = "DOCTOR_UNKNOWN";
    public const string MandatoryDataMissing = "MANDATORY_DATA_MISSING";
    public const string SessionsReducedToCap = "SESSIONS_REDUCED_TO_CAP";
    public const string HeavyPathologyNotListed = "HEAVY_PATHOLOGY_NOT_LISTED";
    public const string PostSurgicalConditionsNotMet = "POST_SURGICAL_CONDITIONS_NOT_MET";
    public const string ActNotAllowedForCategory = "ACT_NOT_ALLOWED_FOR_CATEGORY";
    public const string AccidentCaseNotFound = "ACCIDENT_CASE_NOT_FOUND";
    public const string TravelNotValidated = "TRAVEL_NOT_VALIDATED";
    public const string DuplicatePrescription = "DUPLICATE_PRESCRIPTION";
    public const string DependencyInsuranceOverlap = "DEPENDENCY_INSURANCE_OVERLAP";
    public const string ManualReviewRequired = "MANUAL_REVIEW_REQUIRED";
}
