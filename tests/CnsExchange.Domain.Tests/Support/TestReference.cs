using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Registry;

namespace CnsExchange.Domain.Tests.Support;

/// <summary>The reference data the application ships (src/CnsExchange.Infrastructure/ReferenceData), read as the loader reads it.</summary>
public static class TestReference
{
    private sealed record DataFile<T>(string Version, List<T> Rows);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    public static ReferenceCatalog Catalog { get; } = Load();

    private static ReferenceCatalog Load() => new()
    {
        Version = "test",
        Acts = Read<ActDefinition>("acts.json"),
        LetterKey = Read<LetterKeyValue>("letter-key.json"),
        AnnexG = Read<AnnexGCode>("annex-g.json"),
        ReasonCodes = Read<ReasonCodeDefinition>("reason-codes.json"),
        Parameters = Read<RuleParameter>("parameters.json"),
        CureKinds = Read<CureKindDefinition>("cure-kinds.json"),
        S2Countries = Read<S2Country>("s2-countries.json"),
        StayAllowances = Read<StayAllowanceRate>("stay-allowances.json"),
        LodgingEstablishments = Read<LodgingEstablishment>("lodging-establishments.json"),
        HospitalTariffs = Read<HospitalTariff>("hospital-tariffs.json"),
        RehabilitationKinds = Read<RehabilitationKindDefinition>("rehabilitation-kinds.json"),
        Funds = Read<FundAccount>("funds.json"),
    };

    private static List<T> Read<T>(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CnsExchange.sln"))) dir = dir.Parent;
        var path = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Repository root not found"),
            "src", "CnsExchange.Infrastructure", "ReferenceData", file);
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<DataFile<T>>(stream, Options)!.Rows;
    }

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static decimal M(string amount) => decimal.Parse(amount, CultureInfo.InvariantCulture);

    /// <summary>An insured person affiliated since 2000 unless told otherwise.</summary>
    public static Insured Insured(string birthDate = "1980-01-01", Sex sex = Sex.Female, string residence = "LU", string? municipality = "Luxembourg",
        bool crossBorder = false, string affiliatedFrom = "2000-01-01", string? affiliatedTo = null) => new()
    {
        Id = Guid.NewGuid(),
        Matricule = "0000000000000",
        FirstName = "Test",
        LastName = "Insured",
        BirthDate = D(birthDate),
        Sex = sex,
        CompetentFund = "CNS",
        ResidenceCountry = residence,
        Municipality = municipality,
        CrossBorderWorker = crossBorder,
        Affiliations = [new AffiliationPeriod { From = D(affiliatedFrom), To = affiliatedTo is null ? null : D(affiliatedTo) }],
    };
}
