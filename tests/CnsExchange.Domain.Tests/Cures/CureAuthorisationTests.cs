using System.Globalization;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Registry;
using static CnsExchange.Domain.Tests.Support.TestReference;

namespace CnsExchange.Domain.Tests.Cures;

public sealed class CureAuthorisationTests
{
    private const string Today = "2026-11-23";

    private static CureDecision Decide(string kind, CureClinicalData? clinical = null, IReadOnlyList<CureHistoryEntry>? history = null,
        Insured? insured = null, string requestDate = Today, string start = "2026-12-07", string country = "LU", bool notAvailableHere = false,
        int? maintenancePerMonth = null) =>
        CureAuthorisationPolicy.Decide(
            new CureRequest(kind, D(requestDate), D(start), clinical ?? CureClinicalData.None, country, notAvailableHere, maintenancePerMonth),
            insured ?? Insured(), history ?? [], Catalog);

    private static CureHistoryEntry Done(string kind, string end, int sessions = 24, BodySide? side = null) =>
        new(kind, D(end).AddMonths(-2), D(end).AddMonths(10), D(end).AddDays(-30), D(end), sessions, sessions, side);

    private static void AssertRefused(CureDecision decision, string code, string? rule = null)
    {
        Assert.False(decision.Granted);
        Assert.Contains(decision.Reasons, r => r.Code == code && r.Severity == ReasonSeverity.Refusal && (rule is null || r.Rule == rule));
    }

    // ---- CUR-04 obesity conditions -------------------------------------------------------------------------

    [Theory]
    [InlineData("35.1", null, false, false, null, false, Sex.Female, true)]   // BMI > 35 alone
    [InlineData("35.0", null, false, false, null, false, Sex.Female, false)]  // 35 is not above 35 and has no criterion
    [InlineData("35.0", "7.1", false, false, null, false, Sex.Female, true)]  // 35 >= 30 with HbA1c > 7
    [InlineData("30.0", null, false, false, null, false, Sex.Female, false)]  // 30 without a criterion
    [InlineData("30.0", "7.1", false, false, null, false, Sex.Female, true)]  // HbA1c above 7
    [InlineData("30.0", "7.0", false, false, null, false, Sex.Female, false)] // HbA1c of exactly 7 is not above
    [InlineData("30.0", null, true, false, null, false, Sex.Female, true)]    // resistant hypertension
    [InlineData("30.0", null, false, true, null, false, Sex.Female, true)]    // polysomnography-proven apnoea
    [InlineData("30.0", null, false, false, "89", false, Sex.Female, true)]   // waist > 88 cm, woman
    [InlineData("30.0", null, false, false, "88", false, Sex.Female, false)]  // waist 88 cm, woman: not above
    [InlineData("30.0", null, false, false, "102", false, Sex.Male, false)]   // waist 102 cm, man: not above
    [InlineData("30.0", null, false, false, "103", false, Sex.Male, true)]    // waist > 102 cm, man
    [InlineData("30.0", null, false, false, "95", false, Sex.Male, false)]    // 95 is android for a woman, not for a man
    [InlineData("30.0", null, false, false, null, true, Sex.Female, true)]    // documented cardiac history
    [InlineData("29.9", null, true, true, "120", true, Sex.Female, false)]    // under 30 whatever the criteria
    public void Cur04_obesity_cure_needs_bmi_above_35_or_30_with_a_criterion(string bmi, string? hba1c, bool hypertension, bool apnoea,
        string? waist, bool cardiac, Sex sex, bool granted)
    {
        var clinical = new CureClinicalData(Bmi: M(bmi), HbA1cPercent: hba1c is null ? null : M(hba1c), ResistantHypertension: hypertension,
            PolysomnographyProvenApnoea: apnoea, WaistCm: waist is null ? null : M(waist), CardiacHistory: cardiac);
        foreach (var kind in new[] { "T190", "T192" })
        {
            var decision = Decide(kind, clinical, insured: Insured(sex: sex));
            Assert.Equal(granted, decision.Granted);
            if (!granted) AssertRefused(decision, "CURE_CONDITIONS_NOT_MET", "CUR-04");
        }
    }

