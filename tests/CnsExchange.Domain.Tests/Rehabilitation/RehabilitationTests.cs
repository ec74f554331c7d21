using CnsExchange.Domain.Common;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Rehabilitation;
using static CnsExchange.Domain.Tests.Support.TestReference;

namespace CnsExchange.Domain.Tests.Rehabilitation;

public sealed class RehabilitationTests
{
    private static void AssertRefused(RehabDecision decision, string code, string rule)
    {
        Assert.Equal(RehabOutcome.Refused, decision.Outcome);
        Assert.Null(decision.Terms);
        Assert.Contains(decision.Reasons, r => r.Code == code && r.Rule == rule && r.Severity == ReasonSeverity.Refusal);
    }

    // ---- REH-01 CNRFR ---------------------------------------------------------------------------------------

    [Fact]
    public void Reh01_cnrfr_needs_no_authorisation_when_the_affiliation_is_in_order()
    {
        var decision = CnrfrAdmission.Decide(Insured(), D("2026-11-23"), D("2026-11-30"));
        Assert.Equal(RehabOutcome.NotRequired, decision.Outcome);
        Assert.Equal("NO_AUTHORISATION_NEEDED", decision.Reasons.Single().Code);
    }

    [Fact]
    public void Reh01_cnrfr_refuses_an_insured_not_affiliated()
    {
        AssertRefused(CnrfrAdmission.Decide(Insured(affiliatedTo: "2026-10-31"), D("2026-11-23"), D("2026-11-30")), "INSURED_NOT_AFFILIATED", "REH-01");
    }

    // ---- REH-02 geriatric ambulatory -----------------------------------------------------------------------

    private static RehabDecision Ambulatory(string request = "2026-11-23", string start = "2026-12-01", string end = "2027-01-31",
        params HospitalStayFact[] stays) =>
        GeriatricAmbulatoryRehab.Decide(Insured(), new GeriatricAmbulatoryRequest(D(request), D(start), D(end), stays), Catalog);

    [Theory]
    [InlineData("2026-10-01", "2026-10-07", true)]  // 7 days, admission and discharge included
    [InlineData("2026-10-01", "2026-10-06", false)] // 6 days
    [InlineData("2025-11-25", "2025-12-01", true)]  // discharged exactly 12 months before the start
    [InlineData("2025-11-24", "2025-11-30", false)] // discharged 12 months and a day before the start
    public void Reh02_geriatric_ambulatory_follows_a_stay_of_7_days_in_the_previous_year(string admission, string discharge, bool granted)
    {
        var decision = Ambulatory(stays: new HospitalStayFact(D(admission), D(discharge)));
        Assert.Equal(granted ? RehabOutcome.Granted : RehabOutcome.Refused, decision.Outcome);
        if (!granted) AssertRefused(decision, "REHAB_CONDITIONS_NOT_MET", "REH-02");
    }

    [Theory]
    [InlineData("2027-01-31", true)]  // 1 Dec + 2 months - 1 day
    [InlineData("2027-02-01", false)] // a day more than 2 months
    public void Reh02_geriatric_ambulatory_lasts_at_most_two_months(string end, bool granted)
    {
        var decision = Ambulatory(end: end, stays: new HospitalStayFact(D("2026-10-01"), D("2026-10-20")));
        Assert.Equal(granted ? RehabOutcome.Granted : RehabOutcome.Refused, decision.Outcome);
        if (granted) Assert.Equal(D(end), decision.Terms!.To);
        else AssertRefused(decision, "REHAB_DAYS_EXCEEDED", "REH-02");
    }

    [Theory]
    [InlineData("2026-12-01", true)]
    [InlineData("2026-12-02", false)]
    public void Reh02_geriatric_ambulatory_is_asked_before_the_start(string requestDate, bool granted)
    {
        var decision = Ambulatory(request: requestDate, stays: new HospitalStayFact(D("2026-10-01"), D("2026-10-20")));
        Assert.Equal(granted ? RehabOutcome.Granted : RehabOutcome.Refused, decision.Outcome);
        if (!granted) AssertRefused(decision, "REQUEST_AFTER_START", "REH-02");
    }

    [Fact]
    public void Reh02_geriatric_ambulatory_has_no_extension()
    {
        AssertRefused(GeriatricAmbulatoryRehab.DecideExtension(), "EXTENSION_LIMIT_REACHED", "REH-02");
    }

    // ---- REH-03 geriatric stationary -------------------------------------------------------------------------

