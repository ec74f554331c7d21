using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Reimbursement;
using static CnsExchange.Domain.Tests.Support.TestReference;

namespace CnsExchange.Domain.Tests.Reimbursement;

/// <summary>The insured's route for cure stays and doctors' fees (RULES.md §8): INS-06, INS-07, INS-08, one row per rule edge.</summary>
public sealed class StayAndFeeClaimRuleTests
{
    private static readonly Insured Marie = Person("Marie", "Schmit", "1983-08-12");

    private static Insured Person(string first, string last, string birthDate)
    {
        var person = Insured(birthDate);
        person.FirstName = first;
        person.LastName = last;
        return person;
    }

    private static CureAuthorisationTerms Terms(string kind = "T200", bool s2 = false, string? allowance = CureStayAllowance.MondorfNight,
        string issued = "2026-10-01", DateOnly? interrupted = null) =>
        new(kind, Catalog.CureKindAnyDate(kind)!.Family, D(issued), D(issued).AddMonths(12), 80m, !s2, 24, 6, null, null,
            allowance is null ? null : new StayAllowanceTerms(allowance, allowance == CureStayAllowance.MondorfResidentDay ? "day" : "night", 0m),
            s2, s2 ? "DE" : "LU", null, 0, interrupted);

    private static StayInvoice Invoice(string first, string last, decimal paid = 100m, string issuedTo = "Marie Schmit") =>
        new(D("2026-11-22"), issuedTo, D(last).DayNumber - D(first).DayNumber + 1, D(first), D(last), paid);

    private static readonly LodgingFacts Hotel = new(LodgingKind.Establishment, "MDF-H01");

    /// <summary>A cure whose sessions ran from <paramref name="first"/> to <paramref name="last"/>.</summary>
    private static CureStayFacts Cure(string first = "2026-11-02", string last = "2026-11-20", bool over = true, CureAuthorisationTerms? terms = null,
        params string[] held) =>
        new(terms ?? Terms(), D(first), D(last), over, held.Select(D).ToHashSet());

    private static StayLineDecision OneNight(string night, CureStayFacts cure, LodgingFacts? lodging = null, string issuedTo = "Marie Schmit")
    {
        var decision = CureStayAllowanceClaim.Decide(Invoice(night, night, issuedTo: issuedTo), lodging ?? Hotel, cure, Marie, "C26-0000001-0", Catalog);
        Assert.Empty(decision.ClaimReasons);
        return Assert.Single(decision.Lines);
    }

    private static IReadOnlyList<string> Codes(StayLineDecision line) => line.Reasons.Select(r => r.Code).ToList();

    // ---- INS-06 ---------------------------------------------------------------------------------------------------------

    [Theory]
    // which item of the lodging invoice is missing → the field named
    [InlineData("date", "invoice.date")]
    [InlineData("issuedTo", "invoice.issuedTo")]
    [InlineData("nights", "stay.nights")]
    [InlineData("firstNight", "stay.firstNight")]
    [InlineData("lastNight", "stay.lastNight")]
    public void Ins06_the_lodging_invoice_must_be_dated_in_the_insureds_name_with_nights_and_first_and_last_night(string missing, string field)
    {
        var full = Invoice("2026-11-02", "2026-11-04");
        var invoice = missing switch
        {
            "date" => full with { Date = null },
            "issuedTo" => full with { IssuedTo = " " },
            "nights" => full with { Nights = null },
            "firstNight" => full with { FirstNight = null },
            _ => full with { LastNight = null },
        };
        var decision = CureStayAllowanceClaim.Decide(invoice, Hotel, Cure(), Marie, "C26-0000001-0", Catalog);

        var reason = Assert.Single(decision.ClaimReasons);
        Assert.Equal((ReimbursementReasonCodes.StayInvoiceIncomplete, ReasonSeverity.Refusal, "INS-06", field), (reason.Code, reason.Severity, reason.Rule, reason.Field));
        Assert.Empty(decision.Lines);
        Assert.Empty(StayInvoiceItems.Missing(full, CureStayAllowanceClaim.Rule));
    }

