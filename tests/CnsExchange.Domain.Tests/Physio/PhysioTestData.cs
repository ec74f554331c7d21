using System.Text.Json;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Registry;

namespace CnsExchange.Domain.Tests.Physio;

/// <summary>The shipped reference data (so the tests check the real caps, rates and deadlines) and sandbox-like people.</summary>
public static class PhysioTestData
{
    public static readonly DateOnly Today = new(2026, 11, 23);

    public static readonly ReferenceCatalog Catalog = LoadCatalog();

    private sealed record DataFile<T>(string Version, List<T> Rows);

    private static ReferenceCatalog LoadCatalog()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CnsExchange.sln"))) dir = dir.Parent;
        var data = Path.Combine(dir!.FullName, "src", "CnsExchange.Infrastructure", "ReferenceData");
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        List<T> Read<T>(string file) => JsonSerializer.Deserialize<DataFile<T>>(File.ReadAllText(Path.Combine(data, file)), options)!.Rows;
        return new ReferenceCatalog
        {
            Version = "test",
            Acts = Read<ActDefinition>("acts.json"),
            LetterKey = Read<LetterKeyValue>("letter-key.json"),
            AnnexG = Read<AnnexGCode>("annex-g.json"),
            ReasonCodes = Read<ReasonCodeDefinition>("reason-codes.json"),
            Parameters = Read<RuleParameter>("parameters.json"),
        };
    }

    public static Insured Person(DateOnly birth, string residence = "LU", bool crossBorder = false, DateOnly? affiliatedFrom = null, DateOnly? affiliatedTo = null)
    {
        var id = Guid.NewGuid();
        return new Insured
        {
            Id = id, Matricule = "1983081246785", FirstName = "Test", LastName = "Person", BirthDate = birth, CompetentFund = "CNS",
            ResidenceCountry = residence, CrossBorderWorker = crossBorder,
            Affiliations = [new AffiliationPeriod { Id = Guid.NewGuid(), InsuredId = id, From = affiliatedFrom ?? new DateOnly(2005, 1, 1), To = affiliatedTo }],
        };
    }

    public static Insured Adult() => Person(new DateOnly(1983, 8, 12));

    public static readonly Doctor LuDoctor = new() { Code = "90000001", Name = "Dr Jean Reuter", Country = "LU" };

    public static Prescription Rx(
        PhysioCategory category = PhysioCategory.Common, string act = "ZK11", int sessions = 6, DateOnly? date = null,
        string language = "fr", string? annexG = null, DateOnly? surgery = null, bool homeVisit = false, bool travelRequested = false,
        string careCountry = "LU", string? accident = null, PrescribingDoctor? doctor = null, string? frequency = "2 per week",
        string? diagnosis = "low back pain") =>
        new("1983081246785", doctor ?? new PrescribingDoctor("90000001", null, null), date ?? Today.AddDays(-3), language, category, annexG,
            surgery, act, sessions, frequency, diagnosis, homeVisit, travelRequested, careCountry, accident);

    public static PrescribingDoctor ForeignDoctor(string country = "DE") => new(null, "Dr Hans Müller", country);

    public static ValidationFacts Facts(Prescription rx, Insured? insured = null, bool unknownInsured = false, Doctor? doctor = null,
        string? existingVoucher = null, DateOnly? today = null) =>
        new(today ?? Today, rx, unknownInsured ? null : insured ?? Adult(),
            rx.Doctor.Code is null ? null : doctor ?? (rx.Doctor.Code == LuDoctor.Code ? LuDoctor : null), existingVoucher, Catalog);

    public static PrescriptionEvaluation Evaluate(ValidationFacts facts) => PrescriptionEvaluator.Evaluate(facts);

    public static IReadOnlyList<string> Codes(this PrescriptionEvaluation e) => e.Reasons.Select(r => r.Code).ToList();
}