    [Theory]
    [InlineData("2026-11-23", "2026-11-26", true)]  // Monday admission: Thursday is the third working day
    [InlineData("2026-11-23", "2026-11-27", false)]
    [InlineData("2026-11-20", "2026-11-25", true)]  // Friday admission: the weekend does not count
    [InlineData("2026-11-20", "2026-11-26", false)]
    [InlineData("2026-12-24", "2026-12-30", true)]  // Christmas, St Stephen and a weekend skipped
    [InlineData("2026-12-24", "2026-12-31", false)]
    [InlineData("2027-05-05", "2027-05-11", true)]  // Ascension (Thursday 6 May 2027) skipped
    [InlineData("2027-05-05", "2027-05-12", false)]
    [InlineData("2026-11-23", "2026-11-16", true)]  // asked before the admission is fine
    public void Reh03_geriatric_stationary_is_asked_at_the_latest_3_working_days_after_admission(string admission, string requestDate, bool granted)
    {
        var decision = GeriatricStationaryRehab.Decide(Insured(), new GeriatricStationaryRequest(D(requestDate), D(admission)), Catalog);
        Assert.Equal(granted ? RehabOutcome.Granted : RehabOutcome.Refused, decision.Outcome);
        if (!granted) AssertRefused(decision, "REQUEST_TOO_LATE", "REH-03");
    }

    [Theory]
    [InlineData(null, true, "2027-02-20")]
    [InlineData(90, true, "2027-02-20")]
    [InlineData(60, true, "2027-01-21")]
    [InlineData(91, false, null)]
    public void Reh03_geriatric_stationary_covers_90_days(int? days, bool granted, string? to)
    {
        var decision = GeriatricStationaryRehab.Decide(Insured(), new GeriatricStationaryRequest(D("2026-11-23"), D("2026-11-23"), days), Catalog);
        if (!granted)
        {
            AssertRefused(decision, "REHAB_DAYS_EXCEEDED", "REH-03");
            return;
        }
        Assert.Equal(D(to!), decision.Terms!.To);
        Assert.Equal(2, decision.Terms.ExtensionsLeft);
    }

    [Theory]
    [InlineData(0, 30, "2027-02-20", true)]
    [InlineData(1, 30, "2027-02-20", true)]
    [InlineData(2, 30, "2027-02-20", false)] // the third extension
    [InlineData(0, 31, "2027-02-20", false)] // more than 30 days
    [InlineData(0, 10, "2027-02-21", false)] // asked after the authorised period ended
    public void Reh03_at_most_two_extensions_of_30_days_asked_in_advance(int granted, int days, string requestDate, bool accepted)
    {
        var state = new GeriatricAuthorisationState(D("2026-11-23"), D("2027-02-20"), granted);
        var decision = GeriatricStationaryRehab.DecideExtension(state, new RehabExtensionRequest(D(requestDate), days), Catalog);
        if (!accepted)
        {
            AssertRefused(decision, "EXTENSION_LIMIT_REACHED", "REH-03");
            return;
        }
        Assert.Equal(D("2027-02-20").AddDays(days), decision.Terms!.To);
        Assert.Equal(granted + 1, decision.Terms.ExtensionsGranted);
        Assert.Equal(1 - granted, decision.Terms.ExtensionsLeft);
    }

    // ---- REH-04 Colpach ----------------------------------------------------------------------------------------

    private static ColpachRequest Colpach(int days, RehabService service = RehabService.Snrp, CareSetting setting = CareSetting.Stationary,
        string start = "2026-12-01", bool differentPathology = false, bool stable = true, string? therapyEnd = null, string request = "2026-11-23") =>
        new(service, setting, D(request), D(start), days, differentPathology, stable, true, therapyEnd is null ? null : D(therapyEnd));

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    public void Reh04_colpach_lasts_at_least_5_days(int days, bool granted)
    {
        var decision = ColpachRehab.Decide(Insured(), Colpach(days), [], Catalog);
        Assert.Equal(granted ? RehabOutcome.Granted : RehabOutcome.Refused, decision.Outcome);
        if (!granted) AssertRefused(decision, "REHAB_CONDITIONS_NOT_MET", "REH-04");
    }

