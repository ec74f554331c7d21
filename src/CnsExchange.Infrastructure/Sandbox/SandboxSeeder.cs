using System.Text.Json.Serialization;
using CnsExchange.Infrastructure.Reference;

namespace CnsExchange.Infrastructure.Sandbox;

/// <summary>
/// Seeds a sandbox (the one of the unit of work) from Sandbox/sandbox.json: its providers and one key per role, and
/// for the standard seed the README's doctors and identities. Adds what is missing, never overwrites.
/// </summary>
public sealed class SandboxSeeder(AppDbContext db, TimeProvider clock)
{
    internal sealed record SandboxFile(List<InsuredRow> Insured, List<Doctor> Doctors, List<ProviderRow> Providers, List<StaffRow> Staff);
    internal sealed record InsuredRow(string Matricule, string FirstName, string LastName, DateOnly BirthDate, Sex Sex, string CompetentFund,
        string ResidenceCountry, string? Municipality, bool CrossBorderWorker, string Scenario, List<PeriodRow> Affiliations,
        List<AccidentRow>? AccidentCases, List<CarePlanRow>? CarePlans, string? Iban = null, string? Bic = null);
    internal sealed record PeriodRow(DateOnly From, DateOnly? To);
    internal sealed record AccidentRow(string Reference, DateOnly OpenedOn, DateOnly? ClosedOn);
    internal sealed record CarePlanRow(DateOnly From, DateOnly? To, bool IncludesPhysiotherapy, List<DateOnly> PhysioDeliveredOn);
    internal sealed record ProviderRow(string Key, string Code, ProviderKind Kind, string Name, string Iban, string Bic);
    internal sealed record StaffRow(string Key, CallerRole Role, string Name);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    internal static SandboxFile Load()
    {
        using var stream = ReferenceDataLoader.OpenResource("Sandbox.sandbox.json");
        return JsonSerializer.Deserialize<SandboxFile>(stream, Options)!;
    }

    /// <summary>The role name of a key of the file ("sandbox-physio-1" → "physio-1"): the name a new sandbox's key has.</summary>
    public static string RoleName(string fileKey) => fileKey.StartsWith("sandbox-", StringComparison.Ordinal) ? fileKey["sandbox-".Length..] : fileKey;

    /// <summary>The default sandbox: the README's keys as they are written there.</summary>
    public Task SeedAsync(CancellationToken ct) => SeedAsync(standard: true, fileKey => fileKey, ct);

    /// <summary>Seeds the current sandbox with keys from <paramref name="keyFor"/> (file key → key); returns the keys by role name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SeedAsync(bool standard, Func<string, string> keyFor, CancellationToken ct)
    {
        var file = Load();
        if (!standard) file = file with { Insured = [], Doctors = [] };
        var issued = new Dictionary<string, string>();
        var now = clock.GetUtcNow();

        var knownMatricules = await db.Insured.IgnoreAutoIncludes().Select(i => i.Matricule).ToListAsync(ct);
        foreach (var row in file.Insured.Where(r => !knownMatricules.Contains(r.Matricule)))
        {
            var id = Guid.CreateVersion7();
            db.Insured.Add(new Insured
            {
                Id = id,
                Matricule = row.Matricule,
                FirstName = row.FirstName,
                LastName = row.LastName,
                BirthDate = row.BirthDate,
                Sex = row.Sex,
                CompetentFund = row.CompetentFund,
                ResidenceCountry = row.ResidenceCountry,
                Municipality = row.Municipality,
                CrossBorderWorker = row.CrossBorderWorker,
                Iban = row.Iban,
                Bic = row.Bic,
                Affiliations = row.Affiliations.Select(a => new AffiliationPeriod { Id = Guid.CreateVersion7(), InsuredId = id, From = a.From, To = a.To }).ToList(),
                AccidentCases = (row.AccidentCases ?? []).Select(a => new AccidentCase { Id = Guid.CreateVersion7(), InsuredId = id, Reference = a.Reference, OpenedOn = a.OpenedOn, ClosedOn = a.ClosedOn }).ToList(),
                CarePlans = (row.CarePlans ?? []).Select(p => new CarePlan { Id = Guid.CreateVersion7(), InsuredId = id, From = p.From, To = p.To, IncludesPhysiotherapy = p.IncludesPhysiotherapy, PhysioDeliveredOn = p.PhysioDeliveredOn }).ToList(),
            });
        }

        var knownDoctors = await db.Doctors.Select(d => d.Code).ToListAsync(ct);
        db.Doctors.AddRange(file.Doctors.Where(d => !knownDoctors.Contains(d.Code)));

        var knownProviders = await db.Providers.ToDictionaryAsync(p => p.Code, ct);
        var knownHashes = (await db.ApiKeys.Select(k => k.KeyHash).ToListAsync(ct)).ToHashSet();
        foreach (var row in file.Providers)
        {
            if (!knownProviders.TryGetValue(row.Code, out var provider))
            {
                provider = new Provider { Id = Guid.CreateVersion7(), Code = row.Code, Kind = row.Kind, Name = row.Name, Iban = row.Iban, Bic = row.Bic, CreatedAt = now };
                db.Providers.Add(provider);
            }
            var key = keyFor(row.Key);
            issued[RoleName(row.Key)] = key;
            var hash = ApiKeys.Hash(key);
            if (!knownHashes.Contains(hash))
                db.ApiKeys.Add(new ApiKey { Id = Guid.CreateVersion7(), KeyHash = hash, Name = RoleName(row.Key), Role = CallerRole.Provider, ProviderId = provider.Id, CreatedAt = now });
        }
        foreach (var row in file.Staff)
        {
            var key = keyFor(row.Key);
            issued[RoleName(row.Key)] = key;
            var hash = ApiKeys.Hash(key);
            if (!knownHashes.Contains(hash))
                db.ApiKeys.Add(new ApiKey { Id = Guid.CreateVersion7(), KeyHash = hash, Name = RoleName(row.Key), Role = row.Role, CreatedAt = now });
        }
        await db.SaveChangesAsync(ct);
        return issued;
    }
}
