using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Registry;
using static CnsExchange.Domain.Tests.Support.TestReference;

namespace CnsExchange.Domain.Tests.Billing;

/// <summary>
/// Doctors' fees for hospital care billed on fee memoir lines that name the stay (RULES.md §7: HOS-04 rates and the
/// single-room surcharge, HOS-05 direct billing, HOS-06 several operations), one row per rule edge.
/// </summary>
public sealed class HospitalFeeLineRuleTests
{
    private static readonly Guid Doctor = Guid.Parse("00000000-0000-0000-0000-0000000000d9");
    private static readonly Guid StayId = Guid.Parse("00000000-0000-0000-0000-0000000005a1");
    private const string Matricule = "1983081246785";

    private static HospitalStay Stay(HospitalStayKind kind = HospitalStayKind.Stationary, string admission = "2026-11-16", string discharge = "2026-11-20",
        RoomKind room = RoomKind.Standard, bool medicallyNeeded = false, HospitalStayStatus status = HospitalStayStatus.Accepted,
        params (string Act, bool Main)[] operations) => new()
    {
        Id = StayId,
        ProviderId = Guid.Parse("00000000-0000-0000-0000-0000000000b9"),
        InsuredId = Guid.Parse("00000000-0000-0000-0000-0000000000c1"),
        Matricule = Matricule,
        Kind = kind,
        AdmissionDate = D(admission),
        DischargeDate = D(discharge),
        Days = StayDays.Count(D(admission), D(discharge)),
        Room = room,
        SingleRoomMedicallyNeeded = medicallyNeeded,
        CountryOfCare = "LU",
        Status = status,
        Operations = operations.Select((o, i) => new HospitalStayOperation { Id = Guid.NewGuid(), StayId = StayId, Position = i + 1, ActCode = o.Act, Main = o.Main }).ToList(),
    };

    private static LineDecision Fee(HospitalStay? stay, string act = "DV01", string date = "2026-11-18", string claimed = "42.00", string surcharge = "0.00",
        string? invoice = null, Insured? insured = null, string? matricule = null, string today = "2026-11-23")
    {
        var line = new FeeMemoirLineInput(null, matricule ?? Matricule, D(date), act, false, M(claimed))
        {
            HospitalStayId = StayId,
            SingleRoomSurcharge = M(surcharge),
        };
        return LineAdjudication.Adjudicate(new LineFacts
        {
            Line = line,
            ProviderId = Doctor,
            Today = D(today),
            Insured = insured ?? Insured("1983-08-12"),
            HospitalStay = stay,
            HospitalFeeInvoice = invoice is null ? line.FeeClaimed : M(invoice),
        }, Catalog);
    }

    private static IReadOnlyList<string> Codes(LineDecision d) => d.Reasons.Select(r => r.Code).ToList();

    // ---- HOS-04 rates ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(HospitalStayKind.DayHospital, "1983-08-12", 88, "36.96", "5.04")]  // ambulatory, adult
    [InlineData(HospitalStayKind.DayHospital, "2008-11-17", 100, "42.00", "0.00")] // 17 on admission (16 Nov 2026)
    [InlineData(HospitalStayKind.DayHospital, "2008-11-16", 88, "36.96", "5.04")]  // 18 on admission
    [InlineData(HospitalStayKind.Stationary, "1983-08-12", 100, "42.00", "0.00")]
    [InlineData(HospitalStayKind.SurveillancePlace, "1983-08-12", 100, "42.00", "0.00")]
    public void Hos04_doctors_fees_are_paid_88_percent_ambulatory_for_adults_and_100_percent_otherwise(HospitalStayKind kind, string birthDate, int rate,
        string cns, string insuredShare)
    {
        var decision = Fee(Stay(kind, "2026-11-16", "2026-11-16"), date: "2026-11-16", invoice: "150.00", insured: Insured(birthDate));
        Assert.Equal(LineOutcome.Accepted, decision.Outcome);
        Assert.Equal(rate, decision.RatePercent);
        Assert.Equal(M("42.00"), decision.TariffAmount);
        Assert.Equal(M(cns), decision.CnsAmount);
        Assert.Equal(M(insuredShare), decision.InsuredShare);
        Assert.Null(decision.Service); // no voucher session consumed
    }

    [Theory]
    // kind, claimed → CNS share, insured share (DV01 tariff 42.00; day hospital adult 88 %, stationary 100 %)
    [InlineData(HospitalStayKind.DayHospital, "30.00", "26.40", "3.60")]
    [InlineData(HospitalStayKind.DayHospital, "42.00", "36.96", "5.04")]
    [InlineData(HospitalStayKind.DayHospital, "50.00", "36.96", "5.04")]
    [InlineData(HospitalStayKind.Stationary, "30.00", "30.00", "0.00")]
    [InlineData(HospitalStayKind.Stationary, "50.00", "42.00", "0.00")]
    public void Bil11_insured_share_of_a_doctors_fee_is_the_claim_cut_to_the_tariff_minus_the_cns_share(HospitalStayKind kind, string claimed,
        string cns, string insuredShare)
    {
        var decision = Fee(Stay(kind, "2026-11-16", "2026-11-16"), date: "2026-11-16", claimed: claimed, invoice: "150.00");
        Assert.True(decision.Paid);
        Assert.Equal(M(cns), decision.CnsAmount);
        Assert.Equal(M(insuredShare), decision.InsuredShare);
    }