    [Theory]
    // cure (first – last session, over?), night → outcome, code. 2026-11-20 is a Friday; 2026-12-24 the eve of Christmas (a Friday).
    [InlineData("2026-11-02", "2026-11-20", true, "2026-11-01", ClaimLineOutcome.Refused, "NIGHT_OUTSIDE_CURE")]  // before the first day
    [InlineData("2026-11-02", "2026-11-20", true, "2026-11-02", ClaimLineOutcome.Accepted, "REIMBURSED")]
    [InlineData("2026-11-02", "2026-11-20", true, "2026-11-14", ClaimLineOutcome.Accepted, "REIMBURSED")]         // a weekend night within the cure
    [InlineData("2026-11-02", "2026-11-20", true, "2026-11-19", ClaimLineOutcome.Accepted, "REIMBURSED")]
    [InlineData("2026-11-02", "2026-11-20", true, "2026-11-20", ClaimLineOutcome.Refused, "NIGHT_OUTSIDE_CURE")]  // ends on a Friday: not its night
    [InlineData("2026-11-02", "2026-11-20", true, "2026-11-21", ClaimLineOutcome.Refused, "NIGHT_OUTSIDE_CURE")]
    [InlineData("2026-11-02", "2026-11-19", true, "2026-11-19", ClaimLineOutcome.Accepted, "REIMBURSED")]         // ends on a Thursday: its night is paid
    [InlineData("2026-11-02", "2026-11-19", true, "2026-11-20", ClaimLineOutcome.Refused, "NIGHT_OUTSIDE_CURE")]
    [InlineData("2026-12-07", "2026-12-24", true, "2026-12-23", ClaimLineOutcome.Accepted, "REIMBURSED")]
    [InlineData("2026-12-07", "2026-12-24", true, "2026-12-24", ClaimLineOutcome.Refused, "NIGHT_OUTSIDE_CURE")]  // Thursday 24 Dec, eve of Christmas
    [InlineData("2026-06-01", "2026-06-22", true, "2026-06-22", ClaimLineOutcome.Refused, "NIGHT_OUTSIDE_CURE")]  // Monday 22 June, eve of National Day
    [InlineData("2026-06-01", "2026-06-17", true, "2026-06-17", ClaimLineOutcome.Accepted, "REIMBURSED")]         // Wednesday, no holiday next day
    [InlineData("2026-11-02", "2026-11-20", false, "2026-11-20", ClaimLineOutcome.Pending, "INVOICE_REVIEW_REQUIRED")] // in progress: the cure may go on
    [InlineData("2026-11-02", "2026-11-18", false, "2026-11-19", ClaimLineOutcome.Pending, "INVOICE_REVIEW_REQUIRED")]
    public void Ins06_only_nights_during_the_cure_are_paid_and_a_cure_ending_on_a_friday_or_a_holiday_eve_ends_the_allowance_that_day(
        string first, string last, bool over, string night, ClaimLineOutcome outcome, string code)
    {
        var line = OneNight(night, Cure(first, last, over));
        Assert.Equal(outcome, line.Outcome);
        Assert.Contains(code, Codes(line));
        Assert.Equal(outcome == ClaimLineOutcome.Accepted ? 61.39m : 0m, line.Reimbursed);
        Assert.Equal(outcome == ClaimLineOutcome.Pending ? 61.39m : null, line.IfAgreed);
        Assert.Equal(NightHolder.Curist, line.Holder);
    }

    [Fact]
    public void Ins06_the_holidays_of_the_rule_are_the_luxembourg_public_holidays()
    {
        Assert.Equal(DayOfWeek.Thursday, D("2026-12-24").DayOfWeek);
        Assert.True(Domain.Calendar.LuxembourgCalendar.IsHoliday(D("2026-12-25")));
        Assert.True(Domain.Calendar.LuxembourgCalendar.IsHoliday(D("2026-06-23")));
        Assert.Equal(D("2026-12-23"), CureStayAllowanceClaim.LastPaid(D("2026-12-24"), perDay: false));
        Assert.Equal(D("2026-12-24"), CureStayAllowanceClaim.LastPaid(D("2026-12-24"), perDay: true));
    }

