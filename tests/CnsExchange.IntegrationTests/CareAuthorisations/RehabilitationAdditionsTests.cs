using CnsExchange.Domain.Billing;
using System.Net;
using System.Text;
using CnsExchange.Domain.Requests;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.CareAuthorisations.CareTestSupport;
using static CnsExchange.IntegrationTests.OtherBilling.OtherBillingSupport;

namespace CnsExchange.IntegrationTests.CareAuthorisations;

/// <summary>Issue 21: Colpach ambulatory treatment days (REH-06) and cardiac rehabilitation (REH-07) through HTTP.</summary>
public sealed class RehabilitationAdditionsTests(ApiFactory api) : ApiTest(api)
{
    private const string Cnrfr = "sandbox-cnrfr";

    [Fact]
    public async Task Reh05_the_cnrfr_records_stays_like_a_hospital_and_doctors_bill_their_fees_for_them()
    {
        // REH-01 still answers the affiliation check for the CNRFR itself: no authorisation, no voucher.
        var check = await Client(Cnrfr).RehabAsync(Rehab("CNRFR", start: Today));
        Assert.Equal((RequestStatus.NotRequired, true), (check.Status, check.AffiliationInOrder));
        Assert.Null(check.Voucher);

        var stay = await (await Client(Cnrfr).PostJsonAsync("/api/v1/hospital-stays", new
        {
            matricule = Adult, admissionDate = "2026-11-16", dischargeDate = "2026-11-20", kind = "stationary", childbirth = false, room = "standard",
            singleRoomMedicallyNeeded = false, accompanyingParentBed = false, countryOfCare = "LU", operations = Array.Empty<object>(),
        })).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(("accepted", 5), (stay["status"]!.GetValue<string>(), stay["participation"]!["daysCharged"]!.GetValue<int>())); // HOS-02
        Assert.Equal("CNR0001", stay["providerCode"]!.GetValue<string>());

        var memoir = await Client(Doctor1).BillAsync("DR-CNRFR-1", [FeeLine(stay["id"]!.GetValue<string>(), Adult, "2026-11-17", "DV01", 42.00m)]);
        Assert.Equal((LineOutcome.Accepted, 100m, 42.00m), (memoir.Line(1).Outcome, memoir.Line(1).RatePercent, memoir.Line(1).CnsAmount)); // HOS-04 stationary

        // A rehabilitation centre that is not the CNRFR still does not record stays.
        await (await Client(Rehab1).PostJsonAsync("/api/v1/hospital-stays", new
        {
            matricule = Adult, admissionDate = "2026-11-16", dischargeDate = "2026-11-20", kind = "stationary", childbirth = false, room = "standard",
            singleRoomMedicallyNeeded = false, accompanyingParentBed = false, countryOfCare = "LU", operations = Array.Empty<object>(),
        })).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Reh06_ten_colpach_ambulatory_days_spread_over_weeks_are_agreed_and_billed_and_an_eleventh_is_not()
    {
        var start = new DateOnly(2026, 11, 30);
        var decision = await Client(Rehab1).RehabAsync(Rehab("SNRP_AMB", start: start, days: 10));
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Equal(("2026-11-30", "2027-02-21", 10), (decision.Authorisation!.From.Iso(), decision.Authorisation!.To.Iso(),
            decision.Authorisation!.Days));
        Assert.Equal(("RSNRPA", 10), (decision.Service().ActCode, decision.Service().SessionsGranted));

        // Two treatment days a week over five weeks, then an eleventh day.
        var days = Enumerable.Range(0, 5).SelectMany(w => new[] { start.AddDays(7 * w), start.AddDays(7 * w + 3) }).ToList();
        Api.MoveTo(new DateOnly(2027, 1, 11));
        var memoir = await Client(Rehab1).BillAsync("COLPACH-AMB-1",
            days.Append(new DateOnly(2027, 1, 4)).Select(d => VoucherLine(decision.Voucher!.Number, Adult, d, "RSNRPA", 160.00m)));
        Assert.All(Enumerable.Range(1, 10), n => Assert.Equal(LineOutcome.Accepted, memoir.Line(n).Outcome));
        Assert.Equal(["SESSIONS_EXHAUSTED"], memoir.Line(11).ReasonCodes());

        // The case used the ten treatment days of the year: another ambulatory case in 2026 is refused.
        var more = await Client(Rehab1).RehabAsync(Rehab("SNRP_AMB", start: new DateOnly(2027, 1, 18), days: 5));
        Assert.Equal(RequestStatus.Agreed, more.Status); // a case of 2027 counts in 2027
    }

    [Fact]
    public async Task Reh06_colpach_ambulatory_refuses_a_programme_beyond_12_weeks_and_the_11th_treatment_day_of_the_year()
    {
        var start = new DateOnly(2026, 11, 30);
        var tooLong = await Client(Rehab1).RehabAsync(Rehab("SNRP_AMB", start: start, end: start.AddDays(84), days: 10));
        Assert.Equal(["REHAB_DAYS_EXCEEDED"], tooLong.Codes());
        Assert.Equal(("REH-06", "end", "2027-02-21"), (tooLong.Reasons[0].Rule, tooLong.Reasons[0].Field,
            tooLong.Reasons[0].Detail));

        Assert.Equal(RequestStatus.Agreed, (await Client(Rehab1).RehabAsync(Rehab("SNRP_AMB", start: start, end: start.AddDays(40), days: 5))).Status);
        var eleventh = await Client(Rehab1).RehabAsync(Rehab("SNRP_AMB", start: new DateOnly(2026, 12, 14), days: 6));
        Assert.Equal(["REHAB_DAYS_EXCEEDED"], eleventh.Codes());
        Assert.Equal("2026: 5 + 6 > 10", eleventh.Reasons[0].Detail);
        Assert.Equal(RequestStatus.Agreed, (await Client(Rehab1).RehabAsync(Rehab("SNRP_AMB", start: new DateOnly(2026, 12, 14), days: 5))).Status);
    }

    [Fact]
    public async Task Reh07_cardiac_rehabilitation_after_a_recent_cardiac_event_is_agreed_for_at_most_3_months()
    {
        var start = new DateOnly(2026, 12, 1);
        var agreed = await Client(Hospital1).RehabAsync(Rehab("CARDIAC_AMB", start: start, end: new DateOnly(2027, 2, 28)) with { CardiacEventDate = new DateOnly(2026, 10, 20) });
        Assert.Equal(RequestStatus.Agreed, agreed.Status);
        Assert.Equal(("RCARDA", 90), (agreed.Service().ActCode, agreed.Service().SessionsGranted));
        Assert.Equal("2026-10-20", agreed.Request.CardiacEventDate.Iso());

        var refused = await Client(Rehab1).RehabAsync(Rehab("CARDIAC_AMB", MondorfResident, start, new DateOnly(2027, 3, 1))
            with { CardiacEventDate = new DateOnly(2026, 8, 31) });
        Assert.Equal(["REHAB_CONDITIONS_NOT_MET", "REHAB_DAYS_EXCEEDED"], refused.Codes());
        Assert.All(refused.Reasons, r => Assert.Equal("REH-07", r.Rule));
    }

    [Theory]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"CARDIAC_AMB\",\"start\":\"2026-12-01\",\"end\":\"2027-01-31\"}", "cardiacEventDate")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"CARDIAC_AMB\",\"start\":\"2026-12-01\",\"cardiacEventDate\":\"2026-11-01\"}", "end")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"SNRP_STAT\",\"start\":\"2026-12-01\",\"days\":10,\"stableClinicalState\":true,\"functionalLimitationsAttested\":true,\"cardiacEventDate\":\"2026-11-01\"}", "cardiacEventDate")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"SNRP_STAT\",\"start\":\"2026-12-01\",\"end\":\"2026-12-20\",\"days\":10,\"stableClinicalState\":true,\"functionalLimitationsAttested\":true}", "end")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"SNRP_AMB\",\"start\":\"2026-12-01\",\"end\":\"2026-11-20\",\"days\":10,\"stableClinicalState\":true,\"functionalLimitationsAttested\":true}", "end")]
    public async Task Reh07_and_Reh06_bad_input_is_400_naming_the_field(string json, string field)
    {
        var response = await Client(Rehab1).PostAsync(RehabUrl, new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]?[field] is not null, problem.ToJsonString());
    }
}
