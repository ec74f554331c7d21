using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.HospitalStays;
using CnsExchange.Application.Features.Lifecycle;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Hospital;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.Lifecycle.LifecycleApi;
using static CnsExchange.IntegrationTests.OtherBilling.OtherBillingSupport;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.HospitalStays;

/// <summary>
/// LIF-04 on a hospital stay: once the settlement line that pays the stay itself (its stay days, HOS-01 less the HOS-02/03
/// participation) is reversed by the hospital or recovered by CNS, the stay is released — its participation days go back
/// to the yearly ceiling, it no longer overlaps a corrected stay, and doctors' fees can no longer be billed for it.
/// </summary>
public sealed class HospitalStayReleaseTests(ApiFactory api) : ApiTest(api)
{
    private const string Adult = "1983081246785";

    private static object Body(string admission, string discharge, string matricule = Adult, params string[] operations) => new
    {
        matricule, admissionDate = admission, dischargeDate = discharge, kind = "stationary", childbirth = false, room = "standard",
        singleRoomMedicallyNeeded = false, accompanyingParentBed = false, countryOfCare = "LU",
        operations = operations.Select((o, i) => new { actCode = o, main = i == 0 }).ToArray(),
    };

    private async Task<HospitalStayDto> RecordAsync(string admission, string discharge, params string[] operations) =>
        await (await Client(Hospital1).PostJsonAsync("/api/v1/hospital-stays", Body(admission, discharge, operations: operations)))
            .ExpectAsync<HospitalStayDto>(HttpStatusCode.Created);

    private async Task<HospitalStayDto> ReadAsync(HospitalStayDto stay, string key = Hospital1) =>
        await GetAsync<HospitalStayDto>(Client(key), $"/api/v1/hospital-stays/{stay.Id}");

    /// <summary>The settlement memoir CNS made of the stay (source hospital_stay, one per stay).</summary>
    private async Task<FeeMemoirDto> SettlementAsync(HospitalStayDto stay) =>
        await GetAsync<FeeMemoirDto>(Client(Hospital1),
            $"/api/v1/fee-memoirs/{Assert.Single((await MemoirsAsync(Client(Hospital1), $"?hospitalStayId={stay.Id}")).Items).Id}");

    /// <summary>The settlement line that pays the stay days (HOS-01 less the participation).</summary>
    private async Task<(string MemoirId, int Line)> StayLineAsync(HospitalStayDto stay)
    {
        var memoir = await SettlementAsync(stay);
        return (memoir.Id.ToString(), memoir.Lines.Single(l => l.ActCode == "stationary_day").LineNumber);
    }

    /// <summary>The weekly run of Monday 30 November pays every memoir received so far.</summary>
    private async Task PayAsync() => await SetClockAsync(Client(Admin), Local("2026-11-30", 3));

    private async Task<ProviderDebtDto> ReverseStayAsync(HospitalStayDto stay)
    {
        var (memoirId, line) = await StayLineAsync(stay);
        return await (await ReverseAsync(Client(Hospital1), memoirId, line, "Wrong discharge date: the stay is sent again corrected."))
            .ExpectAsync<ProviderDebtDto>(HttpStatusCode.Created);
    }

    private static IEnumerable<string> Codes(HospitalStayDto stay) => stay.Reasons.Select(r => r.Code);

    /// <summary>HOS-02 as the database keeps it: the insured person's participation days charged in <paramref name="year"/>.</summary>
    private Task<int> CounterAsync(int year) => DbAsync(Api, async db =>
    {
        var insured = await db.Insured.AsNoTracking().Where(i => i.Matricule == Adult).Select(i => i.Id).SingleAsync();
        return await db.Set<HospitalParticipationCounter>().AsNoTracking().Where(c => c.InsuredId == insured && c.Year == year)
            .Select(c => c.DaysCharged).SingleOrDefaultAsync();
    });

