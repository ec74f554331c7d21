using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Features.Billing;
using System.Text.Json.Nodes;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.Application.Features.Cures;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Payments;
using static CnsExchange.IntegrationTests.CareAuthorisations.CareTestSupport;
using static CnsExchange.IntegrationTests.OtherBilling.OtherBillingSupport;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.CareAuthorisations;

/// <summary>Issue 21: cure interruptions through HTTP — medical, accepted by a reviewer (CUR-10), and without valid reason (CUR-09).</summary>
public sealed class CureInterruptionTests(ApiFactory api) : ApiTest(api)
{
    private static readonly DateOnly FirstSession = new(2026, 12, 1);

    private Task<HttpResponseMessage> ReportAsync(Guid id, object body, string key = Thermal1) =>
        Client(key).PostJsonAsync($"{CureUrl}/{id}/medical-interruptions", body);

    /// <summary>The treating doctor's certificate attached to the cure (purpose by default: the cure's interruption waits for it).</summary>
    private async Task AttachCertificateAsync(Guid cureId) =>
        await (await Lifecycle.AttachmentTests.AttachAsync(Client(Thermal1), $"{CureUrl}/{cureId}", Validation.ValidationTestSupport.Pdf("certificate")))
            .ExpectAsync(HttpStatusCode.Created);

    /// <summary>An interruption reported, decided or recorded (200): the cure as it then stands.</summary>
    private static async Task<CureAuthorisationDto> CureAfterAsync(Task<HttpResponseMessage> call) =>
        await (await call).ExpectAsync<CureAuthorisationDto>(HttpStatusCode.OK);

