using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Physio.Rules;
using CnsExchange.Domain.Registry;
using static CnsExchange.Domain.Tests.Physio.PhysioTestData;

namespace CnsExchange.Domain.Tests.Physio;

/// <summary>One row per rule edge of RULES.md §2 (VAL-01…VAL-18).</summary>
public sealed class ValidationRuleTests
{
    // VAL-01
    [Theory]
    [InlineData("2026-11-20", null, null)]                                  // affiliated, open period
    [InlineData("2026-10-31", "2026-10-31", "2026-11-23")]                  // prescription on the last affiliated day, request after it
    [InlineData("2026-10-30", "2026-11-23", null)]                          // affiliated through the request date
    [InlineData("2026-11-01", "2026-10-31", "2026-11-01, 2026-11-23")]      // neither date covered
    public void Val01_insured_must_be_affiliated_on_prescription_and_request_dates(string prescription, string? affiliatedTo, string? expectedDetail)
    {
        var insured = Person(new DateOnly(1983, 8, 12), affiliatedTo: affiliatedTo is null ? null : DateOnly.Parse(affiliatedTo));
        var reasons = InsuredMustBeAffiliated.Check(insured, DateOnly.Parse(prescription), Today).ToList();
        if (expectedDetail is null) Assert.Empty(reasons);
        else Assert.Equal(("INSURED_NOT_AFFILIATED", expectedDetail), (Assert.Single(reasons).Code, reasons[0].Detail!));
    }

    [Fact]
    public void Val01_unknown_insured_is_refused() =>
        Assert.Equal("INSURED_UNKNOWN", Assert.Single(InsuredMustBeAffiliated.Check(null, Today, Today)).Code);

    // VAL-02
    [Theory]
    [InlineData(0, false)]
    [InlineData(30, false)]
    [InlineData(31, false)] // day 31 is still accepted
    [InlineData(32, true)]
    [InlineData(400, true)]
    public void Val02_validation_within_31_days_of_the_prescription(int daysAgo, bool refused) =>
        Assert.Equal(refused, PrescriptionTooOld.Check(Today.AddDays(-daysAgo), Today, Catalog) is { Code: "PRESCRIPTION_TOO_OLD" });

    [Fact]
    public void Day_31_after_prescription_is_still_accepted() =>
        Assert.Equal(ValidationOutcome.Agreed, Evaluate(Facts(Rx(date: Today.AddDays(-31)))).Outcome);

    [Fact]
    public void Day_32_after_prescription_is_refused() =>
        Assert.Equal(["PRESCRIPTION_TOO_OLD"], Evaluate(Facts(Rx(date: Today.AddDays(-32)))).Codes());

    // VAL-03
    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public void Val03_prescription_dated_in_the_future_is_refused(int daysAhead, bool refused) =>
        Assert.Equal(refused, PrescriptionDateInFuture.Check(Today.AddDays(daysAhead), Today) is { Code: "PRESCRIPTION_DATE_IN_FUTURE" });

    // VAL-04
    [Theory]
    [InlineData(true, "fr", false)]
    [InlineData(true, "de", false)]
    [InlineData(true, "en", false)]
    [InlineData(true, "pt", true)]
    [InlineData(true, "lb", true)]
    [InlineData(false, "pt", false)] // a Luxembourg prescription is on the standard form
    public void Val04_foreign_prescription_must_be_in_french_german_or_english(bool foreign, string language, bool refused) =>
        Assert.Equal(refused, ForeignPrescriptionLanguage.Check(foreign, language) is { Code: "PRESCRIPTION_LANGUAGE_NOT_ACCEPTED" });

    [Fact]
    public void Foreign_prescription_in_portuguese_is_returned() =>
        Assert.Contains("PRESCRIPTION_LANGUAGE_NOT_ACCEPTED", Evaluate(Facts(Rx(doctor: ForeignDoctor("PT"), language: "pt"))).Codes());

    // VAL-05
    [Theory]
    [InlineData(null, "DE", "2/week", "lumbago", "doctor.name")]
    [InlineData("Dr X", null, "2/week", "lumbago", "doctor.country")]
    [InlineData("Dr X", "DE", null, "lumbago", "frequency")]
    [InlineData("Dr X", "DE", "2/week", " ", "diagnosis")]
    public void Val05_foreign_prescription_names_each_missing_mandatory_item(string? name, string? country, string? frequency, string? diagnosis, string field)
    {
        var rx = Rx(doctor: new PrescribingDoctor(null, name, country), frequency: frequency, diagnosis: diagnosis);
        var reason = Assert.Single(ForeignPrescriptionMandatoryData.Check(rx, null, foreign: true));
        Assert.Equal(("MANDATORY_DATA_MISSING", field), (reason.Code, reason.Field!));
    }

