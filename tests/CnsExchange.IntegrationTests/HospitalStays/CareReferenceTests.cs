using System.Net;
using CnsExchange.Application.Features.Reference;
using CnsExchange.Domain.Cures;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.HospitalStays;

public sealed class CareReferenceTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Cure_kinds_carry_their_rates()
    {
        var body = await ListAsync<CureKindDto>(Thermal1, "cure-kinds");
        var kinds = body.Items.ToDictionary(k => k.Code);
        Assert.Equal(70m, kinds["T261"].RatePercent);
        Assert.Equal(80m, kinds["T206"].RatePercent);
        Assert.Equal(CureFamily.BackNeckShoulder, kinds["T206"].Family);
        Assert.Equal("Cure ambulatoire pour algies de l'épaule", kinds["T206"].Label.Fr);
    }

    [Fact]
    public async Task S2_countries_allowances_hospital_tariffs_and_rehabilitation_kinds_are_readable()
    {
        var s2 = await ListAsync<S2CountryDto>(Thermal1, "s2-countries");
        var codes = s2.Items.Select(c => c.Code).ToList();
        Assert.Contains("TR", codes);
        Assert.DoesNotContain("GB", codes);

        var allowances = await ListAsync<StayAllowanceDto>(Thermal1, "stay-allowances");
        Assert.Contains(allowances.Items, a => a.Amount == 17.94m && a.Unit == "day");

        var tariffs = await ListAsync<HospitalTariffDto>(Hospital1, "hospital-tariffs");
        Assert.Contains(tariffs.Items, t => t.Item == "participation_stationary_day" && t.Amount == 25.50m);

        var rehab = await ListAsync<RehabilitationKindDto>(Rehab1, "rehabilitation-kinds");
        Assert.Contains(rehab.Items, k => k.Code == "CNRFR" && !k.AuthorisationRequired);
    }

    private async Task<ReferenceList<T>> ListAsync<T>(string key, string list) =>
        await (await Client(key).GetAsync($"/api/v1/reference/{list}")).ExpectAsync<ReferenceList<T>>(HttpStatusCode.OK);
}

public sealed class HospitalStayHistoryTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Recorded_stationary_stays_are_the_history_rehabilitation_reads()
    {
        foreach (var (admission, discharge, kind) in new[] { ("2026-03-01", "2026-03-09", "stationary"), ("2026-04-01", "2026-04-01", "day_hospital") })
            await (await Client(Hospital1).PostJsonAsync("/api/v1/hospital-stays", new
            {
                matricule = "1983081246785", admissionDate = admission, dischargeDate = discharge, kind,
            })).ExpectAsync(HttpStatusCode.Created);

        var stays = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CnsExchange.Application.Common.IAppDbContext>();
            var insuredId = db.Insured.Single(i => i.Matricule == "1983081246785").Id;
            return await CnsExchange.Application.Features.HospitalStays.HospitalStayHistory.StationaryStaysAsync(
                db, insuredId, new DateOnly(2025, 12, 1), new DateOnly(2026, 12, 1), CancellationToken.None);
        });
        var stay = Assert.Single(stays);
        Assert.Equal(9, stay.Days);
    }
}