    [Theory]
    [InlineData(CareSetting.Stationary, 20, 10, false, true)]  // the 30th day of the year
    [InlineData(CareSetting.Stationary, 20, 11, false, false)] // the 31st day
    [InlineData(CareSetting.Stationary, 20, 11, true, true)]   // a different pathology marked by the doctor
    [InlineData(CareSetting.Stationary, 0, 30, false, true)]
    [InlineData(CareSetting.Stationary, 0, 31, false, false)]
    [InlineData(CareSetting.Ambulatory, 5, 5, false, true)]    // the 10th ambulatory day
    [InlineData(CareSetting.Ambulatory, 5, 6, false, false)]   // the 11th ambulatory day
    public void Reh04_colpach_days_per_calendar_year(CareSetting setting, int usedThisYear, int asked, bool differentPathology, bool granted)
    {
        var history = usedThisYear == 0 ? [] : new List<ColpachHistoryEntry>
        {
            new(RehabService.Snrp, setting, D("2026-03-01"), D("2026-03-01").AddDays(usedThisYear - 1)),
            new(RehabService.Snrp, setting, D("2025-03-01"), D("2025-03-30")),   // last year: does not count
            new(RehabService.Snrpo, setting, D("2026-06-01"), D("2026-06-20")),  // other service: does not count
        };
        var decision = ColpachRehab.Decide(Insured(), Colpach(asked, setting: setting, start: "2026-11-30", differentPathology: differentPathology), history, Catalog);
        Assert.Equal(granted ? RehabOutcome.Granted : RehabOutcome.Refused, decision.Outcome);
        // Ambulatory days are counted as treatment days (REH-06).
        if (!granted) AssertRefused(decision, "REHAB_DAYS_EXCEEDED", setting == CareSetting.Ambulatory ? "REH-06" : "REH-04");
    }

    [Fact]
    public void Reh04_colpach_stay_across_new_year_counts_each_year_apart()
    {
        var history = new List<ColpachHistoryEntry> { new(RehabService.Snrp, CareSetting.Stationary, D("2026-06-01"), D("2026-06-25")) }; // 25 days in 2026
        Assert.Equal(RehabOutcome.Granted, ColpachRehab.Decide(Insured(), Colpach(20, start: "2026-12-27"), history, Catalog).Outcome);  // 5 in 2026 + 15 in 2027
        var refused = ColpachRehab.Decide(Insured(), Colpach(20, start: "2026-12-26"), history, Catalog);                                // 6 in 2026
        AssertRefused(refused, "REHAB_DAYS_EXCEEDED", "REH-04");
        Assert.Equal("2026: 25 + 6 > 30", refused.Reasons.Single().Detail);
    }

    [Theory]
    [InlineData("2026-09-01", true)]  // therapy ended exactly 3 months before the start
    [InlineData("2026-08-31", false)] // 3 months and a day
    [InlineData("2026-12-15", false)] // therapy not over at the start
    [InlineData(null, false)]
    public void Reh04_post_oncology_starts_within_3_months_after_acute_therapy(string? therapyEnd, bool granted)
    {
        var decision = ColpachRehab.Decide(Insured(), Colpach(14, RehabService.Snrpo, therapyEnd: therapyEnd), [], Catalog);
        Assert.Equal(granted ? RehabOutcome.Granted : RehabOutcome.Refused, decision.Outcome);
        if (!granted) AssertRefused(decision, "REHAB_CONDITIONS_NOT_MET", "REH-04");
    }

    [Fact]
    public void Reh04_colpach_needs_a_stable_clinical_state()
    {
        AssertRefused(ColpachRehab.Decide(Insured(), Colpach(10, stable: false), [], Catalog), "REHAB_CONDITIONS_NOT_MET", "REH-04");
    }

    [Fact]
    public void Reh04_colpach_is_authorised_before_the_start()
    {
        AssertRefused(ColpachRehab.Decide(Insured(), Colpach(10, request: "2026-12-02"), [], Catalog), "REQUEST_AFTER_START", "REH-04");
    }

    // ---- REH-06 Colpach ambulatory treatment days ------------------------------------------------------------

    private static ColpachRequest ColpachAmbulatory(int days, string? end = null, string start = "2026-12-01") =>
        Colpach(days, setting: CareSetting.Ambulatory, start: start) with { ProgrammeEnd = end is null ? null : D(end) };

    [Theory]
    [InlineData(10, null, true, "2027-02-22")]          // ten days spread over the default 12 weeks
    [InlineData(10, "2027-02-22", true, "2027-02-22")]  // the last day of the 12th week
    [InlineData(10, "2027-02-23", false, null)]         // a day beyond 12 weeks
    [InlineData(10, "2026-12-10", true, "2026-12-10")]  // ten consecutive days
    [InlineData(10, "2026-12-09", false, null)]         // ten days do not fit in nine
    [InlineData(11, null, false, null)]                 // the 11th treatment day of the case
    public void Reh06_colpach_ambulatory_treatment_days_need_not_be_consecutive(int days, string? end, bool granted, string? lastDay)
    {
        var decision = ColpachRehab.Decide(Insured(), ColpachAmbulatory(days, end), [], Catalog);
        Assert.Equal(granted ? RehabOutcome.Granted : RehabOutcome.Refused, decision.Outcome);
        if (!granted)
        {
            AssertRefused(decision, "REHAB_DAYS_EXCEEDED", "REH-06");
            return;
        }
        Assert.Equal(D("2026-12-01"), decision.Terms!.From);
        Assert.Equal(D(lastDay!), decision.Terms.To);
        Assert.Equal(days, decision.Terms.Days); // billable days: the treatment days, not the span
    }