    [Fact]
    public void Val05_all_missing_items_are_reported_together()
    {
        var rx = Rx(doctor: new PrescribingDoctor(null, null, "BE"), frequency: null, diagnosis: null);
        var fields = Evaluate(Facts(rx)).Reasons.Where(r => r.Code == "MANDATORY_DATA_MISSING").Select(r => r.Field).ToList();
        Assert.Equal(["doctor.name", "frequency", "diagnosis"], fields);
    }

    [Fact]
    public void Val05_domestic_prescription_without_frequency_is_not_refused() =>
        Assert.Empty(ForeignPrescriptionMandatoryData.Check(Rx(frequency: null, diagnosis: null), LuDoctor, foreign: false));

    [Fact]
    public void Val05_unknown_doctor_code_is_refused() =>
        Assert.Equal(["DOCTOR_UNKNOWN"], Evaluate(Facts(Rx(doctor: new PrescribingDoctor("99999999", null, null)))).Codes());

    // VAL-06
    [Theory]
    [InlineData(PhysioCategory.Common, 8, 8, false)]
    [InlineData(PhysioCategory.Common, 9, 8, true)]
    [InlineData(PhysioCategory.Heavy, 64, 64, false)]
    [InlineData(PhysioCategory.Heavy, 65, 64, true)]
    [InlineData(PhysioCategory.LymphaticDrainage, 24, 24, false)]
    [InlineData(PhysioCategory.LymphaticDrainage, 25, 24, true)]
    [InlineData(PhysioCategory.PostSurgical, 32, 32, false)]
    [InlineData(PhysioCategory.PostSurgical, 33, 32, true)]
    public void Val06_sessions_are_capped_per_category(PhysioCategory category, int prescribed, int granted, bool reduced)
    {
        var (sessions, reduction) = SessionCap.Apply(category, prescribed, Today, Catalog);
        Assert.Equal(granted, sessions);
        Assert.Equal(reduced, reduction is { Code: "SESSIONS_REDUCED_TO_CAP", Severity: ReasonSeverity.Reduction });
        if (reduced) Assert.Equal(granted.ToString(), reduction!.Detail);
    }

    [Theory]
    [InlineData(PhysioCategory.Common, "ZK11", null, null, 9, 8)]
    [InlineData(PhysioCategory.Heavy, "ZK21", "G03", null, 65, 64)]
    [InlineData(PhysioCategory.LymphaticDrainage, "ZK17", null, null, 25, 24)]
    [InlineData(PhysioCategory.PostSurgical, "ZK31", null, "2026-10-01", 33, 32)]
    public void Val06_agreement_for_the_cap_with_a_reduction(PhysioCategory category, string act, string? annexG, string? surgery, int prescribed, int granted)
    {
        var e = Evaluate(Facts(Rx(category, act, prescribed, annexG: annexG, surgery: surgery is null ? null : DateOnly.Parse(surgery))));
        Assert.NotEqual(ValidationOutcome.Refused, e.Outcome);
        Assert.Equal(granted, e.Grant!.Sessions);
        Assert.Contains("SESSIONS_REDUCED_TO_CAP", e.Codes());
    }

    // VAL-07
    [Theory]
    [InlineData("G01", "2026-11-20", PhysioCategory.Heavy, false)]
    [InlineData("G10", "2026-11-20", PhysioCategory.Heavy, false)]
    [InlineData("G99", "2026-11-20", PhysioCategory.Common, true)]
    [InlineData(null, "2026-11-20", PhysioCategory.Common, true)]
    [InlineData("G01", "2019-12-31", PhysioCategory.Common, true)] // Annex G rows are valid from 2020-01-01
    public void Val07_heavy_needs_an_annex_g_code_valid_on_the_prescription_date(string? code, string date, PhysioCategory effective, bool reduced)
    {
        var (category, reduction) = HeavyPathologyListed.Apply(PhysioCategory.Heavy, code, DateOnly.Parse(date), Catalog);
        Assert.Equal(effective, category);
        Assert.Equal(reduced, reduction is { Code: "HEAVY_PATHOLOGY_NOT_LISTED" });
    }

