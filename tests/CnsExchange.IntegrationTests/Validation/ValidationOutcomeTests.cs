using CnsExchange.Domain.Requests;
using System.Net;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Vouchers;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Validation.ValidationTestSupport;

namespace CnsExchange.IntegrationTests.Validation;

/// <summary>Issue 4: every outcome reached with the sandbox identities.</summary>
public sealed class ValidationOutcomeTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Common_prescription_is_agreed_at_once_with_a_voucher()
    {
        var decision = await Client(Physio1).DecideAsync(Rx());

        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Empty(decision.Codes());
        Assert.Null(decision.DecisionDueBy);
        var voucher = decision.Voucher!;
        var number = voucher.Number;
        Assert.True(VoucherNumber.IsWellFormed(number), number);
        Assert.StartsWith("K26-", number);
        Assert.Equal(new DateOnly(2026, 11, 23), voucher.IssuedOn);
        Assert.Equal(new DateOnly(2026, 12, 23), voucher.TreatmentStartBy);
        Assert.Equal(new DateOnly(2027, 2, 23), voucher.ValidUntil);
        Assert.True(voucher.ThirdPartyPayment);
        var service = decision.Service();
        Assert.Equal("ZK11", service.ActCode);
        Assert.Equal(6, service.SessionsGranted);
        Assert.Equal(70m, service.RatePercent);
        Assert.Equal(36.80m, service.TariffOnIssue);
        Assert.False(service.TravelAllowanceGranted);
        Assert.Equal(["submitted", "agreed"], decision.History.Select(h => h.Action));
    }

    [Fact]
    public async Task Several_refusal_reasons_are_reported_together_and_the_refusal_is_stored()
    {
        var rx = Rx(CrossBorderFr) with { PrescriptionDate = Today.AddDays(-40), ActCode = "ZK31", CareCountry = "FR" };
        var decision = await Client(Physio1).DecideAsync(rx);

        Assert.Equal(RequestStatus.Refused, decision.Status);
        Assert.Equal(["PRESCRIPTION_TOO_OLD", "ACT_NOT_ALLOWED_FOR_CATEGORY", "COMPETENT_FUND_ABROAD"], decision.Codes());
        Assert.Null(decision.Voucher);
        Assert.Equal(1, await Api.CountAsync("validation_requests"));
        Assert.Equal(0, await Api.CountAsync("vouchers"));
        var stored = await (await Client(Physio1).GetAsync($"{Url}/{decision.Id}")).ExpectAsync<ValidationRequestDto>(HttpStatusCode.OK);
        Assert.Equal(decision.Codes(), stored.Codes());
    }

    [Fact]
    public async Task Day_31_after_prescription_is_still_accepted_and_day_32_is_refused()
    {
        Assert.Equal(RequestStatus.Agreed, (await Client(Physio1).DecideAsync(Rx() with { PrescriptionDate = Today.AddDays(-31) })).Status);
        var late = await Client(Physio1).DecideAsync(Rx() with { PrescriptionDate = Today.AddDays(-32) });
        Assert.Equal(["PRESCRIPTION_TOO_OLD"], late.Codes());
    }

    [Fact]
    public async Task Prescription_dated_tomorrow_is_refused() =>
        Assert.Equal(["PRESCRIPTION_DATE_IN_FUTURE"], (await Client(Physio1).DecideAsync(Rx() with { PrescriptionDate = Today.AddDays(1) })).Codes());

    [Fact]
    public async Task Dependency_care_plan_with_physiotherapy_is_pending_until_the_end_of_the_next_working_day()
    {
        var decision = await Client(Physio1).DecideAsync(Rx(DependencyPlan));

        Assert.Equal(RequestStatus.Pending, decision.Status);
        Assert.Equal(["DEPENDENCY_INSURANCE_OVERLAP"], decision.Codes());
        Assert.Equal(LuxembourgCalendar.EndOfDay(new DateOnly(2026, 11, 24)), decision.DecisionDueBy);
        Assert.Null(decision.Voucher);
        Assert.Equal(6, decision.Proposal!.Sessions);
    }

    [Fact]
    public async Task Pending_received_on_a_friday_is_due_on_monday_evening()
    {
        await Api.AdvanceAsync(TimeSpan.FromDays(4)); // Friday 27 November 2026
        var decision = await Client(Physio1).DecideAsync(Rx(DependencyPlan));
        Assert.Equal(LuxembourgCalendar.EndOfDay(new DateOnly(2026, 11, 30)), decision.DecisionDueBy);
    }

    [Fact]
    public async Task Pending_received_before_christmas_skips_the_holidays()
    {
        await Api.AdvanceAsync(TimeSpan.FromDays(31)); // Thursday 24 December 2026
        var decision = await Client(Physio1).DecideAsync(Rx(DependencyPlan) with { PrescriptionDate = new DateOnly(2026, 12, 20) });
        Assert.Equal(LuxembourgCalendar.EndOfDay(new DateOnly(2026, 12, 28)), decision.DecisionDueBy);
    }

    [Fact]
    public async Task Foreign_prescription_goes_to_manual_review()
    {
        var decision = await Client(Physio1).DecideAsync(Rx().Foreign("DE", "de"));
        Assert.Equal(RequestStatus.Pending, decision.Status);
        Assert.Equal(["MANUAL_REVIEW_REQUIRED"], decision.Codes());
        Assert.True(decision.Prescription.ForeignPrescription);
    }

    [Fact]
    public async Task Foreign_prescription_in_another_language_is_refused()
    {
        var decision = await Client(Physio1).DecideAsync(Rx().Foreign("PT", "pt"));
        Assert.Equal(["PRESCRIPTION_LANGUAGE_NOT_ACCEPTED"], decision.Codes());
    }

    [Fact]
    public async Task Foreign_prescription_without_frequency_and_diagnosis_names_each_missing_item()
    {
        var decision = await Client(Physio1).DecideAsync(Rx().Foreign("BE", "fr") with { Frequency = null, Diagnosis = "" });
        Assert.Equal(RequestStatus.Refused, decision.Status);
        var missing = decision.Reasons.Select(r => (r.Code, r.Field));
        Assert.Equal([("MANDATORY_DATA_MISSING", "frequency"), ("MANDATORY_DATA_MISSING", "diagnosis")], missing);
    }

    [Fact]
    public async Task Sessions_above_the_cap_are_agreed_for_the_cap_with_a_reduction()
    {
        var decision = await Client(Physio1).DecideAsync(Rx() with { Sessions = 9 });
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Equal(["SESSIONS_REDUCED_TO_CAP"], decision.Codes());
        Assert.Equal("reduction", decision.Reasons[0].Severity);
        Assert.Equal(8, decision.Service().SessionsGranted);
    }

    [Fact]
    public async Task Heavy_pathology_not_in_annex_g_is_agreed_as_common()
    {
        var decision = await Client(Physio1).DecideAsync(Rx() with { Category = PhysioCategory.Heavy, ActCode = "ZK21", AnnexGCode = "G42", Sessions = 20 });
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Equal(["HEAVY_PATHOLOGY_NOT_LISTED", "SESSIONS_REDUCED_TO_CAP"], decision.Codes());
        Assert.Equal("common", decision.Voucher!.Category);
        var service = decision.Service();
        Assert.Equal(("ZK11", 8, 70m), (service.ActCode, service.SessionsGranted, service.RatePercent));
    }

    [Fact]
    public async Task Heavy_pathology_of_annex_g_is_agreed_at_100_percent_for_twelve_months()
    {
        var decision = await Client(Physio1).DecideAsync(Rx() with { Category = PhysioCategory.Heavy, ActCode = "ZK21", AnnexGCode = "G03", Sessions = 30 });
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Equal(new DateOnly(2027, 11, 23), decision.Voucher!.ValidUntil);
        Assert.Equal((30, 100m, 48.20m), (decision.Service().SessionsGranted, decision.Service().RatePercent,
            decision.Service().TariffOnIssue));
    }

    [Fact]
    public async Task Heavy_pathology_above_32_sessions_is_pending_for_review()
    {
        var decision = await Client(Physio1).DecideAsync(Rx() with { Category = PhysioCategory.Heavy, ActCode = "ZK21", AnnexGCode = "G01", Sessions = 40 });
        Assert.Equal(RequestStatus.Pending, decision.Status);
        Assert.Equal(["MANUAL_REVIEW_REQUIRED"], decision.Codes());
    }

    [Fact]
    public async Task Post_surgical_more_than_4_months_after_surgery_is_refused()
    {
        var rx = Rx() with { Category = PhysioCategory.PostSurgical, ActCode = "ZK31", SurgeryDate = new DateOnly(2026, 6, 1) };
        Assert.Equal(["POST_SURGICAL_CONDITIONS_NOT_MET"], (await Client(Physio1).DecideAsync(rx)).Codes());
    }

    [Fact]
    public async Task Accident_insurance_case_is_covered_at_100_percent_with_third_party_payment()
    {
        var decision = await Client(Physio1).DecideAsync(Rx(AccidentCase) with { AccidentReference = "AAA-2026-0001" });
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.True(decision.Voucher!.AccidentCase);
        Assert.True(decision.Voucher!.ThirdPartyPayment);
        Assert.Equal(100m, decision.Service().RatePercent);
    }

    [Fact]
    public async Task Minor_is_covered_at_100_percent()
    {
        var decision = await Client(Physio1).DecideAsync(Rx(Minor));
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Equal(100m, decision.Service().RatePercent);
    }

    [Fact]
    public async Task Cross_border_worker_treated_in_france_is_refused_competent_fund_abroad()
    {
        var decision = await Client(Physio1).DecideAsync(Rx(CrossBorderFr) with { CareCountry = "FR" });
        Assert.Equal(["COMPETENT_FUND_ABROAD"], decision.Codes());
    }

    [Fact]
    public async Task Cross_border_worker_treated_in_luxembourg_is_agreed() =>
        Assert.Equal(RequestStatus.Agreed, (await Client(Physio1).DecideAsync(Rx(CrossBorderFr))).Status);

    [Fact]
    public async Task Insured_no_longer_affiliated_is_refused()
    {
        var decision = await Client(Physio1).DecideAsync(Rx(NotAffiliated));
        Assert.Equal(["INSURED_NOT_AFFILIATED"], decision.Codes());
        Assert.Contains("2026-11-23", decision.Reasons[0].Message);
    }

    [Fact]
    public async Task Well_formed_but_unknown_matricule_is_refused_insured_unknown() =>
        Assert.Equal(["INSURED_UNKNOWN"], (await Client(Physio1).DecideAsync(Rx(CnsExchange.Domain.Common.Matricule.Create(new DateOnly(1990, 1, 1), 1).Value))).Codes());

    [Fact]
    public async Task Unknown_doctor_code_is_refused() =>
        Assert.Equal(["DOCTOR_UNKNOWN"], (await Client(Physio1).DecideAsync(Rx() with { Doctor = new("99999999", null, null) })).Codes());

    [Fact]
    public async Task Home_visit_in_luxembourg_grants_the_travel_allowance()
    {
        var decision = await Client(Physio1).DecideAsync(Rx() with { HomeVisitMedicallyNecessary = true });
        var service = decision.Service();
        Assert.True(service.TravelAllowanceGranted);
        Assert.Equal(("ZKD1", 12.50m), (service.TravelAllowanceActCode, service.TravelAllowanceTariffOnIssue));
    }

    [Fact]
    public async Task Travel_abroad_is_not_validated_and_third_party_payment_does_not_apply()
    {
        var decision = await Client(Physio1).DecideAsync(Rx() with { HomeVisitMedicallyNecessary = true, CareCountry = "DE" });
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Equal(["TRAVEL_NOT_VALIDATED", "THIRD_PARTY_NOT_APPLICABLE"], decision.Codes());
        Assert.False(decision.Voucher!.ThirdPartyPayment);
        Assert.False(decision.Service().TravelAllowanceGranted);
    }

    [Theory]
    [InlineData("fr", "La validation doit être demandée dans les 31 jours")]
    [InlineData("de", "Die Validierung muss innerhalb von 31 Tagen")]
    [InlineData("en", "Validation must be requested within 31 days")]
    [InlineData(null, "Validation must be requested within 31 days")]
    public async Task Reason_texts_follow_accept_language(string? language, string expected)
    {
        var decision = await Client(Physio1, language).DecideAsync(Rx() with { PrescriptionDate = Today.AddDays(-60) });
        Assert.StartsWith(expected, decision.Reasons[0].Message);
    }

    [Fact]
    public async Task Scan_type_is_sniffed_from_the_bytes_and_its_hash_is_kept()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4 };
        var response = await Client(Physio1).SubmitRawAsync(Json(Rx()), png); // sent as application/pdf named prescription.pdf
        var decision = await response.ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created);
        Assert.Equal("image/png", decision.Scan.ContentType);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png)), decision.Scan.Sha256);

        var scan = await Client(Reviewer).GetAsync($"{Url}/{decision.Id}/scan");
        Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        Assert.Equal("image/png", scan.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await scan.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Swagger_example_request_is_agreed_when_tried_as_is()
    {
        var swagger = await (await Client(null).GetAsync("/swagger/v1/swagger.json")).ExpectAsync(HttpStatusCode.OK);
        var media = swagger["paths"]!["/api/v1/validation-requests"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!;
        var form = media["schema"]!["properties"]!;
        // The example is on the media type, by part: the `request` part is typed JSON (a $ref), the scan binary.
        var example = media["example"]!["request"]!.ToJsonString();
        Assert.Equal("binary", form["scan"]!["format"]!.GetValue<string>());

        var response = await Client(Physio1).SubmitRawAsync(example, Pdf());
        var decision = await response.ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created);
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Empty(decision.Codes());
    }

    [Fact]
    public async Task Only_physiotherapists_request_validation() =>
        await (await Client(Hospital1).SubmitAsync(Rx())).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

    [Fact]
    public async Task Reviewer_cannot_submit() =>
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(Reviewer).SubmitAsync(Rx())).StatusCode);
}
