using CnsExchange.Domain.Billing;
using System.Globalization;
using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Cures;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Application.Features.Rehabilitation;
using System.Text;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Payments;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.Domain.Requests;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.CareAuthorisations.CareTestSupport;
using static CnsExchange.IntegrationTests.OtherBilling.OtherBillingSupport;

namespace CnsExchange.IntegrationTests.OtherBilling;

/// <summary>
/// Issue 7 item 4: the thermal centre bills cure sessions and the rehabilitation centre rehabilitation days through the
/// fee-memoir path, checked against the authorisation (dates, counts, year of validity, rate), into the lines that
/// payment runs pay and return files explain.
/// </summary>
public sealed class CureAndRehabilitationBillingTests(ApiFactory api) : ApiTest(api)
{
    private static string Number(CureAuthorisationDto decision) => decision.Voucher!.Number;

    private static string Number(RehabilitationAuthorisationDto decision) => decision.Voucher!.Number;

    // ---- cures --------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Thermal_centre_bills_a_back_cure_cycle_at_80_percent_of_the_tariff_of_each_session_date_within_its_6_month_window()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: new DateOnly(2026, 12, 1)));
        var voucher = Number(cure);
        Api.MoveTo(new DateOnly(2027, 6, 2));

        var lines = Days(new DateOnly(2026, 12, 1), 23).Select(d => VoucherLine(voucher, Adult, d, "T200", 35.00m)).ToList();
        lines.Add(VoucherLine(voucher, Adult, new DateOnly(2027, 6, 1), "T200", 35.88m)); // 6 months after the first session
        lines.Add(VoucherLine(voucher, Adult, new DateOnly(2027, 5, 31), "T200", 35.88m)); // the window's last day: the 24th session
        var memoir = await Client(Thermal1).BillAsync("THE-2027-001", lines);

        foreach (var n in Enumerable.Range(1, 23))
        {
            var line = memoir.Line(n);
            Assert.Equal((LineOutcome.Accepted, 35.00m, 80m, 28.00m, 7.00m), (line.Outcome, line.TariffAmount, line.RatePercent,
                line.CnsAmount, line.InsuredShare));
        }
        var late = memoir.Line(24);
        Assert.Equal((LineOutcome.Refused, 0m), (late.Outcome, late.PayableAmount));
        Assert.Equal(["AUTHORISATION_EXPIRED"], late.ReasonCodes());
        Assert.Equal(("CUR-05", "2027-05-31"), (late.Reasons[0].Rule, late.Reasons[0].Detail));
        var last = memoir.Line(25); // 2027 tariff: round2(35 × 1.0250) = 35.88
        Assert.Equal((LineOutcome.Accepted, 35.88m, 28.70m, 7.18m), (last.Outcome, last.TariffAmount, last.CnsAmount, last.InsuredShare));
        Assert.Equal(23 * 28.00m + 28.70m, memoir.Totals!.CnsAmount);

        // Sessions granted are never exceeded (BIL-06).
        var more = await Client(Thermal1).BillAsync("THE-2027-002", [VoucherLine(voucher, Adult, new DateOnly(2027, 5, 28), "T200", 35.88m)]);
        Assert.Equal(["SESSIONS_EXHAUSTED"], more.Line(1).ReasonCodes());