    [Fact]
    public async Task Cur10_medical_interruption_accepted_by_a_reviewer_extends_the_6_month_cycle_by_its_days()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: FirstSession));
        var id = cure.Id;
        var reported = await CureAfterAsync(ReportAsync(id, new { from = "2027-01-04", to = "2027-01-24", certificateReference = "CERT-42 Dr Weber" }));
        var interruption = reported.Interruptions[0];
        Assert.Equal((CureInterruptionKind.Medical, CureInterruptionStatus.Pending, 21, "CERT-42 Dr Weber", "DOCUMENT_MISSING"),
            (interruption.Kind, interruption.Status, interruption.Days, interruption.CertificateReference, string.Join(",", interruption.ReasonCodes)));

        // LIF-07: not accepted before the certificate itself is attached; the agreed cure takes it, and no other document.
        await (await Client(Reviewer).PostJsonAsync($"{CureUrl}/{id}/medical-interruptions/1/decision", new { accepted = true }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "document_missing");
        await (await Lifecycle.AttachmentTests.AttachAsync(Client(Thermal1), $"{CureUrl}/{id}", Validation.ValidationTestSupport.Pdf("report"), "other"))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "request_already_decided");
        await AttachCertificateAsync(id);
        var certified = await (await Client(Thermal1).GetAsync($"{CureUrl}/{id}")).ExpectAsync<CureAuthorisationDto>(HttpStatusCode.OK);
        Assert.Empty(certified.Interruptions[0].ReasonCodes);
        Assert.NotNull(certified.Interruptions[0].CertificateAttachmentId);
        Assert.Contains(certified.History, h => h.Action == "medical_certificate_received");
        // With nothing left waiting, the cure takes no more documents.
        await (await Lifecycle.AttachmentTests.AttachAsync(Client(Thermal1), $"{CureUrl}/{id}", Validation.ValidationTestSupport.Pdf("again")))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "request_already_decided");

        // The centre cannot decide; the reviewer accepts.
        await (await Client(Thermal1).PostJsonAsync($"{CureUrl}/{id}/medical-interruptions/1/decision", new { accepted = true }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var accepted = await CureAfterAsync(Client(Reviewer).PostJsonAsync($"{CureUrl}/{id}/medical-interruptions/1/decision", new { accepted = true, note = "ok" }));
        Assert.Equal((CureInterruptionStatus.Accepted, 21), (accepted.Interruptions[0].Status, accepted.Authorisation!.InterruptionDays));
        await (await Client(Reviewer).PostJsonAsync($"{CureUrl}/{id}/medical-interruptions/1/decision", new { accepted = false }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "interruption_already_decided");

        // Billing: the 6-month window (to 2027-05-31) grows by 21 days, to 2027-06-21.
        Api.MoveTo(new DateOnly(2027, 6, 25));
        var voucher = cure.Voucher!.Number;
        var memoir = await Client(Thermal1).BillAsync("THE-CUR10", [
            VoucherLine(voucher, Adult, FirstSession, "T200", 35.00m),
            VoucherLine(voucher, Adult, new DateOnly(2027, 6, 21), "T200", 35.88m),
            VoucherLine(voucher, Adult, new DateOnly(2027, 6, 22), "T200", 35.88m),
        ]);
        Assert.Equal((LineOutcome.Accepted, LineOutcome.Accepted, LineOutcome.Refused), (memoir.Line(1).Outcome, memoir.Line(2).Outcome, memoir.Line(3).Outcome));
        var late = memoir.Line(3).Reasons[0]!;
        Assert.Equal(("AUTHORISATION_EXPIRED", "CUR-10", "2027-06-21"), (late.Code, late.Rule, late.Detail));
    }

    [Fact]
    public async Task Cur10_a_report_sent_again_with_its_idempotency_key_answers_the_first_and_adds_no_second_interruption()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: FirstSession));
        var body = new { from = "2027-01-04", to = "2027-01-10", certificateReference = "CERT-7" };
        Task<HttpResponseMessage> Report(object b) => Lifecycle.LifecycleApi.PostAsync(Client(Thermal1), $"{CureUrl}/{cure.Id}/medical-interruptions", b, "interruption-7");
        var first = await (await Report(body)).ExpectAsync<CureAuthorisationDto>(HttpStatusCode.OK);
        var again = await Report(body);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single((await again.ExpectAsync<CureAuthorisationDto>(HttpStatusCode.OK)).Interruptions);
        await (await Report(new { from = "2027-01-04", to = "2027-01-11", certificateReference = "CERT-7" }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        var stored = await (await Client(Thermal1).GetAsync($"{CureUrl}/{cure.Id}")).ExpectAsync<CureAuthorisationDto>(HttpStatusCode.OK);
        Assert.Equal(first.Interruptions.Single().Sequence, Assert.Single(stored.Interruptions).Sequence);
    }

    [Fact]
    public async Task Cur10_a_rejected_interruption_leaves_the_cycle_and_other_cures_or_bad_input_are_refused_clearly()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: FirstSession));
        await (await ReportAsync(cure.Id, new { from = "2027-01-04", to = "2027-01-10", certificateReference = "CERT-1" })).ExpectAsync(HttpStatusCode.OK);
        var rejected = await CureAfterAsync(Client(Reviewer).PostJsonAsync($"{CureUrl}/{cure.Id}/medical-interruptions/1/decision", new { accepted = false }));
        Assert.Equal((CureInterruptionStatus.Rejected, 0), (rejected.Interruptions[0].Status, rejected.Authorisation!.InterruptionDays));

        var fango = await Client(Thermal1).CureAsync(Cure("T260", MondorfResident));
        await (await ReportAsync(fango.Id, new { from = "2027-01-04", to = "2027-01-10", certificateReference = "CERT-2" }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "interruption_not_applicable");
        var problem = await (await ReportAsync(cure.Id, new { from = "2027-01-04", to = "2027-01-03" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["to"]);
        Assert.NotNull(problem["errors"]!["certificateReference"]);
        // Another centre's cure is not found.
        await (await ReportAsync(cure.Id, new { from = "2027-01-04", to = "2027-01-10", certificateReference = "CERT-3" }, Rehab1))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Cur09_interruption_without_valid_reason_refuses_every_session_billed_later_CURE_INTERRUPTED()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: FirstSession));
        var voucher = cure.Voucher!.Number;
        Api.MoveTo(new DateOnly(2026, 12, 10));
        var before = await Client(Thermal1).BillAsync("THE-CUR09-1", [VoucherLine(voucher, Adult, FirstSession, "T200", 35.00m)]);
        Assert.Equal(LineOutcome.Accepted, before.Line(1).Outcome);

        var future = await (await Client(Thermal1).PostJsonAsync($"{CureUrl}/{cure.Id}/interruption", new { from = "2026-12-11" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(future["errors"]!["from"]);
        var recorded = await CureAfterAsync(Client(Reviewer).PostJsonAsync($"{CureUrl}/{cure.Id}/interruption", new { from = "2026-12-08", note = "no show" }));
        Assert.Equal((CureInterruptionKind.WithoutValidReason, CureInterruptionStatus.Recorded), (recorded.Interruptions[0].Kind, recorded.Interruptions[0].Status));
        Assert.Equal(new DateOnly(2026, 12, 8), recorded.Authorisation!.InterruptedOn);

        var after = await Client(Thermal1).BillAsync("THE-CUR09-2", [
            VoucherLine(voucher, Adult, new DateOnly(2026, 12, 7), "T200", 35.00m),
            VoucherLine(voucher, Adult, new DateOnly(2026, 12, 8), "T200", 35.00m),
        ]);
        // The cure is not covered: a session dated before the interruption and billed after it is refused too (audit s66).
        Assert.Equal(["CURE_INTERRUPTED"], after.Line(1).ReasonCodes());
        Assert.Equal(["CURE_INTERRUPTED"], after.Line(2).ReasonCodes());
        Assert.Equal("CUR-09", after.Line(2).Reasons[0].Rule);
        // The session billed before the interruption, not paid yet, will be paid nothing.
        var settled = await (await Client(Thermal1).GetAsync($"/api/v1/fee-memoirs/{before.Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal((0m, "CURE_INTERRUPTED"), (settled.Line(1).PayableAmount, settled.Line(1).Reasons[^1].Code));
    }

    [Fact]
    public async Task Cur09_every_paid_session_of_the_cure_is_recovered_CURE_INTERRUPTED_and_netted_by_the_next_run()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: FirstSession));
        var voucher = cure.Voucher!.Number;
        Api.MoveTo(new DateOnly(2026, 12, 3));
        var memoir = await Client(Thermal1).BillAsync("THE-CUR09-PAID", [
            VoucherLine(voucher, Adult, FirstSession, "T200", 35.00m),
            VoucherLine(voucher, Adult, new DateOnly(2026, 12, 2), "T200", 35.00m),
            VoucherLine(voucher, Adult, new DateOnly(2026, 12, 3), "T200", 35.00m),
        ]);
        Assert.Equal([LineOutcome.Accepted, LineOutcome.Accepted, LineOutcome.Accepted], new[] { 1, 2, 3 }.Select(n => memoir.Line(n).Outcome));
        var memoirUrl = $"/api/v1/fee-memoirs/{memoir.Id}";
        await SetClockAsync(Client(Admin), Local("2026-12-07", 3));
        var paid = await (await Client(Thermal1).GetAsync(memoirUrl)).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        var paidAmounts = new[] { 1, 2, 3 }.Select(n => paid.Line(n).Payment!.PaidAmount!.Value).ToList();
        Assert.All(paidAmounts, a => Assert.True(a > 0m));

        // Recorded on 7 December, the interruption dates from 2 December: the cure is not covered, every session paid is recovered.
        await (await Client(Reviewer).PostJsonAsync($"{CureUrl}/{cure.Id}/interruption", new { from = "2026-12-02", note = "no show since" }))
            .ExpectAsync(HttpStatusCode.OK);
        var after = await (await Client(Thermal1).GetAsync(memoirUrl)).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal((true, true, true), (after.Line(1).ReleasedAt is not null, after.Line(2).ReleasedAt is not null, after.Line(3).ReleasedAt is not null));

        await SetClockAsync(Client(Admin), Local("2026-12-14", 3));
        var next = (await AllAsync<PaymentRunSummaryDto>(Client(Thermal1), "/api/v1/payment-runs")).First();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/return-files/{next.ReturnFileId!.Value}");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        var returnFile = await (await Client(Thermal1).SendAsync(request)).ExpectAsync(HttpStatusCode.OK);
        var debts = returnFile["debts"]!.AsArray().Select(d => (d!["entry"]!.GetValue<string>(), d["code"]!.GetValue<string>(),
            d["lineNumber"]!.GetValue<int>(), d["amount"]!.GetValue<decimal>())).OrderBy(d => d.Item3).ToList();
        Assert.Equal([("LINE_RECOVERED", "CURE_INTERRUPTED", 1, paidAmounts[0]), ("LINE_RECOVERED", "CURE_INTERRUPTED", 2, paidAmounts[1]),
            ("LINE_RECOVERED", "CURE_INTERRUPTED", 3, paidAmounts[2])], debts);
    }

    [Fact]
    public async Task Cur09_sessions_billed_and_not_yet_paid_are_paid_nothing_and_the_return_file_says_why()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: FirstSession));
        var voucher = cure.Voucher!.Number;
        Api.MoveTo(new DateOnly(2026, 12, 3));
        var memoir = await Client(Thermal1).BillAsync("THE-CUR09-UNPAID", [
            VoucherLine(voucher, Adult, FirstSession, "T200", 35.00m),
            VoucherLine(voucher, Adult, new DateOnly(2026, 12, 2), "T200", 35.00m),
            VoucherLine(voucher, Adult, new DateOnly(2026, 12, 3), "T200", 35.00m),
        ]);
        Assert.All(memoir.Lines, l => Assert.True(l.PayableAmount > 0m));

        // Recorded before any payment run took them: none of the cure's sessions will be paid.
        await (await Client(Reviewer).PostJsonAsync($"{CureUrl}/{cure.Id}/interruption", new { from = "2026-12-02", note = "no show since" }))
            .ExpectAsync(HttpStatusCode.OK);
        var memoirUrl = $"/api/v1/fee-memoirs/{memoir.Id}";
        var stopped = await (await Client(Thermal1).GetAsync(memoirUrl)).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal((0m, 0m, 0m), (stopped.Line(1).PayableAmount, stopped.Line(2).PayableAmount, stopped.Line(3).PayableAmount));
        Assert.Equal([.. memoir.Line(2).ReasonCodes(), "CURE_INTERRUPTED"], stopped.Line(2).ReasonCodes());
        Assert.Equal([.. memoir.Line(1).ReasonCodes(), "CURE_INTERRUPTED"], stopped.Line(1).ReasonCodes());

        await SetClockAsync(Client(Admin), Local("2026-12-07", 3));
        var paid = await (await Client(Thermal1).GetAsync(memoirUrl)).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal((0m, 0m, 0m), (paid.Line(1).Payment!.PaidAmount, paid.Line(2).Payment!.PaidAmount, paid.Line(3).Payment!.PaidAmount));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/return-files/{paid.Line(1).Payment!.ReturnFileId}");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        var returnFile = await (await Client(Thermal1).SendAsync(request)).ExpectAsync(HttpStatusCode.OK);
        var listed = returnFile["lines"]!.AsArray()
            .Where(l => l!["memoirReference"]?.GetValue<string>() == "THE-CUR09-UNPAID" || l!["memoirId"]?.GetValue<string>() == memoir.Id.ToString())
            .Select(l => (l!["lineNumber"]!.GetValue<int>(), l["paidAmount"]!.GetValue<decimal>(), l["reasons"]!.AsArray().Select(r => r!["code"]!.GetValue<string>()).ToList()))
            .OrderBy(l => l.Item1).ToList();
        Assert.Equal([1, 2, 3], listed.Select(l => l.Item1));
        Assert.All(listed, l => Assert.Equal((0m, true), (l.Item2, l.Item3.Contains("CURE_INTERRUPTED"))));
    }

    [Fact]
    public async Task Cur09_an_interruption_waits_while_an_open_payment_run_holds_a_session_then_recovers_it_once_paid()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: FirstSession));
        var voucher = cure.Voucher!.Number;
        Api.MoveTo(new DateOnly(2026, 12, 3));
        var memoir = await Client(Thermal1).BillAsync("THE-CUR09-OPEN", [
            VoucherLine(voucher, Adult, FirstSession, "T200", 35.00m),
            VoucherLine(voucher, Adult, new DateOnly(2026, 12, 2), "T200", 35.00m),
        ]);
        Api.MoveTo(new DateOnly(2026, 12, 7));
        await using (await Api.PausePaymentRunTickAsync())
        {
            // A run takes the lines and stops before paying them (a crash between its steps).
            var runId = await CreateSlotRunAsync(Api, new DateOnly(2026, 12, 7));
            Api.PaymentRunFaults.ArmHere(PaymentRunFaultPoints.BeforeBuildOrders);
            Assert.IsType<SimulatedCrashException>(await Record.ExceptionAsync(() => ExecuteAsync(Api, runId)));

            var interruption = new { from = "2026-12-02", note = "no show since" };
            var problem = await (await Client(Reviewer).PostJsonAsync($"{CureUrl}/{cure.Id}/interruption", interruption))
                .ExpectProblemAsync(HttpStatusCode.Conflict, "payment_run_in_progress");
            Assert.Contains("2026-12-01", problem["detail"]!.GetValue<string>());
            var unchanged = await (await Client(Thermal1).GetAsync($"{CureUrl}/{cure.Id}")).ExpectAsync<CureAuthorisationDto>(HttpStatusCode.OK);
            Assert.Empty(unchanged.Interruptions); // nothing half-stored

            Assert.Equal(PaymentRunStatus.Closed, await ExecuteAsync(Api, runId));
            await (await Client(Reviewer).PostJsonAsync($"{CureUrl}/{cure.Id}/interruption", interruption)).ExpectAsync(HttpStatusCode.OK);
        }
        var after = await (await Client(Thermal1).GetAsync($"/api/v1/fee-memoirs/{memoir.Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal((true, true), (after.Line(1).ReleasedAt is not null, after.Line(2).ReleasedAt is not null));
        Assert.True(after.Line(2).Payment!.PaidAmount > 0m);
    }

    [Fact]
    public async Task Cur10_and_cur09_interruption_operations_have_examples_that_work_as_is()
    {
        var swagger = await (await Client(null).GetAsync("/swagger/v1/swagger.json")).ExpectAsync(HttpStatusCode.OK);
        JsonNode Example(string schema) => swagger["components"]!["schemas"]![schema]!["example"]!;
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: FirstSession));
        var reported = await CureAfterAsync(Client(Thermal1).PostJsonAsync($"{CureUrl}/{cure.Id}/medical-interruptions", Example("MedicalInterruptionInput")));
        Assert.Equal(CureInterruptionStatus.Pending, reported.Interruptions[0].Status);
        await AttachCertificateAsync(cure.Id);
        await (await Client(Reviewer).PostJsonAsync($"{CureUrl}/{cure.Id}/medical-interruptions/1/decision", Example("InterruptionDecisionInput")))
            .ExpectAsync(HttpStatusCode.OK);
        await (await Client(Thermal1).PostJsonAsync($"{CureUrl}/{cure.Id}/interruption", Example("CureInterruptionInput"))).ExpectAsync(HttpStatusCode.OK);
    }
}
