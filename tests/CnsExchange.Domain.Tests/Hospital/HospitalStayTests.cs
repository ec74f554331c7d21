using CnsExchange.Domain.Common;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Registry;
using static CnsExchange.Domain.Tests.Support.TestReference;

namespace CnsExchange.Domain.Tests.Hospital;

public sealed class HospitalStayTests
{
    private static HospitalStayInput Stay(string admission, string discharge, HospitalStayKind kind = HospitalStayKind.Stationary, bool childbirth = false,
        RoomKind room = RoomKind.Standard, bool medicallyNeeded = false, bool parentBed = false, string country = "LU", params StayOperation[] operations) =>
        new(kind, D(admission), D(discharge), childbirth, room, medicallyNeeded, parentBed, country, operations);

    private static ParticipationLedger Ledger(params (int Year, int Days)[] charged) =>
        new(charged.ToDictionary(c => c.Year, c => c.Days), new HashSet<DateOnly>());

    private static HospitalStayAssessment Assess(HospitalStayInput stay, Insured? insured = null, ParticipationLedger? ledger = null) =>
        HospitalStayRules.Assess(stay, insured ?? Insured(), ledger ?? ParticipationLedger.Empty, Catalog);

    // ---- started days ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("2026-11-23", "2026-11-23", 1)] // admitted and discharged the same day
    [InlineData("2026-11-23", "2026-11-24", 2)] // one night: two started days
    [InlineData("2026-11-23", "2026-11-27", 5)]
    public void Hos02_every_calendar_day_from_admission_to_discharge_is_a_started_day(string admission, string discharge, int days)
    {
        Assert.Equal(days, StayDays.Count(D(admission), D(discharge)));
        Assert.Equal(days, Assess(Stay(admission, discharge)).Participation!.DaysCharged);
    }

    // ---- HOS-02 participation and its yearly ceiling ------------------------------------------------------

    [Theory]
    [InlineData(0, 5, 5, "127.50")]
    [InlineData(25, 5, 5, "127.50")]  // up to the 30th day
    [InlineData(26, 5, 4, "102.00")]  // the 31st day is free
    [InlineData(29, 1, 1, "25.50")]
    [InlineData(30, 5, 0, "0.00")]
    public void Hos02_participation_of_25_50_per_started_day_at_most_30_days_a_year(int chargedBefore, int days, int charged, string amount)
    {
        var stay = Stay("2026-11-01", D("2026-11-01").AddDays(days - 1).ToString("yyyy-MM-dd"));
        var result = Assess(stay, ledger: Ledger((2026, chargedBefore)));
        Assert.Equal(charged, result.Participation!.DaysCharged);
        Assert.Equal(M(amount), result.InsuredParticipation);
        Assert.Equal(result.TariffAmount - M(amount), result.CnsAmount);
        Assert.Equal(chargedBefore + days > 30, result.Reasons.Any(r => r.Code == "PARTICIPATION_CEILING_REACHED"));
    }

    [Fact]
    public void Hos02_thirty_day_ceiling_holds_across_three_stays()
    {
        var charged = new Dictionary<int, int>();
        var results = new List<int>();
        foreach (var (admission, discharge) in new[] { ("2026-02-01", "2026-02-12"), ("2026-05-01", "2026-05-12"), ("2026-09-01", "2026-09-12") })
        {
            var result = Assess(Stay(admission, discharge), ledger: new ParticipationLedger(new Dictionary<int, int>(charged), new HashSet<DateOnly>()));
            foreach (var y in result.Participation!.Years) charged[y.Year] = charged.GetValueOrDefault(y.Year) + y.ChargedDays;
            results.Add(result.Participation.DaysCharged);
        }
        Assert.Equal([12, 12, 6], results);
        Assert.Equal(30, charged[2026]);
    }

    [Theory]
    [InlineData("2009-01-01", 0)]  // 17 on admission
    [InlineData("2008-11-23", 3)]  // 18th birthday on the admission day
    [InlineData("2008-11-24", 0)]  // turns 18 during the stay: a minor's stay
    public void Hos02_no_participation_under_18(string birthDate, int charged)
    {
        var result = Assess(Stay("2026-11-23", "2026-11-25"), Insured(birthDate));
        Assert.Equal(charged, result.Participation!.DaysCharged);
        Assert.Equal(charged == 0, result.Reasons.Any(r => r.Code == "PARTICIPATION_NOT_DUE_MINOR"));
    }

