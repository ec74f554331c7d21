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
}