    [Fact]
    public void Ins06_without_any_session_billed_a_reviewer_checks_the_nights_against_the_cure()
    {
        var line = OneNight("2026-11-05", new CureStayFacts(Terms(), null, null, false, new HashSet<DateOnly>()));
        Assert.Equal(ClaimLineOutcome.Pending, line.Outcome);
        Assert.Equal("cure dates", line.Reasons.Single(r => r.Severity == ReasonSeverity.Pending).Detail);
    }

    [Fact]
    public void Ins06_a_resident_of_mondorf_gets_the_day_allowance_for_each_day_of_cure_the_friday_included()
    {
        var cure = Cure(terms: Terms(allowance: CureStayAllowance.MondorfResidentDay));
        var decision = CureStayAllowanceClaim.Decide(Invoice("2026-11-18", "2026-11-21", 40m), new LodgingFacts(LodgingKind.RoomAtPrivatePerson, null), cure, Marie,
            "C26-0000001-0", Catalog);

        Assert.Equal([ClaimLineOutcome.Accepted, ClaimLineOutcome.Accepted, ClaimLineOutcome.Accepted, ClaimLineOutcome.Refused], decision.Lines.Select(l => l.Outcome));
        Assert.All(decision.Lines, l => Assert.Equal((CureStayAllowance.MondorfResidentDay, 17.94m), (l.Code, l.FlatRate!.Value)));
        Assert.Equal(3 * 17.94m, decision.Lines.Sum(l => l.Reimbursed)); // a flat rate per day, whatever the receipts' amounts
        Assert.Equal(40m, decision.Lines.Sum(l => l.AmountPaid));
    }

    [Theory]
    // lodging kind, establishment code → outcome, code, detail
    [InlineData(LodgingKind.Establishment, "MDF-H01", ClaimLineOutcome.Accepted, null, null)]
    [InlineData(LodgingKind.Establishment, "mdf-r01", ClaimLineOutcome.Accepted, null, null)]              // CNS-approved
    [InlineData(LodgingKind.Establishment, "REM-H01", ClaimLineOutcome.Refused, "LODGING_NOT_APPROVED", "Remich")] // outside Mondorf
    [InlineData(LodgingKind.Establishment, "XYZ-99", ClaimLineOutcome.Pending, "INVOICE_REVIEW_REQUIRED", "establishment")]
    [InlineData(LodgingKind.Establishment, null, ClaimLineOutcome.Pending, "INVOICE_REVIEW_REQUIRED", "establishment")]
    [InlineData(LodgingKind.Tent, null, ClaimLineOutcome.Refused, "LODGING_NOT_APPROVED", "tent")]
    [InlineData(LodgingKind.Caravan, "MDF-H01", ClaimLineOutcome.Refused, "LODGING_NOT_APPROVED", "caravan")]
    [InlineData(LodgingKind.RoomAtPrivatePerson, null, ClaimLineOutcome.Refused, "LODGING_NOT_APPROVED", "room_at_private_person")]
    public void Ins06_only_an_authorised_or_cns_approved_establishment_in_mondorf_is_covered_never_private_lodging(LodgingKind kind, string? code,
        ClaimLineOutcome outcome, string? reason, string? detail)
    {
        var line = OneNight("2026-11-10", Cure(), new LodgingFacts(kind, code));
        Assert.Equal(outcome, line.Outcome);
        if (reason is null) return;
        var found = line.Reasons.Single(r => r.Code == reason);
        Assert.Equal(("INS-06", detail), (found.Rule, found.Detail));
    }

