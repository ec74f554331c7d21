namespace CnsExchange.Domain.Common;

public enum ReasonSeverity
{
    Refusal,
    Reduction,
    Pending,
    Information,
}

/// <summary>One reason of a decision (RULES.md §0). Message texts come from reference data by <see cref="Code"/>.</summary>
/// <param name="Detail">Value substituted into the message text, e.g. the existing voucher number or the missing field.</param>
public sealed record Reason(string Code, ReasonSeverity Severity, string Rule, string? Field = null, string? Detail = null)
{
    public static Reason Refusal(string code, string rule, string? field = null, string? detail = null) => new(code, ReasonSeverity.Refusal, rule, field, detail);
    public static Reason Reduction(string code, string rule, string? field = null, string? detail = null) => new(code, ReasonSeverity.Reduction, rule, field, detail);
    public static Reason Pending(string code, string rule, string? field = null, string? detail = null) => new(code, ReasonSeverity.Pending, rule, field, detail);
    public static Reason Information(string code, string rule, string? field = null, string? detail = null) => new(code, ReasonSeverity.Information, rule, field, detail);
}
