using System.Net;
using System.Text.Json;
using CnsExchange.Domain.Common;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Physio.Rules;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
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
}