    [Theory]
    [InlineData("Marie Schmit", ClaimLineOutcome.Accepted)]
    [InlineData("SCHMIT Marie", ClaimLineOutcome.Accepted)]
    [InlineData("Mme Marie Schmît", ClaimLineOutcome.Accepted)]
    [InlineData("Jean Schmit", ClaimLineOutcome.Pending)]
    [InlineData("M. Schmit", ClaimLineOutcome.Pending)]
    public void Ins06_an_invoice_not_in_the_insureds_name_is_read_by_a_reviewer(string issuedTo, ClaimLineOutcome outcome) =>
        Assert.Equal(outcome, OneNight("2026-11-10", Cure(), issuedTo: issuedTo).Outcome);

    [Fact]
    public void Ins06_each_night_is_paid_once()
    {
        var decision = CureStayAllowanceClaim.Decide(Invoice("2026-11-09", "2026-11-11"), Hotel, Cure(held: "2026-11-10"), Marie, "C26-0000001-0", Catalog);
        Assert.Equal([ClaimLineOutcome.Accepted, ClaimLineOutcome.Refused, ClaimLineOutcome.Accepted], decision.Lines.Select(l => l.Outcome));
        Assert.Equal("2026-11-10", decision.Lines[1].Reasons.Single(r => r.Code == ReimbursementReasonCodes.NightAlreadyPaid).Detail);
    }

    [Theory]
    // authorisation → claim refusal code
    [InlineData("none", "VOUCHER_UNKNOWN")]
    [InlineData("s2", "STAY_ALLOWANCE_NOT_GRANTED")]
    [InlineData("T190", "STAY_INCLUDED_IN_CURE_PACKAGE")]
    [InlineData("T195", "STAY_ALLOWANCE_NOT_GRANTED")]
    public void Ins06_the_claim_is_tied_to_a_cure_authorisation_of_the_insured_that_grants_the_mondorf_allowance(string authorisation, string code)
    {
        var terms = authorisation switch
        {
            "none" => null,
            "s2" => Terms(s2: true, allowance: CureStayAllowance.AbroadNight),
            _ => Terms(authorisation, allowance: null),
        };
        var decision = CureStayAllowanceClaim.Decide(Invoice("2026-11-09", "2026-11-11"), Hotel, new CureStayFacts(terms, D("2026-11-02"), D("2026-11-20"), true,
            new HashSet<DateOnly>()), Marie, "C26-0000001-0", Catalog);
        Assert.Equal([code], decision.ClaimReasons.Select(r => r.Code));
        Assert.Empty(decision.Lines);
    }

    [Fact]
    public void Ins06_no_night_of_a_cure_interrupted_without_valid_reason_is_covered()
    {
        Assert.All(CureStayAllowanceClaim.Decide(Invoice("2026-11-10", "2026-11-11"), Hotel, Cure(terms: Terms()), Marie, "C26-0000001-0", Catalog).Lines,
            l => Assert.NotEqual(ClaimLineOutcome.Refused, l.Outcome));
        var cure = Cure(terms: Terms(interrupted: D("2026-11-11")));
        var decision = CureStayAllowanceClaim.Decide(Invoice("2026-11-10", "2026-11-11"), Hotel, cure, Marie, "C26-0000001-0", Catalog);
        // The cure is not covered (CUR-09, seed 003): the night before the interruption as well.
        Assert.Equal([ClaimLineOutcome.Refused, ClaimLineOutcome.Refused], decision.Lines.Select(l => l.Outcome));
        Assert.All(decision.Lines, l => Assert.Equal("CUR-09", l.Reasons.Single(r => r.Code == CureReasonCodes.Interrupted).Rule));
    }

    // ---- INS-07 ---------------------------------------------------------------------------------------------------------

    private static S2StayFacts S2(string issued = "2026-10-01", params string[] held) =>
        new(Terms(s2: true, allowance: CureStayAllowance.AbroadNight, issued: issued), held.Select(D).ToHashSet());

