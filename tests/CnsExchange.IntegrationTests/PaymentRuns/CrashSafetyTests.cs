using System.Net;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Payments;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.PaymentRuns;

/// <summary>
/// PAY-06: a run interrupted between its steps or inside them, then executed again, pays every line exactly once,
/// loses none, and stores the very bytes an uninterrupted run over the same data stores.
/// </summary>
public sealed class CrashSafetyTests(ApiFactory api) : ApiTest(api)
{
    private static readonly DateOnly SlotDate = new(2026, 11, 30);

    /// <summary>Where the run is interrupted, which occurrence of the point, and the status it must be found at afterwards.</summary>
    public static TheoryData<string, int, PaymentRunStatus> Interruptions => new()
    {
        { PaymentRunFaultPoints.BeforeClaimLines, 1, PaymentRunStatus.Created },
        { PaymentRunFaultPoints.ClaimLinesTaken, 1, PaymentRunStatus.Created },
        { PaymentRunFaultPoints.ClaimDebtsTaken, 1, PaymentRunStatus.Created }, // LIF-05: the debts to net taken, not committed
        { PaymentRunFaultPoints.ClaimContestationsLapsed, 1, PaymentRunStatus.Created },
        { PaymentRunFaultPoints.ClaimMemoirsMarked, 1, PaymentRunStatus.Created },
        { PaymentRunFaultPoints.BeforeBuildOrders, 1, PaymentRunStatus.LinesClaimed },
        { PaymentRunFaultPoints.DebtsNetted, 1, PaymentRunStatus.LinesClaimed }, // LIF-05: every provider netted, no order yet
        { PaymentRunFaultPoints.OrdersInserted, 1, PaymentRunStatus.LinesClaimed },
        { PaymentRunFaultPoints.StepCommitted, 2, PaymentRunStatus.OrdersBuilt }, // the orders committed, the files not started
        { PaymentRunFaultPoints.BeforeWriteFiles, 1, PaymentRunStatus.OrdersBuilt },
        { PaymentRunFaultPoints.FileBuilt, 1, PaymentRunStatus.OrdersBuilt }, // the pain.001
        { PaymentRunFaultPoints.FileBuilt, 14, PaymentRunStatus.OrdersBuilt }, // inside the second provider's return files
        { PaymentRunFaultPoints.FilesOfProviderWritten, 2, PaymentRunStatus.OrdersBuilt },
        { PaymentRunFaultPoints.StepBeforeCommit, 3, PaymentRunStatus.OrdersBuilt }, // every file saved, not committed
        { PaymentRunFaultPoints.BeforeMarkPaid, 1, PaymentRunStatus.FilesWritten },
        { PaymentRunFaultPoints.MarkPaidLinesDone, 1, PaymentRunStatus.FilesWritten },
        { PaymentRunFaultPoints.MemoirsPaid, 1, PaymentRunStatus.FilesWritten },
    };

