using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Features.Billing;
using System.Text.Json.Nodes;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.HospitalStays;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Payments;
using CnsExchange.Infrastructure.Payments;
using CnsExchange.IntegrationTests.Support;
using Hangfire;
using Hangfire.Storage;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.PaymentRuns;

/// <summary>PAY-01…PAY-03, PAY-07: runs by the clock and by hand, what they take and pay, and what memoirs show.</summary>
public sealed class PaymentRunTests(ApiFactory api) : ApiTest(api)
{
    /// <summary>PHY0001: an accepted line, a reduced one and a refused one; PHY0002: only a refused line (another provider's voucher).</summary>
    private async Task<(string Memoir1, string Memoir2)> AWeekOfMemoirsAsync()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var memoir1 = await SubmitAsync(Client(Physio1), Memoir("WEEK-1",
            Line(voucher, "2026-11-16"), Line(voucher, "2026-11-18", claimed: 40m), Line(voucher, "2026-11-19", act: "ZKX9", claimed: 20m)));
        Assert.Equal([LineOutcome.Accepted, LineOutcome.Reduced, LineOutcome.Refused], memoir1.Lines.Select(l => l.Outcome));
        var memoir2 = await SubmitAsync(Client(Physio2), Memoir("WEEK-2", Line(voucher, "2026-11-17")));
        Assert.Equal(LineOutcome.Refused, LineOf(memoir2, 1).Outcome);
        return (memoir1.Id.ToString(), memoir2.Id.ToString());
    }

    [Fact]
    public async Task Pay03_advancing_the_clock_past_monday_two_oclock_runs_the_weekly_run_that_pays_every_adjudicated_line_once()
    {
        var (memoir1, memoir2) = await AWeekOfMemoirsAsync();
        await SetClockAsync(Client(Admin), Local("2026-11-29", 23)); // Sunday night: nothing yet
        Assert.Empty(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs"));

        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        var runs = await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs");
        var summary = Assert.Single(runs);
        Assert.Equal(PaymentRunTrigger.Weekly, summary.Trigger);
        Assert.Equal(PaymentRunStatus.Closed, summary.Status);
        Assert.Equal(new DateOnly(2026, 11, 30), summary.ExecutionDate);
        Assert.Equal(Local("2026-11-30", 2), summary.AsOf);
        Assert.Matches("^PR-2026-[0-9]{4}$", summary.RunNumber);

        var run = await RunAsync(Client(Admin), summary.Id);
        Assert.Equal("weekly:2026-11-30", run.SlotKey);
        Assert.All(run.Steps, s => Assert.True(s.Done));
        Assert.Equal(["claim_lines", "build_orders", "write_files", "mark_paid"], run.Steps.Select(s => s.Step));
        var counts = run.Counts!;
        Assert.Equal(2, counts.Memoirs);
        Assert.Equal(4, counts.Lines);
        Assert.Equal(2, counts.PaidLines);
        Assert.Equal(2, counts.UnpaidLines);
        Assert.Equal(2, counts.Providers);
        Assert.Equal(1, counts.Orders);
        Assert.Equal(1 + 2 * 9, counts.Files);
        Assert.Equal(51.52m, run.TotalAmount);

        // PAY-03: one order per provider with something to pay, with the provider's IBAN; PHY0002 only gets a return file.
        var order = Assert.Single(run.Orders);
        Assert.Equal("PHY0001", order.ProviderCode);
        Assert.Equal("LU390010001234567890", order.Iban);
        Assert.Equal("BCEELULL", order.Bic);
        Assert.Equal(51.52m, order.Amount);
        Assert.Equal(2, order.LineCount);
        Assert.Equal($"{summary.RunNumber}-PHY0001", order.EndToEndId);
        Assert.Equal(["PHY0001", "PHY0002"], run.ReturnFiles.Select(f => f.ProviderCode));
        Assert.Equal(64, run.Pain001!.Sha256.Length);

        // Memoirs are paid; each line carries its payment and the return file that reported it.
        var paid = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{memoir1}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(FeeMemoirStatus.Paid, paid.Status);
        var returnFileId = run.ReturnFiles[0].Id;
        Assert.All(paid.Lines, l =>
        {
            Assert.Equal(summary.Id, l.Payment!.PaymentRunId);
            Assert.Equal(returnFileId, l.Payment!.ReturnFileId);
        });
        Assert.Equal([25.76m, 25.76m, 0m], paid.Lines.Select(l => l.Payment!.PaidAmount));
        Assert.Equal(Local("2026-11-30", 2), LineOf(paid, 1).Payment!.PaidAt);
        Assert.Null(LineOf(paid, 3).Payment!.PaidAt); // PAY-07: reported, never paid
        var refusedOnly = await (await Client(Physio2).GetAsync($"/api/v1/fee-memoirs/{memoir2}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(FeeMemoirStatus.Paid, refusedOnly.Status);
        Assert.Equal(0m, LineOf(refusedOnly, 1).Payment!.PaidAmount);
        var listed = await MemoirsAsync(Client(Physio1), "?status=paid");
        Assert.Single(listed.Items);

        // Reported by a return file: the reduced line can no longer be contested (BIL-15).
        var late = await Client(Physio1).PostJsonAsync($"/api/v1/fee-memoirs/{memoir1}/lines/2/contestation", new { code = "AMOUNT_ABOVE_TARIFF", text = "Too late." });
        await late.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "line_already_reported");

        // A week later nothing is left to take: no empty run.
        await SetClockAsync(Client(Admin), Local("2026-12-07", 3));
        Assert.Single(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs"));
    }

    [Fact]
    public async Task A_memoir_received_after_the_slot_waits_for_the_next_weekly_run()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        await SubmitAsync(Client(Physio1), Memoir("EARLY", Line(voucher, "2026-11-16")));
        await SetClockAsync(Client(Admin), Local("2026-11-30", 2, 30));
        var late = await SubmitAsync(Client(Physio1), Memoir("LATE", Line(voucher, "2026-11-27")));
        await SetClockAsync(Client(Admin), Local("2026-12-07", 2, 30));

        var runs = await RunsInDbAsync(Api);
        Assert.Equal(["weekly:2026-11-30", "weekly:2026-12-07"], runs.Select(r => r.SlotKey));
        var memoir = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{late.Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(runs[1].Id, LineOf(memoir, 1).Payment!.PaymentRunId);
        Assert.Equal(Local("2026-12-07", 2), LineOf(memoir, 1).Payment!.PaidAt);
    }

    [Fact]
    public async Task An_administrator_starts_a_run_now_202_with_its_status_resource_and_it_closes_in_the_background()
    {
        await AWeekOfMemoirsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/payment-runs");
        request.Headers.Add("Idempotency-Key", "run-now-1");
        var response = await Client(Admin).SendAsync(request);
        var accepted = await response.ExpectAsync<PaymentRunDto>(HttpStatusCode.Accepted);
        var id = accepted.Id;
        Assert.Equal($"/api/v1/payment-runs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(PaymentRunTrigger.Manual, accepted.Trigger);
        Assert.Equal(new DateOnly(2026, 11, 23), accepted.ExecutionDate);
        Assert.Equal(ApiFactory.Start, accepted.AsOf);

        var run = await WaitForClosedAsync(Client(Admin), id);
        Assert.Equal(51.52m, run.TotalAmount);
        Assert.Equal(4, run.Counts!.Lines);

        // The same key answers the same run; no second run is made.
        using var again = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/payment-runs");
        again.Headers.Add("Idempotency-Key", "run-now-1");
        var replay = await (await Client(Admin).SendAsync(again)).ExpectAsync<PaymentRunDto>(HttpStatusCode.Accepted);
        Assert.Equal(id, replay.Id);
        Assert.Single(await RunsInDbAsync(Api));

        // Nothing left: a second run by hand closes with nothing taken, and no pain.001.
        var second = await (await Client(Admin).PostAsync("/api/v1/admin/payment-runs", null)).ExpectAsync<PaymentRunDto>(HttpStatusCode.Accepted);
        var empty = await WaitForClosedAsync(Client(Admin), second.Id);
        Assert.Equal(0, empty.Counts!.Lines);
        Assert.Null(empty.Pain001);
        await (await Client(Admin).GetAsync($"/api/v1/payment-runs/{second.Id}/sepa")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        await (await Client(Physio1).PostAsync("/api/v1/admin/payment-runs", null)).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_slot_gives_one_run_whether_the_tick_the_clock_listener_or_both_see_it()
    {
        await AWeekOfMemoirsAsync();
        var from = ApiFactory.Start;
        var to = Local("2026-11-30", 3);
        // Two passes over the same slots at the same time, then a third: one run, paid once.
        await Task.WhenAll(
            Api.WithScopeAsync(async sp => await sp.GetRequiredService<IMediator>().Send(new RunPaymentRunsBetween(from, to))),
            Api.WithScopeAsync(async sp => await sp.GetRequiredService<IMediator>().Send(new RunPaymentRunsBetween(from, to))));
        await Api.WithScopeAsync(async sp => await sp.GetRequiredService<IMediator>().Send(new RunPaymentRunsBetween(from, to)));

        var run = Assert.Single(await RunsInDbAsync(Api));
        Assert.Equal(PaymentRunStatus.Closed, run.Status);
        Assert.Equal(PaymentRunIds.ForSlot(SandboxIds.Default, "weekly:2026-11-30"), run.Id);
        var orders = await DbAsync(Api, db => db.Set<PaymentRunOrder>().AsNoTracking().ToListAsync());
        Assert.Equal(51.52m, Assert.Single(orders).Amount);
    }

    [Fact]
    public async Task The_minutely_tick_reads_the_sandbox_clock_and_runs_what_fell_due_since_it_last_looked()
    {
        using (var connection = Api.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == PaymentRunServices.SchedulerJobId);
            Assert.Equal(Cron.Minutely(), job.Cron);
            Assert.Equal(nameof(PaymentRunJobs.TickAsync), job.Job.Method.Name);
        }

        await AWeekOfMemoirsAsync();
        Task<PaymentSchedulePass> Tick() => Api.WithScopeAsync(async sp => await sp.GetRequiredService<IMediator>().Send(new RunDuePaymentRuns()));
        var first = await Tick(); // looks from now on
        Assert.Empty(first.RunsExecuted);

        Api.Clock.Advance(TimeSpan.FromDays(7)); // the sandbox clock moves without the listener: only the tick notices
        var second = await Tick();
        if (second.Skipped) // Hangfire's own minutely tick is on it: wait for it
        {
            await Eventually.PollAsync(() => RunsInDbAsync(Api), runs => runs is [{ Status: PaymentRunStatus.Closed }]);
        }
        var run = Assert.Single(await RunsInDbAsync(Api));
        Assert.Equal("weekly:2026-11-30", run.SlotKey);
        Assert.Equal(PaymentRunStatus.Closed, run.Status);
        Assert.True(second.Skipped || second.RunsExecuted.SequenceEqual([run.Id]));
        Assert.Empty((await Tick()).RunsExecuted);
        Assert.Single(await RunsInDbAsync(Api));
    }

    /// <summary>
    /// A run left unfinished with no job to finish it (its process died after the step that failed; here a run started by
    /// hand whose execution failed outside Hangfire) is executed by the next tick, from its last step, before the tick
    /// considers any slot: a later run must not take its lines.
    /// </summary>
    [Fact]
    public async Task A_run_left_unfinished_without_a_job_is_finished_by_the_next_tick_before_any_slot()
    {
        await AWeekOfMemoirsAsync();
        await using var paused = await Api.PausePaymentRunTickAsync();
        Task<PaymentSchedulePass> Tick() => Api.WithScopeAsync(async sp => await sp.GetRequiredService<IMediator>().Send(new RunDuePaymentRuns()));
        Assert.Empty((await Tick()).RunsExecuted); // looks from now on

        Api.PaymentRunFaults.Arm(PaymentRunFaultPoints.BeforeWriteFiles);
        Guid manual;
        using (Api.EnterDefaultSandbox())
        {
            manual = (await Api.WithScopeAsync(sp => sp.GetRequiredService<PaymentRunFactory>().ManualAsync("test", default))).Id;
            await Assert.ThrowsAnyAsync<Exception>(() => Api.WithScopeAsync(async sp =>
            {
                await sp.GetRequiredService<PaymentRunExecutor>().ExecuteAsync(manual, default);
                return 0;
            }));
        }
        Assert.True(Api.PaymentRunFaults.Fired);
        Assert.NotEqual(PaymentRunStatus.Closed, Assert.Single(await RunsInDbAsync(Api)).Status);

        Api.Clock.Advance(TimeSpan.FromDays(7)); // the weekly slot of 30 November is due too
        var next = await Tick();
        Assert.Equal(manual, next.RunsExecuted[0]);
        var runs = await RunsInDbAsync(Api);
        var run = Assert.Single(runs, r => r.Id == manual);
        Assert.Equal((PaymentRunStatus.Closed, 1), (run.Status, run.FailedAttempts));
        Assert.All(runs, r => Assert.Equal(PaymentRunStatus.Closed, r.Status));
        Assert.Equal(next.RunsExecuted.Order(), runs.Select(r => r.Id).Order());
        Assert.Empty((await Tick()).RunsExecuted);
    }

    [Fact]
    public async Task An_overturned_contestation_is_paid_in_the_next_run_and_its_return_file_says_so()
    {
        // Refused for its date (before the prescription, BIL-04) on a voucher with sessions left (BIL-06): the overturn can pay it.
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 2 });
        var memoir = await SubmitAsync(Client(Physio1), Memoir("CONT-PAY", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-01")));
        var id = memoir.Id.ToString();
        Assert.Equal(["SESSION_OUTSIDE_VALIDITY"], Codes(LineOf(memoir, 2)));
        var contestation = await ContestLineAsync(Client(Physio1), id, 2, new { code = "SESSION_OUTSIDE_VALIDITY", text = "The prescription was dated wrongly." });
        await DecideContestationAsync(Client(Reviewer), contestation.Id, new { decision = "overturn", note = "Checked." });

        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        var paid = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(FeeMemoirStatus.Paid, paid.Status);
        Assert.Equal(25.76m, LineOf(paid, 2).Payment!.PaidAmount);
        var run = await RunAsync(Client(Admin), LineOf(paid, 2).Payment!.PaymentRunId);
        Assert.Equal(51.52m, Assert.Single(run.Orders).Amount);

        var client = Client(Physio1, "fr");
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        var file = JsonNode.Parse(await client.GetStringAsync($"/api/v1/return-files/{LineOf(paid, 2).Payment!.ReturnFileId}"))!; // the JSON return file is a file format: read as written
        var line = Assert.Single(file["lines"]!.AsArray())!;
        Assert.Equal(2, line["lineNumber"]!.GetValue<int>());
        // The memoir's words: refused at adjudication (CNS share 0), payable once the contestation was overturned, paid.
        Assert.Equal("refused", line["outcome"]!.GetValue<string>());
        Assert.Equal(LineOf(paid, 2).Outcome, Enum.Parse<LineOutcome>(line["outcome"]!.GetValue<string>(), ignoreCase: true));
        Assert.Equal(25.76m, line["paidAmount"]!.GetValue<decimal>());
        Assert.Equal(25.76m, line["payableAmount"]!.GetValue<decimal>());
        Assert.Equal(LineOf(paid, 2).PayableAmount, line["payableAmount"]!.GetValue<decimal>());
        Assert.Equal(0m, line["cnsAmount"]!.GetValue<decimal>());
        Assert.Equal(["SESSION_OUTSIDE_VALIDITY", "CONTESTATION_OVERTURNED"], line["reasons"]!.AsArray().Select(r => r!["code"]!.GetValue<string>()));
        Assert.StartsWith("Contestation acceptée", line["reasons"]![1]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_pending_contestation_is_held_back_until_the_memoirs_last_chance_then_an_extra_run_pays_it_on_time_and_it_lapses()
    {
        // Received Friday 27 November at 18:30: due Sunday 27 December, after the Christmas holidays.
        await SetClockAsync(Client(Admin), Local("2026-11-27", 18, 30));
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 1 });
        var memoir = await SubmitAsync(Client(Physio1), Memoir("XMAS", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-12")));
        var id = memoir.Id.ToString();
        Assert.Equal(new DateOnly(2026, 12, 27), memoir.DueDate);
        await ContestLineAsync(Client(Physio1), id, 2, new { code = "SESSIONS_EXHAUSTED", text = "Please check." });

        // The weekly runs pay line 1 and keep line 2 for the reviewer while a later run can still pay the memoir on time.
        await SetClockAsync(Client(Admin), Local("2026-12-22", 12));
        var waiting = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(FeeMemoirStatus.InPaymentRun, waiting.Status);
        Assert.NotNull(LineOf(waiting, 1).Payment);
        Assert.Null(LineOf(waiting, 2).Payment);
        Assert.Equal(["weekly:2026-11-30"], (await RunsInDbAsync(Api)).Select(r => r.SlotKey));

        // Thursday 24 December is the last working day before the due date: an extra run takes the line as adjudicated.
        await SetClockAsync(Client(Admin), Local("2026-12-29", 12));
        var runs = await RunsInDbAsync(Api);
        Assert.Equal(["weekly:2026-11-30", "extra:2026-12-24"], runs.Select(r => r.SlotKey));
        var paid = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(FeeMemoirStatus.Paid, paid.Status);
        var line = LineOf(paid, 2);
        Assert.Equal(runs[1].Id, line.Payment!.PaymentRunId);
        Assert.Equal(0m, line.Payment!.PaidAmount);
        Assert.Equal(ContestationStatus.Lapsed, line.Contestation!.Status);
        Assert.Equal(["SESSIONS_EXHAUSTED", "CONTESTATION_LAPSED"], Codes(line));
        Assert.Contains(runs[1].Number, line.Reasons[1].Message);

        var contestation = Assert.Single((await ContestationsAsync(Client(Reviewer), "?status=lapsed")).Items);
        var decide = await Client(Reviewer).PostJsonAsync($"/api/v1/review/contestations/{contestation.Id}/decision", new { decision = "overturn" });
        await decide.ExpectProblemAsync(HttpStatusCode.Conflict, "contestation_already_decided");
    }

    [Fact]
    public async Task A_contestation_decided_in_time_is_applied_by_the_run_that_takes_the_line()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 2 });
        var memoir = await SubmitAsync(Client(Physio1), Memoir("HELD", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-01")));
        var id = memoir.Id.ToString();
        var contestation = await ContestLineAsync(Client(Physio1), id, 2, new { code = "SESSION_OUTSIDE_VALIDITY", text = "Please check." });
        await SetClockAsync(Client(Admin), Local("2026-12-01", 12)); // weekly run of 30 November: line 2 held

        await DecideContestationAsync(Client(Reviewer), contestation.Id, new { decision = "overturn", note = "Fine." });
        await SetClockAsync(Client(Admin), Local("2026-12-07", 12));

        var paid = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(FeeMemoirStatus.Paid, paid.Status);
        Assert.Equal(25.76m, LineOf(paid, 2).Payment!.PaidAmount);
        Assert.Equal(Local("2026-12-07", 2), LineOf(paid, 2).Payment!.PaidAt);
        Assert.Equal(Local("2026-11-30", 2), LineOf(paid, 1).Payment!.PaidAt);
    }

    [Fact]
    public async Task A_hospital_stay_and_the_doctors_fees_for_it_are_paid_and_explained_by_the_run_like_any_memoir()
    {
        var stay = await (await Client(Hospital1).PostJsonAsync("/api/v1/hospital-stays", new
        {
            matricule = Adult, admissionDate = "2026-11-16", dischargeDate = "2026-11-20", kind = "stationary", childbirth = false, room = "single",
            singleRoomMedicallyNeeded = false, accompanyingParentBed = false, countryOfCare = "LU", operations = new[] { new { actCode = "HOP02", main = true } },
        })).ExpectAsync<HospitalStayDto>(HttpStatusCode.Created);
        var stayId = stay.Id;
        var fees = await (await Client(Doctor1).PostJsonAsync("/api/v1/fee-memoirs", new
        {
            memoirReference = "DR-PAY-1",
            lines = new object[]
            {
                new { hospitalStayId = stayId, matricule = Adult, sessionDate = "2026-11-16", actCode = "HOP02", claimedAmount = 2400.00m + 1584.00m, singleRoomSurcharge = 1584.00m },
                new { hospitalStayId = stayId, matricule = Adult, sessionDate = "2026-11-17", actCode = "DV01", claimedAmount = 42.00m },
            },
        })).ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created);
        var stayMemoirs = await AllAsync<FeeMemoirSummaryDto>(Client(Hospital1), "/api/v1/fee-memoirs");
        var stayMemoir = await (await Client(Hospital1).GetAsync($"/api/v1/fee-memoirs/{Assert.Single(stayMemoirs).Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        var owedByStay = stayMemoir.Lines.Sum(l => l.PayableAmount);
        var owedByFees = fees.Lines.Sum(l => l.PayableAmount);
        Assert.True(owedByStay > 0 && owedByFees > 0);

        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        var run = await RunAsync(Client(Admin), Assert.Single(await AllAsync<PaymentRunSummaryDto>(Client(Admin), "/api/v1/payment-runs")).Id);
        var orders = run.Orders.ToDictionary(o => o.ProviderCode, o => o.Amount);
        Assert.Equal(owedByStay, orders["HOS0001"]);
        Assert.Equal(owedByFees, orders["DOC0001"]);
        foreach (var key in new[] { Hospital1, Doctor1 })
        {
            var memoir = Assert.Single(await AllAsync<FeeMemoirSummaryDto>(Client(key), "/api/v1/fee-memoirs?status=paid"));
            var returnFile = Assert.Single(await AllAsync<ReturnFileDto>(Client(key), "/api/v1/return-files"));
            var client = Client(key);
            client.DefaultRequestHeaders.Accept.ParseAdd("application/xml");
            var xml = await client.GetByteArrayAsync($"/api/v1/return-files/{returnFile.Id}");
            Assert.Empty(CnsExchange.Infrastructure.Payments.Files.PaymentFileSchemas.Validate(xml, CnsExchange.Infrastructure.Payments.Files.PaymentFileSchemas.ReturnFile));
            Assert.Equal(key == Hospital1 ? owedByStay : owedByFees, returnFile.PaidAmount);
            Assert.NotNull(memoir);
        }
        // The single-room surcharge is never paid: the surgeon's line is listed as reduced, with its reasons.
        var feeFile = Assert.Single(await AllAsync<ReturnFileDto>(Client(Doctor1), "/api/v1/return-files"));
        Assert.True(feeFile.ListedLines >= 1);
        var check = await (await Client(Admin).GetAsync($"/api/v1/payment-runs/{run.Id}/verification")).ExpectAsync<PaymentRunVerificationDto>(HttpStatusCode.OK);
        Assert.True(check.Identical);
    }

    [Fact]
    public async Task A_closed_run_its_orders_files_and_the_lines_it_paid_cannot_be_changed_even_in_sql()
    {
        await AWeekOfMemoirsAsync();
        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        var run = Assert.Single(await RunsInDbAsync(Api));
        (string Name, object Value) p = ("id", run.Id);
        foreach (var sql in new[]
                 {
                     "UPDATE cns.payment_runs SET total_amount = 0 WHERE id = @id",
                     "DELETE FROM cns.payment_runs WHERE id = @id",
                     "UPDATE cns.payment_orders SET amount = 1 WHERE run_id = @id",
                     "UPDATE cns.payment_files SET content = '\\x00'::bytea WHERE run_id = @id",
                     "DELETE FROM cns.payment_files WHERE run_id = @id",
                     "UPDATE cns.return_files SET paid_amount = 0 WHERE run_id = @id",
                     "UPDATE cns.fee_memoir_lines SET paid_amount = paid_amount + 1 WHERE payment_run_id = @id",
                     "UPDATE cns.fee_memoir_lines SET payment_run_id = NULL WHERE payment_run_id = @id",
                 })
        {
            var error = await TrySqlAsync(Api, sql, p);
            Assert.True(error is { SqlState: "23001" }, $"{sql} → {error?.SqlState ?? "accepted"}");
        }
    }

    /// <summary>
    /// A run writes every memoir it pays twice (in_payment_run, then paid: PAY-06 commits the claim on its own): the
    /// status is in no index of fee_memoirs, neither as a key, an expression nor a predicate, and memoir pages keep room
    /// for new versions, so that both writes are heap-only updates (no index entry written: issue 24, P3).
    /// </summary>
    [Fact]
    public Task The_memoir_status_a_run_writes_twice_is_in_no_index_and_memoir_pages_keep_room_for_heap_only_updates() =>
        HeapOnlyUpdates.AssertPossibleAsync(Api, "cns.fee_memoirs", "status");
}