    [Theory]
    // paid for 4 nights → outcome, reimbursed in all, code
    [InlineData("200.00", ClaimLineOutcome.Accepted, "200.00", null)]          // 50.00 a night
    [InlineData("245.56", ClaimLineOutcome.Accepted, "245.56", null)]          // 61.39 a night: the flat rate itself
    [InlineData("245.57", ClaimLineOutcome.Reduced, "245.56", "AMOUNT_ABOVE_FLAT_RATE")] // one night 61.40: cut to 61.39
    [InlineData("400.00", ClaimLineOutcome.Reduced, "245.56", "AMOUNT_ABOVE_FLAT_RATE")]
    public void Ins07_stay_costs_of_a_cure_abroad_are_reimbursed_up_to_the_flat_rate_per_night(string paid, ClaimLineOutcome worst, string reimbursed, string? code)
    {
        var decision = CureAbroadStayClaim.Decide(Invoice("2026-11-02", "2026-11-05", M(paid)), null, null, S2(), Marie, "C26-0000002-0", Catalog);

        Assert.Empty(decision.ClaimReasons);
        Assert.Equal(4, decision.Lines.Count);
        Assert.Equal(M(paid), decision.Lines.Sum(l => l.AmountPaid));
        Assert.Equal(M(reimbursed), decision.Lines.Sum(l => l.Reimbursed));
        Assert.Contains(worst, decision.Lines.Select(l => l.Outcome));
        if (code is not null)
            Assert.All(decision.Lines.Where(l => l.Outcome == ClaimLineOutcome.Reduced),
                l => Assert.Equal(("INS-07", "61.39", ReasonSeverity.Reduction), l.Reasons.Where(r => r.Code == code).Select(r => (r.Rule, r.Detail!, r.Severity)).Single()));
    }

    [Theory]
    [InlineData("100.00", 3, "33.34,33.33,33.33")]
    [InlineData("0.02", 3, "0.01,0.01,0.00")]
    [InlineData("61.39", 1, "61.39")]
    public void Ins07_the_amount_of_the_invoice_is_spread_over_its_nights_in_cents_that_add_up(string amount, int nights, string parts) =>
        Assert.Equal(parts.Split(',').Select(M), StayInvoiceItems.PerNight(M(amount), nights));

    [Fact]
    public void Ins07_travel_costs_are_never_reimbursed()
    {
        var decision = CureAbroadStayClaim.Decide(Invoice("2026-11-02", "2026-11-02", 60m), 180.50m, null, S2(), Marie, "C26-0000002-0", Catalog);
        var travel = decision.Lines.Single(l => l.Code == CureAbroadStayClaim.TravelCostsLine);
        Assert.Equal((ClaimLineOutcome.Refused, 180.50m, 0m, (NightHolder?)null), (travel.Outcome, travel.AmountPaid, travel.Reimbursed, travel.Holder));
        Assert.Equal([ReimbursementReasonCodes.TravelCostsNotCovered], Codes(travel));
    }

    [Theory]
    // curist born, express request → claim refusal codes (first night 2026-11-02)
    [InlineData("2008-11-03", true, "")]                                       // 17 on the first night
    [InlineData("2008-11-02", true, "ACCOMPANYING_PERSON_NOT_COVERED")]        // 18 that day
    [InlineData("2012-05-14", false, "ACCOMPANYING_PERSON_NOT_COVERED")]       // no express request
    [InlineData("1983-08-12", false, "ACCOMPANYING_PERSON_NOT_COVERED,ACCOMPANYING_PERSON_NOT_COVERED")]
    public void Ins07_a_person_accompanying_a_curist_under_18_is_covered_on_express_request(string birthDate, bool express, string codes)
    {
        var curist = Person("Luc", "Weber", birthDate);
        var decision = CureAbroadStayClaim.Decide(Invoice("2026-11-02", "2026-11-03", 100m, "Anne Weber"), null, new AccompanyingFacts("Anne Weber", express), S2(), curist,
            "C26-0000002-0", Catalog);

        Assert.Equal(codes.Split(',', StringSplitOptions.RemoveEmptyEntries), decision.ClaimReasons.Select(r => r.Code));
        if (codes.Length > 0) return;
        Assert.All(decision.Lines, l => Assert.Equal((ClaimLineOutcome.Accepted, NightHolder.AccompanyingPerson, 50m), (l.Outcome, l.Holder!.Value, l.Reimbursed)));
    }