    [Fact]
    public void Val07_heavy_not_listed_is_treated_as_common_with_the_common_cap_and_rate()
    {
        var e = Evaluate(Facts(Rx(PhysioCategory.Heavy, "ZK21", 20, annexG: "G99")));
        Assert.Equal(ValidationOutcome.Agreed, e.Outcome);
        Assert.Equal(new ServiceGrant(PhysioCategory.Common, "ZK11", 8, 70m, false, true, false), e.Grant);
        Assert.Equal(["HEAVY_PATHOLOGY_NOT_LISTED", "SESSIONS_REDUCED_TO_CAP"], e.Codes());
    }

    // VAL-08
    [Theory]
    [InlineData("2026-07-20", false)] // exactly 4 months before the prescription
    [InlineData("2026-07-19", true)]  // 4 months and a day
    [InlineData("2026-11-19", false)]
    [InlineData("2026-11-20", true)]  // same day as the prescription: not before it
    [InlineData("2026-11-21", true)]
    [InlineData(null, true)]
    public void Val08_post_surgical_needs_surgery_before_and_at_most_4_months_before(string? surgery, bool refused)
    {
        var reason = PostSurgicalConditions.Check(PhysioCategory.PostSurgical, surgery is null ? null : DateOnly.Parse(surgery), new DateOnly(2026, 11, 20), Today, Catalog);
        Assert.Equal(refused, reason is { Code: "POST_SURGICAL_CONDITIONS_NOT_MET" });
    }

    [Fact]
    public void Val08_does_not_apply_to_other_categories() =>
        Assert.Null(PostSurgicalConditions.Check(PhysioCategory.Common, null, Today, Today, Catalog));

    // VAL-09
    [Theory]
    [InlineData(PhysioCategory.Common, "ZK11", true)]
    [InlineData(PhysioCategory.Heavy, "ZK21", true)]
    [InlineData(PhysioCategory.LymphaticDrainage, "ZK16", true)]
    [InlineData(PhysioCategory.LymphaticDrainage, "ZK17", true)]
    [InlineData(PhysioCategory.PostSurgical, "ZK31", true)]
    [InlineData(PhysioCategory.Common, "ZK21", false)]
    [InlineData(PhysioCategory.Heavy, "ZK11", false)]
    [InlineData(PhysioCategory.PostSurgical, "ZK16", false)]
    [InlineData(PhysioCategory.Common, "ZKD1", false)] // travel allowance is no session act
    [InlineData(PhysioCategory.Common, "ZKX9", false)]
    public void Val09_act_must_belong_to_the_category(PhysioCategory category, string act, bool allowed) =>
        Assert.Equal(allowed, ActMatchesCategory.Check(act, category, Today, Catalog) is null);

    // VAL-10
    [Theory]
    [InlineData(PhysioCategory.Common, 40, false, 70)]
    [InlineData(PhysioCategory.Heavy, 40, false, 100)]
    [InlineData(PhysioCategory.LymphaticDrainage, 40, false, 70)] // a current pathology by itself (seed 000)
    [InlineData(PhysioCategory.LymphaticDrainage, 17, false, 100)]
    [InlineData(PhysioCategory.LymphaticDrainage, 40, true, 100)]
    [InlineData(PhysioCategory.PostSurgical, 40, false, 100)]
    [InlineData(PhysioCategory.Common, 17, false, 100)]
    [InlineData(PhysioCategory.Common, 18, false, 70)]
    [InlineData(PhysioCategory.Common, 40, true, 100)]
    public void Val10_coverage_rate(PhysioCategory category, int age, bool accident, decimal rate) =>
        Assert.Equal(rate, CoverageRate.For(category, age, accident, Today, Catalog));

