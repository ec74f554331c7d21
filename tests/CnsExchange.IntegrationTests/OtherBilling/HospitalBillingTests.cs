using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.HospitalStays;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Hospital;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.OtherBilling.OtherBillingSupport;

namespace CnsExchange.IntegrationTests.OtherBilling;

/// <summary>
/// Issue 8 items 2 and 4: doctors bill their fees for hospital care through the fee-memoir path (HOS-04…HOS-06), and a
/// recorded hospital stay becomes the adjudicated memoir of the hospital that payment runs pay and return files explain.
/// </summary>
public sealed class HospitalBillingTests(ApiFactory api) : ApiTest(api)
{
    private const string Adult = "1983081246785";

    private async Task<HospitalStayDto> StayAsync(string admission, string discharge, string kind = "stationary", string room = "standard",
        bool medicallyNeeded = false, bool parentBed = false, string matricule = Adult, params (string Act, bool Main)[] operations)
    {
        var body = new
        {
            matricule, admissionDate = admission, dischargeDate = discharge, kind, childbirth = false, room, singleRoomMedicallyNeeded = medicallyNeeded,
            accompanyingParentBed = parentBed, countryOfCare = "LU", operations = operations.Select(o => new { actCode = o.Act, main = o.Main }).ToArray(),
        };
        var stay = await (await Client(Hospital1).PostJsonAsync("/api/v1/hospital-stays", body)).ExpectAsync<HospitalStayDto>(HttpStatusCode.Created);
        Assert.Equal(HospitalStayStatus.Accepted, stay.Status);
        return stay;
    }

    private static string Id(HospitalStayDto stay) => stay.Id.ToString();

    private static string Id(FeeMemoirDto memoir) => memoir.Id.ToString();