    [Theory]
    [InlineData(12, true, 0)]   // the first 12 days of a childbirth stay are free
    [InlineData(13, true, 1)]   // the 13th is charged
    [InlineData(15, true, 3)]
    [InlineData(12, false, 12)] // not a childbirth stay
    public void Hos02_no_participation_for_the_first_12_days_of_a_childbirth_stay(int days, bool childbirth, int charged)
    {
        var result = Assess(Stay("2026-10-01", D("2026-10-01").AddDays(days - 1).ToString("yyyy-MM-dd"), childbirth: childbirth));
        Assert.Equal(charged, result.Participation!.DaysCharged);
        Assert.Equal(childbirth, result.Reasons.Any(r => r.Code == "CHILDBIRTH_DAYS_EXEMPT"));
    }

    [Fact]
    public void Hos02_stay_across_new_year_is_split_between_the_two_years()
    {
        var result = Assess(Stay("2026-12-28", "2027-01-03"), ledger: Ledger((2026, 28)));
        var years = result.Participation!.Years;
        Assert.Equal(new ParticipationYear(2026, 4, 2, 28, 2, 30), years[0]); // 2 days reach the 2026 ceiling
        Assert.Equal(new ParticipationYear(2027, 3, 0, 0, 3, 30), years[1]);  // 2027 starts afresh
        Assert.Equal(M("127.50"), result.InsuredParticipation);
        Assert.Contains(result.Reasons, r => r is { Code: "PARTICIPATION_CEILING_REACHED", Detail: "2026: 30" });
    }

    [Fact]
    public void Hos02_childbirth_stay_across_new_year_exempts_the_first_12_days_then_charges_the_new_year()
    {
        var result = Assess(Stay("2026-12-25", "2027-01-10", childbirth: true)); // 17 days, the 13th is 6 January
        Assert.Equal(new ParticipationYear(2026, 7, 7, 0, 0, 30), result.Participation!.Years[0]);
        Assert.Equal(new ParticipationYear(2027, 10, 5, 0, 5, 30), result.Participation.Years[1]);
    }

    [Fact]
    public void Hos02_a_transfer_day_already_counted_by_the_previous_stay_is_not_charged_twice()
    {
        var ledger = new ParticipationLedger(new Dictionary<int, int> { [2026] = 5 }, new HashSet<DateOnly> { D("2026-11-05") });
        Assert.Equal(3, Assess(Stay("2026-11-05", "2026-11-08"), ledger: ledger).Participation!.DaysCharged);
    }

    // ---- HOS-03 day hospital, surveillance place ----------------------------------------------------------

    [Theory]
    [InlineData(HospitalStayKind.DayHospital, "1980-01-01", "12.75", 88)]
    [InlineData(HospitalStayKind.DayHospital, "2010-01-01", "0.00", 100)]
    [InlineData(HospitalStayKind.SurveillancePlace, "1980-01-01", "12.75", 100)]
    [InlineData(HospitalStayKind.SurveillancePlace, "2010-01-01", "0.00", 100)]
    [InlineData(HospitalStayKind.Stationary, "1980-01-01", "25.50", 100)]
    public void Hos03_day_hospital_and_surveillance_place_cost_12_75_a_day_none_under_18(HospitalStayKind kind, string birthDate, string participation, int feeRate)
    {
        var result = Assess(Stay("2026-11-20", "2026-11-20", kind), Insured(birthDate));
        Assert.Equal(M(participation), result.InsuredParticipation);
        Assert.Equal(feeRate, result.DoctorFees!.RatePercent);
        Assert.Equal(kind == HospitalStayKind.Stationary ? "HOS-02" : "HOS-03", result.Participation!.Rule);
    }

