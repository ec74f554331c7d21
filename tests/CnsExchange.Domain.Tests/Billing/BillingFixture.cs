using System.Text.Json;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Vouchers;

namespace CnsExchange.Domain.Tests.Billing;

/// <summary>The shipped reference data (ReferenceData/*.json) and a voucher/insured/line to vary per test row.</summary>
internal static class BillingFixture
{
    public static readonly Guid Provider = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    public static readonly Guid OtherProvider = Guid.Parse("00000000-0000-0000-0000-0000000000a2");
    public const string Matricule = "1983081246785";
    public const string Number = "K26-0001000-3";
    public static readonly DateOnly Today = new(2026, 11, 23);

    public static readonly ReferenceCatalog Catalog = LoadCatalog();

    private sealed record DataFile<T>(List<T> Rows);

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

    public static Voucher Voucher(decimal rate = 70m, bool travel = false, int sessions = 8, bool thirdParty = true, string act = "ZK11") => new()
    {
        Id = Guid.Parse("00000000-0000-0000-0000-0000000000b1"),
        Number = Number,
        ProviderId = Provider,
        InsuredId = Guid.Parse("00000000-0000-0000-0000-0000000000c1"),
        Matricule = Matricule,
        Category = "common",
        PrescriptionDate = new DateOnly(2026, 11, 2),
        IssuedOn = new DateOnly(2026, 11, 3),
        TreatmentStartBy = new DateOnly(2026, 12, 3),
        ValidUntil = new DateOnly(2027, 2, 3),
        ThirdPartyPayment = thirdParty,
        Services =
        [
            new VoucherService
            {
                Id = Guid.Parse("00000000-0000-0000-0000-0000000000d1"), ActCode = act, SessionsGranted = sessions, RatePercent = rate,
                TariffOnIssue = 36.80m, TravelAllowanceGranted = travel,
            },
        ],
    };

    public static Insured Insured(DateOnly? affiliatedUntil = null, params DateOnly[] dependencyCareDays) => new()
    {
        Id = Guid.Parse("00000000-0000-0000-0000-0000000000c1"),
        Matricule = Matricule,
        FirstName = "Test",
        LastName = "Person",
        BirthDate = new DateOnly(1983, 8, 12),
        CompetentFund = "CNS",
        ResidenceCountry = "LU",
        Affiliations = [new AffiliationPeriod { From = new DateOnly(2005, 1, 1), To = affiliatedUntil }],
        CarePlans = dependencyCareDays.Length == 0 ? [] :
            [new CarePlan { From = new DateOnly(2026, 1, 1), IncludesPhysiotherapy = true, PhysioDeliveredOn = [.. dependencyCareDays] }],
    };

    public static LineFacts Facts(string date = "2026-11-10", string act = "ZK11", decimal claimed = 36.80m, bool travel = false, Voucher? voucher = null,
        Insured? insured = null, string today = "2026-11-23", string firstSession = "2026-11-10") => new()
    {
        Line = new FeeMemoirLineInput(Number, Matricule, DateOnly.Parse(date), act, travel, claimed),
        ProviderId = Provider,
        Today = DateOnly.Parse(today),
        Voucher = voucher ?? Voucher(),
        Insured = insured ?? Insured(),
        FirstSessionDate = DateOnly.Parse(firstSession),
        SessionsRemaining = 8,
    };

    public static LineDecision Adjudicate(LineFacts facts) => LineAdjudication.Adjudicate(facts, Catalog);

    public static IReadOnlyList<string> Codes(LineDecision d) => d.Reasons.Select(r => r.Code).ToList();
}