    [Theory]
    // Annex G code, surgery (months before the prescription of 20 November 2026), age, AAA case → rate
    [InlineData(null, null, 40, false, 70)]
    [InlineData("G03", null, 40, false, 100)]   // heavy pathology listed in Annex G
    [InlineData("G99", null, 40, false, 70)]    // not an Annex G code
    [InlineData(null, 2, 40, false, 100)]       // surgery within VAL-08's window (4 months)
    [InlineData(null, 4, 40, false, 100)]       // the window's last day
    [InlineData(null, 5, 40, false, 70)]        // too long ago for post-surgical rehabilitation
    [InlineData(null, -1, 40, false, 70)]       // a surgery after the prescription
    [InlineData(null, null, 17, false, 100)]    // under 18 on the prescription date
    [InlineData(null, null, 40, true, 100)]     // open AAA case (sandbox assumption)
    public void Val10_lymphatic_drainage_is_70_percent_unless_heavy_pathology_recent_surgery_minor_or_accident(string? annexG, int? surgeryMonthsBefore,
        int age, bool accident, decimal rate)
    {
        var prescribed = new DateOnly(2026, 11, 20);
        var insured = Person(prescribed.AddYears(-age).AddDays(-1));
        if (accident) insured.AccidentCases.Add(new AccidentCase { Id = Guid.NewGuid(), InsuredId = insured.Id, Reference = "AAA-2026-0001", OpenedOn = new DateOnly(2026, 1, 5) });
        var rx = Rx(PhysioCategory.LymphaticDrainage, "ZK16", date: prescribed, annexG: annexG,
            surgery: surgeryMonthsBefore is { } m ? prescribed.AddMonths(-m) : null, accident: accident ? "AAA-2026-0001" : null);
        var e = Evaluate(Facts(rx, insured));
        Assert.Equal(rate, e.Grant!.RatePercent);
    }

    [Theory]
    [InlineData("2008-11-21", 100)] // turns 18 the day after the prescription: still 17 on the prescription date
    [InlineData("2008-11-20", 70)]  // 18th birthday on the prescription date
    public void Val10_age_is_taken_on_the_prescription_date(string birth, decimal rate)
    {
        var e = Evaluate(Facts(Rx(date: new DateOnly(2026, 11, 20)), Person(DateOnly.Parse(birth))));
        Assert.Equal(rate, e.Grant!.RatePercent);
    }

    [Fact]
    public void Val10_open_accident_case_gives_100_percent_and_third_party_payment()
    {
        var insured = Adult();
        insured.AccidentCases.Add(new AccidentCase { Id = Guid.NewGuid(), InsuredId = insured.Id, Reference = "AAA-2026-0001", OpenedOn = new DateOnly(2026, 1, 5) });
        var e = Evaluate(Facts(Rx(accident: "AAA-2026-0001"), insured));
        Assert.Equal((100m, true, true), (e.Grant!.RatePercent, e.Grant.AccidentCase, e.Grant.ThirdPartyPayment));
    }

    [Fact]
    public void Val10_unknown_accident_reference_keeps_the_ordinary_rate_and_says_so()
    {
        var e = Evaluate(Facts(Rx(accident: "AAA-2020-9999")));
        Assert.Equal(70m, e.Grant!.RatePercent);
        Assert.Equal(["ACCIDENT_CASE_NOT_FOUND"], e.Codes());
    }

    // VAL-11
    [Theory]
    [InlineData(true, false, true, true, false)]
    [InlineData(true, true, true, true, false)]
    [InlineData(true, true, false, false, true)]   // travel abroad: a move beyond the border is not covered
    [InlineData(false, true, true, false, true)]   // asked for, but the doctor did not mark the home visit
    [InlineData(false, false, true, false, false)]
    public void Val11_travel_allowance_needs_medical_necessity_and_care_in_luxembourg(bool homeVisit, bool requested, bool inLuxembourg, bool granted, bool informed)
    {
        var (travel, info) = TravelAllowance.Decide(homeVisit, requested, inLuxembourg);
        Assert.Equal(granted, travel);
        Assert.Equal(informed, info is { Code: "TRAVEL_NOT_VALIDATED", Severity: ReasonSeverity.Information });
    }

    [Fact]
    public void Travel_abroad_is_not_validated_and_has_no_third_party_payment()
    {
        var e = Evaluate(Facts(Rx(homeVisit: true, careCountry: "FR")));
        Assert.Equal(ValidationOutcome.Agreed, e.Outcome);
        Assert.False(e.Grant!.TravelAllowance);
        Assert.False(e.Grant.ThirdPartyPayment);
        Assert.Equal(["TRAVEL_NOT_VALIDATED", "THIRD_PARTY_NOT_APPLICABLE"], e.Codes());
    }

    // VAL-12
    [Theory]
    [InlineData("LU", true, false)]
    [InlineData("DE", false, true)]
    public void Val12_third_party_payment_only_for_care_in_luxembourg(string country, bool applies, bool informed)
    {
        var (thirdParty, info) = ThirdPartyPayment.Decide(true, country == "LU");
        Assert.Equal(applies, thirdParty);
        Assert.Equal(informed, info is { Code: "THIRD_PARTY_NOT_APPLICABLE" });
    }