    // ---- HOS-04 the single-room surcharge is never paid -----------------------------------------------------------------

    [Theory]
    [InlineData(RoomKind.Single, false, "27.72", LineOutcome.Reduced, "SINGLE_ROOM_SURCHARGE_NOT_COVERED", "27.72")] // 66 % of 42.00, borne by the insured
    [InlineData(RoomKind.Single, false, "40.00", LineOutcome.Reduced, "SINGLE_ROOM_SURCHARGE_NOT_COVERED", "27.72")] // at most 66 % may be charged
    [InlineData(RoomKind.Single, true, "27.72", LineOutcome.Reduced, "SINGLE_ROOM_SURCHARGE_NOT_CHARGEABLE", "0.00")] // medically needed: not at all
    [InlineData(RoomKind.Standard, false, "27.72", LineOutcome.Reduced, "SINGLE_ROOM_SURCHARGE_WITHOUT_SINGLE_ROOM", "0.00")]
    [InlineData(RoomKind.Single, false, "0.00", LineOutcome.Accepted, null, "0.00")]
    public void Hos04_the_single_room_surcharge_is_never_paid_by_cns(RoomKind room, bool medicallyNeeded, string surcharge, LineOutcome outcome, string? code,
        string surchargeToInsured)
    {
        var claimed = M("42.00") + M(surcharge);
        var decision = Fee(Stay(room: room, medicallyNeeded: medicallyNeeded), claimed: claimed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            surcharge: surcharge);
        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(M("42.00"), decision.CnsAmount); // 100 % of the fee, nothing of the surcharge
        Assert.Equal(M(surchargeToInsured), decision.InsuredShare);
        if (code is null) Assert.Equal(["INSURED_SHARE"], Codes(decision));
        else
        {
            var reason = decision.Reasons.Single(r => r.Code == code);
            Assert.Equal(ReasonSeverity.Reduction, reason.Severity);
            Assert.Equal("HOS-04", reason.Rule);
        }
    }

    // ---- HOS-05 direct billing ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData("2026-11-16", "2026-11-18", "100.00", false)] // 3 days, invoice of 100.00: not directly
    [InlineData("2026-11-16", "2026-11-18", "100.01", true)]  // invoice above 100 EUR
    [InlineData("2026-11-16", "2026-11-19", "42.00", true)]   // stay of 4 days
    [InlineData("2026-11-16", "2026-11-18", "42.00", false)]
    public void Hos05_doctors_bill_cns_directly_only_when_the_stay_exceeds_3_days_or_the_invoice_100_eur(string admission, string discharge, string invoice, bool paid)
    {
        var decision = Fee(Stay(admission: admission, discharge: discharge), date: admission, invoice: invoice);
        Assert.Equal(paid, decision.Paid);
        if (!paid)
        {
            Assert.Equal(["DIRECT_BILLING_NOT_ALLOWED"], Codes(decision));
            Assert.Equal("HOS-05", decision.Reasons[0].Rule);
            Assert.Equal(0m, decision.CnsAmount);
        }
    }

    [Fact]
    public void Hos05_the_fee_invoice_is_every_fee_claimed_for_the_stay_single_room_surcharge_included()
    {
        FeeMemoirLineInput Line(string claimed, string surcharge) =>
            new(null, Matricule, D("2026-11-17"), "DV01", false, M(claimed)) { HospitalStayId = StayId, SingleRoomSurcharge = M(surcharge) };
        Assert.Equal(M("127.72"), DirectBilling.FeeInvoice([Line("69.72", "27.72"), Line("58.00", "0.00")]));
        var decision = Fee(Stay(admission: "2026-11-16", discharge: "2026-11-18", room: RoomKind.Single), claimed: "69.72", surcharge: "27.72", invoice: "127.72");
        Assert.True(decision.Paid);
    }

