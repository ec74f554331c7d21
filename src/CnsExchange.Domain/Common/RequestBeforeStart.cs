namespace CnsExchange.Domain.Common;

/// <summary>
/// Prior authorisation (CUR-01 for cures in Luxembourg, CUR-08 for S2, REH-02, REH-04): the request must reach CNS
/// before the care starts. Dates only: a request dated on the start day is accepted (it can arrive before the care
/// begins that day); a request dated after the start is refused.
/// </summary>
public static class RequestBeforeStart
{
    public const string Code = CommonReasonCodes.RequestAfterStart;

    public static bool IsMet(DateOnly requestDate, DateOnly start) => requestDate <= start;

    public static Reason? Check(DateOnly requestDate, DateOnly start, string rule) =>
        IsMet(requestDate, start) ? null : Reason.Refusal(Code, rule, "requestedStart", start.ToString("yyyy-MM-dd"));
}
