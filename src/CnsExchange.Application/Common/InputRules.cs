using System.Linq.Expressions;

namespace CnsExchange.Application.Common;

/// <summary>Validation rules every input shares: the matricule, and the range a date typed by a person can have.</summary>
public static class InputRules
{
    /// <summary>Input guards, not rules of the seeds: a date outside them is a typing error.</summary>
    public static readonly DateOnly MinDate = new(2000, 1, 1);
    public static readonly DateOnly MaxDate = new(2200, 12, 31);

    /// <summary>Required, 13 digits with valid Luhn and Verhoeff check digits, reported under <paramref name="field"/>.</summary>
    public static IRuleBuilderOptions<T, string?> ValidMatricule<T>(this IRuleBuilder<T, string?> rule, string field = "matricule") =>
        rule.Must(Matricule.IsValid)
            .WithMessage((_, value) => string.IsNullOrEmpty(value)
                ? $"{field} is required."
                : $"{field} must have 13 digits with valid Luhn and Verhoeff check digits.")
            .OverridePropertyName(field);

    /// <summary>
    /// A reviewer's refusal (of a request, of a claim line) is reasoned: reasonCodes and/or a note; and every reason code
    /// given is a refusal code of the catalogue.
    /// </summary>
    public static void ReasonedRefusal<T>(this AbstractValidator<T> validator, IReferenceData reference, Func<T, bool> refuses,
        Expression<Func<T, IEnumerable<string>?>> reasonCodes, Func<T, string?> note)
    {
        var codes = reasonCodes.Compile();
        validator.RuleFor(x => x).Must(x => (codes(x)?.Any() ?? false) || !string.IsNullOrWhiteSpace(note(x)))
            .When(refuses)
            .OverridePropertyName("reasonCodes").WithMessage("A refusal is reasoned: give reasonCodes and/or a note.");
        validator.RuleForEach(reasonCodes!)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("A reason code is a string, not null.")
            .Must(code => reference.Catalog.Reason(code) is { Severity: "refusal" })
            .OverridePropertyName("reasonCodes").WithMessage((_, code) => $"'{code}' is not a refusal reason code (see /api/v1/reference/reason-codes).");
    }
}
