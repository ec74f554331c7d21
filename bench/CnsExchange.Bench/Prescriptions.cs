using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace CnsExchange.Bench;

/// <summary>
/// The new prescriptions a scenario sends, each agreed once. VAL-14 refuses a prescription whose doctor, insured, date and
/// act (or scan) already have a voucher in the sandbox, and a refusal writes less than an agreement: a bench that sent one
/// twice measured cheap refusals as validations. Until 2026-12-05 the prescription came from (worker, sequence), which
/// repeated within 1,575 requests of a worker: the 4-connection phase, the later phases of P7 and P8 and every warm-up
/// partly repeated earlier ones. Now:
/// <list type="bullet">
/// <item>each scenario has an insured population of its own (<see cref="Population"/>), so two scenarios that load the
/// same sandbox, even from two bench processes (P8 runs in its own, after P1 and P7), never send the same prescription;</item>
/// <item>per API key (one sandbox each) a counter walks through every insured × doctor × date once, whatever the phase,
/// worker or connection count, and the bench stops with an error rather than send one twice.</item>
/// </list>
/// </summary>
public sealed class Prescriptions
{
    /// <summary>Insured per population: 600 × 10 doctors × 28 prescription dates = 168,000 prescriptions per sandbox.</summary>
    public const int InsuredCount = 600;
    /// <summary>The registry's doctors of the standard sandbox seed (90000001 to 90000010, all in Luxembourg).</summary>
    private const int DoctorCount = 10;
    /// <summary>Prescription dates from today back to 27 days (VAL-02 accepts 31).</summary>
    private const int DayCount = 28;
    public const long Capacity = (long)InsuredCount * DoctorCount * DayCount;
    private const int ScanBytes = 20 * 1024;

    private readonly string[] _matricules;
    private readonly DateOnly _today;
    private readonly byte[] _template;
    private readonly ConcurrentDictionary<string, StrongBox<long>> _issued = new();

    private Prescriptions(int population, DateOnly today)
    {
        Population = population;
        _today = today;
        _matricules = [.. Enumerable.Range(0, InsuredCount).Select(i => Matricule(population, i))];
        _template = new byte[ScanBytes];
        Random.Shared.NextBytes(_template);
        Encoding.ASCII.GetBytes("%PDF-1.4\n").CopyTo(_template, 0);
        BitConverter.GetBytes(population).CopyTo(_template, 32);
    }

    /// <summary>0: P1 (and its sandboxes), 1: P7, 2: P8. Distinct birth dates, so distinct matricules.</summary>
    public int Population { get; }

    /// <summary>The population's prescriptions, none of its insured registered yet.</summary>
    public static Prescriptions Unregistered(int population, DateOnly today) => new(population, today);

    /// <summary>The population's prescriptions, its insured registered in the default sandbox.</summary>
    public static async Task<Prescriptions> ForAsync(BenchContext ctx, int population)
    {
        var prescriptions = new Prescriptions(population, ctx.Today);
        await prescriptions.RegisterInsuredAsync(ctx, "sandbox-admin");
        return prescriptions;
    }

    /// <summary>Registers the population's insured in the sandbox of <paramref name="adminKey"/> (4 requests at a time).</summary>
    public async Task RegisterInsuredAsync(BenchContext ctx, string adminKey)
    {
        using var http = new HttpClient { BaseAddress = ctx.ApiUri };
        http.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        await Parallel.ForEachAsync(Enumerable.Range(0, InsuredCount), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            using var response = await http.PutAsJsonAsync($"/api/v1/admin/insured/{_matricules[i]}", new
            {
                firstName = "Bench", lastName = $"Person{Population}-{i}", sex = "female", competentFund = "CNS", residenceCountry = "LU",
                crossBorderWorker = false, affiliations = new[] { new { from = "2000-01-01", to = (string?)null } },
            }, ct);
            response.EnsureSuccessStatusCode();
        });
    }

    /// <summary>
    /// How a validation phase judges an answer: P1's target is agreed validations per second, so only a 201 whose decision is
    /// <c>agreed</c> counts; a refusal or a pending decision is labelled with its reason codes (a refused duplicate is cheaper
    /// than an agreement and would flatter the figure).
    /// </summary>
    public static Answer Agreed(HttpResponseMessage response, byte[] body)
    {
        if ((int)response.StatusCode != 201) return Answer.ByStatus(response, false);
        using var json = JsonDocument.Parse(body);
        var status = json.RootElement.GetProperty("status").GetString();
        if (status == "agreed") return new Answer(true, "201 agreed");
        string?[] reasons = json.RootElement.TryGetProperty("reasons", out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(r => r.GetProperty("code").GetString()).Distinct().Order()]
            : [];
        return new Answer(false, $"201 {status} ({string.Join("+", reasons)})");
    }

    /// <summary>A POST of the next new prescription of <paramref name="apiKey"/>'s sandbox, with a 20 KiB scan of its own.</summary>
    public HttpRequestMessage Next(Uri target, string path, string apiKey)
    {
        var n = Interlocked.Increment(ref _issued.GetOrAdd(apiKey, _ => new StrongBox<long>()).Value) - 1;
        var (matricule, doctor, date) = KeyOf(n);
        var json = JsonSerializer.Serialize(new
        {
            matricule,
            doctor = new { code = doctor },
            prescriptionDate = date.ToString("yyyy-MM-dd"),
            prescriptionLanguage = "fr",
            category = "common",
            actCode = "ZK11",
            sessions = 6,
            homeVisitMedicallyNecessary = false,
            careCountry = "LU",
            diagnosis = $"bench {Population}-{n}",
        });
        var scan = (byte[])_template.Clone();
        BitConverter.GetBytes(n).CopyTo(scan, 16);
        var form = new MultipartFormDataContent
        {
            { new StringContent(json, Encoding.UTF8, "application/json"), "request" },
        };
        var file = new ByteArrayContent(scan);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "scan", "prescription.pdf");
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(target, path)) { Content = form };
        message.Headers.Add("X-Api-Key", apiKey);
        return message;
    }

    /// <summary>
    /// What VAL-14 compares, for the n-th prescription of a sandbox: insured, doctor and date (the act is always ZK11).
    /// Distinct for every n below <see cref="Capacity"/>; beyond it there is no new prescription left.
    /// </summary>
    public (string Matricule, string Doctor, DateOnly Date) KeyOf(long n)
    {
        if (n < 0 || n >= Capacity)
            throw new InvalidOperationException(
                $"Population {Population} has no new prescription left after {Capacity} in one sandbox: a further one would be a " +
                "duplicate (VAL-14), refused instead of agreed. Raise Prescriptions.InsuredCount or shorten the phases.");
        return (_matricules[n % InsuredCount], $"900000{1 + n / InsuredCount % DoctorCount:00}", _today.AddDays(-(int)(n / (InsuredCount * DoctorCount))));
    }

    /// <summary>
    /// The i-th insured of a population: born on distinct days from 1940 on (7 days apart, populations one after the other),
    /// with a valid matricule built by the Domain (the one implementation of the check digits).
    /// </summary>
    public static string Matricule(int population, int i) =>
        Domain.Common.Matricule.Create(new DateOnly(1940, 1, 1).AddDays((population * InsuredCount + i) * 7), 500 + i % 500).Value;
}
