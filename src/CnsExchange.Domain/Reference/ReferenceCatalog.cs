using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Rehabilitation;

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

/// <summary>
/// A competent fund (RULES.md §8, INS-05): CNS or a public-sector fund (CMFEP, CMFEC, EMCFL), with the account that pays
/// what it owes; dated so a change of account is a data change. The one list of funds (ReferenceData/funds.json).
/// </summary>
public sealed record FundAccount(string Code, string Name, string Iban, string Bic, DateOnly ValidFrom, DateOnly? ValidTo) : IDated
{
    public const string Cns = "CNS";

    public PaymentDebtorAccount AsDebtor() => new(Name, Iban, Bic, ValidFrom, ValidTo);
}

/// <summary>
/// A cure kind of the thermal centre (RULES.md §5). <see cref="Nature"/> groups kinds that count as "the same nature"
/// for the waiting period (CUR-02/CUR-05); <see cref="WaitRule"/> names the rule that sets <see cref="WaitMonths"/>.
/// </summary>
public sealed record CureKindDefinition(
    string Code,
    CureFamily Family,
    CareSetting Setting,
    string Nature,
    LocalizedText Label,
    decimal RatePercent,
    int? Sessions,
    int? SessionWindowMonths,
    int WaitMonths,
    string WaitRule,
    int? MaxCuresPerInsured,
    bool RequiresAffectedSide,
    bool StayAllowance,
    DateOnly ValidFrom,
    DateOnly? ValidTo) : IDated;

/// <summary>A country where a cure abroad is covered with an S2 form (CUR-08). Group: eu, eea, ch, bilateral.</summary>
public sealed record S2Country(string Code, string Group, LocalizedText Name, DateOnly ValidFrom, DateOnly? ValidTo) : IDated;

/// <summary>A cure stay allowance (CUR-07). <see cref="Unit"/> is night or day; <see cref="Municipality"/> set for the residents' rate.</summary>
public sealed record StayAllowanceRate(string Code, string Unit, decimal Amount, string? Municipality, LocalizedText Label, DateOnly ValidFrom, DateOnly? ValidTo) : IDated;

/// <summary>
/// A lodging establishment known to CNS for the cure stay allowance (INS-06, *assumption*: illustrative rows): one with the
/// official authorisation to lodge people (<c>licensed</c>) or approved by CNS (<c>cns_approved</c>), in its municipality.
/// </summary>
public sealed record LodgingEstablishment(string Code, string Name, string Municipality, string Approval, DateOnly ValidFrom, DateOnly? ValidTo) : IDated;

/// <summary>A hospital amount per day (HOS-01..03, HOS-07): day tariffs paid to the hospital and the insured participations.</summary>
public sealed record HospitalTariff(string Item, decimal Amount, LocalizedText Label, DateOnly ValidFrom, DateOnly? ValidTo) : IDated;

/// <summary>
/// A rehabilitation kind (RULES.md §6). <see cref="ActCode"/> is billed per authorised day (none for the CNRFR, billed
/// like a hospital stay); <see cref="RequestedBy"/> lists the provider kinds that may ask for it.
/// </summary>
public sealed record RehabilitationKindDefinition(
    string Code, RehabService Service, CareSetting Setting, bool AuthorisationRequired, string? ActCode, IReadOnlyList<ProviderKind> RequestedBy,
    LocalizedText Label, DateOnly ValidFrom, DateOnly? ValidTo) : IDated;

/// <summary>Immutable snapshot of all reference data, loaded from versioned data files.</summary>
public sealed class ReferenceCatalog
{
    public required string Version { get; init; }
    public required IReadOnlyList<ActDefinition> Acts { get; init; }
    public required IReadOnlyList<LetterKeyValue> LetterKey { get; init; }
    public required IReadOnlyList<AnnexGCode> AnnexG { get; init; }
    public required IReadOnlyList<ReasonCodeDefinition> ReasonCodes { get; init; }
    public required IReadOnlyList<RuleParameter> Parameters { get; init; }
    /// <summary>The competent funds and their accounts (CNS is the debtor of providers' payment runs).</summary>
    public IReadOnlyList<FundAccount> Funds { get; init; } = [];

    public IReadOnlyList<CureKindDefinition> CureKinds { get; init; } = [];
    public IReadOnlyList<S2Country> S2Countries { get; init; } = [];
    public IReadOnlyList<StayAllowanceRate> StayAllowances { get; init; } = [];
    public IReadOnlyList<LodgingEstablishment> LodgingEstablishments { get; init; } = [];
    public IReadOnlyList<HospitalTariff> HospitalTariffs { get; init; } = [];
    public IReadOnlyList<RehabilitationKindDefinition> RehabilitationKinds { get; init; } = [];

    // Lookups by name or code, built on first use: the rules ask for parameters and acts many times per request.
    private DatedIndex<ActDefinition>? _acts;
    private DatedIndex<RuleParameter>? _parameters;
    private DatedIndex<AnnexGCode>? _annexG;
    private DatedIndex<LetterKeyValue>? _letterKey;
    private Dictionary<string, ReasonCodeDefinition>? _reasons;

