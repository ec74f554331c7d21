namespace CnsExchange.Domain.Rehabilitation;

/// <summary>Reason codes of the rehabilitation rules (reason-codes.json).</summary>
public static class RehabReasonCodes
{
    public const string ConditionsNotMet = "REHAB_CONDITIONS_NOT_MET";
    public const string RequestTooLate = "REQUEST_TOO_LATE";
    public const string ExtensionLimitReached = "EXTENSION_LIMIT_REACHED";
    public const string DaysExceeded = "REHAB_DAYS_EXCEEDED";
    public const string NoAuthorisationNeeded = "NO_AUTHORISATION_NEEDED";
    public const string DeclaredStayToVerify = "DECLARED_STAY_TO_VERIFY";
    public const string DayNotAuthorised = "REHAB_DAY_NOT_AUTHORISED";
}
