using System.Net;
using System.Text;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.HospitalStays;
using CnsExchange.Application.Features.Rehabilitation;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Vouchers;
using CnsExchange.Domain.Requests;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.CareAuthorisations.CareTestSupport;

namespace CnsExchange.IntegrationTests.CareAuthorisations;

/// <summary>Issue 7: rehabilitation authorisations through HTTP (REH-01…REH-04), extensions, the CNRFR affiliation check.</summary>
public sealed class RehabilitationAuthorisationTests(ApiFactory api) : ApiTest(api)
{
    private static readonly List<DeclaredStayInput> DeclaredStay = [new(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 10), "CH Sandbox", "Discharge letter 2026/4711")];

    private async Task RecordHospitalStayAsync(string matricule, string admission, string discharge)
    {
        var stay = await (await Client(Hospital1).PostJsonAsync("/api/v1/hospital-stays", new
        {
            matricule, admissionDate = admission, dischargeDate = discharge, kind = "stationary", childbirth = false, room = "standard",
            singleRoomMedicallyNeeded = false, accompanyingParentBed = false, countryOfCare = "LU", operations = Array.Empty<object>(),
        })).ExpectAsync<HospitalStayDto>(HttpStatusCode.Created);
        Assert.Equal(HospitalStayStatus.Accepted, stay.Status);
    }

    private Task<HttpResponseMessage> ExtendAsync(Guid id, int days, string key = Rehab1, string? idempotencyKey = null) =>
        Client(key).SendJsonAsync($"{RehabUrl}/{id}/extensions", new { days }, idempotencyKey);

    /// <summary>Asks for an extension; the answer (201) is the extension granted or refused, with the authorisation as it stands.</summary>
    private async Task<RehabilitationExtensionDecisionDto> ExtensionAsync(Guid id, int days) =>
        await (await ExtendAsync(id, days)).ExpectAsync<RehabilitationExtensionDecisionDto>(HttpStatusCode.Created);

    private async Task<RehabilitationAuthorisationDto> ReadAsync(Guid id) =>
        await (await Client(Rehab1).GetAsync($"{RehabUrl}/{id}")).ExpectAsync<RehabilitationAuthorisationDto>(HttpStatusCode.OK);

    // ---- REH-02 geriatric ambulatory ----------------------------------------------------------------------------

    [Fact]
    public async Task Geriatric_ambulatory_after_a_recorded_hospital_stay_of_7_days_is_agreed_with_an_R_voucher()
    {
        await RecordHospitalStayAsync(Adult, "2026-10-01", "2026-10-07");
        var decision = await Client(Rehab1).RehabAsync(Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 1, 31)));

        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Empty(decision.Codes());
        var voucher = decision.Voucher!;
        Assert.True(IsVoucher(decision.Voucher!.Number, VoucherKind.Rehabilitation), decision.Voucher!.Number);
        Assert.Equal((VoucherKind.Rehabilitation, "GER_AMB"), (voucher.Kind, voucher.Category));
        Assert.Equal(("2026-12-01", "2027-01-31"), (voucher.TreatmentStartBy.Iso(), voucher.ValidUntil.Iso()));
        Assert.Equal(("RGERA", 62, 100m), (decision.Service().ActCode, decision.Service().SessionsGranted,
            decision.Service().RatePercent));
        var terms = decision.Authorisation!;
        Assert.Equal(("2026-12-01", "2027-01-31", 62), (terms.From.Iso(), terms.To.Iso(), terms.Days));
        Assert.True(decision.AuthorisationRequired);
        Assert.Null(decision.AffiliationInOrder);
    }

    [Fact]
    public async Task Geriatric_ambulatory_without_a_prior_stay_of_7_days_is_refused()
    {
        var none = await Client(Rehab1).RehabAsync(Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 1, 31)));
        Assert.Equal(["REHAB_CONDITIONS_NOT_MET"], none.Codes());

        await RecordHospitalStayAsync(Adult, "2026-10-01", "2026-10-06"); // 6 days
        var tooShort = await Client(Rehab1).RehabAsync(Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 1, 31)));
        Assert.Equal(RequestStatus.Refused, tooShort.Status);
        Assert.Equal(["REHAB_CONDITIONS_NOT_MET"], tooShort.Codes());
        Assert.Null(tooShort.Voucher);
    }

    [Fact]
    public async Task Geriatric_ambulatory_of_more_than_two_months_or_asked_after_the_start_is_refused()
    {
        await RecordHospitalStayAsync(Adult, "2026-10-01", "2026-10-07");
        var tooLong = await Client(Rehab1).RehabAsync(Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 2, 1)));
        Assert.Equal(["REHAB_DAYS_EXCEEDED"], tooLong.Codes());
        var late = await Client(Rehab1).RehabAsync(Rehab("GER_AMB", start: Today.AddDays(-1), end: new DateOnly(2026, 12, 31)));
        Assert.Equal(["REQUEST_AFTER_START"], late.Codes());
    }

    [Fact]
    public async Task Geriatric_ambulatory_after_a_declared_stay_is_pending_until_a_reviewer_checks_the_evidence()
    {
        var pending = await Client(Rehab1).RehabAsync(Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 1, 31), declared: DeclaredStay));

        Assert.Equal(RequestStatus.Pending, pending.Status);
        Assert.Equal(["DECLARED_STAY_TO_VERIFY"], pending.Codes());
        Assert.Equal("2026-09-01/2026-09-10", pending.Reasons[0].Detail);
        Assert.Equal(LuxembourgCalendar.EndOfDay(new DateOnly(2026, 11, 24)), pending.DecisionDueBy);
        Assert.Null(pending.Voucher);
        Assert.Equal("2027-01-31", pending.Authorisation!.To.Iso());
        Assert.Equal("Discharge letter 2026/4711", pending.Request.DeclaredStays[0].Evidence);

        var id = pending.Id;
        await (await Client(Reviewer).PostJsonAsync($"/api/v1/review/{id}/decision", new { decision = "agree", sessions = 10 }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "sessions_not_applicable");
        var decided = await Client(Reviewer).ReviewAsync(id, new { decision = "agree", note = "Discharge letter checked" });
        Assert.Equal((RequestStatus.Agreed, RequestKind.RehabilitationAuthorisation), (decided.Status, decided.Kind));
        Assert.Empty(decided.Reasons);
        Assert.Equal($"{RehabUrl}/{id}", decided.Url);
        Assert.StartsWith("R26-", decided.Voucher!.Number);
        Assert.Equal(62, decided.Voucher.Services.Single().SessionsGranted);

        var read = await ReadAsync(id);
        // The medical report (LIF-07) came before the reviewer's decision.
        Assert.Equal(["submitted", "pending", "document_received", "agreed"], read.History.Select(h => h.Action));
        Assert.Equal(decided.Voucher.Number, read.Voucher!.Number);
    }

    [Fact]
    public async Task Declared_stay_needs_its_evidence()
    {
        var input = Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 1, 31),
            declared: [new DeclaredStayInput(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 10), null, " ")]);
        var problem = await (await Client(Rehab1).PostRehabAsync(input)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains(problem["errors"]!.AsObject(), e => e.Key.StartsWith("declaredStays", StringComparison.Ordinal) && e.Key.EndsWith("evidence", StringComparison.Ordinal));
        Assert.Equal(0, await CountAsync("care_requests"));
    }

    [Fact]
    public async Task Pending_request_can_be_cancelled_by_its_centre_or_completed_with_information()
    {
        var first = (await Client(Rehab1).RehabAsync(Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 1, 31), declared: DeclaredStay))).Id;
        await (await Client(Hospital1).PostJsonAsync($"{RehabUrl}/{first}/cancel", new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var cancelled = await (await Client(Rehab1).PostJsonAsync($"{RehabUrl}/{first}/cancel", new { note = "Patient moved" }))
            .ExpectAsync<RehabilitationAuthorisationDto>(HttpStatusCode.OK);
        Assert.Equal(RequestStatus.Cancelled, cancelled.Status);
        // The terms shown while it was pending are no longer shown once it is cancelled (RequestViews.ShowsTerms).
        Assert.Null(cancelled.Authorisation);
        await (await Client(Reviewer).PostJsonAsync($"/api/v1/review/{first}/decision", new { decision = "agree" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "request_not_pending");

        var second = (await Client(Rehab1).RehabAsync(Rehab("GER_AMB", MondorfResident, new DateOnly(2026, 12, 1), new DateOnly(2027, 1, 31), declared: DeclaredStay))).Id;
        var asked = await Client(Reviewer).ReviewAsync(second, new { decision = "request_information", question = "Please send the discharge letter." });
        Assert.Equal(RequestStatus.InformationRequested, asked.Status);
        var answered = await (await Client(Rehab1).PostJsonAsync($"{RehabUrl}/{second}/information", new { answer = "Sent by secure e-mail." }))
            .ExpectAsync<RehabilitationAuthorisationDto>(HttpStatusCode.OK);
        Assert.Equal((RequestStatus.Pending, "Sent by secure e-mail."), (answered.Status, answered.InformationAnswer));
        Assert.Equal("2027-01-31", answered.Authorisation!.To.Iso());
        var refused = await Client(Reviewer).ReviewAsync(second, new { decision = "refuse", reasonCodes = new[] { "REHAB_CONDITIONS_NOT_MET" }, note = "The stay lasted 4 days" });
        Assert.Equal(["REHAB_CONDITIONS_NOT_MET", "REVIEWER_REFUSAL"], refused.Reasons.Select(r => r.Code));
        Assert.Null(refused.Voucher);
        Assert.Null((await ReadAsync(second)).Authorisation);
        Assert.Equal(0, await CountAsync("vouchers"));
    }

    // ---- REH-03 geriatric stationary ----------------------------------------------------------------------------

    [Fact]
    public async Task Geriatric_stationary_may_be_asked_up_to_3_working_days_after_admission_across_christmas()
    {
        var admission = new DateOnly(2026, 12, 23); // Wednesday; 25 December is a holiday, then the weekend
        Api.MoveTo(new DateOnly(2026, 12, 29));     // Thursday 24, Monday 28, Tuesday 29: the third working day
        var onTime = await Client(Hospital1).RehabAsync(Rehab("GER_STAT", start: admission));
        Assert.Equal(RequestStatus.Agreed, onTime.Status);
        Assert.Equal(("2026-12-23", "2027-03-22", 90), (onTime.Authorisation!.From.Iso(), onTime.Authorisation!.To.Iso(),
            onTime.Authorisation!.Days));
        Assert.Equal("2026-12-23", onTime.Voucher!.PrescriptionDate.Iso());

        Api.MoveTo(new DateOnly(2026, 12, 30));
        var late = await Client(Rehab1).RehabAsync(Rehab("GER_STAT", MondorfResident, admission));
        Assert.Equal(RequestStatus.Refused, late.Status);
        Assert.Equal(["REQUEST_TOO_LATE"], late.Codes());
        Assert.Equal("2026-12-29", late.Reasons[0].Detail);
    }

    [Fact]
    public async Task Geriatric_stationary_is_extended_twice_in_advance_and_the_third_extension_is_refused()
    {
        var decision = await Client(Rehab1).RehabAsync(Rehab("GER_STAT", start: Today));
        var id = decision.Id;
        Assert.Equal("2027-02-20", decision.Voucher!.ValidUntil.Iso());

        var first = await ExtensionAsync(id, 30);
        Assert.Equal((ExtensionOutcome.Granted, 1, "2027-02-20", "2027-03-22"), (first.Extension.Outcome, first.Extension.Sequence,
            first.Extension.PreviousTo.Iso(), first.Extension.NewTo.Iso()));
        Assert.Equal(("2027-03-22", 120), (first.Authorisation.Voucher!.ValidUntil.Iso(), first.Authorisation.Service().SessionsGranted));
        Assert.Equal((1, 1), (first.Authorisation.Authorisation!.ExtensionsGranted, first.Authorisation.Authorisation.ExtensionsLeft));

        Api.MoveTo(new DateOnly(2027, 3, 22)); // the last authorised day: still in advance
        var second = await ExtensionAsync(id, 20);
        Assert.Equal((ExtensionOutcome.Granted, "2027-04-11"), (second.Extension.Outcome, second.Extension.NewTo.Iso()));

        var third = await ExtensionAsync(id, 10);
        Assert.Equal(ExtensionOutcome.Refused, third.Extension.Outcome);
        Assert.Equal(["EXTENSION_LIMIT_REACHED"], third.Extension.Reasons.Select(r => r.Code));

        var voucher = await (await Client(Rehab1).GetAsync($"/api/v1/vouchers/{decision.Voucher!.Number}")).ExpectAsync<VoucherDto>(HttpStatusCode.OK);
        Assert.Equal(("2027-04-11", 140), (voucher.ValidUntil.Iso(), voucher.Services[0].SessionsGranted));
        Assert.Equal(2, voucher.Rehabilitation!.ExtensionsGranted);
        var read = await ReadAsync(id);
        Assert.Equal([ExtensionOutcome.Granted, ExtensionOutcome.Granted, ExtensionOutcome.Refused], read.Extensions.Select(e => e.Outcome));
        Assert.Equal(["submitted", "agreed", "extension_granted", "extension_granted", "extension_refused"], read.History.Select(h => h.Action));
    }

    [Fact]
    public async Task Extension_of_more_than_30_days_or_asked_after_the_last_day_is_refused()
    {
        var id = (await Client(Rehab1).RehabAsync(Rehab("GER_STAT", start: Today))).Id;
        var tooLong = (await ExtensionAsync(id, 31)).Extension;
        Assert.Equal((ExtensionOutcome.Refused, "30"), (tooLong.Outcome, tooLong.Reasons[0].Detail));

        Api.MoveTo(new DateOnly(2027, 2, 21)); // the day after the last authorised day
        var late = await ExtensionAsync(id, 10);
        Assert.Equal((ExtensionOutcome.Refused, "requestDate"), (late.Extension.Outcome, late.Extension.Reasons[0].Field));
        Assert.Equal("2027-02-20", late.Authorisation.Voucher!.ValidUntil.Iso());
    }

    [Fact]
    public async Task Extensions_are_for_agreed_geriatric_stationary_authorisations_of_the_caller()
    {
        var stationary = (await Client(Rehab1).RehabAsync(Rehab("GER_STAT", start: Today))).Id;
        await (await ExtendAsync(stationary, 10, Hospital1)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await ExtendAsync(stationary, 0)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        var colpach = (await Client(Rehab1).RehabAsync(Rehab("SNRP_STAT", start: Today.AddDays(7), days: 14))).Id;
        await (await ExtendAsync(colpach, 10)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "extension_not_available");

        var refused = (await Client(Rehab1).RehabAsync(Rehab("GER_STAT", NotAffiliated, Today))).Id;
        await (await ExtendAsync(refused, 10)).ExpectProblemAsync(HttpStatusCode.Conflict, "authorisation_not_agreed");

        await RecordHospitalStayAsync(MondorfResident, "2026-10-01", "2026-10-10");
        var ambulatory = (await Client(Rehab1).RehabAsync(Rehab("GER_AMB", MondorfResident, new DateOnly(2026, 12, 1), new DateOnly(2027, 1, 15)))).Id;
        var noExtension = (await ExtensionAsync(ambulatory, 10)).Extension;
        Assert.Equal((ExtensionOutcome.Refused, "REH-02"), (noExtension.Outcome, noExtension.Reasons[0].Rule));
    }

    [Fact]
    public async Task Extension_with_the_same_idempotency_key_is_granted_once()
    {
        var id = (await Client(Rehab1).RehabAsync(Rehab("GER_STAT", start: Today))).Id;
        var first = await (await ExtendAsync(id, 30, idempotencyKey: "ext-1")).ExpectAsync(HttpStatusCode.Created);
        var replay = await ExtendAsync(id, 30, idempotencyKey: "ext-1");
        var again = await replay.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first["extension"]!.ToJsonString(), again["extension"]!.ToJsonString());
        Assert.Equal(1, await CountAsync("rehabilitation_extensions"));
        await (await ExtendAsync(id, 20, idempotencyKey: "ext-1")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task Concurrent_extensions_never_exceed_two()
    {
        var id = (await Client(Rehab1).RehabAsync(Rehab("GER_STAT", start: Today))).Id;
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => ExtendAsync(id, 10)));
        var bodies = await Task.WhenAll(responses.Select(r => r.ExpectAsync<RehabilitationExtensionDecisionDto>(HttpStatusCode.Created)));
        Assert.Equal(2, bodies.Count(b => b.Extension.Outcome == ExtensionOutcome.Granted));
        Assert.Equal("2027-03-12", (await ReadAsync(id)).Voucher!.ValidUntil.Iso());
    }

    // ---- REH-04 Colpach -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Colpach_stationary_covers_30_days_a_year_and_the_31st_is_refused_unless_another_pathology()
    {
        var first = await Client(Rehab1).RehabAsync(Rehab("SNRP_STAT", start: new DateOnly(2026, 11, 30), days: 21));
        Assert.Equal(RequestStatus.Agreed, first.Status);
        Assert.Equal(("2026-11-30", "2026-12-20"), (first.Authorisation!.From.Iso(), first.Authorisation!.To.Iso()));
        Assert.Equal("RSNRPS", first.Service().ActCode);

        var day31 = await Client(Rehab1).RehabAsync(Rehab("SNRP_STAT", start: new DateOnly(2026, 12, 21), days: 10));
        Assert.Equal(["REHAB_DAYS_EXCEEDED"], day31.Codes());
        Assert.Equal("2026: 21 + 10 > 30", day31.Reasons[0].Detail);

        Assert.Equal(RequestStatus.Agreed, (await Client(Rehab1).RehabAsync(Rehab("SNRP_STAT", start: new DateOnly(2026, 12, 21), days: 9))).Status);
        var other = await Client(Rehab1).RehabAsync(Rehab("SNRP_STAT", start: new DateOnly(2026, 12, 30), days: 5, differentPathology: true));
        Assert.Equal(RequestStatus.Agreed, other.Status);
    }

    [Fact]
    public async Task Colpach_needs_5_days_a_stable_state_and_attested_limitations()
    {
        var decision = await Client(Rehab1).RehabAsync(Rehab("SNRP_AMB", start: Today.AddDays(7), days: 4, stable: false, limitations: false));
        Assert.Equal(["REHAB_CONDITIONS_NOT_MET", "REHAB_CONDITIONS_NOT_MET", "REHAB_CONDITIONS_NOT_MET"], decision.Codes());
        Assert.Equal(["days", "stableClinicalState", "functionalLimitationsAttested"],
            decision.Reasons.Select(r => r.Field));
    }

    [Fact]
    public async Task Post_oncology_rehabilitation_starts_at_most_3_months_after_the_acute_therapy()
    {
        var therapyEnd = new DateOnly(2026, 9, 7);
        var onTime = await Client(Rehab1).RehabAsync(Rehab("SNRPO_STAT", start: new DateOnly(2026, 12, 7), days: 14, acuteTherapyEnd: therapyEnd));
        Assert.Equal(RequestStatus.Agreed, onTime.Status);

        var late = await Client(Rehab1).RehabAsync(Rehab("SNRPO_STAT", MondorfResident, new DateOnly(2026, 12, 8), days: 14, acuteTherapyEnd: therapyEnd));
        Assert.Equal(["REHAB_CONDITIONS_NOT_MET"], late.Codes());
        Assert.Equal(("start", "2026-12-07"), (late.Reasons[0].Field, late.Reasons[0].Detail));
    }

    // ---- REH-01 CNRFR ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Cnrfr_needs_no_authorisation_when_the_affiliation_is_in_order()
    {
        var decision = await Client(Rehab1).RehabAsync(Rehab("CNRFR", start: Today.AddDays(3)));
        Assert.Equal(RequestStatus.NotRequired, decision.Status);
        Assert.Equal(["NO_AUTHORISATION_NEEDED"], decision.Codes());
        Assert.False(decision.AuthorisationRequired);
        Assert.True(decision.AffiliationInOrder);
        Assert.Null(decision.Voucher);
        Assert.Equal(["submitted", "not_required"], decision.History.Select(h => h.Action));

        var notAffiliated = await Client(Rehab1).RehabAsync(Rehab("CNRFR", NotAffiliated, Today.AddDays(3)));
        Assert.Equal(RequestStatus.Refused, notAffiliated.Status);
        Assert.Equal(["INSURED_NOT_AFFILIATED"], notAffiliated.Codes());
        Assert.False(notAffiliated.AffiliationInOrder);
        Assert.Equal(0, await CountAsync("vouchers"));
    }

    // ---- access, idempotency, input ---------------------------------------------------------------------------------

    [Fact]
    public async Task Hospitals_ask_only_for_geriatric_rehabilitation_and_thermal_centres_not_at_all()
    {
        await (await Client(Hospital1).PostRehabAsync(Rehab("SNRP_STAT", start: Today.AddDays(7), days: 14))).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await Client(Thermal1).PostRehabAsync(Rehab("GER_STAT"))).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(RequestStatus.Agreed, (await Client(Hospital1).RehabAsync(Rehab("GER_STAT"))).Status);
    }

    [Fact]
    public async Task Another_provider_gets_404_and_lists_are_per_provider()
    {
        var id = (await Client(Rehab1).RehabAsync(Rehab("SNRP_STAT", start: Today.AddDays(7), days: 14))).Id;
        await (await Client(Hospital1).GetAsync($"{RehabUrl}/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Thermal1).GetAsync($"{CureUrl}/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await Client(Reviewer).GetAsync($"{RehabUrl}/{id}")).StatusCode);

        var own = await (await Client(Rehab1).GetAsync(RehabUrl)).ExpectAsync<Page<RehabilitationAuthorisationSummaryDto>>(HttpStatusCode.OK);
        Assert.Equal([id], own.Items.Select(i => i.Id));
        Assert.Empty((await (await Client(Hospital1).GetAsync(RehabUrl)).ExpectAsync<Page<RehabilitationAuthorisationSummaryDto>>(HttpStatusCode.OK)).Items);
    }

    [Fact]
    public async Task Same_idempotency_key_replays_the_first_decision()
    {
        var input = Rehab("SNRP_STAT", start: Today.AddDays(7), days: 14);
        var first = await (await Client(Rehab1).PostRehabAsync(input, "rehab-1")).ExpectAsync(HttpStatusCode.Created);
        var again = await (await Client(Rehab1).PostRehabAsync(input, "rehab-1")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(first.ToJsonString(), again.ToJsonString()); // the replay is the first answer to the byte
        Assert.Equal(["DOCUMENT_MISSING"], HttpAssertions.Read<RehabilitationAuthorisationDto>(again.ToJsonString()).Codes());
        await (await Client(Rehab1).PostRehabAsync(input with { Days = 15 }, "rehab-1")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(1, await CountAsync("rehabilitation_authorisations"));
    }

    [Theory]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"GER_AMB\",\"start\":\"2026-12-01\"}", "end")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"GER_AMB\",\"start\":\"2026-12-01\",\"end\":\"2026-11-30\"}", "end")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"SNRP_STAT\",\"start\":\"2026-12-01\",\"stableClinicalState\":true,\"functionalLimitationsAttested\":true}", "days")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"SNRP_STAT\",\"start\":\"2026-12-01\",\"days\":10}", "stableClinicalState")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"SNRP_STAT\",\"start\":\"2026-12-01\",\"days\":10,\"stableClinicalState\":true,\"functionalLimitationsAttested\":true,\"acuteTherapyEnd\":\"2026-10-01\"}", "acuteTherapyEnd")]
    [InlineData("{\"matricule\":\"1983081246785\",\"kindCode\":\"GER_STAT\",\"start\":\"2026-12-01\"}", "doctorCode")]
    [InlineData("{\"matricule\":\"1983081246785\",\"kindCode\":\"SPA\",\"start\":\"2026-12-01\"}", "kindCode")]
    [InlineData("{\"matricule\":\"1983081246785\",\"kindCode\":\"CNRFR\"}", "start")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"GER_AMB\",\"start\":\"2026-12-01\",\"end\":\"2027-01-31\",\"declaredStays\":[null]}", "declaredStays[0]")]
    [InlineData("{\"matricule\":\"1983081246785\",\"doctorCode\":\"90000004\",\"kindCode\":\"GER_AMB\",\"start\":\"2200-12-31\",\"end\":\"9999-12-31\"}", "end")]
    public async Task Bad_input_is_400_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        var response = await Client(Rehab1).PostAsync(RehabUrl, new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]?[field] is not null, problem.ToJsonString());
        Assert.Equal(0, await CountAsync("care_requests"));
    }

    [Fact]
    public async Task Swagger_example_is_agreed_when_tried_as_is_with_its_reasoned_request()
    {
        var swagger = await (await Client(null).GetAsync("/swagger/v1/swagger.json")).ExpectAsync(HttpStatusCode.OK);
        var example = swagger["components"]!["schemas"]!["RehabilitationAuthorisationInput"]!["example"]!.ToJsonString();
        var received = await (await Client(Rehab1).PostAsync(RehabUrl, new StringContent(example, Encoding.UTF8, "application/json"))).ExpectAsync<RehabilitationAuthorisationDto>(HttpStatusCode.Created);
        // Colpach: pending until the reasoned request is attached (LIF-07), then agreed.
        Assert.Equal(["DOCUMENT_MISSING"], received.Codes());
        var decision = await Client(Rehab1).WithRequiredDocumentAsync(RehabUrl, received);
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Empty(decision.Codes());
        var extension = swagger["components"]!["schemas"]!["ExtensionInput"]!["example"]!;
        Assert.Equal(30, extension["days"]!.GetValue<int>());
    }

    private Task<long> CountAsync(string table) => Validation.ValidationTestSupport.CountAsync(Api, table);
}
