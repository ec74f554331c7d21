namespace CnsExchange.Domain.Common;

/// <summary>Reason codes several domains return (reason-codes.json): the insured person, the competent fund, prior authorisation, coverage.</summary>
public static class CommonReasonCodes
{
    public const string InsuredUnknown = "INSURED_UNKNOWN";
    public const string InsuredNotAffiliated = "INSURED_NOT_AFFILIATED";
    public const string CompetentFundAbroad = "COMPETENT_FUND_ABROAD";
    public const string RequestAfterStart = "REQUEST_AFTER_START";
    public const string ThirdPartyNotApplicable = "THIRD_PARTY_NOT_APPLICABLE";
    public const string NotCovered = "NOT_COVERED";
}
