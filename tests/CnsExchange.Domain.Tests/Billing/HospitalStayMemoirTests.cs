using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Hospital;
using static CnsExchange.Domain.Tests.Support.TestReference;

namespace CnsExchange.Domain.Tests.Billing;

/// <summary>A recorded hospital stay becomes the adjudicated memoir that payment runs pay and return files explain (RULES.md §4, §7).</summary>
public sealed class HospitalStayMemoirTests
{
    private static HospitalStay Settled(HospitalStayInput input, string birthDate = "1983-08-12")
    {
        var assessment = HospitalStayRules.Assess(input, Insured(birthDate), ParticipationLedger.Empty, Catalog);
        return new HospitalStay
        {
            Id = Guid.Parse("00000000-0000-0000-0000-0000000005a1"),
            ProviderId = Guid.Parse("00000000-0000-0000-0000-0000000000b9"),
            InsuredId = Guid.Parse("00000000-0000-0000-0000-0000000000c1"),
            Matricule = "1983081246785",
            Kind = input.Kind,
            AdmissionDate = input.Admission,
            DischargeDate = input.Discharge,
            Days = input.Days,
            CountryOfCare = "LU",
            Status = HospitalStayStatus.Accepted,
            CnsAmount = assessment.CnsAmount,
            Lines = assessment.Lines.Select((l, i) => new HospitalStayLine
            {
                LineNumber = i + 1, Type = l.Type, Code = l.Code, Main = l.Main, Quantity = l.Quantity, UnitTariff = l.UnitTariff,
                TariffAmount = l.TariffAmount, CnsAmount = l.CnsAmount, InsuredAmount = l.InsuredAmount, Covered = l.Covered, Reasons = [.. l.Reasons],
            }).ToList(),
        };
    }

    [Fact]
    public void Every_line_of_the_settlement_becomes_a_memoir_line_with_the_cns_amount_of_the_stay()
    {
        var stay = Settled(new HospitalStayInput(HospitalStayKind.Stationary, D("2026-11-16"), D("2026-11-21"), false, RoomKind.Standard, false,
            AccompanyingParentBed: true, "LU", [new StayOperation("HOP02", true), new StayOperation("HOPX2", false)]));
        var memoir = HospitalStayMemoir.From(stay, DateTimeOffset.Parse("2026-11-23T08:00:00Z"), D("2026-11-23"), D("2026-12-23"));

        Assert.Equal(FeeMemoirSource.HospitalStay, memoir.Source);
        Assert.Equal(FeeMemoirStatus.Adjudicated, memoir.Status);
        Assert.Equal(stay.Id, memoir.HospitalStayId);
        Assert.Equal(stay.CnsAmount, memoir.CnsTotal);
        Assert.Equal(stay.CnsAmount, memoir.Lines.Sum(l => l.PayableAmount));
        Assert.All(memoir.Lines, l => Assert.Equal((l.HospitalStayId, l.VoucherNumber, l.SessionDate, l.PaymentRunId), (stay.Id, null, stay.AdmissionDate, null)));

        var days = memoir.Lines.Single(l => l.ActCode == "stationary_day");
        Assert.Equal((LineOutcome.Reduced, M("2880.00"), M("2727.00"), M("153.00")), (days.Outcome, days.ClaimedAmount, days.CnsAmount, days.InsuredShare));
        Assert.Contains(days.Reasons, r => r.Code == "HOSPITAL_PARTICIPATION");
        var hip = memoir.Lines.Single(l => l.ActCode == "HOP02");
        Assert.Equal((LineOutcome.Accepted, M("2400.00")), (hip.Outcome, hip.PayableAmount));
        var scar = memoir.Lines.Single(l => l.ActCode == "HOPX2");
        Assert.Equal((LineOutcome.Refused, 0m, M("300.00")), (scar.Outcome, scar.PayableAmount, scar.InsuredShare));
        Assert.Equal(["NOT_COVERED"], scar.Reasons.Select(r => r.Code));
        var bed = memoir.Lines.Single(l => l.ActCode == "accompanying_bed_day"); // the patient is an adult: no bed covered
        Assert.Equal((LineOutcome.Refused, 0m), (bed.Outcome, bed.PayableAmount));
        Assert.Equal(["ACCOMPANYING_BED_NOT_COVERED"], bed.Reasons.Select(r => r.Code));
        Assert.Equal((4, 1, 1, 2), (memoir.LineCount, memoir.AcceptedCount, memoir.ReducedCount, memoir.RefusedCount));
    }

    [Fact]
    public void A_minors_stay_is_paid_in_full()
    {
        var stay = Settled(new HospitalStayInput(HospitalStayKind.Stationary, D("2026-11-16"), D("2026-11-18"), false, RoomKind.Standard, false,
            AccompanyingParentBed: true, "LU", []), birthDate: "2016-03-01");
        var memoir = HospitalStayMemoir.From(stay, DateTimeOffset.Parse("2026-11-23T08:00:00Z"), D("2026-11-23"), D("2026-12-23"));
        Assert.All(memoir.Lines, l => Assert.Equal(LineOutcome.Accepted, l.Outcome));
        Assert.Equal(M("1440.00") + M("135.00"), memoir.CnsTotal); // 3 days × 480 + parent bed 3 × 45
    }

    [Fact]
    public void A_refused_stay_has_nothing_to_pay()
    {
        var stay = new HospitalStay { Matricule = "1983081246785", CountryOfCare = "LU", Status = HospitalStayStatus.Refused };
        Assert.Throws<ArgumentException>(() => HospitalStayMemoir.From(stay, DateTimeOffset.UnixEpoch, D("2026-11-23"), D("2026-12-23")));
    }
}
