using System.Net;
using CnsExchange.Application.Features.Reference;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.Foundation;

public sealed class ReferenceTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Acts_carry_coefficient_and_tariff_of_today()
    {
        var body = await (await Client(Physio1).GetAsync("/api/v1/reference/acts?domain=physio")).ExpectAsync<ReferenceList<ActDto>>(HttpStatusCode.OK);
        var zk11 = body.Items.Single(a => a.Code == "ZK11");
        Assert.Equal(36.80m, zk11.Coefficient);
        Assert.Equal(36.80m, zk11.TariffToday);
        Assert.False(body.Items.Single(a => a.Code == "ZKX9").CoveredByCns);
    }

    [Fact]
    public async Task Reason_codes_follow_accept_language()
    {
        var fr = await (await Client(Physio1, "fr-LU").GetAsync("/api/v1/reference/reason-codes")).ExpectAsync<ReferenceList<ReasonCodeDto>>(HttpStatusCode.OK);
        var de = await (await Client(Physio1, "de").GetAsync("/api/v1/reference/reason-codes")).ExpectAsync<ReferenceList<ReasonCodeDto>>(HttpStatusCode.OK);
        static string Message(ReferenceList<ReasonCodeDto> b) => b.Items.Single(r => r.Code == "PRESCRIPTION_TOO_OLD").Message;
        Assert.StartsWith("La validation", Message(fr));
        Assert.StartsWith("Die Validierung", Message(de));
    }

    [Fact]
    public async Task Holidays_of_2027_include_easter_based_days()
    {
        var body = await (await Client(Physio1).GetAsync("/api/v1/reference/holidays/2027")).ExpectAsync<ReferenceList<HolidayDto>>(HttpStatusCode.OK);
        var dates = body.Items.Select(h => h.Date).ToList();
        Assert.Equal(11, dates.Count);
        Assert.Contains(new DateOnly(2027, 3, 29), dates); // Easter Monday
        Assert.Contains(new DateOnly(2027, 5, 6), dates); // Ascension
        Assert.Contains(new DateOnly(2027, 5, 17), dates); // Whit Monday
    }

    [Fact]
    public async Task Working_day_after_christmas_eve_skips_two_holidays_and_a_weekend()
    {
        var body = await (await Client(Physio1).GetAsync("/api/v1/reference/working-days/2026-12-24")).ExpectAsync<WorkingDayDto>(HttpStatusCode.OK);
        Assert.True(body.IsWorkingDay);
        Assert.Equal(new DateOnly(2026, 12, 28), body.NextWorkingDay);
    }

    [Fact]
    public async Task Bad_year_is_400()
    {
        var response = await Client(Physio1).GetAsync("/api/v1/reference/holidays/99999");
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    /// <summary>Audit s68 (verify): a year that is not a number was 404 (no route), where a date that is not one is 400; both are 400 now.</summary>
    [Fact]
    public async Task A_year_or_a_date_that_cannot_be_read_is_400_malformed_request()
    {
        await (await Client(Physio1).GetAsync("/api/v1/reference/holidays/abc")).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_request");
        await (await Client(Physio1).GetAsync("/api/v1/reference/working-days/abc")).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_request");
    }
}
