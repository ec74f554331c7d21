using System.Net;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.Foundation;

public sealed class ReferenceTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Acts_carry_coefficient_and_tariff_of_today()
    {
        var body = await (await Client(Physio1).GetAsync("/api/v1/reference/acts?domain=physio")).ExpectAsync(HttpStatusCode.OK);
        var zk11 = body["items"]!.AsArray().Single(a => a!["code"]!.GetValue<string>() == "ZK11")!;
        Assert.Equal(36.80m, zk11["coefficient"]!.GetValue<decimal>());
        Assert.Equal(36.80m, zk11["tariffToday"]!.GetValue<decimal>());
        Assert.False(body["items"]!.AsArray().Single(a => a!["code"]!.GetValue<string>() == "ZKX9")!["coveredByCns"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Reason_codes_follow_accept_language()
    {
        var fr = await (await Client(Physio1, "fr-LU").GetAsync("/api/v1/reference/reason-codes")).ExpectAsync(HttpStatusCode.OK);
        var de = await (await Client(Physio1, "de").GetAsync("/api/v1/reference/reason-codes")).ExpectAsync(HttpStatusCode.OK);
        string Message(System.Text.Json.Nodes.JsonNode b) => b["items"]!.AsArray().Single(r => r!["code"]!.GetValue<string>() == "PRESCRIPTION_TOO_OLD")!["message"]!.GetValue<string>();
        Assert.StartsWith("La validation", Message(fr));
        Assert.StartsWith("Die Validierung", Message(de));
    }

    [Fact]
    public async Task Holidays_of_2027_include_easter_based_days()
    {
        var body = await (await Client(Physio1).GetAsync("/api/v1/reference/holidays/2027")).ExpectAsync(HttpStatusCode.OK);
        var dates = body["items"]!.AsArray().Select(h => h!["date"]!.GetValue<string>()).ToList();
        Assert.Equal(11, dates.Count);
        Assert.Contains("2027-03-29", dates); // Easter Monday
        Assert.Contains("2027-05-06", dates); // Ascension
        Assert.Contains("2027-05-17", dates); // Whit Monday
    }

    [Fact]
    public async Task Working_day_after_christmas_eve_skips_two_holidays_and_a_weekend()
    {
        var body = await (await Client(Physio1).GetAsync("/api/v1/reference/working-days/2026-12-24")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(body["isWorkingDay"]!.GetValue<bool>());
        Assert.Equal("2026-12-28", body["nextWorkingDay"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_year_is_400()
    {
        var response = await Client(Physio1).GetAsync("/api/v1/reference/holidays/99999");
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}
