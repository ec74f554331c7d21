using System.Net;
using System.Text;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Cures;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Vouchers;
using CnsExchange.Domain.Requests;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.CareAuthorisations.CareTestSupport;

namespace CnsExchange.IntegrationTests.CareAuthorisations;

/// <summary>Issue 7: cure authorisations through HTTP (CUR-01…CUR-08), cures abroad (S2), cross-border workers.</summary>
public sealed class CureAuthorisationTests(ApiFactory api) : ApiTest(api)
{
    private static readonly CureClinicalData Obese = new(Bmi: 36m);

    // ---- agreements: voucher, rate, sessions, stay allowance ------------------------------------------------------

    [Fact]
    public async Task Back_pain_cure_for_a_Mondorf_resident_is_agreed_with_a_C_voucher_valid_one_year_and_the_daily_allowance()
    {
        var decision = await Client(Thermal1).CureAsync(Cure("T200", MondorfResident));

        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Empty(decision.Codes());
        Assert.Null(decision.DecisionDueBy);
        var voucher = decision.Voucher!;
        Assert.True(IsVoucher(voucher.Number, VoucherKind.Cure), voucher.Number);
        Assert.StartsWith("C26-", voucher.Number);
        Assert.Equal((VoucherKind.Cure, "T200"), (voucher.Kind, voucher.Category));
        Assert.Equal(("2026-11-23", "2027-11-23", "2027-11-23"), (voucher.IssuedOn.Iso(), voucher.TreatmentStartBy.Iso(), voucher.ValidUntil.Iso()));
        Assert.True(voucher.ThirdPartyPayment);
        var service = decision.Service();
        Assert.Equal(("T200", 24, 80m, 35.00m), (service.ActCode, service.SessionsGranted,
            service.RatePercent, service.TariffOnIssue));

        var terms = decision.Authorisation!;
        Assert.Equal((80m, 24, 6, false), (terms.RatePercent, terms.Sessions,
            terms.SessionWindowMonths, terms.S2));
        var allowance = terms.StayAllowance!;
        Assert.Equal(("mondorf_resident_day", "day", 17.94m), (allowance.Code, allowance.Unit,
            allowance.Amount));
        Assert.Equal(["submitted", "agreed"], decision.History.Select(h => h.Action));

        // The voucher view carries the authorisation terms too.
        var shown = await (await Client(Thermal1).GetAsync($"/api/v1/vouchers/{decision.Voucher!.Number}")).ExpectAsync<VoucherDto>(HttpStatusCode.OK);
        Assert.Equal(17.94m, shown.Cure!.StayAllowance!.Amount);
        Assert.Equal(24, shown.Services[0].SessionsRemaining);
    }

    [Fact]
    public async Task Fango_is_covered_at_70_percent_with_the_nightly_allowance_for_a_non_resident()
    {
        var decision = await Client(Thermal1).CureAsync(Cure("T261"));
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Equal(70m, decision.Service().RatePercent);
        var allowance = decision.Authorisation!.StayAllowance!;
        Assert.Equal(("mondorf_night", "night", 61.39m), (allowance.Code, allowance.Unit,
            allowance.Amount));
    }

    [Fact]
    public async Task Obesity_cure_needs_a_bmi_above_35_without_other_criterion()
    {
        var refused = await Client(Thermal1).CureAsync(Cure("T190", clinical: new CureClinicalData(Bmi: 35.0m)));
        Assert.Equal(RequestStatus.Refused, refused.Status);
        Assert.Equal(["CURE_CONDITIONS_NOT_MET"], refused.Codes());
        Assert.Equal("CUR-04", refused.Reasons[0].Rule);
        Assert.Null(refused.Voucher);
        Assert.Null(refused.Authorisation);

        var agreed = await Client(Thermal1).CureAsync(Cure("T190", clinical: new CureClinicalData(Bmi: 35.1m)));
        Assert.Equal(RequestStatus.Agreed, agreed.Status);
        Assert.Equal(1, await CountAsync("vouchers"));
    }