    [Fact]
    public void Hos03_day_hospital_days_have_no_yearly_ceiling()
    {
        var result = Assess(Stay("2026-11-20", "2026-11-21", HospitalStayKind.DayHospital), ledger: Ledger((2026, 30)));
        Assert.Equal(M("25.50"), result.InsuredParticipation);
    }

    // ---- HOS-04 doctors' fees and single room ---------------------------------------------------------------

    [Theory]
    [InlineData(RoomKind.Standard, false, SingleRoomSurcharge.None, null)]
    [InlineData(RoomKind.Single, false, SingleRoomSurcharge.AtInsuredCharge, "SINGLE_ROOM_NOT_COVERED")]
    [InlineData(RoomKind.Single, true, SingleRoomSurcharge.NotChargeable, "SINGLE_ROOM_SURCHARGE_NOT_CHARGEABLE")]
    public void Hos04_single_room_surcharge_is_never_covered_and_not_chargeable_when_medically_needed(RoomKind room, bool needed, SingleRoomSurcharge expected, string? code)
    {
        var result = Assess(Stay("2026-11-20", "2026-11-22", room: room, medicallyNeeded: needed));
        Assert.Equal(expected, result.DoctorFees!.SingleRoomSurcharge);
        if (code is not null) Assert.Contains(result.Reasons, r => r.Code == code);
        Assert.DoesNotContain(result.Reasons, r => r.Severity == ReasonSeverity.Refusal);
    }

    [Theory]
    [InlineData("100.00", 100, SingleRoomSurcharge.None, "100.00", "0.00", "0.00")]
    [InlineData("100.00", 100, SingleRoomSurcharge.AtInsuredCharge, "100.00", "66.00", "66.00")]
    [InlineData("100.00", 100, SingleRoomSurcharge.NotChargeable, "100.00", "0.00", "0.00")]
    [InlineData("100.00", 88, SingleRoomSurcharge.None, "88.00", "12.00", "0.00")]
    [InlineData("44.10", 88, SingleRoomSurcharge.AtInsuredCharge, "38.81", "34.40", "29.11")]
    public void Hos04_fee_split_pays_the_rate_and_leaves_the_surcharge_to_the_insured(string tariff, int rate, SingleRoomSurcharge surcharge,
        string cns, string insured, string surchargeAmount)
    {
        var split = DoctorFeeCoverage.Split(M(tariff), rate, surcharge, D("2026-11-23"), Catalog);
        Assert.Equal(M(cns), split.CnsAmount);
        Assert.Equal(M(insured), split.InsuredShare);
        Assert.Equal(M(surchargeAmount), split.SurchargeChargeable);
    }

    // ---- HOS-05 direct billing ------------------------------------------------------------------------------

    [Theory]
    [InlineData(3, "100.00", false)]
    [InlineData(4, "10.00", true)]   // stay of more than 3 days
    [InlineData(3, "100.01", true)]  // invoice above 100 EUR
    [InlineData(1, "99.99", false)]
    public void Hos05_doctors_bill_cns_directly_when_the_stay_exceeds_3_days_or_the_invoice_100_eur(int stayDays, string invoice, bool allowed)
    {
        Assert.Equal(allowed, DirectBilling.IsAllowed(stayDays, M(invoice), D("2026-11-23"), Catalog));
        Assert.Equal(allowed ? null : "DIRECT_BILLING_NOT_ALLOWED", DirectBilling.Check(stayDays, M(invoice), D("2026-11-23"), Catalog)?.Code);
    }

    [Theory]
    [InlineData("2026-11-20", "2026-11-22", false, "DIRECT_BILLING_ABOVE_AMOUNT_ONLY")]
    [InlineData("2026-11-20", "2026-11-23", true, "DIRECT_BILLING_ALLOWED")]
    public void Hos05_stay_answer_tells_whether_doctors_may_bill_directly(string admission, string discharge, bool allowed, string code)
    {
        var result = Assess(Stay(admission, discharge));
        Assert.Equal(allowed, result.DoctorFees!.DirectBillingAllowed);
        Assert.Contains(result.Reasons, r => r.Code == code);
    }

    // ---- HOS-06 several operations ----------------------------------------------------------------------------