    [Theory]
    // authorisation, night → code
    [InlineData("lu", "2026-11-02", "STAY_ALLOWANCE_NOT_GRANTED")]
    [InlineData("none", "2026-11-02", "VOUCHER_UNKNOWN")]
    public void Ins07_the_claim_is_tied_to_an_s2_cure_authorisation_of_the_insured(string authorisation, string night, string code)
    {
        var cure = new S2StayFacts(authorisation == "lu" ? Terms() : null, new HashSet<DateOnly>());
        var decision = CureAbroadStayClaim.Decide(Invoice(night, night, 50m), null, null, cure, Marie, "C26-0000002-0", Catalog);
        Assert.Equal([code], decision.ClaimReasons.Select(r => r.Code));
    }

    [Theory]
    // night (authorisation issued 2026-10-01, valid a year), held → outcome, code
    [InlineData("2026-09-30", ClaimLineOutcome.Refused, "NIGHT_OUTSIDE_CURE")]
    [InlineData("2026-10-01", ClaimLineOutcome.Accepted, "REIMBURSED")]
    public void Ins07_nights_before_the_authorisation_are_not_covered_and_each_night_is_paid_once(string night, ClaimLineOutcome outcome, string code)
    {
        var line = Assert.Single(CureAbroadStayClaim.Decide(Invoice(night, night, 50m), null, null, S2(), Marie, "C26-0000002-0", Catalog).Lines);
        Assert.Equal(outcome, line.Outcome);
        Assert.Contains(code, Codes(line));

        var twice = Assert.Single(CureAbroadStayClaim.Decide(Invoice(night, night, 50m), null, null, S2(held: night), Marie, "C26-0000002-0", Catalog).Lines);
        Assert.Equal(ClaimLineOutcome.Refused, twice.Outcome);
        Assert.Contains(ReimbursementReasonCodes.NightAlreadyPaid, Codes(twice));
    }

    // ---- INS-08 ---------------------------------------------------------------------------------------------------------

    private static readonly Guid StayId = Guid.Parse("00000000-0000-0000-0000-0000000005a1");

    private static HospitalStay Stay(HospitalStayKind kind, string admission, string discharge) => new()
    {
        Id = StayId,
        ProviderId = Guid.NewGuid(),
        InsuredId = Guid.NewGuid(),
        Matricule = "1983081246785",
        Kind = kind,
        AdmissionDate = D(admission),
        DischargeDate = D(discharge),
        Days = StayDays.Count(D(admission), D(discharge)),
        Room = RoomKind.Standard,
        CountryOfCare = "LU",
        Status = HospitalStayStatus.Accepted,
    };

    private static LineFacts FeeFacts(HospitalStayKind kind, string claimed = "42.00", string? paidElsewhere = null, bool insuredRoute = true) => new()
    {
        Line = new FeeMemoirLineInput(null, "1983081246785", D("2026-11-16"), "DV01", false, M(claimed)) { HospitalStayId = StayId },
        ProviderId = Guid.NewGuid(),
        Today = D("2026-11-23"),
        Insured = Insured("1983-08-12"),
        HospitalStay = Stay(kind, "2026-11-16", "2026-11-16"),
        HospitalFeeInvoice = M(claimed),
        SessionPaidOnOtherRoute = paidElsewhere,
        InsuredRoute = insuredRoute,
    };