    [Fact]
    public async Task Cur11_stationary_obesity_cure_is_agreed_without_stay_allowance_and_says_why()
    {
        var stationary = await Client(Thermal1).CureAsync(Cure("T190", MondorfResident, clinical: new CureClinicalData(Bmi: 36m)));
        Assert.Equal(RequestStatus.Agreed, stationary.Status);
        Assert.Equal(["STAY_INCLUDED_IN_CURE_PACKAGE"], stationary.Codes());
        Assert.Equal(("CUR-11", "information"), (stationary.Reasons[0].Rule, stationary.Reasons[0].Severity));
        Assert.Null(stationary.Authorisation!.StayAllowance);

        var ambulatory = await Client(Thermal1).CureAsync(Cure("T192", clinical: new CureClinicalData(Bmi: 36m)));
        Assert.Equal((RequestStatus.Agreed, "mondorf_night"), (ambulatory.Status, ambulatory.Authorisation!.StayAllowance!.Code));
    }

    [Fact]
    public async Task Lympho_venous_cure_needs_complicated_venous_insufficiency_or_lymphoedema()
    {
        var refused = await Client(Thermal1).CureAsync(Cure("T180"));
        Assert.Equal(["CURE_CONDITIONS_NOT_MET"], refused.Codes());
        Assert.Equal("CUR-03", refused.Reasons[0].Rule);
        Assert.Equal(RequestStatus.Agreed, (await Client(Thermal1).CureAsync(Cure("T180", clinical: new CureClinicalData(Lymphoedema: true)))).Status);
    }

    // ---- CUR-08 cures abroad (S2) ---------------------------------------------------------------------------------

    [Fact]
    public async Task Cure_abroad_in_a_covered_country_asked_before_the_start_is_agreed_with_an_S2_marker()
    {
        var decision = await Client(Thermal1).CureAsync(Cure("T200", start: Today.AddDays(30), country: "DE", notAvailableHere: true));

        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Equal(["S2_AUTHORISATION"], decision.Codes());
        var terms = decision.Authorisation!;
        Assert.True(terms.S2);
        Assert.Equal("DE", terms.CountryOfCare);
        Assert.False(terms.ThirdPartyPayment);
        Assert.Equal("abroad_night", terms.StayAllowance!.Code);
        Assert.False(decision.Voucher!.ThirdPartyPayment);
        Assert.True(decision.Voucher!.Cure!.S2);
        Assert.True(decision.Request.Abroad);
    }

    [Theory]
    [InlineData("CH")] // Switzerland
    [InlineData("TN")] // bilateral agreement
    public async Task Cure_abroad_in_switzerland_or_an_agreement_state_is_agreed(string country) =>
        Assert.Equal(RequestStatus.Agreed, (await Client(Thermal1).CureAsync(Cure("T200", country: country, notAvailableHere: true))).Status);

    [Fact]
    public async Task Cure_abroad_in_a_country_outside_the_list_is_refused()
    {
        var decision = await Client(Thermal1).CureAsync(Cure("T200", country: "US", notAvailableHere: true));
        Assert.Equal(RequestStatus.Refused, decision.Status);
        Assert.Equal(["COUNTRY_NOT_COVERED"], decision.Codes());
        Assert.Equal("US", decision.Reasons[0].Detail);
    }

    [Fact]
    public async Task Cure_abroad_asked_after_the_start_is_refused_and_on_the_start_day_is_agreed()
    {
        var late = await Client(Thermal1).CureAsync(Cure("T200", start: Today.AddDays(-1), country: "FR", notAvailableHere: true));
        Assert.Equal(["REQUEST_AFTER_START"], late.Codes());
        Assert.Equal("CUR-08", late.Reasons[0].Rule);

        var onTime = await Client(Thermal1).CureAsync(Cure("T203", start: Today, country: "FR", notAvailableHere: true));
        Assert.Equal(RequestStatus.Agreed, onTime.Status);
    }

    [Fact]
    public async Task Cure_abroad_needs_the_doctors_statement_that_the_care_is_not_available_in_luxembourg()
    {
        var decision = await Client(Thermal1).CureAsync(Cure("T200", country: "BE", notAvailableHere: false));
        Assert.Equal(["CURE_CONDITIONS_NOT_MET"], decision.Codes());
        Assert.Equal("CUR-08", decision.Reasons[0].Rule);
    }

    // ---- cross-border workers -------------------------------------------------------------------------------------

