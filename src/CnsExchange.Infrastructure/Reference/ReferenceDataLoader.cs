using System.Reflection;
using System.Text.Json.Serialization;
using CnsExchange.Domain.Reference;

namespace CnsExchange.Infrastructure.Reference;

/// <summary>Loads the versioned reference-data files shipped with the application (ReferenceData/*.json).</summary>
public sealed class ReferenceDataLoader : IReferenceData
{
    internal sealed record DataFile<T>(string Version, string? Description, List<T> Rows);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    public ReferenceCatalog Catalog { get; } = Load();

    private static ReferenceCatalog Load()
    {
        var acts = Read<ActDefinition>("acts.json");
        var letterKey = Read<LetterKeyValue>("letter-key.json");
        var annexG = Read<AnnexGCode>("annex-g.json");
        var reasons = Read<ReasonCodeDefinition>("reason-codes.json");
        var parameters = Read<RuleParameter>("parameters.json");
        var funds = Read<FundAccount>("funds.json");
        var cureKinds = Read<CureKindDefinition>("cure-kinds.json");
        var s2Countries = Read<S2Country>("s2-countries.json");
        var allowances = Read<StayAllowanceRate>("stay-allowances.json");
        var lodging = Read<LodgingEstablishment>("lodging-establishments.json");
        var hospitalTariffs = Read<HospitalTariff>("hospital-tariffs.json");
        var rehabKinds = Read<RehabilitationKindDefinition>("rehabilitation-kinds.json");
        return new ReferenceCatalog
        {
            Version = string.Join("+", new[]
            {
                acts.Version, letterKey.Version, annexG.Version, reasons.Version, parameters.Version,
                cureKinds.Version, s2Countries.Version, allowances.Version, lodging.Version, hospitalTariffs.Version, rehabKinds.Version, funds.Version,
            }.Distinct()),
            Acts = acts.Rows,
            LetterKey = letterKey.Rows,
            AnnexG = annexG.Rows,
            ReasonCodes = reasons.Rows,
            Parameters = parameters.Rows,
            Funds = funds.Rows,
            CureKinds = cureKinds.Rows,
            S2Countries = s2Countries.Rows,
            StayAllowances = allowances.Rows,
            LodgingEstablishments = lodging.Rows,
            HospitalTariffs = hospitalTariffs.Rows,
            RehabilitationKinds = rehabKinds.Rows,
        };
    }

    internal static DataFile<T> Read<T>(string file)
    {
        using var stream = OpenResource("ReferenceData." + file);
        return JsonSerializer.Deserialize<DataFile<T>>(stream, Options)
               ?? throw new InvalidDataException($"Reference data file {file} is empty.");
    }

    internal static Stream OpenResource(string name)
    {
        var assembly = typeof(ReferenceDataLoader).Assembly;
        var full = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith("." + name, StringComparison.Ordinal))
                   ?? throw new InvalidDataException($"Embedded resource {name} is missing.");
        return assembly.GetManifestResourceStream(full)!;
    }
}