    [Fact]
    public async Task Hos02_a_reversed_stay_gives_its_participation_days_back_to_stays_recorded_afterwards()
    {
        var first = await RecordAsync("2026-02-01", "2026-02-25");   // 25 days charged
        var second = await RecordAsync("2026-05-01", "2026-05-10");  // 5 charged: the ceiling of 30 is reached
        Assert.Equal((25, 5), (first.Participation!.DaysCharged, second.Participation!.DaysCharged));
        await PayAsync();

        await ReverseStayAsync(first);
        Assert.Equal(5, await CounterAsync(2026));

        // 30 − the 5 of the second stay: 25 days left for stays recorded after the release.
        var third = await RecordAsync("2026-08-01", "2026-08-20");
        Assert.Equal(20, third.Participation!.DaysCharged);
        Assert.Equal(20 * 25.50m, third.Amounts.InsuredParticipation);
        var fourth = await RecordAsync("2026-09-01", "2026-09-10");
        Assert.Equal(5, fourth.Participation!.DaysCharged);
        Assert.Contains("PARTICIPATION_CEILING_REACHED", Codes(fourth));
        Assert.Equal(30, await CounterAsync(2026));

        // A stay recorded before the release keeps what was decided (and paid) for it.
        var kept = await ReadAsync(second);
        Assert.Equal((HospitalStayStatus.Accepted, 5, 5 * 25.50m), (kept.Status, kept.Participation!.DaysCharged, kept.Amounts.InsuredParticipation));
    }

    [Fact]
    public async Task Lif04_a_stay_whose_stay_line_is_reversed_no_longer_overlaps_the_corrected_stay_for_the_same_dates()
    {
        var stay = await RecordAsync("2026-11-02", "2026-11-06");
        var before = await RecordAsync("2026-11-02", "2026-11-06");
        Assert.Equal(["HOSPITAL_STAY_OVERLAP"], Codes(before));
        await PayAsync();

        var debt = await ReverseStayAsync(stay);
        Assert.Equal(("LINE_REVERSED", 2400.00m - 5 * 25.50m), (debt.EntryCode, debt.Amount));

        // The stay shows it no longer stands, when and why; its settlement stays as decided.
        var released = await ReadAsync(stay);
        Assert.Equal(HospitalStayStatus.Released, released.Status);
        var release = released.Release!;
        Assert.Equal((debt.CreatedAt, HospitalStayReleaseKind.Reversal, "LINE_REVERSED", "LINE_REVERSED", (Guid?)debt.Id, debt.MemoirId, (int?)debt.LineNumber),
            (release.ReleasedAt, release.Kind, release.EntryCode, release.Code, release.DebtId, release.MemoirId, release.LineNumber));
        Assert.True(release.ReleasedAt >= Local("2026-11-30", 3));
        Assert.Equal("Wrong discharge date: the stay is sent again corrected.", release.Note);
        Assert.Equal((5, stay.Amounts), (released.Participation!.DaysCharged, released.Amounts));
        Assert.Null((await ReadAsync(before)).Release);
        var listed = Assert.Single((await AllAsync<HospitalStaySummaryDto>(Client(Hospital1), "/api/v1/hospital-stays?status=released")));
        Assert.Equal((stay.Id, HospitalStayStatus.Released, (Guid?)debt.Id), (listed.Id, listed.Status, listed.Release!.DebtId));
        Assert.DoesNotContain((await AllAsync<HospitalStaySummaryDto>(Client(Hospital1), "/api/v1/hospital-stays?status=accepted")), s => s.Id == stay.Id);
        Assert.Equal(release, (await ReadAsync(stay, Reviewer)).Release);

        var corrected = await RecordAsync("2026-11-02", "2026-11-06");
        Assert.Equal(HospitalStayStatus.Accepted, corrected.Status);
        Assert.DoesNotContain("HOSPITAL_STAY_OVERLAP", Codes(corrected));
        Assert.Equal(5, corrected.Participation!.DaysCharged); // the released stay's days were given back
        Assert.Equal(5, await CounterAsync(2026));
    }