    [Fact]
    public async Task Cross_border_worker_treated_in_the_country_of_residence_is_refused_competent_fund_abroad()
    {
        var decision = await Client(Thermal1).CureAsync(Cure("T200", CrossBorderFr, country: "FR", notAvailableHere: true));
        Assert.Equal(RequestStatus.Refused, decision.Status);
        Assert.Equal(["COMPETENT_FUND_ABROAD"], decision.Codes());

        Assert.Equal(RequestStatus.Agreed, (await Client(Thermal1).CureAsync(Cure("T200", CrossBorderFr))).Status);
    }

    // ---- earlier cures from this system's own history ----------------------------------------------------------

    [Fact]
    public async Task Third_obesity_cure_is_refused_from_the_history_of_the_first_two()
    {
        var first = await Client(Thermal1).CureAsync(Cure("T190", start: new DateOnly(2026, 11, 30), clinical: Obese));
        Assert.Equal(RequestStatus.Agreed, first.Status);
        // While the first is open, a second one of the same nature is too soon.
        Assert.Equal(["CURE_TOO_SOON"], (await Client(Thermal1).CureAsync(Cure("T192", clinical: Obese))).Codes());
        Api.MoveTo(new DateOnly(2026, 12, 21));
        await Client(Thermal1).BillSessionsAsync(first, Sessions(new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 20), 21));

        Api.MoveTo(new DateOnly(2027, 12, 20)); // 12 months after the end of the first cure
        var second = await Client(Thermal1).CureAsync(Cure("T192", start: new DateOnly(2027, 12, 27), clinical: Obese));
        Assert.Equal(RequestStatus.Agreed, second.Status);
        Api.MoveTo(new DateOnly(2028, 1, 21));
        await Client(Thermal1).BillSessionsAsync(second, Sessions(new DateOnly(2027, 12, 27), new DateOnly(2028, 1, 21), 21));

