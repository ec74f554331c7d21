using System.Net;
using System.Text.Json;
using CnsExchange.Domain.Common;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Physio.Rules;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static CnsExchange.IntegrationTests.Validation.ValidationTestSupport;

namespace CnsExchange.IntegrationTests.Validation;

/// <summary>The one-round-trip read of a validation's facts returns what EF maps, row for row.</summary>
public sealed class PhysioFactsReaderTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Every_insured_person_reads_as_EF_reads_them_children_in_the_same_order()
    {
        // Beside the sandbox: a person with several periods, cases and plans, and no municipality.
        var many = Matricule.Create(new DateOnly(1960, 2, 29), 777).Value;
        await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{many}", new
        {
            firstName = "Many", lastName = "Rows", sex = "male", competentFund = "CMFEP", residenceCountry = "FR", crossBorderWorker = true,
            affiliations = new[] { new { from = "1990-01-01", to = (string?)"1999-12-31" }, new { from = "2001-01-01", to = (string?)null }, new { from = "2000-03-01", to = (string?)"2000-06-30" } },
            accidentCases = new[] { new { reference = "AAA-2026-0100", openedOn = "2026-01-05", closedOn = (string?)"2026-03-01" }, new { reference = "AAA-2026-0042", openedOn = "2026-05-01", closedOn = (string?)null } },
            carePlans = new[]
            {
                new { from = "2025-01-01", to = (string?)"2025-12-31", includesPhysiotherapy = true, physioDeliveredOn = new[] { "2025-03-03", "2025-03-06" } },
                new { from = "2026-01-01", to = (string?)null, includesPhysiotherapy = false, physioDeliveredOn = Array.Empty<string>() },
            },
        })).ExpectAsync(HttpStatusCode.OK);

        var compared = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var reader = sp.GetRequiredService<IPhysioFactsReader>();
            var matricules = await db.Insured.AsNoTracking().IgnoreAutoIncludes().Select(i => i.Matricule).ToListAsync();
            foreach (var matricule in matricules)
            {
                var expected = await db.Insured.AsNoTracking().AsSingleQuery().SingleAsync(i => i.Matricule == matricule);
                var facts = await reader.ReadAsync(matricule, null, ["none"], CancellationToken.None);
                Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(facts.Insured));
                Assert.Null(facts.Doctor);
                Assert.Null(facts.ExistingVoucherNumber);
            }
            return matricules.Count;
        });
        Assert.True(compared >= 9, $"only {compared} insured persons compared");
    }

    [Fact]
    public async Task Unknown_matricule_reads_no_insured_but_still_the_doctor_and_the_voucher_of_a_fingerprint()
    {
        var agreed = await Client(Physio1).DecideAsync(Rx(), Pdf("facts"));
        var number = agreed.Voucher!.Number;

        await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var reader = sp.GetRequiredService<IPhysioFactsReader>();
            var sha = agreed.Scan.Sha256;
            var facts = await reader.ReadAsync("1900010100000", "90000001", ["other", DuplicatePrescription.ScanFingerprint(sha)], CancellationToken.None);

            Assert.Null(facts.Insured);
            var doctor = await db.Doctors.AsNoTracking().SingleAsync(d => d.Code == "90000001");
            Assert.Equal(JsonSerializer.Serialize(doctor), JsonSerializer.Serialize(facts.Doctor));
            Assert.Equal(number, facts.ExistingVoucherNumber);
            Assert.True(facts.ExistingVoucherMatchedScan);
            return 0;
        });
    }

    [Fact]
    public async Task Each_read_draws_the_next_voucher_number_which_an_agreement_then_uses()
    {
        long first = 0;
        await Api.WithScopeAsync(async sp =>
        {
            var reader = sp.GetRequiredService<IPhysioFactsReader>();
            first = (await reader.ReadAsync("1900010100000", null, ["none"], CancellationToken.None)).VoucherSequence!.Value;
            var second = (await reader.ReadAsync("1900010100000", null, ["none"], CancellationToken.None)).VoucherSequence!.Value;
            Assert.True(second > first, $"{second} after {first}");
            return 0;
        });

        var agreed = await Client(Physio1).DecideAsync(Rx(), Pdf("facts-sequence"));
        var sequence = long.Parse(agreed.Voucher!.Number.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(sequence > first + 1, $"voucher {agreed.Voucher.Number} after the reads' {first} and {first + 1}");
    }

    [Fact]
    public async Task Val14_lookup_planned_in_a_sandbox_the_statistics_do_not_know_still_probes_the_key_in_a_full_one()
    {
        // A prepared statement is planned once per connection, with the estimate for the sandbox current then. Planned in a
        // sandbox with no fingerprints yet, the lookup must still probe pk_prescription_fingerprints by fingerprint when it
        // runs in a sandbox that holds thousands (it used to read them all through the key's sandbox prefix: issue 24).
        var full = Guid.NewGuid();
        var fresh = Guid.NewGuid();
        await using var session = await RolledBackSession.OpenAsync(Api); // rolled back: the rows and the statistics
        Func<string, Task<List<string>>> Run = session.RunAsync;
        var role = session.AppRole;

        await Run("SET LOCAL session_replication_role = replica"); // the vouchers they name need not exist
        await Run($"""
            INSERT INTO cns.prescription_fingerprints (fingerprint, voucher_id, voucher_number, request_id, created_at, sandbox_id)
            SELECT 'c:' || md5(g::text), gen_random_uuid(), 'P26-' || g, gen_random_uuid(), now(), '{full}' FROM generate_series(1, 5000) g
            """);
        await Run("ANALYZE cns.prescription_fingerprints");
        await Run($"SET LOCAL ROLE {role}");
        await Run("SET LOCAL plan_cache_mode = force_generic_plan");
        await Run($"SELECT set_config('cns.sandbox', '{fresh}', true)");
        await Run($"PREPARE val14_lookup(text, text) AS {PhysioFactsReader.FingerprintLookup(2)}");
        Assert.Empty(await Run("EXECUTE val14_lookup('c:none', 's:none')")); // the generic plan is made here, in the fresh sandbox

        await Run($"SELECT set_config('cns.sandbox', '{full}', true)");
        var plan = await Run("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE val14_lookup('c:' || md5('4321'), 's:none')");
        var text = string.Join("\n", plan);
        var scans = plan.Where(l => l.Contains(" on prescription_fingerprints")).ToList();
        Assert.True(scans.Count == 2 && scans.All(l => l.Contains("Index Scan using pk_prescription_fingerprints")), text);
        Assert.Equal(2, plan.Count(l => l.Contains("Index Cond:") && l.Contains("fingerprint") && l.Contains("$")));
        Assert.DoesNotContain(plan, l => l.Contains("Rows Removed by"));
        Assert.Equal(["P26-4321"], await Run("EXECUTE val14_lookup('c:' || md5('4321'), 's:none')"));
    }
}