    // ---- HOS-06 several operations ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData("HOP02", "HOP03", "HOP03", true, null)]                         // main covered: the other one is paid
    [InlineData("HOP02", "HOP03", "HOP02", true, null)]
    [InlineData("HOPX1", "HOP03", "HOP03", false, "MAIN_OPERATION_NOT_COVERED")] // main not covered: neither is the other
    [InlineData("HOPX1", "HOP03", "HOPX1", false, "NOT_COVERED")]
    [InlineData("HOP02", "HOP03", "HOP05", false, "OPERATION_NOT_IN_STAY")]      // not declared with the stay
    public void Hos06_several_operations_are_paid_only_if_the_most_important_one_is_covered(string main, string other, string billed, bool paid, string? code)
    {
        var stay = Stay(operations: [(other, false), (main, true)]);
        var tariff = Catalog.TariffOn(billed, D("2026-11-18"))!.Value;
        var decision = Fee(stay, act: billed, claimed: tariff.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(paid, decision.Paid);
        if (paid) Assert.Equal(tariff, decision.CnsAmount);
        else
        {
            Assert.Contains(code!, Codes(decision));
            Assert.Equal(0m, decision.CnsAmount);
        }
        if (code == "NOT_COVERED") Assert.Equal(tariff, decision.InsuredShare); // billable to the insured only
    }

    // ---- the stay and the act ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("unknown")]
    [InlineData("refused")]
    [InlineData("other insured")]
    public void The_stay_must_be_an_accepted_stay_of_the_insured(string which)
    {
        var stay = which switch
        {
            "unknown" => null,
            "refused" => Stay(status: HospitalStayStatus.Refused),
            _ => Stay(),
        };
        var decision = Fee(stay, matricule: which == "other insured" ? "2012051469331" : null);
        Assert.Equal(LineOutcome.Refused, decision.Outcome);
        Assert.Equal(["HOSPITAL_STAY_UNKNOWN"], Codes(decision));
    }

    [Theory]
    [InlineData(null, "HOSPITAL_STAY_RELEASED")]      // the stay's own insured person: told the stay was released, and when
    [InlineData("2012051469331", "HOSPITAL_STAY_UNKNOWN")] // another person: nothing about the stay
    public void Lif04_a_fee_for_a_released_stay_is_refused(string? matricule, string code)
    {
        var stay = Stay();
        StayRelease.Release(stay, Guid.NewGuid(), new DateTimeOffset(2026, 11, 29, 23, 30, 0, TimeSpan.Zero)); // 30 November in Luxembourg
        var decision = Fee(stay, matricule: matricule);
        Assert.Equal(LineOutcome.Refused, decision.Outcome);
        var reason = Assert.Single(decision.Reasons);
        Assert.Equal(code, reason.Code);
        if (matricule is null) Assert.Equal(("LIF-04", "2026-11-30"), (reason.Rule, reason.Detail));
    }

    [Theory]
    [InlineData("2026-11-15", "ACT_OUTSIDE_STAY")]
    [InlineData("2026-11-16", null)]
    [InlineData("2026-11-20", null)]
    [InlineData("2026-11-21", "ACT_OUTSIDE_STAY")]
    public void The_act_falls_within_the_stay(string date, string? code)
    {
        var decision = Fee(Stay(), date: date);
        Assert.Equal(code is null, decision.Paid);
        if (code is not null) Assert.Equal([code], Codes(decision));
    }

    [Theory]
    [InlineData("ZK11")] // physiotherapy is billed under a voucher
    [InlineData("T200")]
    [InlineData("QQ99")]
    public void Only_doctors_acts_and_operations_are_billed_for_a_stay(string act)
    {
        var decision = Fee(Stay(), act: act);
        Assert.Equal(["ACT_NOT_VALIDATED"], Codes(decision));
    }

    [Fact]
    public void The_same_act_on_the_same_day_of_a_stay_is_paid_once()
    {
        var decision = Fee(Stay()) ;
        Assert.True(decision.Paid);
        var again = LineAdjudication.Adjudicate(new LineFacts
        {
            Line = new FeeMemoirLineInput(null, Matricule, D("2026-11-18"), "DV01", false, 42.00m) { HospitalStayId = StayId },
            ProviderId = Doctor,
            Today = D("2026-11-23"),
            Insured = Insured("1983-08-12"),
            HospitalStay = Stay(),
            HospitalFeeInvoice = 42.00m,
            DuplicateOfMemoir = "DR-2026-001",
        }, Catalog);
        Assert.Equal(["DUPLICATE_LINE"], Codes(again));
    }

    [Fact]
    public void A_claim_above_the_tariff_is_cut_to_the_tariff_without_counting_the_surcharge()
    {
        var decision = Fee(Stay(room: RoomKind.Single), claimed: "77.72", surcharge: "27.72"); // fee 50.00 > 42.00
        Assert.Equal(LineOutcome.Reduced, decision.Outcome);
        Assert.Equal(M("42.00"), decision.CnsAmount);
        Assert.Contains("AMOUNT_ABOVE_TARIFF", Codes(decision));
        Assert.Contains("SINGLE_ROOM_SURCHARGE_NOT_COVERED", Codes(decision));
    }

    [Fact]
    public void Fees_after_the_affiliation_ended_are_not_paid()
    {
        var insured = Insured("1983-08-12", affiliatedTo: "2026-11-17");
        var decision = Fee(Stay(), insured: insured);
        Assert.Equal(["INSURED_NOT_AFFILIATED"], Codes(decision));
    }
}