    [Theory]
    [InlineData(5, null, 5, true)]    // 5 earlier treatment days spread over 8 weeks + 5 = 10
    [InlineData(5, null, 6, false)]   // + 6 = 11
    [InlineData(null, 10, 10, false)] // an earlier case authorised as 10 consecutive days
    public void Reh06_colpach_ambulatory_counts_earlier_treatment_days_not_their_span(int? earlierTreatmentDays, int? earlierSpan, int asked, bool granted)
    {
        var from = D("2026-03-02");
        var history = new List<ColpachHistoryEntry>
        {
            new(RehabService.Snrp, CareSetting.Ambulatory, from, from.AddDays((earlierSpan ?? 56) - 1), TreatmentDays: earlierTreatmentDays),
            new(RehabService.Snrp, CareSetting.Ambulatory, D("2025-11-03"), D("2026-01-25"), TreatmentDays: 10), // a case of last year
        };
        var decision = ColpachRehab.Decide(Insured(), ColpachAmbulatory(asked, start: "2026-11-30"), history, Catalog);
        Assert.Equal(granted ? RehabOutcome.Granted : RehabOutcome.Refused, decision.Outcome);
        if (!granted) AssertRefused(decision, "REHAB_DAYS_EXCEEDED", "REH-06");
    }

    // ---- REH-07 cardiac rehabilitation -----------------------------------------------------------------------

    [Theory]
    [InlineData("2026-09-01", "2027-02-28", true, null)]               // event 3 months before the start, 3 months
    [InlineData("2026-08-31", "2027-02-28", false, "cardiacEventDate")] // event 3 months and a day before
    [InlineData("2026-12-02", "2027-02-28", false, "cardiacEventDate")] // event after the start
    [InlineData(null, "2027-02-28", false, "cardiacEventDate")]         // no event named
    [InlineData("2026-11-15", "2027-03-01", false, "end")]              // longer than 3 months
    public void Reh07_cardiac_rehabilitation_follows_a_cardiac_event_and_lasts_at_most_3_months(string? cardiacEvent, string end, bool granted, string? field)
    {
        var decision = CardiacRehab.Decide(Insured(),
            new CardiacRehabRequest(D("2026-11-23"), D("2026-12-01"), D(end), cardiacEvent is null ? null : D(cardiacEvent)), Catalog);
        Assert.Equal(granted ? RehabOutcome.Granted : RehabOutcome.Refused, decision.Outcome);
        if (granted)
        {
            Assert.Equal(90, decision.Terms!.Days);
            return;
        }
        var reason = Assert.Single(decision.Reasons);
        Assert.Equal((field == "end" ? "REHAB_DAYS_EXCEEDED" : "REHAB_CONDITIONS_NOT_MET", "REH-07", field), (reason.Code, reason.Rule, reason.Field));
    }

    [Fact]
    public void Reh07_cardiac_rehabilitation_is_authorised_before_the_start()
    {
        AssertRefused(CardiacRehab.Decide(Insured(), new CardiacRehabRequest(D("2026-12-02"), D("2026-12-01"), D("2027-01-31"), D("2026-11-10")), Catalog),
            "REQUEST_AFTER_START", "REH-07");
    }

    // ---- REH-05 CNRFR bills like a hospital ------------------------------------------------------------------

    [Theory]
    [InlineData(ProviderKind.Hospital, true)]
    [InlineData(ProviderKind.Cnrfr, true)]
    [InlineData(ProviderKind.RehabilitationCentre, false)]
    [InlineData(ProviderKind.ThermalCentre, false)]
    [InlineData(ProviderKind.Physiotherapist, false)]
    [InlineData(ProviderKind.Doctor, false)]
    public void Reh05_the_cnrfr_records_stays_like_a_hospital(ProviderKind kind, bool recordsStays)
    {
        Assert.Equal(recordsStays, CnrfrBilling.RecordsStays(kind));
    }
}
