using CnsExchange.Domain.Billing;
using static CnsExchange.Domain.Tests.Billing.BillingFixture;

namespace CnsExchange.Domain.Tests.Billing;

/// <summary>RULES.md §9 (LIF-01…LIF-05): cancel, void, replace, reverse and recover, netting.</summary>
public sealed class LifecycleRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Service = Guid.Parse("00000000-0000-0000-0000-0000000000d1");
    private static readonly Guid OtherService = Guid.Parse("00000000-0000-0000-0000-0000000000d2");

    [Theory]
    [InlineData(false, LineOutcome.Accepted)]
    [InlineData(true, LineOutcome.Refused)]
    public void Lif01_a_line_on_a_cancelled_voucher_is_refused(bool cancelled, LineOutcome outcome)
    {
        var voucher = Voucher();
        if (cancelled) voucher.CancelledAt = Now;
        var decision = Adjudicate(Facts(voucher: voucher));
        Assert.Equal(outcome, decision.Outcome);
        if (cancelled)
        {
            var reason = Assert.Single(decision.Reasons);
            Assert.Equal(("VOUCHER_CANCELLED", VoucherCancellation.Rule, "2026-11-24"), (reason.Code, reason.Rule, reason.Detail));
        }
    }

    [Fact]
    public void Lif01_a_travel_allowance_line_on_a_cancelled_voucher_is_refused_too()
    {
        var voucher = Voucher(travel: true);
        voucher.CancelledAt = Now;
        var decision = Adjudicate(Facts(act: "ZKD1", claimed: 5m, voucher: voucher));
        Assert.Equal(LineOutcome.Refused, decision.Outcome);
        Assert.Contains("VOUCHER_CANCELLED", Codes(decision));
    }

    [Theory]
    [InlineData(0, false, null)]
    [InlineData(0, true, null)]
    [InlineData(1, false, "voucher_has_accepted_sessions")]
    [InlineData(3, true, null)] // a reviewer may cancel any voucher
    public void Lif01_only_a_voucher_without_accepted_sessions_is_cancelled_by_its_provider(int paid, bool reviewer, string? code) =>
        Assert.Equal(code, VoucherCancellation.WhyNotCancellable(paid, reviewer)?.Code);

    private static FeeMemoirLine Line(LineOutcome outcome, Guid? service = null, bool travelAllowance = false, Guid? run = null, decimal? paid = null,
        DateTimeOffset? released = null) => new()
    {
        Matricule = Matricule,
        ActCode = "ZK11",
        Outcome = outcome,
        VoucherServiceId = outcome == LineOutcome.Refused || travelAllowance ? null : service ?? Service,
        TravelAllowance = travelAllowance,
        PaymentRunId = run,
        PaidAmount = paid,
        ReleasedAt = released,
    };

    private static FeeMemoirLine[] Lines(string kinds) => kinds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(k => k switch
    {
        "A" => Line(LineOutcome.Accepted),
        "A2" => Line(LineOutcome.Accepted, OtherService),
        "R" => Line(LineOutcome.Reduced),
        "X" => Line(LineOutcome.Refused),
        "T" => Line(LineOutcome.Accepted, travelAllowance: true),
        "released" => Line(LineOutcome.Accepted, released: Now.AddDays(-1)),
        _ => throw new ArgumentException(k),
    }).ToArray();

    [Theory]
    [InlineData("A,A,X", 2, 0)]
    [InlineData("A,R,A2", 2, 1)]
    [InlineData("X,X", 0, 0)]
    [InlineData("A,T", 1, 0)]          // a travel allowance line consumed no session
    [InlineData("A,released", 1, 0)]   // a line released earlier gives nothing back twice
    public void Lif02_voiding_releases_every_line_and_gives_back_the_sessions_paid_lines_held(string kinds, int back, int backOther)
    {
        var memoir = new FeeMemoir { Reference = "F-1", Status = FeeMemoirStatus.Adjudicated };
        var lines = Lines(kinds);
        Assert.Null(MemoirVoiding.WhyNotVoidable(memoir, lines));
        var given = MemoirVoiding.Void(memoir, lines, Now);
        Assert.Equal(back, given.GetValueOrDefault(Service));
        Assert.Equal(backOther, given.GetValueOrDefault(OtherService));
        Assert.Equal(FeeMemoirStatus.Voided, memoir.Status);
        Assert.All(lines, l => Assert.NotNull(l.ReleasedAt));
        Assert.All(lines, l => Assert.False(PaidLines.Holds(l)));
    }

    [Theory]
    [InlineData(FeeMemoirStatus.Adjudicated, false, null)]
    [InlineData(FeeMemoirStatus.InPaymentRun, true, "memoir_in_payment_run")]
    [InlineData(FeeMemoirStatus.Paid, true, "memoir_in_payment_run")]
    [InlineData(FeeMemoirStatus.Adjudicated, true, "memoir_in_payment_run")] // a run took a line, the status not written yet
    public void Lif02_a_memoir_can_be_voided_only_before_a_payment_run_takes_a_line(FeeMemoirStatus status, bool taken, string? code)
    {
        var memoir = new FeeMemoir { Id = Guid.NewGuid(), Reference = "F-1", Status = status };
        var why = MemoirVoiding.WhyNotVoidable(memoir, [Line(LineOutcome.Accepted, run: taken ? Guid.NewGuid() : null)]);
        Assert.Equal(code, why?.Code);
        if (why is not null) Assert.Contains($"/api/v1/fee-memoirs/{memoir.Id}/lines/{{lineNumber}}/reversal", why.Value.Message); // points to reversal
    }

    [Theory]
    [InlineData(FeeMemoirSource.Api, FeeMemoirStatus.Adjudicated, null)]
    [InlineData(FeeMemoirSource.File, FeeMemoirStatus.Adjudicated, null)]
    // LIF-02 names no exception: the settlement of a hospital stay not yet in a run is voided too (it releases its stay).
    [InlineData(FeeMemoirSource.HospitalStay, FeeMemoirStatus.Adjudicated, null)]
    [InlineData(FeeMemoirSource.HospitalStay, FeeMemoirStatus.InPaymentRun, "memoir_in_payment_run")]
    public void Lif02_every_memoir_a_run_has_not_taken_is_voided_a_hospital_stays_settlement_too(FeeMemoirSource source, FeeMemoirStatus status, string? code) =>
        Assert.Equal(code, MemoirVoiding.WhyNotVoidable(new FeeMemoir { Reference = "H-1", Source = source, Status = status }, [])?.Code);

    [Theory]
    [InlineData(FeeMemoirSource.Api, FeeMemoirStatus.Adjudicated, null)]
    [InlineData(FeeMemoirSource.Api, FeeMemoirStatus.Voided, "memoir_voided")]
    [InlineData(FeeMemoirSource.Api, FeeMemoirStatus.InPaymentRun, "memoir_in_payment_run")]
    [InlineData(FeeMemoirSource.HospitalStay, FeeMemoirStatus.Adjudicated, "memoir_not_replaceable")] // a corrected stay is recorded, not billed
    public void Lif03_only_a_memoir_that_can_be_voided_can_be_replaced(FeeMemoirSource source, FeeMemoirStatus status, string? code) =>
        Assert.Equal(code, MemoirReplacement.WhyNotReplaceable(new FeeMemoir { Reference = "F-1", Source = source, Status = status }, []) ?.Code);

    [Fact]
    public void Lif02_a_void_keeps_its_reason()
    {
        var memoir = new FeeMemoir { Reference = "F-1", Status = FeeMemoirStatus.Adjudicated };
        MemoirVoiding.Void(memoir, [], DateTimeOffset.UnixEpoch, "  Wrong patient.  ");
        Assert.Equal((FeeMemoirStatus.Voided, DateTimeOffset.UnixEpoch, "Wrong patient."), (memoir.Status, memoir.VoidedAt, memoir.VoidReason));
    }

    [Theory]
    [InlineData(LineOutcome.Accepted, false, null, "line_not_paid")]  // not taken by a run
    [InlineData(LineOutcome.Accepted, true, null, "line_not_paid")]   // taken (its amount set), the run not closed yet
    [InlineData(LineOutcome.Refused, true, "0", "line_not_paid")]     // reported, nothing paid
    [InlineData(LineOutcome.Accepted, true, "25.76", null)]
    [InlineData(LineOutcome.Reduced, true, "10.00", null)]
    public void Lif04_only_a_line_a_payment_run_paid_can_be_reversed_or_recovered(LineOutcome outcome, bool taken, string? paid, string? code) =>
        // paid: the amount of a line whose run is closed; a taken line of an open run has its amount already (issue 24).
        Assert.Equal(code, LineReversal.WhyNotReversible(
            Line(outcome, run: taken ? Guid.NewGuid() : null, paid: paid is null ? taken ? 25.76m : null : decimal.Parse(paid, System.Globalization.CultureInfo.InvariantCulture)),
            runClosed: paid is not null)?.Code);

    [Theory]
    [InlineData(DebtKind.Reversal, "LINE_REVERSED")]
    [InlineData(DebtKind.Recovery, "LINE_RECOVERED")]
    public void Lif04_the_return_file_entry_code_follows_who_took_the_money_back(DebtKind kind, string code) =>
        Assert.Equal(code, LineReversal.EntryCode(kind));

    [Fact]
    public void Lif04_releasing_a_paid_line_gives_its_session_back_once()
    {
        var line = Line(LineOutcome.Accepted, run: Guid.NewGuid(), paid: 25.76m);
        Assert.Equal(Service, LineReversal.Release(line, Now));
        Assert.Equal(Now, line.ReleasedAt);
        Assert.Null(LineReversal.Release(line, Now.AddDays(1)));
        Assert.Equal(Now, line.ReleasedAt);
        Assert.Contains("DOUBLE_FINANCING", LineReversal.RecoveryCodes);
        Assert.Contains("CURE_INTERRUPTED", LineReversal.RecoveryCodes);
    }

    [Theory]
    // brought forward, new debts, accepted → order, carried forward
    [InlineData("0", "0", "100.00", "100.00", "0")]
    [InlineData("0", "25.76", "100.00", "74.24", "0")]
    [InlineData("0", "25.76", "25.76", "0", "0")]          // exactly even: no transfer, nothing carried
    [InlineData("0", "60.00", "25.76", "0", "34.24")]      // debt larger: no transfer, the rest carried
    [InlineData("34.24", "0", "100.00", "65.76", "0")]     // a debt brought forward is netted next time
    [InlineData("34.24", "10.00", "20.00", "0", "24.24")]
    [InlineData("34.24", "0", "0", "0", "34.24")]          // nothing new: carried on whole
    public void Lif05_a_run_nets_debts_against_new_amounts_never_a_negative_transfer(string brought, string debts, string accepted, string order, string carried)
    {
        static decimal D(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var result = DebtNetting.Net(D(brought), D(debts), D(accepted));
        Assert.Equal((D(order), D(carried)), (result.OrderAmount, result.CarriedForward));
        Assert.True(result.OrderAmount >= 0m);
        // The books balance: what was owed either went into the netting or is carried on.
        Assert.Equal(result.Accepted - result.OrderAmount, result.BroughtForward + result.Debts - result.CarriedForward);
    }

    [Fact]
    public void Lif05_negative_figures_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DebtNetting.Net(0m, -1m, 10m));

    // ---- LIF-04 on a hospital stay ----------------------------------------------------------------------------------

    private static Domain.Hospital.HospitalStay SettledStay(Domain.Hospital.HospitalStayKind kind = Domain.Hospital.HospitalStayKind.Stationary) => new()
    {
        Id = Guid.Parse("00000000-0000-0000-0000-0000000005a1"),
        Matricule = "1983081246785",
        InsuredId = Guid.Parse("00000000-0000-0000-0000-0000000000c1"),
        Kind = kind,
        AdmissionDate = new DateOnly(2026, 12, 28),
        DischargeDate = new DateOnly(2027, 1, 3),
        CountryOfCare = "LU",
        Status = Domain.Hospital.HospitalStayStatus.Accepted,
        Lines =
        [
            new() { LineNumber = 1, Type = Domain.Hospital.StayLineType.StayDays, Code = Domain.Hospital.StayServices.TariffItem(kind) },
            new() { LineNumber = 2, Type = Domain.Hospital.StayLineType.Operation, Code = "HOP02" },
            new() { LineNumber = 3, Type = Domain.Hospital.StayLineType.AccompanyingBed, Code = Domain.Hospital.AccompanyingBed.TariffItem },
        ],
        ParticipationYears = [new() { Year = 2026, ChargedDays = 4 }, new() { Year = 2027, ChargedDays = 3 }],
    };

    [Theory]
    [InlineData(FeeMemoirSource.HospitalStay, "stationary_day", true)]
    [InlineData(FeeMemoirSource.HospitalStay, "HOP02", false)]                // an operation: its amount only
    [InlineData(FeeMemoirSource.HospitalStay, "accompanying_bed_day", false)] // the parent's bed: its amount only
    [InlineData(FeeMemoirSource.Api, "stationary_day", false)]                // not the stay's settlement
    public void Lif04_only_the_stay_days_line_of_the_stays_settlement_releases_the_stay(FeeMemoirSource source, string act, bool releases)
    {
        var stay = SettledStay();
        var line = new FeeMemoirLine { HospitalStayId = stay.Id, ActCode = act, Matricule = stay.Matricule };
        Assert.Equal(releases, StayRelease.ReleasesTheStay(source, line, stay));
        Assert.False(StayRelease.ReleasesTheStay(source, new FeeMemoirLine { HospitalStayId = Guid.NewGuid(), ActCode = act, Matricule = stay.Matricule }, stay));
    }

    [Theory]
    [InlineData(Domain.Hospital.HospitalStayKind.Stationary, 4, 3)]
    [InlineData(Domain.Hospital.HospitalStayKind.DayHospital, 0, 0)] // HOS-03 has no yearly ceiling: nothing to give back
    public void Lif04_a_released_stay_gives_back_the_participation_days_it_charged_in_each_year(Domain.Hospital.HospitalStayKind kind, int in2026, int in2027)
    {
        var stay = SettledStay(kind);
        var debt = Guid.NewGuid();
        var givenBack = StayRelease.Release(stay, debt, Now);
        Assert.Equal((in2026, in2027), (givenBack.GetValueOrDefault(2026), givenBack.GetValueOrDefault(2027)));
        Assert.Equal((Domain.Hospital.HospitalStayStatus.Released, (DateTimeOffset?)Now, (Guid?)debt), (stay.Status, stay.ReleasedAt, stay.ReleaseDebtId));
        Assert.Throws<InvalidOperationException>(() => StayRelease.Release(stay, debt, Now)); // released once
    }
}