    // VAL-13
    [Theory]
    [InlineData("FR", true, "FR", true)]
    [InlineData("FR", true, "LU", false)]
    [InlineData("FR", true, "BE", false)]
    [InlineData("FR", false, "FR", false)]
    [InlineData("LU", false, "LU", false)]
    public void Val13_cross_border_worker_treated_in_the_country_of_residence(string residence, bool crossBorder, string care, bool refused) =>
        Assert.Equal(refused, CnsExchange.Domain.Common.CompetentFundAbroad.Check(Person(new DateOnly(1971, 11, 2), residence, crossBorder), care, "VAL-13") is { Code: "COMPETENT_FUND_ABROAD" });

    // VAL-14
    [Fact]
    public void Val14_existing_voucher_refuses_with_its_number()
    {
        var e = Evaluate(Facts(Rx(), existingVoucher: "K26-0001000-5"));
        var reason = Assert.Single(e.Reasons);
        Assert.Equal(("DUPLICATE_PRESCRIPTION", "K26-0001000-5, same doctor, insured, date and act"), (reason.Code, reason.Detail!));
    }

    [Theory]
    [InlineData(true, true, "K26-0001000-5, same scan", "scan")]
    [InlineData(true, false, "K26-0001000-5, same doctor, insured, date and act", null)]
    [InlineData(false, true, "already validated for another provider, same scan", "scan")]
    [InlineData(false, false, "already validated for another provider, same doctor, insured, date and act", null)]
    public void Val14_names_what_matched_and_another_providers_voucher_never(bool own, bool scan, string detail, string? field)
    {
        var e = Evaluate(Facts(Rx(), existingVoucher: "K26-0001000-5") with { ExistingVoucherIsOwn = own, ExistingVoucherMatchedScan = scan });
        var reason = Assert.Single(e.Reasons);
        Assert.Equal(("DUPLICATE_PRESCRIPTION", detail, field), (reason.Code, reason.Detail!, reason.Field));
        Assert.Equal(own, reason.Detail!.Contains("K26-"));
    }

    [Fact]
    public void Val14_content_fingerprint_is_doctor_insured_date_and_act()
    {
        var a = DuplicatePrescription.ContentFingerprint(Rx(sessions: 6));
        Assert.Equal(a, DuplicatePrescription.ContentFingerprint(Rx(sessions: 8, diagnosis: "other")));
        Assert.NotEqual(a, DuplicatePrescription.ContentFingerprint(Rx(date: Today.AddDays(-4))));
        Assert.NotEqual(a, DuplicatePrescription.ContentFingerprint(Rx(PhysioCategory.LymphaticDrainage, "ZK16")));
        Assert.NotEqual(a, DuplicatePrescription.ContentFingerprint(Rx(doctor: new PrescribingDoctor("90000002", null, null))));
        Assert.Equal(DuplicatePrescription.ContentFingerprint(Rx(doctor: new PrescribingDoctor(null, "Dr  Hans Müller", "DE"))),
            DuplicatePrescription.ContentFingerprint(Rx(doctor: new PrescribingDoctor(null, "dr hans müller", "de"))));
    }

    // VAL-15
    [Theory]
    [InlineData("2025-01-01", null, true, true)]
    [InlineData("2027-02-01", "2027-03-01", true, true)]   // starts within the treatment period
    [InlineData("2025-01-01", "2026-11-19", true, false)]  // ended before the prescription
    [InlineData("2025-01-01", null, false, false)]         // plan without physiotherapy-type care
    public void Val15_dependency_care_plan_with_physiotherapy_over_the_treatment_period_goes_pending(string from, string? to, bool physio, bool pending)
    {
        var insured = Adult();
        insured.CarePlans.Add(new CarePlan { Id = Guid.NewGuid(), InsuredId = insured.Id, From = DateOnly.Parse(from), To = to is null ? null : DateOnly.Parse(to), IncludesPhysiotherapy = physio });
        var e = Evaluate(Facts(Rx(date: new DateOnly(2026, 11, 20)), insured));
        Assert.Equal(pending ? ValidationOutcome.Pending : ValidationOutcome.Agreed, e.Outcome);
        Assert.Equal(pending, e.Codes().Contains("DEPENDENCY_INSURANCE_OVERLAP"));
    }

