namespace CnsExchange.Domain.Cures;

/// <summary>Reason codes of the cure rules (reason-codes.json).</summary>
public static class CureReasonCodes
{
    public const string TooSoon = "CURE_TOO_SOON";
    public const string ConditionsNotMet = "CURE_CONDITIONS_NOT_MET";
    public const string LimitReached = "CURE_LIMIT_REACHED";
    public const string MaintenanceNotAllowed = "MAINTENANCE_NOT_ALLOWED";
    public const string MaintenanceSessionsReduced = "MAINTENANCE_SESSIONS_REDUCED";
    public const string CountryNotCovered = "COUNTRY_NOT_COVERED";
    public const string AuthorisationExpired = "AUTHORISATION_EXPIRED";
    public const string S2Authorisation = "S2_AUTHORISATION";
    public const string Interrupted = "CURE_INTERRUPTED";
    public const string StayIncludedInCurePackage = "STAY_INCLUDED_IN_CURE_PACKAGE";
}