        Api.MoveTo(new DateOnly(2029, 2, 1));
        var third = await Client(Thermal1).CureAsync(Cure("T190", start: new DateOnly(2029, 2, 15), clinical: Obese));
        Assert.Equal(RequestStatus.Refused, third.Status);
        Assert.Equal(["CURE_LIMIT_REACHED"], third.Codes());
    }

    [Fact]
    public async Task Neck_cure_waits_24_months_after_the_end_of_the_previous_one()
    {
        var first = await Client(Thermal1).CureAsync(Cure("T203", start: new DateOnly(2026, 12, 1)));
        Api.MoveTo(new DateOnly(2027, 2, 26));
        await Client(Thermal1).BillSessionsAsync(first, Sessions(new DateOnly(2026, 12, 1), new DateOnly(2027, 2, 26), 24));

        Api.MoveTo(new DateOnly(2029, 2, 25)); // a day short of 24 months after the last session
        var early = await Client(Thermal1).CureAsync(Cure("T203", start: new DateOnly(2029, 3, 5)));
        Assert.Equal(["CURE_TOO_SOON"], early.Codes());
        Assert.Equal("2029-02-26", early.Reasons[0].Detail);

        Api.MoveTo(new DateOnly(2029, 2, 26));
        Assert.Equal(RequestStatus.Agreed, (await Client(Thermal1).CureAsync(Cure("T203", start: new DateOnly(2029, 3, 5)))).Status);
    }

    [Fact]
    public async Task Shoulder_cure_for_the_other_shoulder_needs_no_wait_but_the_same_shoulder_does()
    {
        var left = await Client(Thermal1).CureAsync(Cure("T206", clinical: new CureClinicalData(AffectedSide: BodySide.Left)));
        Assert.Equal(RequestStatus.Agreed, left.Status);
        Assert.Equal(BodySide.Left, left.Authorisation!.AffectedSide);

        Assert.Equal(["CURE_TOO_SOON"], (await Client(Thermal1).CureAsync(Cure("T206", clinical: new CureClinicalData(AffectedSide: BodySide.Left)))).Codes());
        Assert.Equal(RequestStatus.Agreed, (await Client(Thermal1).CureAsync(Cure("T206", clinical: new CureClinicalData(AffectedSide: BodySide.Right)))).Status);

        var noSide = await Client(Thermal1).CureAsync(Cure("T206", MondorfResident));
        Assert.Equal(["CURE_CONDITIONS_NOT_MET"], noSide.Codes());
        Assert.Equal("clinical.affectedSide", noSide.Reasons[0].Field);
    }

    [Fact]
    public async Task Maintenance_sessions_only_after_a_completed_24_session_cycle_and_at_most_2_per_month()
    {
        Assert.Equal(["MAINTENANCE_NOT_ALLOWED"], (await Client(Thermal1).CureAsync(Cure("T209"))).Codes());

        var cycle = await Client(Thermal1).CureAsync(Cure("T200", start: new DateOnly(2026, 12, 1)));
        Api.MoveTo(new DateOnly(2027, 2, 1));
        await Client(Thermal1).BillSessionsAsync(cycle, Sessions(new DateOnly(2026, 12, 1), new DateOnly(2027, 1, 28), 23));
        var notYet = await Client(Thermal1).CureAsync(Cure("T209", start: new DateOnly(2027, 2, 8)));
        Assert.Equal(["MAINTENANCE_NOT_ALLOWED"], notYet.Codes());
        Assert.Equal("23/24", notYet.Reasons[0].Detail);

        await Client(Thermal1).BillSessionsAsync(cycle, [new DateOnly(2027, 1, 29)]); // the 24th session completes the cycle
        var maintenance = await Client(Thermal1).CureAsync(Cure("T209", start: new DateOnly(2027, 2, 8), maintenancePerMonth: 4));
        Assert.Equal(RequestStatus.Agreed, maintenance.Status);
        Assert.Equal(["MAINTENANCE_SESSIONS_REDUCED"], maintenance.Codes());
        var terms = maintenance.Authorisation!;
        Assert.Equal((2, 24, "2028-02-01"), (terms.MaxSessionsPerMonth, terms.Sessions, terms.LastSessionBy.Iso()));
        Assert.Equal(24, maintenance.Service().SessionsGranted);
    }

    // ---- insured, doctor, provider ---------------------------------------------------------------------------------

    [Fact]
    public async Task Unknown_insured_and_unknown_doctor_are_refusals()
    {
        var unknown = CnsExchange.Domain.Common.Matricule.Create(new DateOnly(1990, 1, 1), 1).Value;
        var decision = await Client(Thermal1).CureAsync(Cure() with { Matricule = unknown, DoctorCode = "99999999" });
        Assert.Equal(["INSURED_UNKNOWN", "DOCTOR_UNKNOWN"], decision.Codes());
        Assert.Equal(["INSURED_NOT_AFFILIATED"], (await Client(Thermal1).CureAsync(Cure(matricule: NotAffiliated))).Codes());
    }

    [Fact]
    public async Task Only_thermal_centres_ask_for_cures()
    {
        await (await Client(Physio1).PostCureAsync(Cure())).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await Client(Rehab1).PostCureAsync(Cure())).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(Reviewer).PostCureAsync(Cure())).StatusCode);
        Assert.Equal(0, await CountAsync("care_requests"));
    }

    [Theory]
    [InlineData("{\"matricule\":\"1983081246780\",\"doctorCode\":\"90000002\",\"kindCode\":\"T200\",\"requestedStart\":\"2026-12-07\"}", "matricule")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000002\",\"kindCode\":\"T999\",\"requestedStart\":\"2026-12-07\"}", "kindCode")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000002\",\"kindCode\":\"T200\"}", "requestedStart")]
    [InlineData("{\"matricule\":\"1983081246785\",\"kindCode\":\"T200\",\"requestedStart\":\"2026-12-07\"}", "doctorCode")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000002\",\"kindCode\":\"T200\",\"requestedStart\":\"2026-12-07\",\"countryOfCare\":\"Germany\"}", "countryOfCare")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000002\",\"kindCode\":\"T200\",\"requestedStart\":\"2026-12-07\",\"maintenanceSessionsPerMonth\":2}", "maintenanceSessionsPerMonth")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000002\",\"kindCode\":\"T190\",\"requestedStart\":\"2026-12-07\",\"clinical\":{\"bmi\":350}}", "clinical.bmi")]
    public async Task Bad_input_is_400_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        var response = await Client(Thermal1).PostAsync(CureUrl, new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]?[field] is not null, problem.ToJsonString());
        Assert.Equal(0, await CountAsync("care_requests"));
    }

    [Fact]
    public async Task Wrong_json_type_is_a_malformed_json_problem()
    {
        var response = await Client(Thermal1).PostAsync(CureUrl, new StringContent("{\"matricule\":\"1983081246785\",\"clinical\":{\"bmi\":\"fat\"}}", Encoding.UTF8, "application/json"));
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
    }

    // ---- idempotency, ownership, lists ------------------------------------------------------------------------------

    [Fact]
    public async Task Same_idempotency_key_replays_the_first_decision_and_another_body_is_422()
    {
        var first = await (await Client(Thermal1).PostCureAsync(Cure(), "cure-1")).ExpectAsync<CureAuthorisationDto>(HttpStatusCode.Created);
        var replay = await Client(Thermal1).PostCureAsync(Cure(), "cure-1");
        var again = await replay.ExpectAsync<CureAuthorisationDto>(HttpStatusCode.Created);
        Assert.Equal((first.Id, first.Voucher!.Number), (again.Id, again.Voucher!.Number));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());

        await (await Client(Thermal1).PostCureAsync(Cure("T203"), "cure-1")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal((1, 1), (await CountAsync("cure_authorisations"), await CountAsync("vouchers")));
    }

    [Fact]
    public async Task Concurrent_requests_for_one_insured_get_one_cure_of_a_nature()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Client(Thermal1).PostCureAsync(Cure("T200"))));
        var bodies = await Task.WhenAll(responses.Select(r => r.ExpectAsync<CureAuthorisationDto>(HttpStatusCode.Created)));
        Assert.Single(bodies, b => b.Status == RequestStatus.Agreed);
        Assert.All(bodies.Where(b => b.Status != RequestStatus.Agreed), b => Assert.Equal(["CURE_TOO_SOON"], b.Codes()));
        Assert.Equal(1, await CountAsync("vouchers"));
    }

    [Fact]
    public async Task Another_provider_gets_404_and_staff_may_read()
    {
        var decision = await Client(Thermal1).CureAsync(Cure());
        var id = decision.Id;
        await (await Client(Rehab1).GetAsync($"{CureUrl}/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Physio1).GetAsync($"{CureUrl}/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Rehab1).GetAsync($"/api/v1/vouchers/{decision.Voucher!.Number}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        // A request of another kind is not found under this route.
        await (await Client(Physio1).GetAsync($"{RehabUrl}/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        var read = await (await Client(Reviewer).GetAsync($"{CureUrl}/{id}")).ExpectAsync<CureAuthorisationDto>(HttpStatusCode.OK);
        Assert.Equal(("THE0001", "T200"), (read.ProviderCode, read.Request.KindCode));
        Assert.Equal(HttpStatusCode.OK, (await Client(Thermal1).GetAsync($"{CureUrl}/{id}")).StatusCode);
    }

    [Fact]
    public async Task List_shows_the_centres_own_requests_newest_first_and_filters_by_status()
    {
        var agreed = (await Client(Thermal1).CureAsync(Cure("T200"))).Id;
        Api.Clock.Advance(TimeSpan.FromHours(1));
        var refused = (await Client(Thermal1).CureAsync(Cure("T180"))).Id;

        var page = await ListAsync(Thermal1, "?limit=1");
        Assert.Equal(refused, page.Items.Single().Id);
        var next = await ListAsync(Thermal1, $"?limit=1&cursor={page.NextCursor}");
        Assert.Equal(agreed, next.Items.Single().Id);
        Assert.Null(next.NextCursor);

        Assert.Equal([agreed], (await ListAsync(Thermal1, "?status=agreed")).Items.Select(i => i.Id));
        Assert.Empty((await ListAsync(Rehab1, "")).Items);
        await (await Client(Thermal1).GetAsync($"{CureUrl}?status=maybe")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Swagger_example_is_agreed_when_tried_as_is()
    {
        var swagger = await (await Client(null).GetAsync("/swagger/v1/swagger.json")).ExpectAsync(HttpStatusCode.OK);
        var example = swagger["components"]!["schemas"]!["CureAuthorisationInput"]!["example"]!.ToJsonString();
        var response = await Client(Thermal1).PostAsync(CureUrl, new StringContent(example, Encoding.UTF8, "application/json"));
        var decision = await response.ExpectAsync<CureAuthorisationDto>(HttpStatusCode.Created);
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Empty(decision.Codes());
    }

    private async Task<Page<CureAuthorisationSummaryDto>> ListAsync(string key, string query) =>
        await (await Client(key).GetAsync(CureUrl + query)).ExpectAsync<Page<CureAuthorisationSummaryDto>>(HttpStatusCode.OK);

    private Task<long> CountAsync(string table) => Validation.ValidationTestSupport.CountAsync(Api, table);
}
