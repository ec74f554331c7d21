namespace CnsExchange.Domain.Billing;

/// <summary>Reason codes of fee-memoir adjudication BIL-01…BIL-15, doctors' fees of a stay included (reason-codes.json).</summary>
public static class BillingReasonCodes
{
    public const string VoucherUnknown = "VOUCHER_UNKNOWN";
    public const string VoucherNotOwned = "VOUCHER_NOT_OWNED";
    public const string HospitalStayUnknown = "HOSPITAL_STAY_UNKNOWN";
    /// <summary>LIF-04: the stay a doctor's fee names was released (its stay-days line reversed or recovered) before the fee came.</summary>
    public const string HospitalStayReleased = "HOSPITAL_STAY_RELEASED";
    public const string TreatmentStartedTooLate = "TREATMENT_STARTED_TOO_LATE";
    public const string SessionDateInFuture = "SESSION_DATE_IN_FUTURE";
    public const string SessionOutsideValidity = "SESSION_OUTSIDE_VALIDITY";
    public const string ActOutsideStay = "ACT_OUTSIDE_STAY";
    public const string ActNotValidated = "ACT_NOT_VALIDATED";
    public const string SessionsExhausted = "SESSIONS_EXHAUSTED";
    public const string OneActPerSession = "ONE_ACT_PER_SESSION";
    public const string DuplicateLine = "DUPLICATE_LINE";
    public const string TravelNotAuthorised = "TRAVEL_NOT_AUTHORISED";
    public const string TravelWithoutSession = "TRAVEL_WITHOUT_SESSION";
    public const string AmountAboveTariff = "AMOUNT_ABOVE_TARIFF";
    public const string InsuredShare = "INSURED_SHARE";
    public const string DoubleFinancing = "DOUBLE_FINANCING";
    public const string ContestationUpheld = "CONTESTATION_UPHELD";
    public const string ContestationOverturned = "CONTESTATION_OVERTURNED";
    public const string ContestationLapsed = "CONTESTATION_LAPSED";
    /// <summary>BIL-15 with LIF-02/03: a pending contestation closed by the void or replacement of its memoir.</summary>
    public const string ContestationWithdrawn = "CONTESTATION_WITHDRAWN";
    public const string OperationNotInStay = "OPERATION_NOT_IN_STAY";
    /// <summary>LIF-01: the voucher was cancelled before the line came.</summary>
    public const string VoucherCancelled = "VOUCHER_CANCELLED";
    /// <summary>LIF-04: a paid line reversed by its provider; its CNS amount is a debt netted by the next payment run.</summary>
    public const string LineReversed = "LINE_REVERSED";
    /// <summary>LIF-04: a paid line recovered by CNS staff (with a recovery code).</summary>
    public const string LineRecovered = "LINE_RECOVERED";
    /// <summary>LIF-04 recovery code: the session was not given (found at a check after payment).</summary>
    public const string SessionNotGiven = "SESSION_NOT_GIVEN";
    public const string SurchargeWithoutSingleRoom = "SINGLE_ROOM_SURCHARGE_WITHOUT_SINGLE_ROOM";
}
