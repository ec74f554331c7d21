namespace CnsExchange.Domain.Reference;

/// <summary>A row valid over [ValidFrom, ValidTo] (ValidTo null = open).</summary>
public interface IDated
{
    DateOnly ValidFrom { get; }
    DateOnly? ValidTo { get; }
}

public static class DatedExtensions
{
    public static bool IsValidOn(this IDated row, DateOnly date) => row.ValidFrom <= date && (row.ValidTo is null || row.ValidTo >= date);

    public static T? On<T>(this IEnumerable<T> rows, DateOnly date) where T : class, IDated =>
        rows.Where(r => r.IsValidOn(date)).OrderByDescending(r => r.ValidFrom).FirstOrDefault();
}

public sealed record LocalizedText(string Fr, string De, string En)
{
    public string In(string language) => language switch
    {
        "fr" => Fr,
        "de" => De,
        _ => En,
    };
}

/// <summary>A nomenclature act (physio, cure, hospital). <see cref="CoveredByCns"/> false = billable to the insured only.</summary>
public sealed record ActDefinition(
    string Code,
    string Domain,
    string Category,
    decimal Coefficient,
    bool CoveredByCns,
    LocalizedText Label,
    DateOnly ValidFrom,
    DateOnly? ValidTo) : IDated;

public sealed record LetterKeyValue(decimal Value, DateOnly ValidFrom, DateOnly? ValidTo) : IDated;

public sealed record AnnexGCode(string Code, LocalizedText Label, DateOnly ValidFrom, DateOnly? ValidTo) : IDated;

public sealed record ReasonCodeDefinition(string Code, string Severity, string Rule, LocalizedText Text);

/// <summary>A named, dated rule parameter (caps, deadlines, rates): a new figure is a data change.</summary>
public sealed record RuleParameter(string Name, decimal Value, string? Note, DateOnly ValidFrom, DateOnly? ValidTo) : IDated;

/// <summary>CNS's own bank account, the debtor of every payment run (PAY-04); dated so a change of account is a data change.</summary>
public sealed record PaymentDebtorAccount(string Name, string Iban, string Bic, DateOnly ValidFrom, DateOnly? ValidTo) : IDated;

/// <summary>Immutable snapshot of all reference data, loaded from versioned data files.</summary>
public sealed class ReferenceCatalog
{
    public required string Version { get; init; }
    public required IReadOnlyList<ActDefinition> Acts { get; init; }
    public required IReadOnlyList<LetterKeyValue> LetterKey { get; init; }
    public required IReadOnlyList<AnnexGCode> AnnexG { get; init; }
    public required IReadOnlyList<ReasonCodeDefinition> ReasonCodes { get; init; }
    public required IReadOnlyList<RuleParameter> Parameters { get; init; }
    public IReadOnlyList<PaymentDebtorAccount> DebtorAccounts { get; init; } = [];
    public ActDefinition? Act(string code, DateOnly date) => Acts.Where(a => a.Code == code).On(date);

    public decimal LetterKeyOn(DateOnly date) =>
        LetterKey.On(date)?.Value ?? throw new InvalidOperationException($"No letter-key value on {date:yyyy-MM-dd}.");

    /// <summary>Tariff of an act on a date: round2(coefficient × letter key of that date).</summary>
    public decimal? TariffOn(string actCode, DateOnly date)
    {
        var act = Act(actCode, date);
        return act is null ? null : Common.Money.Round(act.Coefficient * LetterKeyOn(date));
    }

    public bool IsAnnexG(string code, DateOnly date) => AnnexG.Where(a => a.Code == code).On(date) is not null;

    public decimal Parameter(string name, DateOnly date) =>
        Parameters.Where(p => p.Name == name).On(date)?.Value
        ?? throw new InvalidOperationException($"Reference parameter '{name}' has no value on {date:yyyy-MM-dd}.");

    /// <summary>The CNS account that pays a run executed on <paramref name="date"/>.</summary>
    public PaymentDebtorAccount DebtorAccountOn(DateOnly date) =>
        DebtorAccounts.On(date) ?? throw new InvalidOperationException($"No CNS debtor account is valid on {date:yyyy-MM-dd}.");

    public ReasonCodeDefinition? Reason(string code) => ReasonCodes.FirstOrDefault(r => r.Code == code);
}