    /// <summary>
    /// LIF-02: "A memoir not yet in a payment run can be voided". The settlement of a stay answered 409 memoir_not_voidable
    /// (stop 68's left item): a hospital that recorded a wrong stay waited for the run to pay it, then reversed it and owed
    /// the money back. Voided unpaid, the stay is released at once, with nothing owed.
    /// </summary>
    [Fact]
    public async Task Lif02_a_stay_whose_settlement_is_voided_before_a_run_pays_it_is_released_with_nothing_owed()
    {
        var stay = await RecordAsync("2026-11-02", "2026-11-06", "HOP02");
        Assert.Equal(5, await CounterAsync(2026));
        var settlement = await SettlementAsync(stay);
        var fee = await Client(Doctor1).BillAsync("DR-VOID-1", [FeeLine(stay.Id.ToString(), Adult, "2026-11-03", "DV01", 42.00m)]);
        Assert.Equal(LineOutcome.Accepted, fee.Line(1).Outcome);
        // A fee memoir cannot stand for the settlement: the corrected stay is recorded, not billed.
        await (await Client(Hospital1).PostJsonAsync("/api/v1/fee-memoirs", new
        {
            memoirReference = "HOSP-REPLACES", replaces = settlement.Id,
            lines = new[] { FeeLine(stay.Id.ToString(), Adult, "2026-11-03", "DV01", 42.00m) },
        })).ExpectProblemAsync(HttpStatusCode.Conflict, "memoir_not_replaceable");

        var voided = await (await VoidAsync(Client(Hospital1), settlement.Id.ToString(), "Wrong discharge date: the stay is sent again corrected."))
            .ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal((FeeMemoirStatus.Voided, "Wrong discharge date: the stay is sent again corrected."), (voided.Status, voided.VoidReason));
        Assert.All(voided.Lines, l => Assert.Equal(voided.VoidedAt, l.ReleasedAt));

        var released = await ReadAsync(stay);
        Assert.Equal(HospitalStayStatus.Released, released.Status);
        Assert.Equal(new HospitalStayReleaseDto(voided.VoidedAt!.Value, HospitalStayReleaseKind.Void, null, null,
            "Wrong discharge date: the stay is sent again corrected.", settlement.Id, null, null), released.Release);
        Assert.Equal(released.Release, Assert.Single(await AllAsync<HospitalStaySummaryDto>(Client(Hospital1), "/api/v1/hospital-stays?status=released")).Release);
        Assert.Equal(0, await CounterAsync(2026)); // its participation days are given back

        // The corrected stay for the same dates stands; a doctor's fee for the voided stay is refused from now on.
        var corrected = await RecordAsync("2026-11-02", "2026-11-05");
        Assert.Equal((HospitalStayStatus.Accepted, 4), (corrected.Status, corrected.Participation!.DaysCharged));
        var late = await Client(Doctor1).BillAsync("DR-VOID-2", [FeeLine(stay.Id.ToString(), Adult, "2026-11-04", "DV01", 42.00m)]);
        Assert.Equal(["HOSPITAL_STAY_RELEASED"], late.Line(1).ReasonCodes());

        // The run pays the corrected stay and the fee accepted before, not the voided settlement; the hospital owes nothing.
        await PayAsync();
        Assert.Equal(FeeMemoirStatus.Voided, (await SettlementAsync(stay)).Status);
        Assert.All((await SettlementAsync(stay)).Lines, l => Assert.Null(l.Payment));
        Assert.Equal(FeeMemoirStatus.Paid, (await SettlementAsync(corrected)).Status);
        Assert.Equal(FeeMemoirStatus.Paid, (await GetAsync<FeeMemoirDto>(Client(Doctor1), $"/api/v1/fee-memoirs/{fee.Id}")).Status);
        Assert.Equal(0, await DbAsync(Api, db => db.Set<ProviderDebt>().CountAsync()));
    }

