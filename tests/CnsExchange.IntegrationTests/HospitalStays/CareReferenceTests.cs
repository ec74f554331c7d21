using System.Net;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.HospitalStays;

public sealed class CareReferenceTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Cure_kinds_carry_their_rates()
    {
        var body = await (await Client(Thermal1).GetAsync("/api/v1/reference/cure-kinds")).ExpectAsync(HttpStatusCode.OK);
        var kinds = body["items"]!.AsArray().ToDictionary(k => k!["code"]!.GetValue<string>(), k => k!);
        Assert.Equal(70m, kinds["T261"]["ratePercent"]!.GetValue<decimal>());
        Assert.Equal(80m, kinds["T206"]["ratePercent"]!.GetValue<decimal>());
        Assert.Equal("back_neck_shoulder", kinds["T206"]["family"]!.GetValue<string>());
        Assert.Equal("Cure ambulatoire pour algies de l'épaule", kinds["T206"]["label"]!["fr"]!.GetValue<string>());
    }

    [Fact]
    public async Task S2_countries_allowances_hospital_tariffs_and_rehabilitation_kinds_are_readable()
    {
        var s2 = await (await Client(Thermal1).GetAsync("/api/v1/reference/s2-countries")).ExpectAsync(HttpStatusCode.OK);
        var codes = s2["items"]!.AsArray().Select(c => c!["code"]!.GetValue<string>()).ToList();
        Assert.Contains("TR", codes);
        Assert.DoesNotContain("GB", codes);

        var allowances = await (await Client(Thermal1).GetAsync("/api/v1/reference/stay-allowances")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(allowances["items"]!.AsArray(), a => a!["amount"]!.GetValue<decimal>() == 17.94m && a["unit"]!.GetValue<string>() == "day");

        var tariffs = await (await Client(Hospital1).GetAsync("/api/v1/reference/hospital-tariffs")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(tariffs["items"]!.AsArray(), t => t!["item"]!.GetValue<string>() == "participation_stationary_day" && t["amount"]!.GetValue<decimal>() == 25.50m);

        var rehab = await (await Client(Rehab1).GetAsync("/api/v1/reference/rehabilitation-kinds")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(rehab["items"]!.AsArray(), k => k!["code"]!.GetValue<string>() == "CNRFR" && !k["authorisationRequired"]!.GetValue<bool>());
    }
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
