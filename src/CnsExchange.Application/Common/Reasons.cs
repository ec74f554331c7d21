namespace CnsExchange.Application.Common;

/// <summary>A reason as the API shows it (RULES.md §0): code, severity, rule, field and a message in the caller's language.</summary>
public sealed record ReasonDto(string Code, string Severity, string Rule, string? Field, string Message, string? Detail);

public static class ReasonRendering
{
    public static ReasonDto Render(this IReferenceData reference, Reason reason, string language)
    {
        var def = reference.Catalog.Reason(reason.Code);
        var text = def?.Text.In(language) ?? reason.Code;
        text = reason.Detail is null ? text.Replace(" ({detail})", "").Replace("{detail}", "") : text.Replace("{detail}", reason.Detail);
        return new ReasonDto(reason.Code, reason.Severity.ToString().ToLowerInvariant(), reason.Rule, reason.Field, text, reason.Detail);
    }

    public static IReadOnlyList<ReasonDto> Render(this IReferenceData reference, IEnumerable<Reason> reasons, string language) =>
        reasons.Select(r => reference.Render(r, language)).ToList();
}