    /// <summary>
    /// LIF-02 on stays, against a payment run at the same moment: each void wins entirely (the settlement voided and
    /// unpaid, the stay released, its days given back) or gets 409 (paid, the stay standing), and the insured person's
    /// HOS-02 counter equals the days of the stays still standing.
    /// </summary>
    [Fact]
    public async Task Lif02_ten_settlement_voids_racing_a_payment_run_each_release_their_stay_entirely_or_leave_it_paid()
    {
        await SetClockAsync(Client(Admin), Local("2027-01-25", 9)); // weekly slots with nothing to pay create no run
        var stays = new List<HospitalStayDto>();
        for (var n = 0; n < 10; n++)
        {
            var admission = new DateOnly(2026, 9, 1).AddDays(5 * n);
            stays.Add(await RecordAsync(admission.ToString("yyyy-MM-dd"), admission.AddDays(2).ToString("yyyy-MM-dd")));
        }
        Assert.Equal(30, await CounterAsync(2026));
        var settlements = new List<FeeMemoirDto>();
        foreach (var stay in stays) settlements.Add(await SettlementAsync(stay));

        await using (await Api.PausePaymentRunTickAsync())
        {
            var runId = (await (await Client(Admin).PostAsync("/api/v1/admin/payment-runs", null)).ExpectAsync<CnsExchange.Application.Features.PaymentRuns.PaymentRunDto>(HttpStatusCode.Accepted)).Id;
            var gate = new TaskCompletionSource();
            var run = Task.Run(async () => { await gate.Task; await ExecuteAsync(Api, runId); });
            var voids = settlements.Select(m => Task.Run(async () => { await gate.Task; return await VoidAsync(Client(Hospital1), m.Id.ToString()); })).ToList();
            gate.SetResult();
            await run;
            var outcomes = await Task.WhenAll(voids);
            await WaitForClosedAsync(Client(Admin), runId.ToString());

            var standing = 0m;
            var daysStanding = 0;
            for (var n = 0; n < stays.Count; n++)
            {
                var (stay, memoir) = (await ReadAsync(stays[n]), await SettlementAsync(stays[n]));
                if (outcomes[n].StatusCode == HttpStatusCode.OK)
                {
                    Assert.Equal((HospitalStayStatus.Released, HospitalStayReleaseKind.Void, FeeMemoirStatus.Voided), (stay.Status, stay.Release!.Kind, memoir.Status));
                    Assert.All(memoir.Lines, l => Assert.Null(l.Payment));
                }
                else
                {
                    await outcomes[n].ExpectProblemAsync(HttpStatusCode.Conflict, "memoir_in_payment_run");
                    Assert.Equal((HospitalStayStatus.Accepted, null, FeeMemoirStatus.Paid), (stay.Status, stay.Release, memoir.Status));
                    standing += memoir.Totals.CnsAmount;
                    daysStanding += stay.Participation!.DaysCharged;
                }
            }
            Assert.Equal(daysStanding, await CounterAsync(2026));
            Assert.Equal(0, await DbAsync(Api, db => db.Set<FeeMemoirLine>().CountAsync(l => l.PaymentRunId != null && l.ReleasedAt != null)));
            Assert.Equal(standing, (await RunAsync(Client(Admin), runId)).TotalAmount);
        }
    }

    /// <summary>
    /// BIL-08 across a stay's correction (audit s68 cross (b)): a doctor's fee paid for a stay is left as it is when the stay
    /// is released, and was counted in that stay only: the same visit billed again on the corrected stay, by the doctor or
    /// claimed by the insured (INS-08), was paid twice. It is the same line: refused, naming the memoir that paid it. A
    /// visit on a day the released stay did not have, or the fee reversed first, is paid on the corrected stay.
    /// </summary>
    [Theory]
    [InlineData(true)]   // released by a reversal of its paid stay-days line
    [InlineData(false)]  // released by the void of its unpaid settlement
    public async Task Bil08_a_doctors_fee_paid_for_a_released_stay_is_not_paid_again_on_the_corrected_stay(bool paidFirst)
    {
        var stay = await RecordAsync("2026-11-09", "2026-11-12");
        var fee = await Client(Doctor1).BillAsync("DR-CORR-1", [FeeLine(stay.Id.ToString(), Adult, "2026-11-10", "DV01", 42.00m)]);
        Assert.Equal(LineOutcome.Accepted, fee.Line(1).Outcome);
        if (paidFirst)
        {
            await PayAsync();
            await ReverseStayAsync(stay);
        }
        else await (await VoidAsync(Client(Hospital1), (await SettlementAsync(stay)).Id.ToString())).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        var corrected = await RecordAsync("2026-11-09", "2026-11-13");

        var again = await Client(Doctor1).BillAsync("DR-CORR-2", [
            FeeLine(corrected.Id.ToString(), Adult, "2026-11-10", "DV01", 42.00m),
            FeeLine(corrected.Id.ToString(), Adult, "2026-11-13", "DV01", 42.00m)]);
        Assert.Equal((LineOutcome.Refused, LineOutcome.Accepted), (again.Line(1).Outcome, again.Line(2).Outcome));
        Assert.Equal(["DUPLICATE_LINE"], again.Line(1).ReasonCodes());
        Assert.Contains("DR-CORR-1", again.Line(1).Reasons[0].Detail);

        var claim = await Reimbursement.ClaimApi.ClaimAsync(Client(Reimbursement.ClaimApi.InsuredApp), new
        {
            kind = "doctor_fees", matricule = Adult, providerCode = "DOC0001", hospitalStayId = corrected.Id,
            invoice = new { number = "DR-CORR-INV", date = "2026-11-20" },
            fees = new[] { new { date = "2026-11-10", actCode = "DV01", amountPaid = 42.00m } },
        });
        Assert.Equal(0m, claim.ReimbursedTotal);
        var claimed = Reimbursement.ClaimApi.Line(claim, 1);
        Assert.Equal(["FEE_ALREADY_PAID"], Reimbursement.ClaimApi.Codes(claimed));
        Assert.Equal("memoir DR-CORR-1", claimed.Reasons[0].Detail);

        // Reversed by the doctor, the first payment no longer stands in the way.
        if (paidFirst)
        {
            await (await ReverseAsync(Client(Doctor1), fee.Id.ToString(), 1, "Billed on the corrected stay instead.")).ExpectAsync<ProviderDebtDto>(HttpStatusCode.Created);
            var rebilled = await Client(Doctor1).BillAsync("DR-CORR-3", [FeeLine(corrected.Id.ToString(), Adult, "2026-11-10", "DV01", 42.00m)]);
            Assert.Equal(LineOutcome.Accepted, rebilled.Line(1).Outcome);
        }
    }