    /// <summary>
    /// Four providers: PHY0001 with 520 lines in two memoirs (accepted, reduced, refused) and two lines an earlier run paid
    /// that were then reversed and recovered (LIF-05: netted by the run under test), PHY0002 paid at 100 % with a line held
    /// back by a pending contestation, REH0001 with an overturned contestation, HOS0001 with refused lines only.
    /// Returns the held line.
    /// </summary>
    private async Task<Guid> SeedFourProvidersAsync()
    {
        var big = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options
        {
            Sessions = 600, PrescriptionDate = new(2025, 5, 1), IssuedOn = new(2025, 5, 2), TreatmentStartBy = new(2025, 6, 1), ValidUntil = new(2026, 12, 31),
        });
        var earlier = await SubmitAsync(Client(Physio1), Memoir("DEBT-1", Line(big, "2025-05-03"), Line(big, "2025-05-04")));
        var manual = await (await Client(Admin).PostAsync("/api/v1/admin/payment-runs", null)).ExpectAsync<PaymentRunDto>(HttpStatusCode.Accepted);
        await WaitForClosedAsync(Client(Admin), manual.Id);
        await (await Client(Physio1).PostJsonAsync($"/api/v1/fee-memoirs/{earlier.Id}/lines/1/reversal", new { reason = "Billed twice." }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await Client(Reviewer).PostJsonAsync("/api/v1/review/recoveries",
            new { memoirId = earlier.Id, lineNumber = 2, code = "SESSION_NOT_GIVEN", note = "Checked." })).ExpectAsync(HttpStatusCode.Created);
        object BigLine(int i)
        {
            var date = new DateOnly(2025, 5, 5).AddDays(i).ToString("yyyy-MM-dd");
            return i % 25 == 7 ? Line(big, date, act: "ZKX9", claimed: 20m) : Line(big, date, claimed: i % 10 == 3 ? 45m : 36.80m);
        }
        await SubmitAsync(Client(Physio1), Memoir("BIG-1", Enumerable.Range(0, 500).Select(BigLine).ToArray()));
        await SubmitAsync(Client(Physio1), Memoir("BIG-2", Enumerable.Range(500, 20).Select(BigLine).ToArray()));

        var minor = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ProviderCode = "PHY0002", Matricule = "2012051469331", RatePercent = 100m, Sessions = 2 });
        var held = await SubmitAsync(Client(Physio2), Memoir("P2-1", Line(minor, "2026-11-16", matricule: "2012051469331"),
            Line(minor, "2026-11-17", matricule: "2012051469331"), Line(minor, "2026-11-18", matricule: "2012051469331")));
        await ContestLineAsync(Client(Physio2), held.Id, 3, new { code = "SESSIONS_EXHAUSTED", text = "Third session prescribed." });

        // Refused for its date (before the prescription, BIL-04), on a voucher with a session left for the overturn (BIL-06).
        var rehab = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ProviderCode = "REH0001", Matricule = "1965072021704", Sessions = 2 });
        var overturned = await SubmitAsync(Client(Rehab1), Memoir("R-1", Line(rehab, "2026-11-16", matricule: "1965072021704"),
            Line(rehab, "2026-11-01", matricule: "1965072021704", claimed: 30m)));
        var contestation = await ContestLineAsync(Client(Rehab1), overturned.Id, 2, new { code = "SESSION_OUTSIDE_VALIDITY", text = "Prescribed." });
        await DecideContestationAsync(Client(Reviewer), contestation.Id, new { decision = "overturn", note = "Agreed." });

        await SubmitAsync(Client(Hospital1), Memoir("H-1", Line(big, "2026-11-16"), Line(big, "2026-11-17")));

        return await DbAsync(Api, db => db.Set<FeeMemoirLine>().Where(l => l.ContestationStatus == ContestationStatus.Pending).Select(l => l.Id).SingleAsync());
    }

    private sealed record FileState(string Key, string Sha256, string Content);

    /// <summary>A line as the run leaves it (issue 24: its run and amount; its return file is its run's for its provider).</summary>
    private sealed record LineState(Guid Id, Guid ProviderId, Guid? RunId, decimal? PaidAmount, decimal PayableAmount, bool ReportedByOwnReturnFile);

    private sealed record Snapshot(
        string RunNumber, PaymentRunStatus Status, IReadOnlyList<FileState> Files, IReadOnlyList<LineState> Lines,
        IReadOnlyList<string> Orders, IReadOnlyList<string> Memoirs, IReadOnlyList<string> Nettings, IReadOnlyList<Guid?> DebtRuns);

    private Task<Snapshot> SnapshotAsync(Guid runId) => DbAsync(Api, async db =>
    {
        var run = await db.Set<PaymentRun>().AsNoTracking().SingleAsync(r => r.Id == runId);
        var providers = await db.Providers.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Code);
        var files = (await db.Set<StoredPaymentFile>().AsNoTracking().Where(f => f.RunId == runId).ToListAsync())
            .Select(f => new FileState($"{f.Kind}/{(f.ProviderId is { } p ? providers[p] : "-")}/{f.Format}/{f.Language}", f.Sha256, Convert.ToBase64String(f.Content)))
            .OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        var returnFiles = await db.Set<ProviderReturnFile>().AsNoTracking().Where(f => f.RunId == runId).ToDictionaryAsync(f => f.Id, f => f.ProviderId);
        var lines = (await db.Set<FeeMemoirLine>().AsNoTracking().OrderBy(l => l.Id).ToListAsync())
            .Select(l => new LineState(l.Id, l.ProviderId, l.PaymentRunId, l.PaidAmount, l.PayableAmount,
                l.PaymentRunId == runId && returnFiles.ContainsValue(l.ProviderId)))
            .ToList();
        var orders = (await db.Set<PaymentRunOrder>().AsNoTracking().Where(o => o.RunId == runId).ToListAsync())
            .Select(o => $"{o.ProviderCode} {o.Amount:0.00} {o.EndToEndId} {o.Iban}").Order(StringComparer.Ordinal).ToList();
        var memoirs = (await db.Set<FeeMemoir>().AsNoTracking().ToListAsync())
            .Select(m => $"{m.Reference} {m.Status}").Order(StringComparer.Ordinal).ToList();
        var nettings = (await db.Set<PaymentRunNetting>().AsNoTracking().Where(n => n.RunId == runId).ToListAsync())
            .Select(n => $"{providers[n.ProviderId]} {n.BroughtForward:0.00} {n.Debts:0.00} {n.Accepted:0.00} {n.OrderAmount:0.00} {n.CarriedForward:0.00}")
            .Order(StringComparer.Ordinal).ToList();
        var debtRuns = await db.Set<ProviderDebt>().AsNoTracking().OrderBy(d => d.Id).Select(d => d.PaymentRunId).ToListAsync();
        return new Snapshot(run.Number, run.Status, files, lines, orders, memoirs, nettings, debtRuns);
    });

    /// <summary>
    /// Puts the database back as it was before the run (test only: triggers off, PAY-06 forbids it otherwise), and the
    /// run-number sequence too, so the same slot makes the same run again.
    /// </summary>
    private Task RewindAsync(Guid runId, long runNumberValue) => RawSqlWithoutTriggersAsync(Api, """
        UPDATE cns.fee_memoirs SET status = 'Adjudicated'
        WHERE status IN ('InPaymentRun', 'Paid') AND id IN (SELECT memoir_id FROM cns.fee_memoir_lines WHERE payment_run_id = @run);
        UPDATE cns.fee_memoir_lines SET payment_run_id = NULL, paid_amount = NULL
        WHERE payment_run_id = @run;
        UPDATE cns.provider_debts SET payment_run_id = NULL WHERE payment_run_id = @run;
        DELETE FROM cns.payment_run_nettings WHERE run_id = @run;
        DELETE FROM cns.payment_files WHERE run_id = @run;
        DELETE FROM cns.return_files WHERE run_id = @run;
        DELETE FROM cns.payment_orders WHERE run_id = @run;
        DELETE FROM cns.payment_runs WHERE id = @run;
        SELECT setval('cns.payment_run_number_seq', @number, false);
        """, ("run", runId), ("number", runNumberValue));

    [Theory]
    [MemberData(nameof(Interruptions))]
    public async Task Pay06_a_run_interrupted_and_executed_again_pays_each_line_once_loses_none_and_writes_the_same_bytes(
        string point, int occurrence, PaymentRunStatus stoppedAt)
    {
        var heldLine = await SeedFourProvidersAsync();

        // The uninterrupted run over this data.
        var runId = await CreateSlotRunAsync(Api, SlotDate);
        Assert.Equal(PaymentRunStatus.Closed, await ExecuteAsync(Api, runId));
        var expected = await SnapshotAsync(runId);
        Assert.NotEmpty((await RunAsync(Client(Admin), runId)).ByRouteAndFund!);
        Assert.Empty(Api.PaymentRunFaults.Passed.Except(PaymentRunFaultPoints.All));
        AssertPaidOnceAndNothingLost(expected, runId, heldLine);

        // The same run again, a little later, interrupted at the point, then executed again as the Hangfire job or the
        // scheduler would (the clock moves: nothing written may depend on when a step runs).
        // The interruption must happen in the step under test: the tick is off from before the run is made again (it
        // would execute it), and only this test's own execution counts the point's occurrences and fires it.
        Api.Clock.Advance(TimeSpan.FromMinutes(7));
        await using (await Api.PausePaymentRunTickAsync())
        {
            await RewindAsync(runId, long.Parse(expected.RunNumber[8..]));
            Assert.Equal(runId, await CreateSlotRunAsync(Api, SlotDate));
            Api.PaymentRunFaults.ArmHere(point, occurrence);
            var crash = await Record.ExceptionAsync(() => ExecuteAsync(Api, runId));
            Assert.True(Api.PaymentRunFaults.Fired, $"the run never reached {point} #{occurrence}");
            Assert.IsType<SimulatedCrashException>(crash);
            Assert.Equal(point, ((SimulatedCrashException)crash).Point);
            var interrupted = await SnapshotAsync(runId);
            Assert.Equal(stoppedAt, interrupted.Status);
            // Staff see the report by route and fund of a closed run only (a running run is not read line by line at each poll).
            Assert.Null((await RunAsync(Client(Admin), runId)).ByRouteAndFund);
            var taken = interrupted.Lines.Count(l => l.RunId == runId);
            Assert.Equal(stoppedAt == PaymentRunStatus.Created ? 0 : expected.Lines.Count(l => l.RunId == runId), taken);
            Assert.Equal(stoppedAt < PaymentRunStatus.OrdersBuilt ? 0 : expected.Orders.Count, interrupted.Orders.Count);
            Assert.Equal(stoppedAt < PaymentRunStatus.FilesWritten ? 0 : expected.Files.Count, interrupted.Files.Count);
            // A line is taken with its amount, in one statement (issue 24), and paid no more than it was payable then.
            Assert.All(interrupted.Lines.Where(l => l.RunId == runId), l => Assert.Equal(l.PayableAmount, l.PaidAmount));
            Assert.Equal(stoppedAt < PaymentRunStatus.LinesClaimed ? 0 : 2, interrupted.DebtRuns.Count(r => r == runId));
            Assert.Equal(stoppedAt < PaymentRunStatus.OrdersBuilt ? 0 : expected.Nettings.Count, interrupted.Nettings.Count);
            var failed = await DbAsync(Api, db => db.Set<PaymentRun>().AsNoTracking().SingleAsync(r => r.Id == runId));
            Assert.Equal(1, failed.FailedAttempts);
            Assert.Contains(point, failed.LastError);
        }

        Api.Clock.Advance(TimeSpan.FromMinutes(7));
        Assert.Equal(PaymentRunStatus.Closed, await ExecuteAsync(Api, runId));
        Assert.Equal(PaymentRunStatus.Closed, await ExecuteAsync(Api, runId)); // and once more: nothing left to do
        var actual = await SnapshotAsync(runId);
        AssertPaidOnceAndNothingLost(actual, runId, heldLine);
        Assert.Equal(expected.RunNumber, actual.RunNumber);
        Assert.Equal(expected.Orders, actual.Orders);
        Assert.Equal(expected.Memoirs, actual.Memoirs);
        Assert.Equal(expected.Nettings, actual.Nettings);
        Assert.Equal(expected.DebtRuns, actual.DebtRuns);
        Assert.Equal(expected.Lines, actual.Lines);
        Assert.Equal(expected.Files.Select(f => f.Key), actual.Files.Select(f => f.Key));
        foreach (var (before, after) in expected.Files.Zip(actual.Files))
            Assert.True(before == after, $"{after.Key} differs from the uninterrupted run's file");

        var check = await (await Client(Admin).GetAsync($"/api/v1/payment-runs/{runId}/verification")).ExpectAsync<PaymentRunVerificationDto>(HttpStatusCode.OK);
        Assert.True(check.Identical);
    }

    private static void AssertPaidOnceAndNothingLost(Snapshot snapshot, Guid runId, Guid heldLine)
    {
        Assert.Equal(PaymentRunStatus.Closed, snapshot.Status);
        Assert.Equal(1 + 4 * 9, snapshot.Files.Count); // pain.001 + return files of 4 providers × 3 formats × 3 languages
        Assert.Equal(3, snapshot.Orders.Count); // HOS0001 has nothing to pay
        // LIF-05: the two debts are netted by this run, once: PHY0001's transfer is its lines less 2 × 25.76.
        Assert.Equal([runId, runId], snapshot.DebtRuns);
        Assert.Single(snapshot.Nettings, n => n.StartsWith("PHY0001 0.00 51.52 ", StringComparison.Ordinal));
        foreach (var line in snapshot.Lines)
        {
            if (line.RunId is { } other && other != runId) continue; // paid by the earlier run (and since reversed or recovered)
            if (line.Id == heldLine)
            {
                Assert.Null(line.RunId); // pending contestation, memoir not at its last chance: kept for a later run
                continue;
            }
            Assert.Equal(runId, line.RunId);
            Assert.Equal(line.PayableAmount, line.PaidAmount);
            Assert.True(line.ReportedByOwnReturnFile);
        }
        Assert.Contains("P2-1 InPaymentRun", snapshot.Memoirs);
        Assert.Equal(5, snapshot.Memoirs.Count(m => m.EndsWith(" Paid", StringComparison.Ordinal))); // DEBT-1 too, by the earlier run
        Assert.True(snapshot.Lines.Count > 525);
    }

    [Fact]
    public async Task Pay06_two_workers_executing_the_same_run_at_once_pay_each_line_once()
    {
        var heldLine = await SeedFourProvidersAsync();
        var runId = await CreateSlotRunAsync(Api, SlotDate);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ExecuteAsync(Api, runId)));
        Assert.All(statuses, s => Assert.Equal(PaymentRunStatus.Closed, s));
        var snapshot = await SnapshotAsync(runId);
        AssertPaidOnceAndNothingLost(snapshot, runId, heldLine);

        // The orders are the payable amounts of the lines, per provider, to the cent, less the debts netted (LIF-05:
        // PHY0001's reversal and recovery, 2 × 25.76).
        var payable = await DbAsync(Api, db => db.Set<FeeMemoirLine>().AsNoTracking().Where(l => l.PaymentRunId == runId)
            .GroupBy(l => l.ProviderId).Select(g => new { Provider = g.Key, Sum = g.Sum(l => l.PayableAmount) }).ToListAsync());
        var debts = await DbAsync(Api, db => db.Set<ProviderDebt>().AsNoTracking().Where(d => d.PaymentRunId == runId)
            .GroupBy(d => d.ProviderId).Select(g => new { Provider = g.Key, Sum = g.Sum(d => d.Amount) }).ToDictionaryAsync(d => d.Provider, d => d.Sum));
        Assert.Equal(51.52m, debts.Values.Sum());
        var orders = await DbAsync(Api, db => db.Set<PaymentRunOrder>().AsNoTracking().Where(o => o.RunId == runId).ToListAsync());
        Assert.Equal(payable.Select(p => (p.Provider, Sum: p.Sum - debts.GetValueOrDefault(p.Provider))).Where(p => p.Sum > 0).OrderBy(p => p.Provider),
            orders.OrderBy(o => o.ProviderId).Select(o => (o.ProviderId, o.Amount)));
    }

    [Fact]
    public async Task A_run_started_by_hand_that_fails_in_its_hangfire_job_is_retried_by_hangfire_and_closes()
    {
        await SeedFourProvidersAsync();
        Api.PaymentRunFaults.Arm(PaymentRunFaultPoints.BeforeWriteFiles);
        var accepted = await (await Client(Admin).PostAsync("/api/v1/admin/payment-runs", null)).ExpectAsync<PaymentRunDto>(HttpStatusCode.Accepted);
        var run = await WaitForClosedAsync(Client(Admin), accepted.Id, TimeSpan.FromSeconds(60));
        Assert.True(Api.PaymentRunFaults.Fired);
        Assert.Equal(1, run.FailedAttempts);
        Assert.Contains(PaymentRunFaultPoints.BeforeWriteFiles, run.LastError);
        Assert.Equal(3, run.Orders.Count);
        var check = await (await Client(Admin).GetAsync($"/api/v1/payment-runs/{accepted.Id}/verification")).ExpectAsync<PaymentRunVerificationDto>(HttpStatusCode.OK);
        Assert.True(check.Identical);
    }
}