    [Theory]
    // stay kind, paid → outcome, rate, reimbursed (DV01 tariff 42.00; a one-day stay with a fee invoice under 100 EUR: HOS-05 forbids direct billing)
    [InlineData(HospitalStayKind.DayHospital, "42.00", LineOutcome.Accepted, 88, "36.96")]
    [InlineData(HospitalStayKind.DayHospital, "50.00", LineOutcome.Reduced, 88, "36.96")]
    [InlineData(HospitalStayKind.Stationary, "42.00", LineOutcome.Accepted, 100, "42.00")]
    [InlineData(HospitalStayKind.SurveillancePlace, "30.00", LineOutcome.Accepted, 100, "30.00")]
    public void Ins08_fees_the_doctor_may_not_bill_directly_are_reimbursed_to_the_insured_at_the_hos04_rates(HospitalStayKind kind, string paid,
        LineOutcome outcome, int rate, string reimbursed)
    {
        var direct = LineAdjudication.Adjudicate(FeeFacts(kind, paid, insuredRoute: false), Catalog);
        Assert.Contains(HospitalReasonCodes.DirectBillingNotAllowed, direct.Reasons.Select(r => r.Code)); // the memoir route is closed (HOS-05)

        var decision = DoctorFeeClaim.Adjudicate(FeeFacts(kind, paid, insuredRoute: false), Catalog);
        Assert.Equal((outcome, (decimal)rate, M(reimbursed)), (decision.Outcome, decision.RatePercent!.Value, decision.CnsAmount));
        Assert.DoesNotContain(HospitalReasonCodes.DirectBillingNotAllowed, decision.Reasons.Select(r => r.Code));
    }

    [Theory]
    // route, where the fee is paid already → outcome
    [InlineData(true, null, LineOutcome.Accepted)]
    [InlineData(true, "memoir DR-1", LineOutcome.Refused)]
    [InlineData(true, "claim 0193", LineOutcome.Refused)]
    [InlineData(false, "claim 0193", LineOutcome.Refused)]
    public void Ins08_a_fee_is_paid_once_across_routes(bool insuredRoute, string? paidElsewhere, LineOutcome outcome)
    {
        var facts = FeeFacts(HospitalStayKind.Stationary, "150.00", paidElsewhere, insuredRoute) with
        {
            Line = FeeFacts(HospitalStayKind.Stationary).Line with { ClaimedAmount = 42.00m },
            HospitalFeeInvoice = 150m,
        };
        var decision = insuredRoute ? DoctorFeeClaim.Adjudicate(facts, Catalog) : LineAdjudication.Adjudicate(facts, Catalog);
        Assert.Equal(outcome, decision.Outcome);
        if (paidElsewhere is null) return;
        var reason = decision.Reasons.Single(r => r.Code == ReimbursementReasonCodes.FeeAlreadyPaid);
        Assert.Equal(("INS-08", paidElsewhere), (reason.Rule, reason.Detail));
    }

    [Fact]
    public void Ins08_billing_facts_tell_each_route_where_the_fee_is_paid()
    {
        var doctor = Guid.NewGuid();
        var stays = new Dictionary<Guid, HospitalStay> { [StayId] = Stay(HospitalStayKind.Stationary, "2026-11-16", "2026-11-16") };
        var parties = new NamedParties(new Dictionary<string, Vouchers.Voucher>(), new Dictionary<string, Insured> { ["1983081246785"] = Marie },
            new Dictionary<Guid, AuthorisationFacts>());
        var line = new FeeMemoirLineInput(null, "1983081246785", D("2026-11-16"), "DV01", false, 42m) { HospitalStayId = StayId };
        var reimbursed = new PaidLine(null, Marie.Id, line.SessionDate, "DV01", "claim-1") { HospitalStayId = StayId, Reimbursed = true };
        var paidToDoctor = new PaidLine(null, Marie.Id, line.SessionDate, "DV01", "DR-1") { HospitalStayId = StayId };
        var none = new Dictionary<Guid, int>();

        var byMemoir = BillingFacts.Create(doctor, parties, stays, [reimbursed]);
        Assert.Equal("claim claim-1", byMemoir.For(line, D("2026-11-23"), byMemoir.ForMemoir([line], D("2026-11-23"), "DR-2"), none).SessionPaidOnOtherRoute);

        var byClaim = BillingFacts.Create(doctor, parties, stays, [paidToDoctor]);
        var facts = byClaim.For(line, D("2026-11-23"), byClaim.ForMemoir([line], D("2026-11-23"), "claim-2"), none, insuredRoute: true);
        Assert.Equal(("memoir DR-1", (string?)null), (facts.SessionPaidOnOtherRoute, facts.DuplicateOfMemoir));
    }
}