    [Fact]
    public async Task Lif04_a_stay_line_reversed_before_stays_were_released_releases_its_stay_when_reversed_again()
    {
        var stay = await RecordAsync("2026-11-02", "2026-11-06");
        await PayAsync();
        var debt = await ReverseStayAsync(stay);
        // As a database migrated from before ReleasedHospitalStays holds it: the line reversed, the stay still standing.
        await RawSqlWithoutTriggersAsync(Api, "UPDATE cns.hospital_stays SET status = 'Accepted', released_at = NULL, release_debt_id = NULL WHERE id = @id",
            ("id", stay.Id));
        await RawSqlWithoutTriggersAsync(Api, "UPDATE cns.hospital_participation_counters SET days_charged = days_charged + 5 WHERE year = 2026");
        Assert.Equal((HospitalStayStatus.Accepted, 5), ((await ReadAsync(stay)).Status, await CounterAsync(2026)));

        Assert.Equal(debt.Id, (await ReverseStayAsync(stay)).Id); // the same debt, and now the stay is released
        Assert.Equal((HospitalStayStatus.Released, (Guid?)debt.Id), ((await ReadAsync(stay)).Status, (await ReadAsync(stay)).Release!.DebtId));
        Assert.Equal(0, await CounterAsync(2026));
        Assert.Equal(debt.Id, (await ReverseStayAsync(stay)).Id); // released once
        Assert.Equal(0, await CounterAsync(2026));
    }

    [Fact]
    public async Task Lif04_a_stay_recovered_by_cns_is_released_too()
    {
        var stay = await RecordAsync("2026-11-09", "2026-11-12", "HOP02");
        await PayAsync();
        var (memoirId, line) = await StayLineAsync(stay);
        var debt = await (await RecoverAsync(Client(Reviewer), memoirId, line, code: "SESSION_NOT_GIVEN", note: "The patient was never admitted."))
            .ExpectAsync<ProviderDebtDto>(HttpStatusCode.Created);
        Assert.Equal((DebtKind.Recovery, "LINE_RECOVERED", "SESSION_NOT_GIVEN"), (debt.Kind, debt.EntryCode, debt.Code));
        var release = (await ReadAsync(stay)).Release!;
        Assert.Equal((HospitalStayReleaseKind.Recovery, "LINE_RECOVERED", "SESSION_NOT_GIVEN", "The patient was never admitted."),
            (release.Kind, release.EntryCode, release.Code, release.Note));
        // Asked again, the recovery answers its debt; the stay is released once.
        Assert.Equal(debt.Id, (await (await RecoverAsync(Client(Reviewer), memoirId, line, code: "SESSION_NOT_GIVEN")).ExpectAsync<ProviderDebtDto>(HttpStatusCode.Created)).Id);
        await (await ReverseAsync(Client(Hospital1), memoirId, line)).ExpectProblemAsync(HttpStatusCode.Conflict, "line_already_taken_back");

        var corrected = await RecordAsync("2026-11-10", "2026-11-12", "HOP02");
        Assert.Equal(HospitalStayStatus.Accepted, corrected.Status);
        Assert.Equal(3, await CounterAsync(2026));
    }