    private async Task<string> MinorAsync(DateOnly birthDate)
    {
        var matricule = Matricule.Create(birthDate, 417).Value;
        await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{matricule}", new
        {
            firstName = "Minor", lastName = "Test", sex = "female", competentFund = "CNS", residenceCountry = "LU", crossBorderWorker = false,
            affiliations = new[] { new { from = birthDate.ToString("yyyy-MM-dd"), to = (string?)null } },
        })).ExpectAsync(HttpStatusCode.OK);
        return matricule;
    }

    // ---- doctors' fees (HOS-04…HOS-06) ----------------------------------------------------------------------------------

    [Fact]
    public async Task Surgeon_bills_operations_and_visits_of_a_stationary_stay_at_100_percent_and_cns_never_pays_the_single_room_surcharge()
    {
        var stay = await StayAsync("2026-11-16", "2026-11-20", room: "single", operations: [("HOP02", true), ("HOP03", false)]);
        var memoir = await Client(Doctor1).BillAsync("DR-2026-0001", [
            FeeLine(Id(stay), Adult, "2026-11-16", "HOP02", 2400.00m + 1584.00m, surcharge: 1584.00m), // 66 % of 2400.00
            FeeLine(Id(stay), Adult, "2026-11-16", "HOP03", 900.00m),
            FeeLine(Id(stay), Adult, "2026-11-17", "DV01", 42.00m),
            FeeLine(Id(stay), Adult, "2026-11-18", "DV01", 42.00m),
        ]);

        var hip = memoir.Line(1);
        Assert.Equal((LineOutcome.Reduced, 2400.00m, 100m, 2400.00m, 1584.00m), (hip.Outcome, hip.TariffAmount, hip.RatePercent,
            hip.CnsAmount, hip.InsuredShare));
        Assert.Equal((3984.00m, 1584.00m, Guid.Parse(Id(stay))), (hip.ClaimedAmount, hip.SingleRoomSurcharge, hip.HospitalStayId));
        Assert.Null(hip.VoucherNumber);
        Assert.Equal(["SINGLE_ROOM_SURCHARGE_NOT_COVERED", "INSURED_SHARE"], hip.ReasonCodes());
        Assert.Equal((LineOutcome.Accepted, 900.00m), (memoir.Line(2).Outcome, memoir.Line(2).CnsAmount));
        Assert.Equal((LineOutcome.Accepted, 42.00m), (memoir.Line(3).Outcome, memoir.Line(3).CnsAmount));
        Assert.Equal((LineOutcome.Accepted, 42.00m), (memoir.Line(4).Outcome, memoir.Line(4).CnsAmount));
        Assert.Equal(2400.00m + 900.00m + 84.00m, memoir.Totals!.CnsAmount);
        Assert.Equal(("Adjudicated", 4, 3384.00m), await Api.PaymentRunViewAsync(Id(memoir)));

        // The same act on the same day of the stay is paid once.
        var again = await Client(Doctor1).BillAsync("DR-2026-0002", [FeeLine(Id(stay), Adult, "2026-11-17", "DV01", 42.00m)]);
        Assert.Equal(["DUPLICATE_LINE"], again.Line(1).ReasonCodes());
        Assert.Equal("DR-2026-0001", again.Line(1).Reasons[0].Detail);
    }

    [Fact]
    public async Task Single_room_for_medical_reasons_allows_no_surcharge_at_all()
    {
        var stay = await StayAsync("2026-11-16", "2026-11-20", room: "single", medicallyNeeded: true);
        var memoir = await Client(Doctor1).BillAsync("DR-MED", [FeeLine(Id(stay), Adult, "2026-11-17", "DC01", 58.00m + 38.28m, surcharge: 38.28m)]);
        var line = memoir.Line(1);
        Assert.Equal((LineOutcome.Reduced, 58.00m, 0m), (line.Outcome, line.CnsAmount, line.InsuredShare));
        Assert.Equal(["SINGLE_ROOM_SURCHARGE_NOT_CHARGEABLE", "INSURED_SHARE"], line.ReasonCodes());
    }

    [Fact]
    public async Task Ambulatory_fees_are_paid_88_percent_for_an_adult_and_100_percent_for_a_17_year_old_but_88_percent_at_18()
    {
        var seventeen = await MinorAsync(new DateOnly(2009, 11, 17)); // 17 on 16 November 2026
        var eighteen = await MinorAsync(new DateOnly(2008, 11, 16));  // 18 that day
        var cases = new[] { (Adult, 88m, 792.00m), (seventeen, 100m, 900.00m), (eighteen, 88m, 792.00m) };
        foreach (var (matricule, rate, cns) in cases)
        {
            var stay = await StayAsync("2026-11-16", "2026-11-16", kind: "day_hospital", matricule: matricule, operations: [("HOP03", true)]);
            Assert.Equal(rate, stay.DoctorFees!.RatePercent);
            var memoir = await Client(Doctor1).BillAsync($"DR-DH-{matricule}", [FeeLine(Id(stay), matricule, "2026-11-16", "HOP03", 900.00m)]);
            var line = memoir.Line(1);
            Assert.Equal((LineOutcome.Accepted, rate, cns, 900.00m - cns), (line.Outcome, line.RatePercent, line.CnsAmount, line.InsuredShare));
        }

        var surveillance = await StayAsync("2026-11-18", "2026-11-18", kind: "surveillance_place", operations: [("HOP01", true)]);
        var watched = await Client(Doctor1).BillAsync("DR-SP", [FeeLine(Id(surveillance), Adult, "2026-11-18", "HOP01", 650.00m)]);
        Assert.Equal((100m, 650.00m), (watched.Line(1).RatePercent, watched.Line(1).CnsAmount));
    }

    [Fact]
    public async Task Direct_billing_is_refused_for_a_stay_of_3_days_with_an_invoice_of_100_eur_and_allowed_above_or_after_3_days()
    {
        var short3 = await StayAsync("2026-11-16", "2026-11-18", operations: [("HOP03", true)]);
        var long4 = await StayAsync("2026-11-19", "2026-11-22");

        var refused = await Client(Doctor1).BillAsync("DR-S1", [
            FeeLine(Id(short3), Adult, "2026-11-17", "DV01", 42.00m),
            FeeLine(Id(short3), Adult, "2026-11-18", "DC01", 58.00m), // invoice of 100.00 for the stay
        ]);
        Assert.All(refused.Lines, l => Assert.Equal(["DIRECT_BILLING_NOT_ALLOWED"], l.ReasonCodes()));
        var reason = refused.Line(1).Reasons[0]!;
        Assert.Equal(("HOS-05", "Direct billing not allowed: stay of at most 3 days and fee invoice of at most 100 EUR."),
            (reason.Rule, reason.Message));

        var above = await Client(Doctor1).BillAsync("DR-S2", [FeeLine(Id(short3), Adult, "2026-11-16", "HOP03", 100.01m)]);
        Assert.Equal((LineOutcome.Accepted, 100.01m), (above.Line(1).Outcome, above.Line(1).CnsAmount));

        var longStay = await Client(Doctor1).BillAsync("DR-L1", [FeeLine(Id(long4), Adult, "2026-11-20", "DV01", 42.00m)]);
        Assert.Equal(LineOutcome.Accepted, longStay.Line(1).Outcome);
    }

    [Fact]
    public async Task Hos05_the_fee_invoice_includes_the_single_room_surcharge()
    {
        var short3 = await StayAsync("2026-11-16", "2026-11-18", room: "single");
        // Fees 42.00 + 58.00 = 100.00 (not above 100); with the 66 % surcharge on the visit the invoice is 127.72.
        var memoir = await Client(Doctor1).BillAsync("DR-SR", [
            FeeLine(Id(short3), Adult, "2026-11-17", "DV01", 42.00m + 27.72m, surcharge: 27.72m),
            FeeLine(Id(short3), Adult, "2026-11-18", "DC01", 58.00m),
        ]);
        Assert.Equal((LineOutcome.Reduced, 42.00m, 27.72m), (memoir.Line(1).Outcome, memoir.Line(1).CnsAmount, memoir.Line(1).InsuredShare));
        Assert.Equal((LineOutcome.Accepted, 58.00m), (memoir.Line(2).Outcome, memoir.Line(2).CnsAmount));
    }

    [Fact]
    public async Task Other_operations_of_a_stay_are_not_paid_when_the_most_important_one_is_not_covered()
    {
        var covered = await StayAsync("2026-11-09", "2026-11-13", operations: [("HOP02", true), ("HOP05", false)]);
        var aesthetic = await StayAsync("2026-11-16", "2026-11-20", operations: [("HOPX1", true), ("HOP05", false)]);

        var memoir = await Client(Doctor1).BillAsync("DR-OPS", [
            FeeLine(Id(covered), Adult, "2026-11-09", "HOP05", 700.00m),
            FeeLine(Id(aesthetic), Adult, "2026-11-16", "HOP05", 700.00m),
            FeeLine(Id(aesthetic), Adult, "2026-11-16", "HOPX1", 1500.00m),
            FeeLine(Id(covered), Adult, "2026-11-10", "HOP01", 650.00m), // not an operation of that stay
        ]);
        Assert.Equal((LineOutcome.Accepted, 700.00m), (memoir.Line(1).Outcome, memoir.Line(1).CnsAmount));
        Assert.Equal(["MAIN_OPERATION_NOT_COVERED"], memoir.Line(2).ReasonCodes());
        Assert.Equal(["NOT_COVERED", "INSURED_SHARE"], memoir.Line(3).ReasonCodes());
        Assert.Equal(1500.00m, memoir.Line(3).InsuredShare);
        Assert.Equal(["OPERATION_NOT_IN_STAY"], memoir.Line(4).ReasonCodes());
    }

    [Fact]
    public async Task Fees_for_an_unknown_stay_or_outside_its_dates_are_refused_with_reasons()
    {
        var stay = await StayAsync("2026-11-16", "2026-11-20");
        var memoir = await Client(Doctor1).BillAsync("DR-BAD", [
            FeeLine(Guid.NewGuid().ToString(), Adult, "2026-11-17", "DV01", 42.00m),
            FeeLine(Id(stay), "2012051469331", "2026-11-17", "DV01", 42.00m), // another insured person
            FeeLine(Id(stay), Adult, "2026-11-21", "DV01", 42.00m),
        ]);
        Assert.Equal(["HOSPITAL_STAY_UNKNOWN"], memoir.Line(1).ReasonCodes());
        Assert.Equal(["HOSPITAL_STAY_UNKNOWN"], memoir.Line(2).ReasonCodes());
        Assert.Equal(["ACT_OUTSIDE_STAY"], memoir.Line(3).ReasonCodes());
        Assert.Equal(("Adjudicated", 3, 0m), await Api.PaymentRunViewAsync(Id(memoir))); // refused lines are reported, never paid
    }

    [Fact]
    public async Task Two_memoirs_with_the_same_fee_sent_at_the_same_moment_pay_it_once()
    {
        var stay = await StayAsync("2026-11-16", "2026-11-20");
        var memoirs = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Client(Doctor1).BillAsync($"DR-RACE-{i}", [FeeLine(Id(stay), Adult, "2026-11-17", "DV01", 42.00m)])));
        Assert.Equal(1, memoirs.Count(m => m.Line(1).Outcome == LineOutcome.Accepted));
        Assert.Equal(3, memoirs.Count(m => m.Line(1).ReasonCodes().SequenceEqual(["DUPLICATE_LINE"])));
    }

    [Fact]
    public async Task Only_doctors_bill_fees_for_a_stay_and_a_line_names_a_voucher_or_a_stay()
    {
        var stay = await StayAsync("2026-11-16", "2026-11-20");
        var memoir = new { memoirReference = "X-1", lines = new[] { FeeLine(Id(stay), Adult, "2026-11-17", "DV01", 42.00m) } };
        await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", memoir)).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await Client(Hospital1).PostJsonAsync("/api/v1/fee-memoirs/simulations", memoir)).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var both = new
        {
            memoirReference = "X-2",
            lines = new[]
            {
                new { voucherNumber = "K26-0001000-3", hospitalStayId = Id(stay), matricule = Adult, sessionDate = "2026-11-17", actCode = "DV01",
                    travel = true, claimedAmount = 42.00m, singleRoomSurcharge = 42.00m },
            },
        };
        var problem = await (await Client(Doctor1).PostJsonAsync("/api/v1/fee-memoirs", both)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var fields = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Contains("lines[0].voucherNumber", fields);
        Assert.Contains("lines[0].travel", fields);
        Assert.Contains("lines[0].singleRoomSurcharge", fields);

        var surchargeOnVoucher = new { memoirReference = "X-3", lines = new[] { new { voucherNumber = "K26-0001000-3", matricule = Adult,
            sessionDate = "2026-11-17", actCode = "ZK11", travel = false, claimedAmount = 36.80m, singleRoomSurcharge = 1.00m } } };
        var second = await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", surchargeOnVoucher)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("lines[0].singleRoomSurcharge", second["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task A_doctor_simulates_fees_then_confirms_them()
    {
        var stay = await StayAsync("2026-11-16", "2026-11-20");
        var simulation = await (await Client(Doctor1).PostJsonAsync("/api/v1/fee-memoirs/simulations",
            new { memoirReference = "DR-SIM", lines = new[] { FeeLine(Id(stay), Adult, "2026-11-17", "DV01", 42.00m) } })).ExpectAsync<FeeMemoirSimulationDto>(HttpStatusCode.OK);
        Assert.Equal(LineOutcome.Accepted, Billing.BillingApi.LineOf(simulation, 1).Outcome);
        var confirmed = await (await Client(Doctor1).PostJsonAsync("/api/v1/fee-memoirs",
            new { simulationId = simulation.SimulationId })).ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created);
        Assert.Equal((LineOutcome.Accepted, 42.00m), (confirmed.Line(1).Outcome, confirmed.Line(1).CnsAmount));
        Assert.False(confirmed.ComparedToSimulation!.Changed);
    }

    // ---- the stay itself is paid like any memoir (issue 8 item 4) ---------------------------------------------------------

    [Fact]
    public async Task A_recorded_stay_becomes_the_hospitals_adjudicated_memoir_that_the_next_payment_run_pays()
    {
        var stay = await StayAsync("2026-11-16", "2026-11-21", parentBed: true, operations: [("HOP02", true), ("HOPX2", false)]);
        Assert.Equal(2880.00m - 153.00m + 2400.00m, stay.Amounts.CnsAmount);

        var summary = Assert.Single((await MemoirsAsync(Client(Hospital1), $"?hospitalStayId={Id(stay)}")).Items);
        Assert.Equal((FeeMemoirSource.HospitalStay, FeeMemoirStatus.Adjudicated, stay.Id), (summary.Source, summary.Status, summary.HospitalStayId));
        Assert.Equal(new DateOnly(2026, 12, 23), summary.DueDate); // received with the stay + 30 days (PAY-01)

        var memoir = await (await Client(Hospital1).GetAsync($"/api/v1/fee-memoirs/{summary.Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(stay.Amounts.CnsAmount, memoir.Totals.CnsAmount);
        var lines = memoir.Lines.Select(l => l!).ToList();
        Assert.Equal(["stationary_day", "HOP02", "HOPX2", "accompanying_bed_day"], lines.Select(l => l.ActCode));
        Assert.Equal([LineOutcome.Reduced, LineOutcome.Accepted, LineOutcome.Refused, LineOutcome.Refused], lines.Select(l => l.Outcome));
        Assert.Equal((2880.00m, 2727.00m, 153.00m), (lines[0].ClaimedAmount, lines[0].PayableAmount, lines[0].InsuredShare));
        Assert.Contains("HOSPITAL_PARTICIPATION", lines[0].ReasonCodes());
        Assert.Equal(["NOT_COVERED"], lines[2].ReasonCodes());
        Assert.Equal(["ACCOMPANYING_BED_NOT_COVERED"], lines[3].ReasonCodes());
        Assert.All(lines, l => Assert.Equal((Guid.Parse(Id(stay)), new DateOnly(2026, 11, 16)), (l.HospitalStayId, l.SessionDate)));
        Assert.Equal(("Adjudicated", 4, 5127.00m), await Api.PaymentRunViewAsync(Id(memoir)));

        // The stay's own answer is unchanged; another provider does not see the hospital's memoir.
        // Both answers are read strictly as HospitalStayDto: neither has a member the other lacks.
        var read = await (await Client(Hospital1).GetAsync($"/api/v1/hospital-stays/{Id(stay)}")).ExpectAsync<HospitalStayDto>(HttpStatusCode.OK);
        Assert.Equal(stay.Amounts, read.Amounts); // tariffAmount, cnsAmount, insuredParticipation, notCoveredAmount
        Assert.Equal(stay.Reasons, read.Reasons);
        await (await Client(Doctor1).GetAsync($"/api/v1/fee-memoirs/{summary.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_refused_stay_has_no_memoir_and_a_replayed_stay_has_one()
    {
        var refused = await (await Client(Hospital1).PostJsonAsync("/api/v1/hospital-stays", new
        {
            matricule = "1893120105732", admissionDate = "2026-11-16", dischargeDate = "2026-11-18", kind = "stationary", countryOfCare = "LU",
        })).ExpectAsync<HospitalStayDto>(HttpStatusCode.Created);
        Assert.Equal(HospitalStayStatus.Refused, refused.Status);
        Assert.Empty((await MemoirsAsync(Client(Hospital1), $"?hospitalStayId={Id(refused)}")).Items);

        var client = Client(Hospital1);
        client.DefaultRequestHeaders.Add("Idempotency-Key", "stay-replay-1");
        var body = new { matricule = Adult, admissionDate = "2026-11-16", dischargeDate = "2026-11-18", kind = "stationary", countryOfCare = "LU" };
        var first = await (await client.PostJsonAsync("/api/v1/hospital-stays", body)).ExpectAsync<HospitalStayDto>(HttpStatusCode.Created);
        await (await client.PostJsonAsync("/api/v1/hospital-stays", body)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(new Guid?[] { first.Id }, (await MemoirsAsync(Client(Hospital1))).Items.Select(m => m.HospitalStayId));
    }
}