    [Theory]
    [InlineData("HOP02", "HOP03", true, true, null, null)]
    [InlineData("HOPX1", "HOP03", false, false, "NOT_COVERED", "MAIN_OPERATION_NOT_COVERED")] // main one not covered: nothing is
    [InlineData("HOP02", "HOPX2", true, false, null, "NOT_COVERED")]                        // main covered, secondary itself not
    public void Hos06_several_operations_are_covered_only_if_the_main_one_is(string main, string other, bool mainCovered, bool otherCovered,
        string? mainCode, string? otherCode)
    {
        var result = Assess(Stay("2026-11-16", "2026-11-20", operations: [new StayOperation(other, false), new StayOperation(main, true)]));
        var lines = result.Lines.Where(l => l.Type == StayLineType.Operation).ToList();
        var mainLine = lines.Single(l => l.Main);
        var otherLine = lines.Single(l => !l.Main);
        Assert.Equal(mainCovered, mainLine.Covered);
        Assert.Equal(otherCovered, otherLine.Covered);
        Assert.Equal(mainCode, mainLine.Reasons.SingleOrDefault()?.Code);
        Assert.Equal(otherCode, otherLine.Reasons.SingleOrDefault()?.Code);
        Assert.Equal(mainCovered ? mainLine.TariffAmount : 0m, mainLine.CnsAmount);
        Assert.Equal(result.Lines.Where(l => !l.Covered).Sum(l => l.TariffAmount), result.NotCoveredAmount);
    }

    // ---- HOS-07 accompanying parent -------------------------------------------------------------------------

    [Theory]
    [InlineData("2013-01-01", true)]   // 13 on admission
    [InlineData("2012-11-23", false)]  // 14th birthday on the admission day
    [InlineData("2012-11-24", true)]   // still 13 on admission
    [InlineData("2010-05-01", false)]
    public void Hos07_parent_bed_covered_for_a_child_under_14_meals_not(string childBirth, bool covered)
    {
        var result = Assess(Stay("2026-11-23", "2026-11-25", parentBed: true), Insured(childBirth));
        var bed = result.Lines.Single(l => l.Type == StayLineType.AccompanyingBed);
        Assert.Equal(covered, bed.Covered);
        Assert.Equal(3, bed.Quantity);
        Assert.Equal(covered ? "MEALS_NOT_COVERED" : "ACCOMPANYING_BED_NOT_COVERED", bed.Reasons.Single().Code);
        Assert.Equal(covered ? bed.TariffAmount : 0m, bed.CnsAmount);
    }

    // ---- HOS-01 / HOS-08 --------------------------------------------------------------------------------------

    [Fact]
    public void Hos01_standard_room_stay_is_paid_in_full_less_the_participation()
    {
        var result = Assess(Stay("2026-11-16", "2026-11-20"));
        var line = result.Lines.Single();
        Assert.Equal(5 * 480.00m, line.TariffAmount);
        Assert.Equal(5 * 480.00m - 5 * 25.50m, line.CnsAmount);
        Assert.Equal(5 * 25.50m, line.InsuredAmount);
    }

    [Theory]
    [InlineData("FR", false)]
    [InlineData("LU", true)]
    public void Hos08_cross_border_worker_treated_in_the_country_of_residence_goes_to_the_local_fund(string country, bool accepted)
    {
        var result = Assess(Stay("2026-11-16", "2026-11-20", country: country), Insured(residence: "FR", crossBorder: true));
        Assert.Equal(accepted, result.Accepted);
        if (!accepted) Assert.Equal(new Reason("COMPETENT_FUND_ABROAD", ReasonSeverity.Refusal, "HOS-08", "countryOfCare", "FR"), result.Reasons.Single());
    }

    [Fact]
    public void Hos01_insured_not_affiliated_on_admission_is_refused()
    {
        var result = Assess(Stay("2026-11-16", "2026-11-20"), Insured(affiliatedTo: "2026-10-31"));
        Assert.False(result.Accepted);
        Assert.Equal("INSURED_NOT_AFFILIATED", result.Reasons.Single().Code);
        Assert.Empty(result.Lines);
    }
}