    [Fact]
    public async Task Lif04_reversing_an_operation_line_leaves_the_stay_standing()
    {
        var stay = await RecordAsync("2026-11-16", "2026-11-20", "HOP02");
        await PayAsync();
        var memoir = await SettlementAsync(stay);
        var operation = memoir.Lines.Single(l => l.ActCode == "HOP02").LineNumber;
        await (await ReverseAsync(Client(Hospital1), memoir.Id.ToString(), operation)).ExpectAsync<ProviderDebtDto>(HttpStatusCode.Created);

        var standing = await ReadAsync(stay);
        Assert.Equal((HospitalStayStatus.Accepted, null), (standing.Status, standing.Release));
        Assert.Equal(["HOSPITAL_STAY_OVERLAP"], Codes(await RecordAsync("2026-11-16", "2026-11-20")));
        Assert.Equal(5, await CounterAsync(2026));
        var fees = await Client(Doctor1).BillAsync("DR-OP-REV", [FeeLine(stay.Id.ToString(), Adult, "2026-11-17", "DV01", 42.00m)]);
        Assert.Equal(LineOutcome.Accepted, fees.Line(1).Outcome);
    }

    /// <summary>
    /// A released stay no longer stands, and nor do its operations: they are taken back with the stay days, else the
    /// corrected stay's settlement would pay them a second time (helper's doubt, stop 67).
    /// </summary>
    [Fact]
    public async Task Lif04_releasing_a_stay_takes_back_the_operations_its_settlement_paid()
    {
        var stay = await RecordAsync("2026-11-09", "2026-11-13", "HOP02");
        await PayAsync();
        var paid = await SettlementAsync(stay);
        var operation = paid.Lines.Single(l => l.ActCode == "HOP02");
        Assert.True(operation.Payment?.PaidAmount > 0m);

        await ReverseStayAsync(stay);

        var after = await SettlementAsync(stay);
        Assert.All(after.Lines.Where(l => l.PayableAmount > 0m), l => Assert.NotNull(l.ReleasedAt));
        // Reversing the operation again answers the debt the release made (a reversal asked twice is one debt).
        var again = await (await ReverseAsync(Client(Hospital1), after.Id.ToString(), operation.LineNumber)).ExpectAsync<ProviderDebtDto>(HttpStatusCode.Created);
        Assert.Equal((operation.Payment!.PaidAmount, "LINE_REVERSED"), (again.Amount, again.Code));
        Assert.StartsWith("Taken back with line ", again.Note);
        var feed = await GetAsync<CnsExchange.Application.Features.Events.EventPage>(Client(Hospital1), "/api/v1/events?types=fee_memoir_line.reversed&limit=200");
        var lines = feed.Items.Where(e => e.Resource.Id == after.Id).Select(e => e.Data.GetProperty("lineNumber").GetInt32()).Order().ToList();
        Assert.Equal(after.Lines.Where(l => l.PayableAmount > 0m).Select(l => l.LineNumber).Order().ToList(), lines);
    }