    // VAL-16
    [Theory]
    [InlineData(32, false)]
    [InlineData(33, true)]
    [InlineData(64, true)]
    public void Val16_heavy_pathology_above_32_sessions_goes_to_manual_review(int sessions, bool pending)
    {
        var e = Evaluate(Facts(Rx(PhysioCategory.Heavy, "ZK21", sessions, annexG: "G04")));
        Assert.Equal(pending ? ValidationOutcome.Pending : ValidationOutcome.Agreed, e.Outcome);
        Assert.Equal(sessions, e.Grant!.Sessions);
    }

    [Fact]
    public void Val16_foreign_prescription_goes_to_manual_review()
    {
        var e = Evaluate(Facts(Rx(doctor: ForeignDoctor("DE"), language: "de")));
        Assert.Equal(ValidationOutcome.Pending, e.Outcome);
        var reason = Assert.Single(e.Reasons);
        Assert.Equal(("MANUAL_REVIEW_REQUIRED", "DE"), (reason.Code, reason.Detail!));
    }

    [Fact]
    public void Val16_registered_foreign_doctor_counts_as_foreign()
    {
        var doctor = new Doctor { Code = "10000001", Name = "Dr Claude Petit", Country = "FR" };
        var e = Evaluate(Facts(Rx(doctor: new PrescribingDoctor("10000001", null, null)), doctor: doctor));
        Assert.Equal(ValidationOutcome.Pending, e.Outcome);
    }

    // VAL-17
    [Theory]
    [InlineData("2026-11-23T09:00", "2026-11-24")] // Monday → end of Tuesday
    [InlineData("2026-11-23T23:30", "2026-11-24")]
    [InlineData("2026-11-27T10:00", "2026-11-30")] // Friday → end of Monday (weekend)
    [InlineData("2026-11-28T10:00", "2026-11-30")] // Saturday → end of Monday
    [InlineData("2026-11-29T22:00", "2026-11-30")] // Sunday → end of Monday
    [InlineData("2026-12-24T10:00", "2026-12-28")] // Christmas and St Stephen, then the weekend
    [InlineData("2026-06-22T10:00", "2026-06-24")] // National Day
    [InlineData("2026-05-13T10:00", "2026-05-15")] // Ascension
    [InlineData("2026-12-31T16:00", "2027-01-04")] // New Year, then the weekend
    public void Val17_pending_decision_is_due_at_the_end_of_the_next_working_day(string receivedLocal, string dueDate)
    {
        var local = DateTime.Parse(receivedLocal);
        var received = LuxembourgCalendar.AtLocal(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local));
        var due = DecisionDeadline.DueBy(received, Catalog);
        Assert.Equal(LuxembourgCalendar.EndOfDay(DateOnly.Parse(dueDate)), due);
        Assert.Equal(new TimeOnly(23, 59, 59), TimeOnly.FromDateTime(LuxembourgCalendar.ToLocal(due)));
    }

    [Fact]
    public void Val17_overdue_only_after_the_due_time()
    {
        var due = LuxembourgCalendar.EndOfDay(new DateOnly(2026, 11, 24));
        Assert.False(DecisionDeadline.IsOverdue(due, due));
        Assert.True(DecisionDeadline.IsOverdue(due, due.AddSeconds(1)));
    }

    // VAL-18
    [Theory]
    [InlineData("255044462D312E340A", "application/pdf")]           // %PDF-1.4
    [InlineData("FFD8FFE000104A464946", "image/jpeg")]
    [InlineData("89504E470D0A1A0A0000000D", "image/png")]
    [InlineData("49492A0008000000", "image/tiff")]                  // little-endian TIFF
    [InlineData("4D4D002A00000008", "image/tiff")]                  // big-endian TIFF
    [InlineData("474946383961", null)]                              // GIF
    [InlineData("3C68746D6C3E", null)]                              // <html>
    [InlineData("2550", null)]                                      // truncated %P
    public void Val18_scan_type_is_read_from_its_bytes(string hex, string? contentType) =>
        Assert.Equal(contentType, ScanFormat.Sniff(Convert.FromHexString(hex)));

    [Theory]
    [InlineData(0, ScanProblem.Empty)]
    [InlineData(10485760, ScanProblem.None)]
    [InlineData(10485761, ScanProblem.TooLarge)]
    public void Val18_scan_must_be_non_empty_and_at_most_10_mib(long length, ScanProblem problem)
    {
        var max = (long)Catalog.Parameter(ScanFormat.MaxBytesParameter, Today);
        Assert.Equal(problem, ScanFormat.Check(length, "%PDF-1.7"u8, max));
    }
}