    private DatedIndex<ActDefinition> ActIndex => _acts ??= new(Acts, a => a.Code);
    private DatedIndex<RuleParameter> ParameterIndex => _parameters ??= new(Parameters, p => p.Name);
    private DatedIndex<AnnexGCode> AnnexGIndex => _annexG ??= new(AnnexG, a => a.Code);
    private DatedIndex<LetterKeyValue> LetterKeyIndex => _letterKey ??= new(LetterKey, _ => "");

    public ActDefinition? Act(string code, DateOnly date) => ActIndex.On(code, date);

    public decimal LetterKeyOn(DateOnly date) =>
        LetterKeyIndex.On("", date)?.Value ?? throw new InvalidOperationException($"No letter-key value on {date:yyyy-MM-dd}.");

    /// <summary>Tariff of an act on a date: round2(coefficient × letter key of that date).</summary>
    public decimal? TariffOn(string actCode, DateOnly date)
    {
        var act = Act(actCode, date);
        return act is null ? null : Common.Money.Round(act.Coefficient * LetterKeyOn(date));
    }

    public bool IsAnnexG(string code, DateOnly date) => AnnexGIndex.On(code, date) is not null;

    public decimal Parameter(string name, DateOnly date) =>
        ParameterIndex.On(name, date)?.Value
        ?? throw new InvalidOperationException($"Reference parameter '{name}' has no value on {date:yyyy-MM-dd}.");

    /// <summary>The CNS account that pays a run executed on <paramref name="date"/>.</summary>
    public PaymentDebtorAccount DebtorAccountOn(DateOnly date) => FundOn(FundAccount.Cns, date).AsDebtor();

    /// <summary>The account of a competent fund on a date (the debtor of what the fund pays then).</summary>
    public FundAccount FundOn(string code, DateOnly date) =>
        Funds.Where(f => f.Code == code).On(date) ?? throw new InvalidOperationException($"No account of fund {code} is valid on {date:yyyy-MM-dd}.");

    /// <summary>The codes of the competent funds (CNS, CMFEP, CMFEC, EMCFL).</summary>
    public IReadOnlyList<string> FundCodes => Funds.Select(f => f.Code).Distinct().ToList();

    public ReasonCodeDefinition? Reason(string code) =>
        (_reasons ??= ReasonCodes.DistinctBy(r => r.Code).ToDictionary(r => r.Code)).GetValueOrDefault(code);

    /// <summary>A parameter that is a whole number (caps, days, months).</summary>
    public int IntParameter(string name, DateOnly date) => (int)Parameter(name, date);

    public CureKindDefinition? CureKind(string code, DateOnly date) => CureKinds.Where(k => k.Code == code).On(date);

    /// <summary>The kind of a code whatever the date (history entries may use kinds no longer in force).</summary>
    public CureKindDefinition? CureKindAnyDate(string code) =>
        CureKinds.Where(k => k.Code == code).OrderByDescending(k => k.ValidFrom).FirstOrDefault();

    public bool IsS2Country(string country, DateOnly date) => S2Countries.Where(c => c.Code == country).On(date) is not null;

    public StayAllowanceRate StayAllowance(string code, DateOnly date) =>
        StayAllowances.Where(a => a.Code == code).On(date)
        ?? throw new InvalidOperationException($"Stay allowance '{code}' has no value on {date:yyyy-MM-dd}.");

    /// <summary>INS-06: the establishment of a code, as known on a date (codes compare without case).</summary>
    public LodgingEstablishment? LodgingEstablishment(string code, DateOnly date) =>
        LodgingEstablishments.Where(e => string.Equals(e.Code, code, StringComparison.OrdinalIgnoreCase)).On(date);

    public decimal HospitalTariffOn(string item, DateOnly date) =>
        HospitalTariffs.Where(t => t.Item == item).On(date)?.Amount
        ?? throw new InvalidOperationException($"Hospital tariff '{item}' has no value on {date:yyyy-MM-dd}.");

    public RehabilitationKindDefinition? RehabilitationKind(string code, DateOnly date) => RehabilitationKinds.Where(k => k.Code == code).On(date);
}

/// <summary>
/// Dated rows grouped by key, each group newest first: <see cref="On"/> returns what <see cref="DatedExtensions.On{T}"/>
/// returns over the group (the valid row with the latest start; the first listed among equal starts).
/// </summary>
internal sealed class DatedIndex<T> where T : class, IDated
{
    private readonly Dictionary<string, T[]> _rows;

    public DatedIndex(IEnumerable<T> rows, Func<T, string> key) =>
        _rows = rows.GroupBy(key).ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.ValidFrom).ToArray());

    public T? On(string key, DateOnly date)
    {
        if (!_rows.TryGetValue(key, out var rows)) return null;
        foreach (var row in rows)
            if (row.IsValidOn(date)) return row;
        return null;
    }
}