    [Fact]
    public async Task Hos04_doctors_fees_for_a_released_stay_are_refused_and_fees_paid_before_stay_paid()
    {
        var stay = await RecordAsync("2026-11-16", "2026-11-20");
        var paidFees = await Client(Doctor1).BillAsync("DR-REL-1", [FeeLine(stay.Id.ToString(), Adult, "2026-11-17", "DV01", 42.00m)]);
        Assert.Equal(LineOutcome.Accepted, paidFees.Line(1).Outcome);
        await PayAsync();
        await ReverseStayAsync(stay);

        var late = await Client(Doctor1).BillAsync("DR-REL-2", [FeeLine(stay.Id.ToString(), Adult, "2026-11-18", "DV01", 42.00m)]);
        Assert.Equal(LineOutcome.Refused, late.Line(1).Outcome);
        Assert.Equal(["HOSPITAL_STAY_RELEASED"], late.Line(1).ReasonCodes());
        Assert.Equal(("LIF-04", "2026-11-30"), (late.Line(1).Reasons[0].Rule, late.Line(1).Reasons[0].Detail));
        Assert.Equal(0m, late.Line(1).PayableAmount);
        var simulated = await (await Client(Doctor1).PostJsonAsync("/api/v1/fee-memoirs/simulations",
            new { memoirReference = "DR-REL-3", lines = new[] { FeeLine(stay.Id.ToString(), Adult, "2026-11-19", "DV01", 42.00m) } }))
            .ExpectAsync<FeeMemoirSimulationDto>(HttpStatusCode.OK);
        Assert.Equal(["HOSPITAL_STAY_RELEASED"], LineOf(simulated, 1).ReasonCodes());

        // The insured's route (INS-08) reads the stay the same way.
        var claim = await Reimbursement.ClaimApi.ClaimAsync(Client(Reimbursement.ClaimApi.InsuredApp), new
        {
            kind = "doctor_fees", matricule = Adult, providerCode = "DOC0001", hospitalStayId = stay.Id,
            invoice = new { number = "DR-REL-INV", date = "2026-11-22" },
            fees = new[] { new { date = "2026-11-19", actCode = "DV01", amountPaid = 42.00m } },
        });
        Assert.Equal(["HOSPITAL_STAY_RELEASED"], Reimbursement.ClaimApi.Codes(Reimbursement.ClaimApi.Line(claim, 1)));
        Assert.Equal(0m, claim.ReimbursedTotal);

        // The fee paid before the release is left alone: still paid, not released (it can be reversed on its own).
        var paid = LineOf(await GetAsync<FeeMemoirDto>(Client(Doctor1), $"/api/v1/fee-memoirs/{paidFees.Id}"), 1);
        Assert.Equal((LineOutcome.Accepted, 42.00m), (paid.Outcome, paid.Payment!.PaidAmount));
        Assert.Null(paid.ReleasedAt);
    }

    [Fact]
    public async Task Lif04_a_stay_recorded_while_the_overlapping_stay_is_reversed_gets_one_consistent_answer()
    {
        // Six paid stays of three days; each is reversed while a stay for the same dates is recorded, all at once.
        var months = Enumerable.Range(3, 6).ToList();
        var old = new List<HospitalStayDto>();
        foreach (var month in months) old.Add(await RecordAsync($"2026-{month:00}-10", $"2026-{month:00}-12"));
        await PayAsync();
        var lines = new List<(string MemoirId, int Line)>();
        foreach (var stay in old) lines.Add(await StayLineAsync(stay));

        var reversals = lines.Select(l => ReverseAsync(Client(Hospital1), l.MemoirId, l.Line)).ToList();
        // Sent a little later each, so that some corrections meet the release before it and some after it.
        var corrections = months.Select(async (m, i) =>
        {
            await Task.Delay(i * 150);
            return await Client(Hospital1).PostJsonAsync("/api/v1/hospital-stays", Body($"2026-{m:00}-10", $"2026-{m:00}-12"));
        }).ToList();
        await Task.WhenAll(reversals.Concat(corrections));

        foreach (var response in reversals) await (await response).ExpectAsync<ProviderDebtDto>(HttpStatusCode.Created);
        var answers = new List<HospitalStayDto>();
        foreach (var response in corrections) answers.Add(await (await response).ExpectAsync<HospitalStayDto>(HttpStatusCode.Created));
        // Each correction came before the release (refused: overlap) or after it (accepted, its 3 days charged); never in between.
        foreach (var answer in answers)
            Assert.True(answer.Status == HospitalStayStatus.Accepted ? answer.Participation!.DaysCharged == 3 : Codes(answer).SequenceEqual(["HOSPITAL_STAY_OVERLAP"]),
                $"{answer.AdmissionDate}: {answer.Status} {string.Join(",", Codes(answer))}");
        foreach (var stay in old) Assert.Equal(HospitalStayStatus.Released, (await ReadAsync(stay)).Status);
        // The ceiling counts exactly the days of the stays that still stand.
        var accepted = answers.Count(a => a.Status == HospitalStayStatus.Accepted);
        Assert.Equal(3 * accepted, await CounterAsync(2026));

        // The corrections refused in the race go through now.
        foreach (var refused in answers.Where(a => a.Status == HospitalStayStatus.Refused))
            Assert.Equal(HospitalStayStatus.Accepted, (await RecordAsync($"{refused.AdmissionDate:yyyy-MM-dd}", $"{refused.DischargeDate:yyyy-MM-dd}")).Status);
        Assert.Equal(3 * months.Count, await CounterAsync(2026));
    }
}