        // What the next payment run takes: every line, unsettled, paying the accepted amounts.
        Assert.Equal(("Adjudicated", 25, 672.70m), await Api.PaymentRunViewAsync(memoir.Id.ToString()));
    }

    [Fact]
    public async Task Fango_sessions_are_paid_at_70_percent()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T260", start: new DateOnly(2026, 11, 24)));
        Api.MoveTo(new DateOnly(2026, 11, 26));
        var memoir = await Client(Thermal1).BillAsync("FANGO-1", [VoucherLine(Number(cure), Adult, new DateOnly(2026, 11, 24), "T260", 28.00m)]);
        var line = memoir.Line(1);
        Assert.Equal((LineOutcome.Accepted, 28.00m, 70m, 19.60m, 8.40m), (line.Outcome, line.TariffAmount, line.RatePercent,
            line.CnsAmount, line.InsuredShare));
    }

    [Fact]
    public async Task A_cure_started_on_the_last_day_of_its_year_continues_in_its_window_and_one_started_a_day_later_is_refused_as_expired()
    {
        var inTime = await Client(Thermal1).CureAsync(Cure("T200"));
        var late = await Client(Thermal1).CureAsync(Cure("T200", MondorfResident));
        Assert.Equal("2027-11-23", inTime.Voucher!.ValidUntil.Iso());
        Api.MoveTo(new DateOnly(2027, 12, 16));

        var started = await Client(Thermal1).BillAsync("THE-A", [
            VoucherLine(Number(inTime), Adult, new DateOnly(2027, 11, 23), "T200", 35.88m),
            VoucherLine(Number(inTime), Adult, new DateOnly(2027, 12, 15), "T200", 35.88m), // after the validity, within the cycle's window
        ]);
        Assert.Equal([LineOutcome.Accepted, LineOutcome.Accepted], started.Lines.Select(l => l.Outcome));

        var expired = await Client(Thermal1).BillAsync("THE-B", [VoucherLine(Number(late), MondorfResident, new DateOnly(2027, 11, 24), "T200", 35.88m)]);
        var line = expired.Line(1);
        Assert.Equal(["AUTHORISATION_EXPIRED"], line.ReasonCodes());
        Assert.Equal(("CUR-01", "2027-11-23"), (line.Reasons[0].Rule, line.Reasons[0].Detail));
    }

    [Fact]
    public async Task Cur01_a_cure_started_within_its_year_of_validity_is_paid_to_its_end_after_the_year()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T260", start: new DateOnly(2026, 11, 24)));
        Assert.Equal("2027-11-23", cure.Voucher!.ValidUntil.Iso());
        Api.MoveTo(new DateOnly(2027, 12, 10));
        var memoir = await Client(Thermal1).BillAsync("FANGO-LATE", [
            VoucherLine(Number(cure), Adult, new DateOnly(2027, 11, 22), "T260", 28.70m), // the cure starts within the year
            VoucherLine(Number(cure), Adult, new DateOnly(2027, 11, 29), "T260", 28.70m), // and goes on after it
            VoucherLine(Number(cure), Adult, new DateOnly(2027, 12, 6), "T260", 28.70m),
        ]);
        Assert.Equal([LineOutcome.Accepted, LineOutcome.Accepted, LineOutcome.Accepted], memoir.Lines.Select(l => l.Outcome));
    }

    private async Task<string> MaintenanceVoucherAsync()
    {
        var cycle = await Client(Thermal1).CureAsync(Cure("T200", start: new DateOnly(2026, 12, 1)));
        Api.MoveTo(new DateOnly(2027, 2, 1));
        await Client(Thermal1).BillSessionsAsync(cycle, Sessions(new DateOnly(2026, 12, 1), new DateOnly(2027, 1, 29), 24));
        var maintenance = await Client(Thermal1).CureAsync(Cure("T209", start: new DateOnly(2027, 2, 8)));
        Assert.Equal(RequestStatus.Agreed, maintenance.Status);
        return Number(maintenance);
    }

    [Fact]
    public async Task Maintenance_sessions_are_paid_at_most_2_per_calendar_month()
    {
        var voucher = await MaintenanceVoucherAsync();
        Api.MoveTo(new DateOnly(2027, 3, 2));

        var memoir = await Client(Thermal1).BillAsync("MAINT-1", [
            VoucherLine(voucher, Adult, new DateOnly(2027, 2, 8), "T209", 35.88m),
            VoucherLine(voucher, Adult, new DateOnly(2027, 2, 15), "T209", 35.88m),
            VoucherLine(voucher, Adult, new DateOnly(2027, 2, 22), "T209", 35.88m), // the 3rd in February
            VoucherLine(voucher, Adult, new DateOnly(2027, 3, 1), "T209", 35.88m),  // a new month
        ]);
        Assert.Equal([LineOutcome.Accepted, LineOutcome.Accepted, LineOutcome.Refused, LineOutcome.Accepted], memoir.Lines.Select(l => l.Outcome));
        Assert.Equal(["MAINTENANCE_NOT_ALLOWED"], memoir.Line(3).ReasonCodes());
        Assert.Equal("2", memoir.Line(3).Reasons[0].Detail);
        Assert.Equal(28.70m, memoir.Line(1).CnsAmount);

        // A later memoir for February finds the month full too.
        var later = await Client(Thermal1).BillAsync("MAINT-2", [VoucherLine(voucher, Adult, new DateOnly(2027, 2, 25), "T209", 35.88m)]);
        Assert.Equal(["MAINTENANCE_NOT_ALLOWED"], later.Line(1).ReasonCodes());
    }

    [Fact]
    public async Task Maintenance_memoirs_sent_at_the_same_moment_never_pay_more_than_2_sessions_in_a_month()
    {
        var voucher = await MaintenanceVoucherAsync();
        Api.MoveTo(new DateOnly(2027, 3, 2));

        var memoirs = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Client(Thermal1).BillAsync($"MAINT-C{i}", [
            VoucherLine(voucher, Adult, new DateOnly(2027, 2, 8 + 2 * i), "T209", 35.88m),
            VoucherLine(voucher, Adult, new DateOnly(2027, 2, 9 + 2 * i), "T209", 35.88m),
        ])));
        var outcomes = memoirs.SelectMany(m => m.Lines.Select(l => l.Outcome)).ToList();
        Assert.Equal(2, outcomes.Count(o => o == LineOutcome.Accepted));
        Assert.Equal(6, memoirs.SelectMany(m => m.Lines).Count(l => l.ReasonCodes().SequenceEqual(["MAINTENANCE_NOT_ALLOWED"])));
    }

    [Fact]
    public async Task A_cure_abroad_under_an_S2_form_is_never_paid_under_third_party_payment()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: Today.AddDays(30), country: "DE", notAvailableHere: true));
        Api.MoveTo(Today.AddDays(31));
        var memoir = await Client(Thermal1).BillAsync("S2-1", [VoucherLine(Number(cure), Adult, Today.AddDays(30), "T200", 35.00m)]);
        Assert.Equal((LineOutcome.Refused, 0m), (memoir.Line(1).Outcome, memoir.Line(1).CnsAmount));
        Assert.Equal(["THIRD_PARTY_NOT_APPLICABLE"], memoir.Line(1).ReasonCodes());
    }

    [Fact]
    public async Task Cure_sessions_in_a_billing_file_are_checked_against_the_authorisation_too()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: new DateOnly(2026, 11, 23)));
        var voucher = Number(cure);
        Api.MoveTo(new DateOnly(2026, 11, 26));
        var csv = new StringBuilder("memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\n")
            .Append($"CSV-1,{voucher},{Adult},2026-11-23,T200,,35.00\n")
            .Append($"CSV-1,{voucher},{Adult},2026-11-24,T200,,35.00\n")
            .Append($"CSV-1,{voucher},{Adult},2026-11-22,T200,,35.00\n") // before the authorisation
            .ToString();
        var upload = await BillingApi.UploadAsync(Client(Thermal1), csv, "text/csv");
        var file = await BillingApi.WaitForFileAsync(Client(Thermal1), upload.Id.ToString());
        Assert.Equal(BillingFileStatus.Processed, file.Status);

        var memoirId = file.Memoirs![0].Id.ToString();
        var memoir = await (await Client(Thermal1).GetAsync($"/api/v1/fee-memoirs/{memoirId}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal([LineOutcome.Accepted, LineOutcome.Accepted, LineOutcome.Refused], memoir.Lines.Select(l => l.Outcome));
        Assert.Equal(["AUTHORISATION_EXPIRED"], memoir.Line(3).ReasonCodes());
        Assert.Equal(56.00m, memoir.Totals!.CnsAmount);
    }

    // ---- through to a payment run --------------------------------------------------------------------------------------

    [Theory]
    [InlineData("T200", 35.00, 28.00, "GER_STAT", 420.00, 420.00)] // 80 % of a cure session; a geriatric day in full
    [InlineData("T260", 28.00, 19.60, "SNRP_STAT", 380.00, 380.00)] // Fango at 70 %; a Colpach day
    public async Task Cure_sessions_and_rehabilitation_days_are_paid_by_the_weekly_run_in_one_order_per_centre_and_refused_lines_explained_in_their_return_files(
        string cureKind, decimal sessionTariff, decimal sessionPaid, string rehabKind, decimal dayTariff, decimal dayPaid)
    {
        var cure = await Client(Thermal1).CureAsync(Cure(cureKind, start: Today));
        var rehab = await Client(Rehab1).RehabAsync(Rehab(rehabKind, start: Today, days: rehabKind.StartsWith("SNRP", StringComparison.Ordinal) ? 10 : null));
        Assert.Equal((RequestStatus.Agreed, RequestStatus.Agreed), (cure.Status, rehab.Status));
        var dayAct = rehab.Service().ActCode;
        Api.MoveTo(new DateOnly(2026, 11, 27));

        var cureLines = new List<object> { VoucherLine(Number(cure), Adult, new DateOnly(2026, 11, 22), cureKind, sessionTariff) }; // before the authorisation
        cureLines.AddRange(Days(Today, 4).Select(d => VoucherLine(Number(cure), Adult, d, cureKind, sessionTariff)));
        var cureMemoir = await Client(Thermal1).BillAsync("THE-RUN-1", cureLines);
        var rehabLines = new List<object> { VoucherLine(Number(rehab), Adult, new DateOnly(2026, 11, 22), dayAct, dayTariff) }; // before the admission
        rehabLines.AddRange(Days(Today, 4).Select(d => VoucherLine(Number(rehab), Adult, d, dayAct, dayTariff)));
        var rehabMemoir = await Client(Rehab1).BillAsync("REH-RUN-1", rehabLines);
        Assert.Equal([LineOutcome.Refused, LineOutcome.Accepted, LineOutcome.Accepted, LineOutcome.Accepted, LineOutcome.Accepted], cureMemoir.Lines.Select(l => l.Outcome));
        Assert.Equal([LineOutcome.Refused, LineOutcome.Accepted, LineOutcome.Accepted, LineOutcome.Accepted, LineOutcome.Accepted], rehabMemoir.Lines.Select(l => l.Outcome));

        await PaymentRuns.PaymentRunApi.SetClockAsync(Client(Admin), PaymentRuns.PaymentRunApi.Local("2026-11-30", 3));
        var summary = Assert.Single(await PaymentRuns.PaymentRunApi.AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs"));
        var run = await PaymentRuns.PaymentRunApi.RunAsync(Client(Admin), summary.Id);
        Assert.Equal(PaymentRunStatus.Closed, run.Status);

        // One order per centre, to its IBAN, for what its memoir made payable: 4 sessions and 4 days.
        var orders = run.Orders.ToDictionary(o => o.ProviderCode);
        Assert.Equal(["REH0001", "THE0001"], orders.Keys.Order());
        Assert.Equal((4 * sessionPaid, 4, "LU870140004445556667"), (orders["THE0001"].Amount, orders["THE0001"].LineCount,
            orders["THE0001"].Iban));
        Assert.Equal((4 * dayPaid, 4, "LU340190007778889990"), (orders["REH0001"].Amount, orders["REH0001"].LineCount,
            orders["REH0001"].Iban));
        Assert.Equal(4 * sessionPaid + 4 * dayPaid, run.TotalAmount);

        // The pain.001 carries both transfers; the run's stored files still match their hashes.
        var sepa = await Client(Admin).GetStringAsync($"/api/v1/payment-runs/{summary.Id}/sepa");
        Assert.Contains("<IBAN>LU870140004445556667</IBAN>", sepa);
        Assert.Contains("<IBAN>LU340190007778889990</IBAN>", sepa);
        Assert.Contains($">{(4 * sessionPaid).ToString("0.00", CultureInfo.InvariantCulture)}</InstdAmt>", sepa);
        Assert.Contains($">{(4 * dayPaid).ToString("0.00", CultureInfo.InvariantCulture)}</InstdAmt>", sepa);
        var check = await (await Client(Admin).GetAsync($"/api/v1/payment-runs/{summary.Id}/verification")).ExpectAsync<PaymentRunVerificationDto>(HttpStatusCode.OK);
        Assert.True(check.Identical);

        foreach (var (key, memoir, paidPerLine, code) in new[]
                 {
                     (Thermal1, cureMemoir, sessionPaid, "AUTHORISATION_EXPIRED"),
                     (Rehab1, rehabMemoir, dayPaid, "REHAB_DAY_NOT_AUTHORISED"),
                 })
        {
            // Each memoir is paid, line by line, by this run.
            var paid = await (await Client(key).GetAsync($"/api/v1/fee-memoirs/{memoir.Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
            Assert.Equal(FeeMemoirStatus.Paid, paid.Status);
            Assert.Equal([0m, paidPerLine, paidPerLine, paidPerLine, paidPerLine],
                paid.Lines.Select(l => l.Payment!.PaidAmount));
            Assert.All(paid.Lines, l => Assert.Equal(summary.Id, l.Payment!.PaymentRunId));

            // The centre's return file explains the refused line with the authorisation rule's reason.
            var returnFile = Assert.Single(await PaymentRuns.PaymentRunApi.AllAsync<ReturnFileDto>(Client(key), "/api/v1/return-files"));
            Assert.Equal(4 * paidPerLine, returnFile.PaidAmount);
            var client = Client(key);
            client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
            var file = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync($"/api/v1/return-files/{returnFile.Id}"))!; // the JSON return file is a file format: read as written
            var line = Assert.Single(file["lines"]!.AsArray())!;
            Assert.Equal((1, 0m), (line["lineNumber"]!.GetValue<int>(), line["paidAmount"]!.GetValue<decimal>()));
            Assert.Equal([code], line["reasons"]!.AsArray().Select(r => r!["code"]!.GetValue<string>()));
        }
    }

    private async Task<BillingFileDto> ImportCsvAsync(HttpClient client, IEnumerable<(string Reference, string Voucher, string Matricule, DateOnly Date, string Act, decimal Amount)> rows)
    {
        var csv = new StringBuilder("memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\n");
        foreach (var r in rows) csv.Append(FormattableString.Invariant($"{r.Reference},{r.Voucher},{r.Matricule},{r.Date:yyyy-MM-dd},{r.Act},,{r.Amount}\n"));
        var upload = await BillingApi.UploadAsync(client, csv.ToString(), "text/csv");
        var file = await BillingApi.WaitForFileAsync(client, upload.Id.ToString());
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        return file;
    }

    private async Task<FeeMemoirDto> FileMemoirAsync(HttpClient client, BillingFileDto file, int index) =>
        await (await client.GetAsync($"/api/v1/fee-memoirs/{file.Memoirs[index].Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);

    [Fact]
    public async Task Maintenance_sessions_in_a_billing_file_count_the_sessions_paid_before_it_and_earlier_in_the_file()
    {
        var voucher = await MaintenanceVoucherAsync();
        Api.MoveTo(new DateOnly(2027, 3, 2));
        var json = await Client(Thermal1).BillAsync("MAINT-J", [VoucherLine(voucher, Adult, new DateOnly(2027, 2, 8), "T209", 35.88m)]);
        Assert.Equal(LineOutcome.Accepted, json.Line(1).Outcome);

        var file = await ImportCsvAsync(Client(Thermal1), [
            ("MAINT-F1", voucher, Adult, new DateOnly(2027, 2, 15), "T209", 35.88m), // the 2nd in February
            ("MAINT-F1", voucher, Adult, new DateOnly(2027, 2, 22), "T209", 35.88m), // the 3rd
            ("MAINT-F2", voucher, Adult, new DateOnly(2027, 3, 1), "T209", 35.88m),  // a new month
            ("MAINT-F2", voucher, Adult, new DateOnly(2027, 2, 25), "T209", 35.88m), // February is full, in the next memoir too
        ]);
        var first = await FileMemoirAsync(Client(Thermal1), file, 0);
        var second = await FileMemoirAsync(Client(Thermal1), file, 1);
        Assert.Equal([LineOutcome.Accepted, LineOutcome.Refused], first.Lines.Select(l => l.Outcome));
        Assert.Equal(["MAINTENANCE_NOT_ALLOWED"], first.Line(2).ReasonCodes());
        Assert.Equal([LineOutcome.Accepted, LineOutcome.Refused], second.Lines.Select(l => l.Outcome));
        Assert.Equal(["MAINTENANCE_NOT_ALLOWED"], second.Line(2).ReasonCodes());
    }

    [Fact]
    public async Task Rehabilitation_days_in_a_billing_file_are_checked_against_the_authorised_period_and_the_days_already_paid()
    {
        var decision = await Client(Rehab1).RehabAsync(Rehab("GER_STAT", start: Today));
        var voucher = Number(decision);
        Api.MoveTo(new DateOnly(2026, 11, 30));
        var json = await Client(Rehab1).BillAsync("REH-J", [VoucherLine(voucher, Adult, Today, "RGERS", 420.00m)]);
        Assert.Equal(LineOutcome.Accepted, json.Line(1).Outcome);

        var file = await ImportCsvAsync(Client(Rehab1), [
            ("REH-F", voucher, Adult, new DateOnly(2026, 11, 22), "RGERS", 420.00m), // before the admission
            ("REH-F", voucher, Adult, Today, "RGERS", 420.00m),                       // paid by the JSON memoir
            ("REH-F", voucher, Adult, Today.AddDays(1), "RGERS", 420.00m),
            ("REH-F", voucher, Adult, Today.AddDays(1), "RGERS", 420.00m),            // the same day again in the file
        ]);
        var memoir = await FileMemoirAsync(Client(Rehab1), file, 0);
        Assert.Equal([LineOutcome.Refused, LineOutcome.Refused, LineOutcome.Accepted, LineOutcome.Refused], memoir.Lines.Select(l => l.Outcome));
        Assert.Equal(["REHAB_DAY_NOT_AUTHORISED"], memoir.Line(1).ReasonCodes());
        Assert.Equal(["DUPLICATE_LINE"], memoir.Line(2).ReasonCodes());
        Assert.Equal(["ONE_ACT_PER_SESSION"], memoir.Line(4).ReasonCodes()); // the same day twice in one memoir (BIL-07)
        Assert.Equal(420.00m, memoir.Totals!.CnsAmount);
    }

    // ---- rehabilitation ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Rehabilitation_centre_bills_one_day_per_authorised_day_at_the_rehabilitation_rate()
    {
        var decision = await Client(Rehab1).RehabAsync(Rehab("GER_STAT", start: Today));
        var voucher = Number(decision);
        Assert.Equal(("RGERS", 90), (decision.Service().ActCode, decision.Service().SessionsGranted));
        Api.MoveTo(new DateOnly(2026, 11, 30));

        var lines = new List<object> { VoucherLine(voucher, Adult, new DateOnly(2026, 11, 22), "RGERS", 420.00m) }; // before the admission
        lines.AddRange(Days(Today, 7).Select(d => VoucherLine(voucher, Adult, d, "RGERS", 420.00m)));
        lines.Add(VoucherLine(voucher, Adult, new DateOnly(2026, 11, 25), "RGERS", 420.00m)); // the same day again
        var memoir = await Client(Rehab1).BillAsync("REH-2026-11", lines);

        var before = memoir.Line(1);
        Assert.Equal(["REHAB_DAY_NOT_AUTHORISED"], before.ReasonCodes());
        Assert.Equal(("REH-03", "2026-11-23 – 2027-02-20"), (before.Reasons[0].Rule, before.Reasons[0].Detail));
        foreach (var n in Enumerable.Range(2, 7))
            Assert.Equal((LineOutcome.Accepted, 420.00m, 100m, 420.00m, 0m), (memoir.Line(n).Outcome, memoir.Line(n).TariffAmount,
                memoir.Line(n).RatePercent, memoir.Line(n).CnsAmount, memoir.Line(n).InsuredShare));
        Assert.Equal(["ONE_ACT_PER_SESSION"], memoir.Line(9).ReasonCodes()); // the same day twice in one memoir (BIL-07)
        Assert.Equal(7 * 420.00m, memoir.Totals!.CnsAmount);
        Assert.Equal(("Adjudicated", 9, 2940.00m), await Api.PaymentRunViewAsync(memoir.Id.ToString()));
    }

    [Fact]
    public async Task Days_of_a_granted_extension_are_billable_and_the_day_after_it_is_not()
    {
        var decision = await Client(Rehab1).RehabAsync(Rehab("GER_STAT", start: Today));
        await (await Client(Rehab1).SendJsonAsync($"{RehabUrl}/{decision.Id}/extensions", new { days = 30 })).ExpectAsync(HttpStatusCode.Created);
        Api.MoveTo(new DateOnly(2027, 3, 25));

        var voucher = Number(decision);
        var memoir = await Client(Rehab1).BillAsync("REH-2027-03", [
            VoucherLine(voucher, Adult, new DateOnly(2027, 2, 21), "RGERS", 430.50m), // first day of the extension
            VoucherLine(voucher, Adult, new DateOnly(2027, 3, 22), "RGERS", 430.50m), // its last day
            VoucherLine(voucher, Adult, new DateOnly(2027, 3, 23), "RGERS", 430.50m),
        ]);
        Assert.Equal([LineOutcome.Accepted, LineOutcome.Accepted, LineOutcome.Refused], memoir.Lines.Select(l => l.Outcome));
        Assert.Equal(430.50m, memoir.Line(1).CnsAmount); // 2027 tariff: 420 × 1.0250
        Assert.Equal("2026-11-23 – 2027-03-22", memoir.Line(3).Reasons[0].Detail);
    }
}