    [Fact]
    public void Cur04_obesity_cure_without_bmi_is_refused_naming_the_field()
    {
        var decision = Decide("T190");
        AssertRefused(decision, "CURE_CONDITIONS_NOT_MET", "CUR-04");
        Assert.Equal("clinical.bmi", decision.Reasons.Single().Field);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, false)] // the third obesity cure
    public void Cur04_at_most_two_obesity_cures_per_insured(int earlierCures, bool granted)
    {
        var history = Enumerable.Range(0, earlierCures)
            .Select(i => Done(i % 2 == 0 ? "T190" : "T192", $"{2018 + 2 * i}-06-30", 21)).ToList();
        var decision = Decide("T192", new CureClinicalData(Bmi: 36m), history);
        Assert.Equal(granted, decision.Granted);
        if (!granted) AssertRefused(decision, "CURE_LIMIT_REACHED", "CUR-04");
    }

    [Fact]
    public void Cur04_a_lapsed_obesity_authorisation_does_not_count_towards_the_limit()
    {
        var lapsed = new CureHistoryEntry("T190", D("2022-01-10"), D("2023-01-10"), null, null, 21, 0);
        var decision = Decide("T190", new CureClinicalData(Bmi: 36m), [Done("T190", "2019-06-30", 21), lapsed]);
        Assert.True(decision.Granted);
    }

    // ---- CUR-04 reinforcement modules ----------------------------------------------------------------------

    [Theory]
    [InlineData("2025-05-23", true)]  // end + 18 months = 2026-11-23: last day of the window
    [InlineData("2025-05-22", false)] // window closed the day before the request
    [InlineData("2026-10-01", true)]
    public void Cur04_reinforcement_modules_within_18_months_after_the_end_of_an_obesity_cure(string cureEnd, bool granted)
    {
        var decision = Decide("T195", history: [Done("T190", cureEnd, 21)]);
        Assert.Equal(granted, decision.Granted);
        if (granted)
        {
            Assert.Equal(14, decision.Terms!.Sessions);
            var windowEnd = D(cureEnd).AddMonths(18);
            Assert.Equal(windowEnd < D(Today).AddMonths(12) ? windowEnd : D(Today).AddMonths(12), decision.Terms.ValidUntil);
            Assert.Equal(windowEnd, decision.Terms.LastSessionBy);
        }
        else AssertRefused(decision, "CURE_CONDITIONS_NOT_MET", "CUR-04");
    }

    [Fact]
    public void Cur04_reinforcement_modules_need_an_obesity_cure()
    {
        AssertRefused(Decide("T195", history: [Done("T180", "2026-06-01", 18)]), "CURE_CONDITIONS_NOT_MET", "CUR-04");
    }

    [Theory]
    [InlineData(10, 4)]
    [InlineData(14, 0)]
    public void Cur04_reinforcement_modules_are_14_in_all_after_one_cure(int modulesDoneEarlier, int expected)
    {
        var earlier = new CureHistoryEntry("T195", D("2026-02-01"), D("2026-08-01"), D("2026-02-10"), D("2026-07-20"), 14, modulesDoneEarlier);
        var decision = Decide("T195", history: [Done("T190", "2026-01-15", 21), earlier]);
        if (expected == 0) AssertRefused(decision, "CURE_LIMIT_REACHED", "CUR-04");
        else Assert.Equal(expected, decision.Terms!.Sessions);
    }

    // ---- CUR-03 ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    public void Cur03_lympho_venous_cure_only_for_complicated_venous_insufficiency_or_lymphoedema(bool venous, bool lymphoedema, bool granted)
    {
        var decision = Decide("T180", new CureClinicalData(ComplicatedVenousInsufficiency: venous, Lymphoedema: lymphoedema));
        Assert.Equal(granted, decision.Granted);
        if (!granted) AssertRefused(decision, "CURE_CONDITIONS_NOT_MET", "CUR-03");
    }

    // ---- CUR-02 waiting period -----------------------------------------------------------------------------

    [Theory]
    [InlineData("2025-11-23", true)]  // exactly 12 months after the end
    [InlineData("2025-11-24", false)] // one day short
    public void Cur02_a_cure_of_the_same_nature_only_12_months_after_the_end_of_the_previous(string previousEnd, bool granted)
    {
        var decision = Decide("T260", history: [Done("T261", previousEnd, 12)]);
        Assert.Equal(granted, decision.Granted);
        if (!granted) AssertRefused(decision, "CURE_TOO_SOON", "CUR-02");
    }

    [Fact]
    public void Cur02_a_cure_of_another_nature_needs_no_wait()
    {
        Assert.True(Decide("T180", new CureClinicalData(Lymphoedema: true), [Done("T260", "2026-10-01", 12)]).Granted);
    }

    [Fact]
    public void Cur02_an_open_authorisation_of_the_same_nature_blocks_a_new_one_but_a_lapsed_one_does_not()
    {
        var open = new CureHistoryEntry("T180", D("2026-06-01"), D("2027-06-01"), null, null, 18, 0);
        AssertRefused(Decide("T180", new CureClinicalData(Lymphoedema: true), [open]), "CURE_TOO_SOON", "CUR-02");
        var lapsed = new CureHistoryEntry("T180", D("2025-06-01"), D("2026-06-01"), null, null, 18, 0);
        Assert.True(Decide("T180", new CureClinicalData(Lymphoedema: true), [lapsed]).Granted);
    }

    // ---- CUR-05 back, neck, shoulder ---------------------------------------------------------------------

    [Theory]
    [InlineData("T200", "T200", "2024-11-23", true)]  // exactly 24 months
    [InlineData("T200", "T200", "2024-11-24", false)] // one day short of 24 months
    [InlineData("T203", "T203", "2025-06-30", false)]
    [InlineData("T203", "T200", "2026-06-30", true)]  // neck after back: another nature
    public void Cur05_back_neck_and_shoulder_cures_are_24_months_apart(string kind, string previousKind, string previousEnd, bool granted)
    {
        var decision = Decide(kind, history: [Done(previousKind, previousEnd)]);
        Assert.Equal(granted, decision.Granted);
        if (!granted) AssertRefused(decision, "CURE_TOO_SOON", "CUR-05");
    }

    [Theory]
    [InlineData(BodySide.Right, new[] { BodySide.Left }, true)]                   // the second shoulder: no wait
    [InlineData(BodySide.Left, new[] { BodySide.Left }, false)]                   // the same shoulder again
    [InlineData(BodySide.Right, new[] { BodySide.Left, BodySide.Right }, false)]  // both shoulders done: wait again
    public void Cur05_shoulder_cure_for_the_other_shoulder_needs_no_wait(BodySide side, BodySide[] earlierSides, bool granted)
    {
        var history = earlierSides.Select((s, i) => Done("T206", $"2026-0{5 + i}-01", side: s)).ToList();
        var decision = Decide("T206", new CureClinicalData(AffectedSide: side), history);
        Assert.Equal(granted, decision.Granted);
        if (!granted) AssertRefused(decision, "CURE_TOO_SOON", "CUR-05");
        else Assert.Equal(side, decision.Terms!.AffectedSide);
    }

    [Fact]
    public void Cur05_shoulder_cure_needs_the_affected_side()
    {
        var decision = Decide("T206");
        AssertRefused(decision, "CURE_CONDITIONS_NOT_MET");
        Assert.Equal("clinical.affectedSide", decision.Reasons.Single().Field);
    }

    [Fact]
    public void Cur05_back_cure_grants_24_sessions_to_finish_within_6_months()
    {
        var terms = Decide("T200").Terms!;
        Assert.Equal(24, terms.Sessions);
        Assert.Equal(6, terms.SessionWindowMonths);
    }

    [Theory]
    [InlineData(24, "2026-11-30", null, true, 2)]   // completed cycle, default 2 per month
    [InlineData(23, "2026-11-30", null, false, 0)]  // cycle not completed
    [InlineData(24, "2026-12-10", null, false, 0)]  // cycle ends after the maintenance would start
    [InlineData(24, "2026-11-30", 2, true, 2)]
    [InlineData(24, "2026-11-30", 1, true, 1)]
    [InlineData(24, "2026-11-30", 3, true, 2)]      // 3 per month asked: reduced to 2
    public void Cur05_maintenance_sessions_at_most_2_per_month_only_after_a_completed_cycle(int cycleSessionsDone, string cycleEnd, int? askedPerMonth,
        bool granted, int perMonth)
    {
        var cycle = new CureHistoryEntry("T200", D("2026-05-01"), D("2027-05-01"), D("2026-06-01"), D(cycleEnd), 24, cycleSessionsDone);
        var decision = Decide("T209", history: [cycle], maintenancePerMonth: askedPerMonth);
        Assert.Equal(granted, decision.Granted);
        if (!granted)
        {
            AssertRefused(decision, "MAINTENANCE_NOT_ALLOWED", "CUR-05");
            return;
        }
        Assert.Equal(perMonth, decision.Terms!.MaxSessionsPerMonth);
        Assert.Equal(askedPerMonth > 2, decision.Reasons.Any(r => r is { Code: "MAINTENANCE_SESSIONS_REDUCED", Severity: ReasonSeverity.Reduction }));
        Assert.Null(decision.Terms.StayAllowance);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, false)] // a third maintenance session in the same month
    public void Cur05_billed_maintenance_sessions_stop_at_2_per_month(int alreadyThisMonth, bool accepted)
    {
        var cycle = Done("T203", "2026-11-01");
        var terms = Decide("T209", history: [cycle]).Terms!;
        var reasons = CureSessionRules.Check(terms, D("2026-12-07"), D("2027-01-20"), alreadyThisMonth);
        Assert.Equal(accepted, reasons.Count == 0);
        if (!accepted) Assert.Equal("MAINTENANCE_NOT_ALLOWED", reasons.Single().Code);
    }

    // ---- CUR-01 validity, CUR-05 window at billing -----------------------------------------------------

    [Theory]
    [InlineData("2027-11-23", "2027-11-23", true)]  // started on the last valid day
    [InlineData("2027-11-24", "2027-11-24", false)] // not started within one year
    [InlineData("2026-11-22", "2026-11-22", false)] // before the authorisation
    public void Cur01_cure_must_start_within_one_year_of_the_authorisation(string firstSession, string session, bool accepted)
    {
        var terms = Decide("T180", new CureClinicalData(Lymphoedema: true)).Terms!;
        Assert.Equal(D("2027-11-23"), terms.ValidUntil);
        var reasons = CureSessionRules.Check(terms, D(firstSession), D(session), 0);
        Assert.Equal(accepted, reasons.Count == 0);
        if (!accepted) Assert.Equal("AUTHORISATION_EXPIRED", reasons.Single().Code);
    }

    [Theory]
    [InlineData("2027-06-06", true)]  // first session + 6 months - 1 day
    [InlineData("2027-06-07", false)] // 6 months after the first session
    public void Cur05_back_cycle_sessions_end_within_6_months_of_the_first(string session, bool accepted)
    {
        var terms = Decide("T200").Terms!;
        var reasons = CureSessionRules.Check(terms, D("2026-12-07"), D(session), 0);
        Assert.Equal(accepted, reasons.Count == 0);
    }

    // ---- CUR-06 rate, CUR-07 stay allowance -------------------------------------------------------------

    [Theory]
    [InlineData("T260", 70)]
    [InlineData("T261", 70)]
    [InlineData("T200", 80)]
    public void Cur06_coverage_is_80_percent_and_fango_70(string kind, int rate)
    {
        var decision = Decide(kind);
        Assert.Equal(rate, decision.Terms!.RatePercent);
        Assert.True(decision.Terms.ThirdPartyPayment);
    }

    [Theory]
    [InlineData("Luxembourg", "LU", "mondorf_night", "night", "61.39")]
    [InlineData("Mondorf-les-Bains", "LU", "mondorf_resident_day", "day", "17.94")]
    [InlineData("Mondorf-les-Bains", "FR", "mondorf_night", "night", "61.39")] // same name abroad is not Mondorf
    public void Cur07_stay_allowance_per_night_in_mondorf_or_per_day_for_residents(string municipality, string country, string code, string unit, string amount)
    {
        var decision = Decide("T260", insured: Insured(municipality: municipality, residence: country));
        Assert.Equal(new StayAllowanceTerms(code, unit, M(amount)), decision.Terms!.StayAllowance);
    }

    // ---- CUR-09 / CUR-10 interruptions ------------------------------------------------------------------------

    [Theory]
    [InlineData(null, null, "2027-06-06", true, null)]                        // no interruption: 6 months from the first session
    [InlineData(null, null, "2027-06-07", false, "CUR-05")]
    [InlineData("2027-01-04", "2027-01-24", "2027-06-27", true, null)]        // 21 days accepted: 6 months + 21 days
    [InlineData("2027-01-04", "2027-01-24", "2027-06-28", false, "CUR-10")]   // refused only after the extended end
    [InlineData("2027-01-04", "2027-01-04", "2027-06-07", true, null)]        // one day
    public void Cur10_accepted_medical_interruption_extends_the_cycle_by_its_length(string? from, string? to, string session, bool covered, string? rule)
    {
        var terms = Decide("T200").Terms!;
        if (from is not null) terms = MedicalInterruption.Accept(terms, [(D(from), D(to!))]);
        var reasons = CureSessionRules.Check(terms, D("2026-12-07"), D(session), 0);
        if (covered)
        {
            Assert.Empty(reasons);
            return;
        }
        var reason = Assert.Single(reasons);
        Assert.Equal(("AUTHORISATION_EXPIRED", rule), (reason.Code, reason.Rule));
    }

    [Fact]
    public void Cur10_only_a_back_neck_or_shoulder_cycle_is_extended_and_interruptions_add_up()
    {
        Assert.False(MedicalInterruption.Applies(Decide("T260").Terms!));
        Assert.Throws<InvalidOperationException>(() => MedicalInterruption.Accept(Decide("T260").Terms!, [(D("2027-01-04"), D("2027-01-10"))]));
        var twice = MedicalInterruption.Accept(Decide("T206", new CureClinicalData(AffectedSide: BodySide.Left)).Terms!,
            [(D("2027-01-04"), D("2027-01-10")), (D("2027-02-01"), D("2027-02-03"))]);
        Assert.Equal(10, twice.InterruptionDays);
        Assert.Equal(D("2027-06-16"), twice.CycleLastDay(D("2026-12-07")));
    }

    /// <summary>Audit s66: the same days certified twice, or overlapping certificates, extended the cycle once per certificate.</summary>
    [Theory]
    [InlineData("2027-01-10..2027-01-19", 10)]
    [InlineData("2027-01-10..2027-01-19 2027-01-10..2027-01-19", 10)]                       // the same certificate twice
    [InlineData("2027-01-10..2027-01-19 2027-01-10..2027-01-19 2027-01-15..2027-01-24", 15)] // the audit's case: 01-10 to 01-24
    [InlineData("2027-01-15..2027-01-24 2027-01-10..2027-01-19", 15)]                       // in any order
    [InlineData("2027-01-10..2027-01-30 2027-01-12..2027-01-14", 21)]                       // one inside another
    [InlineData("2027-01-10..2027-01-12 2027-01-13..2027-01-15", 6)]                        // touching, not overlapping
    [InlineData("2027-01-10..2027-01-12 2027-02-01..2027-02-01", 4)]
    public void Cur10_the_cycle_grows_by_the_days_the_accepted_interruptions_cover_each_day_once(string periods, int days)
    {
        var accepted = periods.Split(' ').Select(p => p.Split("..")).Select(p => (D(p[0]), D(p[1]))).ToList();
        Assert.Equal(days, MedicalInterruption.Accept(Decide("T200").Terms!, accepted).InterruptionDays);
    }

    /// <summary>LIF-07 names CUR-10's certificate: the first medical interruption still pending without one takes it.</summary>
    [Fact]
    public void Cur10_the_certificate_goes_to_the_first_medical_interruption_that_waits_for_one()
    {
        CureInterruption Interruption(int sequence, CureInterruptionKind kind, CureInterruptionStatus status, Guid? certificate = null) =>
            new(sequence, kind, D("2027-01-04"), kind == CureInterruptionKind.Medical ? D("2027-01-10") : null, "CERT", null, "centre",
                DateTimeOffset.UnixEpoch, status, CertificateId: certificate);
        var held = Guid.NewGuid();
        var cure = new CureAuthorisation
        {
            Matricule = "1983081246785", DoctorCode = "90000001", KindCode = "T200", CountryOfCare = "LU",
            Interruptions =
            [
                Interruption(1, CureInterruptionKind.Medical, CureInterruptionStatus.Rejected),
                Interruption(2, CureInterruptionKind.WithoutValidReason, CureInterruptionStatus.Recorded),
                Interruption(3, CureInterruptionKind.Medical, CureInterruptionStatus.Pending, held),
                Interruption(4, CureInterruptionKind.Medical, CureInterruptionStatus.Pending),
                Interruption(5, CureInterruptionKind.Medical, CureInterruptionStatus.Pending),
            ],
        };
        Assert.Equal([false, false, false, true, true], cure.Interruptions.Select(i => i.AwaitsCertificate));
        var first = Guid.NewGuid();
        Assert.Equal(4, MedicalInterruption.CertificateArrived(cure, first));
        Assert.Equal((held, first, (Guid?)null), (cure.Interruptions[2].CertificateId!.Value, cure.Interruptions[3].CertificateId!.Value, cure.Interruptions[4].CertificateId));
        Assert.True(MedicalInterruption.AwaitsCertificate(cure));
        Assert.Equal(5, MedicalInterruption.CertificateArrived(cure, Guid.NewGuid()));
        Assert.False(MedicalInterruption.AwaitsCertificate(cure));
        Assert.Null(MedicalInterruption.CertificateArrived(cure, Guid.NewGuid()));
    }

    /// <summary>Seed 003: "Ma cure interrompue sans motif valable n'est pas prise en charge" — the whole cure, so every session billed once it is recorded.</summary>
    [Theory]
    [InlineData("2026-12-07")] // the first session
    [InlineData("2027-01-09")] // the day before the insured stopped coming
    [InlineData("2027-01-10")] // the first day not attended
    [InlineData("2027-03-01")]
    public void Cur09_every_session_of_a_cure_interrupted_without_valid_reason_is_refused_whatever_its_date(string session)
    {
        Assert.Empty(CureSessionRules.Check(Decide("T200").Terms!, D("2026-12-07"), D(session), 0));
        var terms = InterruptedCure.Record(InterruptedCure.Record(Decide("T200").Terms!, D("2027-01-10")), D("2027-02-01")); // the earliest holds
        var reasons = CureSessionRules.Check(terms, D("2026-12-07"), D(session), 0);
        Assert.Equal(("CURE_INTERRUPTED", "CUR-09", "2027-01-10"), (reasons[0].Code, reasons[0].Rule, reasons[0].Detail));
    }

    [Theory]
    // session, outcome, released, in a run, paid amount (null: not paid), payable → what the interruption of 2027-01-10 does
    [InlineData("2027-01-09", LineOutcome.Accepted, false, false, null, "35.00", BilledSession.StopPayment)]       // before the date: the cure is not covered
    [InlineData("2026-12-07", LineOutcome.Accepted, false, true, "35.00", "35.00", BilledSession.Recover)]         // the first session, paid
    [InlineData("2027-01-10", LineOutcome.Accepted, false, false, null, "35.00", BilledSession.StopPayment)]       // billed, no run took it
    [InlineData("2027-01-12", LineOutcome.Reduced, false, false, null, "20.00", BilledSession.StopPayment)]
    [InlineData("2027-01-10", LineOutcome.Accepted, false, true, null, "35.00", BilledSession.InOpenPaymentRun)]   // taken, not paid yet
    [InlineData("2027-01-10", LineOutcome.Accepted, false, true, "35.00", "35.00", BilledSession.Recover)]         // paid
    [InlineData("2027-01-10", LineOutcome.Accepted, false, true, "0.00", "0.00", BilledSession.Untouched)]         // paid nothing
    [InlineData("2027-01-10", LineOutcome.Accepted, false, false, null, "0.00", BilledSession.Untouched)]          // already stopped
    [InlineData("2027-01-10", LineOutcome.Refused, false, false, null, "0.00", BilledSession.Untouched)]
    [InlineData("2027-01-10", LineOutcome.Accepted, true, true, "35.00", "35.00", BilledSession.Untouched)]       // already recovered
    public void Cur09_billed_sessions_of_the_cure_are_recovered_once_paid_and_paid_nothing_before(
        string session, LineOutcome outcome, bool released, bool inRun, string? paid, string payable, BilledSession expected)
    {
        var line = new FeeMemoirLine
        {
            Matricule = "1983081246785", ActCode = "T200", SessionDate = D(session), Outcome = outcome, CnsAmount = decimal.Parse(payable, CultureInfo.InvariantCulture),
            PayableAmount = decimal.Parse(payable, CultureInfo.InvariantCulture), PaymentRunId = inRun ? Guid.NewGuid() : null,
            // paid: the amount of a line whose run is closed; a taken line of an open run has its amount already (issue 24).
            PaidAmount = paid is null ? inRun ? decimal.Parse(payable, CultureInfo.InvariantCulture) : null : decimal.Parse(paid, CultureInfo.InvariantCulture),
            ReleasedAt = released ? DateTimeOffset.UnixEpoch : null,
        };
        var runClosed = paid is not null;
        Assert.Equal(expected, InterruptedCure.Settle(line, runClosed));
        if (expected != BilledSession.StopPayment)
        {
            Assert.Throws<InvalidOperationException>(() => InterruptedCure.StopPayment(line, D("2027-01-10")));
            return;
        }
        InterruptedCure.StopPayment(line, D("2027-01-10"));
        Assert.Equal(0m, line.PayableAmount);
        Assert.Equal(("CURE_INTERRUPTED", "CUR-09", "2027-01-10"), (line.Reasons[^1].Code, line.Reasons[^1].Rule, line.Reasons[^1].Detail));
        Assert.Equal(BilledSession.Untouched, InterruptedCure.Settle(line, runClosed)); // recorded again: nothing more
    }

    // ---- CUR-11 stationary obesity cure ----------------------------------------------------------------------

    [Theory]
    [InlineData("T190", "Luxembourg", null)]                         // stationary: the package includes lodging and meals
    [InlineData("T190", "Mondorf-les-Bains", null)]                  // even for a resident of Mondorf
    [InlineData("T192", "Luxembourg", "mondorf_night")]              // ambulatory obesity cure: the allowance of CUR-07
    [InlineData("T192", "Mondorf-les-Bains", "mondorf_resident_day")]
    public void Cur11_stationary_obesity_cure_pays_no_stay_or_meal_allowance_beyond_the_package(string kind, string municipality, string? allowance)
    {
        var decision = Decide(kind, new CureClinicalData(Bmi: 36m), insured: Insured(municipality: municipality));
        Assert.True(decision.Granted);
        Assert.Equal(allowance, decision.Terms!.StayAllowance?.Code);
        var notice = decision.Reasons.Where(r => r.Code == "STAY_INCLUDED_IN_CURE_PACKAGE").ToList();
        Assert.Equal(allowance is null ? 1 : 0, notice.Count);
        Assert.All(notice, r => Assert.Equal(("CUR-11", ReasonSeverity.Information), (r.Rule, r.Severity)));
    }

    // ---- CUR-08 cures abroad ---------------------------------------------------------------------------------

    [Theory]
    [InlineData("DE", true)]
    [InlineData("AT", true)]
    [InlineData("NO", true)]
    [InlineData("CH", true)]
    [InlineData("TR", true)]
    [InlineData("MA", true)]
    [InlineData("CV", true)]
    [InlineData("US", false)]
    [InlineData("GB", false)]
    [InlineData("AL", false)]
    public void Cur08_cure_abroad_only_in_eu_eea_switzerland_and_agreement_states(string country, bool granted)
    {
        var decision = Decide("T260", country: country, notAvailableHere: true);
        Assert.Equal(granted, decision.Granted);
        if (granted)
        {
            Assert.True(decision.Terms!.S2);
            Assert.False(decision.Terms.ThirdPartyPayment);
            Assert.Equal("abroad_night", decision.Terms.StayAllowance!.Code);
            Assert.Contains(decision.Reasons, r => r.Code == "S2_AUTHORISATION");
        }
        else AssertRefused(decision, "COUNTRY_NOT_COVERED", "CUR-08");
    }

    [Theory]
    [InlineData("2026-12-07", "2026-12-07", true)]  // asked on the day the cure starts
    [InlineData("2026-12-08", "2026-12-07", false)] // asked after the start
    public void Cur08_cure_abroad_must_be_asked_before_the_start(string requestDate, string start, bool granted)
    {
        var decision = Decide("T260", requestDate: requestDate, start: start, country: "DE", notAvailableHere: true);
        Assert.Equal(granted, decision.Granted);
        if (!granted) AssertRefused(decision, "REQUEST_AFTER_START", "CUR-08");
    }

    [Fact]
    public void Cur08_cure_in_luxembourg_also_needs_prior_authorisation()
    {
        AssertRefused(Decide("T260", requestDate: "2026-12-08", start: "2026-12-07"), "REQUEST_AFTER_START", "CUR-01");
    }

    [Fact]
    public void Cur08_cure_abroad_only_when_the_care_is_not_available_in_luxembourg()
    {
        AssertRefused(Decide("T260", country: "DE", notAvailableHere: false), "CURE_CONDITIONS_NOT_MET", "CUR-08");
    }

    [Fact]
    public void Cur08_cross_border_worker_cured_in_the_country_of_residence_goes_to_the_local_fund()
    {
        var frontalier = Insured(residence: "FR", municipality: "Thionville", crossBorder: true);
        AssertRefused(Decide("T260", insured: frontalier, country: "FR", notAvailableHere: true), "COMPETENT_FUND_ABROAD", "CUR-08");
        Assert.True(Decide("T260", insured: frontalier).Granted); // at Mondorf: covered
    }

    [Fact]
    public void All_refusals_are_reported_together()
    {
        var decision = Decide("T190", new CureClinicalData(Bmi: 28m), requestDate: "2026-12-08", start: "2026-12-07", country: "US");
        var codes = decision.Reasons.Select(r => r.Code).ToHashSet();
        Assert.Superset(new HashSet<string> { "CURE_CONDITIONS_NOT_MET", "COUNTRY_NOT_COVERED", "REQUEST_AFTER_START" }, codes);
    }

    [Fact]
    public void Insured_not_affiliated_on_the_request_date_is_refused()
    {
        AssertRefused(Decide("T260", insured: Insured(affiliatedTo: "2026-10-31")), "INSURED_NOT_AFFILIATED");
    }

    [Fact]
    public void Unknown_kind_is_refused()
    {
        AssertRefused(Decide("T999"), "CURE_CONDITIONS_NOT_MET");
    }
}
