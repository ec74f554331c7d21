using CnsExchange.Application.Features.Events;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>
/// The four steps of a payment run (PAY-03…PAY-07). Each is one transaction that locks the run row
/// (<see cref="IAppDbContext.LockForUpdateAsync{T}"/>) and checks its status first: a step already done does nothing, a step interrupted left
/// nothing behind and is done again. Nothing here reads the clock to decide what is paid: the run's as-of instant and
/// execution date do.
/// </summary>
public sealed class PaymentRunSteps(
    IAppDbContext db, IPaymentRunStore store, PaymentRunFileBuilder files, IPaymentRunFaults faults, TimeProvider clock, IEvents events, ILogger<PaymentRunSteps> logger,
    ClaimPaymentStage claims, IServiceScopeFactory scopes)
{
    /// <summary>How long one statement of a step may take (claiming a million lines takes half a minute on a quiet 2-core machine).</summary>
    public static readonly TimeSpan StepCommandTimeout = TimeSpan.FromMinutes(15);

    /// <summary>
    /// (a) Takes, in one UPDATE, every unsettled line of the memoirs received on or before the as-of instant: payable
    /// lines and refused lines alike (the refused ones are reported, PAY-07). A line whose contestation is pending is
    /// left for a later run while its memoir can still be paid on time by a later run; on the memoir's last chance
    /// (PAY-01) it is taken as adjudicated and its contestation lapses.
    /// </summary>
    public Task ClaimLinesAsync(Guid runId, CancellationToken ct) => StepAsync(runId, PaymentRunStatus.Created, async run =>
    {
        var laps = new Laps();
        // The one write of a line in a run (issue 24): the run that takes it and what it pays for it, its payable amount
        // now (no longer changed once taken: the trigger trg_fee_memoir_lines_payment_is_final).
        await Takeable(db, run.AsOf, run.ExecutionDate)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.PaymentRunId, (Guid?)run.Id).SetProperty(l => l.PaidAmount, l => (decimal?)l.PayableAmount), ct);
        laps.Lap("lines");
        faults.At(PaymentRunFaultPoints.ClaimLinesTaken, run.Id);

        // LIF-05: the reversals and recoveries recorded by the as-of instant are netted by this run.
        var until = run.AsOf.ToUniversalTime();
        await db.Set<ProviderDebt>().Where(d => d.PaymentRunId == null && d.CreatedAt <= until)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.PaymentRunId, (Guid?)run.Id), ct);
        faults.At(PaymentRunFaultPoints.ClaimDebtsTaken, run.Id);

        var lapsedReason = JsonSerializer.Serialize(new[] { Contestation.Lapsed(run.Number) }, JsonDefaults.Options);
        var decidedBy = "payment-run:" + run.Number;
        await store.LapseContestationsAsync(run, lapsedReason, decidedBy, ct);
        faults.At(PaymentRunFaultPoints.ClaimContestationsLapsed, run.Id);
        laps.Lap("debts and contestations");

        var counts = await store.MarkMemoirsInPaymentRunAsync(run.Id, ct);
        faults.At(PaymentRunFaultPoints.ClaimMemoirsMarked, run.Id);
        laps.Lap("memoirs and counts");

        // INS-05: the insured's route of the run (its own stage, same transaction).
        await claims.TakeAsync(run, ct);
        laps.Lap("claims");
        logger.LogInformation("Payment run {RunNumber} took {Lines} line(s) of {Memoirs} memoir(s); ms: {Laps}", run.Number, counts.Lines, counts.Memoirs, laps);
        run.LineCount = counts.Lines;
        run.MemoirCount = counts.Memoirs;
        run.ProviderCount = counts.Providers;
        run.LinesClaimedAt = clock.GetUtcNow();
        return PaymentRunStatus.LinesClaimed;
    }, ct);

    /// <summary>
    /// (b) One payment order per provider whose taken lines sum to more than 0 (PAY-03), with the provider's name, IBAN
    /// and BIC as they are now. Providers with nothing to pay get no order, but still a return file.
    /// </summary>
    public Task BuildOrdersAsync(Guid runId, CancellationToken ct) => StepAsync(runId, PaymentRunStatus.LinesClaimed, async run =>
    {
        // The claim changed the run column of up to every line of the table: fresh statistics of that column, so that the
        // plans of the next steps know how many lines the run holds and how few are left unsettled.
        var laps = new Laps();
        await store.RefreshLineStatisticsAsync(ct);
        laps.Lap("statistics");
        var now = clock.GetUtcNow();
        var paidLines = await NetDebtsAsync(run, now, ct);
        faults.At(PaymentRunFaultPoints.DebtsNetted, run.Id);
        laps.Lap("netting");
        await store.InsertOrdersAsync(run, paidLines, now, ct);
        faults.At(PaymentRunFaultPoints.OrdersInserted, run.Id);
        laps.Lap("orders");
        await claims.BuildOrdersAsync(run, now, ct); // INS-05
        var orders = db.Set<PaymentRunOrder>().Where(o => o.RunId == run.Id);
        run.OrderCount = await orders.CountAsync(ct);
        run.TotalAmount = await orders.SumAsync(o => o.Amount, ct);
        laps.Lap("claims and totals");
        logger.LogInformation("Payment run {RunNumber} built {Orders} order(s); ms: {Laps}", run.Number, run.OrderCount, laps);
        run.OrdersBuiltAt = clock.GetUtcNow();
        return PaymentRunStatus.OrdersBuilt;
    }, ct);

    /// <summary>
    /// LIF-05: for every provider with lines or debts in the run, the debt brought forward from its latest earlier netting,
    /// the debts this run took and the amounts of its lines are netted (<see cref="DebtNetting"/>); the orders are built
    /// from the nettings (never a negative transfer), and the rest carries forward. Returns how many lines of each provider
    /// the run pays (payable amount above 0), read with the amounts: the one read of the run's lines in this step.
    /// </summary>
    private async Task<IReadOnlyDictionary<Guid, int>> NetDebtsAsync(PaymentRun run, DateTimeOffset now, CancellationToken ct)
    {
        var taken = await db.Set<FeeMemoirLine>().Where(l => l.PaymentRunId == run.Id).GroupBy(l => l.ProviderId)
            .Select(g => new { Provider = g.Key, Amount = g.Sum(l => l.PayableAmount), PaidLines = g.Count(l => l.PayableAmount > 0m) })
            .ToListAsync(ct);
        var accepted = taken.ToDictionary(x => x.Provider, x => x.Amount);
        var debts = await db.Set<ProviderDebt>().Where(d => d.PaymentRunId == run.Id).GroupBy(d => d.ProviderId)
            .Select(g => new { Provider = g.Key, Amount = g.Sum(d => d.Amount) }).ToDictionaryAsync(x => x.Provider, x => x.Amount, ct);
        var providers = accepted.Keys.Union(debts.Keys).ToList();
        // The latest netting of each provider in another run (runs proceed one at a time, in slot order: by as-of instant;
        // the sandbox clock may be frozen, so not by when the netting was written).
        var earlier = await (
                from n in db.Set<PaymentRunNetting>()
                join r in db.Set<PaymentRun>() on n.RunId equals r.Id
                where n.RunId != run.Id && providers.Contains(n.ProviderId)
                select new { n.ProviderId, n.CarriedForward, r.AsOf, r.Number })
            .GroupBy(x => x.ProviderId)
            .Select(g => g.OrderByDescending(x => x.AsOf).ThenByDescending(x => x.Number).Select(x => new { x.ProviderId, x.CarriedForward }).First())
            .ToDictionaryAsync(x => x.ProviderId, x => x.CarriedForward, ct);
        var netted = await db.Set<PaymentRunNetting>().Where(n => n.RunId == run.Id).Select(n => n.ProviderId).ToListAsync(ct);
        foreach (var provider in providers.Except(netted))
        {
            var result = DebtNetting.Net(earlier.GetValueOrDefault(provider), debts.GetValueOrDefault(provider), accepted.GetValueOrDefault(provider));
            db.Set<PaymentRunNetting>().Add(new PaymentRunNetting
            {
                Id = Guid.CreateVersion7(), RunId = run.Id, ProviderId = provider, BroughtForward = result.BroughtForward, Debts = result.Debts,
                Accepted = result.Accepted, OrderAmount = result.OrderAmount, CarriedForward = result.CarriedForward, CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(ct);
        return taken.ToDictionary(x => x.Provider, x => x.PaidLines);
    }

    /// <summary>
    /// (c) The pain.001 of all the orders and, for every provider in the run, its return file in fr, de and en, each as
    /// JSON, XML and CSV: stored once with their SHA-256, never written again. Three things overlap, one provider apart:
    /// a provider's lines are read on a second connection while the previous provider's files are rendered on another
    /// thread and the one before's are stored on the step's connection. The reads are of what earlier steps committed
    /// and no step changes again (the run's lines, debts and nettings), so they need not be in the step's transaction.
    /// Files are let go once stored (a large run does not keep every file of the run in memory).
    /// </summary>
    public Task WriteFilesAsync(Guid runId, CancellationToken ct) => StepAsync(runId, PaymentRunStatus.OrdersBuilt, async run =>
    {
        var now = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        TimeSpan waitingForLines = TimeSpan.Zero, waitingForFiles = TimeSpan.Zero, storing = TimeSpan.Zero;
        long renderingTicks = 0, readingTicks = 0; // the renderings' and readings' own time (overlapping the storing)
        var orders = await db.Set<PaymentRunOrder>().AsNoTracking().Where(o => o.RunId == run.Id).ToListAsync(ct);
        var fileCount = 0;
        long bytes = 0;
        if (files.Pain001(run, orders) is { } pain001)
        {
            db.Set<StoredPaymentFile>().Add(Stored(run, pain001, null, now));
            fileCount++;
            bytes += pain001.File.Length;
            faults.At(PaymentRunFaultPoints.FileBuilt, run.Id);
        }

        // Every provider the run nets: lines, or only reversals and recoveries (LIF-05).
        var providerIds = await db.Set<PaymentRunNetting>().Where(n => n.RunId == run.Id).Select(n => n.ProviderId).Distinct().ToListAsync(ct);
        var providers = await db.Providers.AsNoTracking().Where(p => providerIds.Contains(p.Id)).OrderBy(p => p.Code).ToListAsync(ct);
        var subjects = providers.Select(provider =>
        {
            var order = orders.SingleOrDefault(o => o.ProviderId == provider.Id);
            return (Subject: new ReturnFileSubject(provider.Id, provider.Code, order?.ProviderName ?? provider.Name, order?.EndToEndId), Order: order);
        }).ToList();

        // The second connection reads in a transaction of its own, with the step's settings and timeout.
        await using var readerScope = scopes.CreateAsyncScope();
        var readerDb = readerScope.ServiceProvider.GetRequiredService<IAppDbContext>();
        var reader = readerScope.ServiceProvider.GetRequiredService<PaymentRunFileBuilder>();
        readerDb.Database.SetCommandTimeout(StepCommandTimeout);
        await using var readerTx = await readerDb.Database.BeginTransactionAsync(ct);
        await readerScope.ServiceProvider.GetRequiredService<IPaymentRunStore>().PrepareStepAsync(ct);
        Task<ReturnFileContent> Read(int i) => Task.Run(async () =>
        {
            var started = Stopwatch.GetTimestamp();
            var content = await reader.ReadReturnFileAsync(run, subjects[i].Subject, ct);
            Interlocked.Add(ref readingTicks, Stopwatch.GetElapsedTime(started).Ticks);
            return content;
        }, ct);
        Task<ReturnFileContent>? reading = subjects.Count > 0 ? Read(0) : null;
        Task<BuiltReturnFile>? rendering = null;
        PaymentRunOrder? renderingOrder = null;
        try
        {
            for (var i = 0; i <= subjects.Count; i++)
            {
                ReturnFileContent? content = null;
                var lap = watch.Elapsed;
                if (reading is not null)
                {
                    content = await reading;
                    reading = i + 1 < subjects.Count ? Read(i + 1) : null; // the next provider's lines, while this one's files are stored
                }
                waitingForLines += watch.Elapsed - lap;
                lap = watch.Elapsed;
                var built = rendering is null ? null : await rendering;
                waitingForFiles += watch.Elapsed - lap;
                var builtOrder = renderingOrder;
                (rendering, renderingOrder) = content is null ? (null, null) : (Task.Run(() =>
                {
                    var started = Stopwatch.GetTimestamp();
                    var result = files.BuildReturnFile(run, content);
                    Interlocked.Add(ref renderingTicks, Stopwatch.GetElapsedTime(started).Ticks);
                    return result;
                }, ct), subjects[i].Order);
                if (built is null) continue;

                lap = watch.Elapsed;
                var (returnFile, stored) = Stored(run, built, builtOrder, now);
                db.Set<ProviderReturnFile>().Add(returnFile);
                foreach (var file in stored)
                {
                    db.Set<StoredPaymentFile>().Add(file);
                    faults.At(PaymentRunFaultPoints.FileBuilt, run.Id);
                }
                await db.SaveChangesAsync(ct);
                db.Set<ProviderReturnFile>().Entry(returnFile).State = EntityState.Detached;
                foreach (var file in stored) db.Set<StoredPaymentFile>().Entry(file).State = EntityState.Detached;
                fileCount += stored.Count;
                bytes += stored.Sum(f => f.Length);
                storing += watch.Elapsed - lap;
                faults.At(PaymentRunFaultPoints.FilesOfProviderWritten, run.Id);
            }
        }
        finally
        {
            // A step that fails (or a fault point that stops it) leaves no read nor rendering running on a context or
            // scope it gives back; its own exception is the one that propagates.
            await SettledAsync(reading);
            await SettledAsync(rendering);
        }
        fileCount += await claims.WriteFilesAsync(run, now, ct); // INS-05: a pain.001 per fund and the claims' statements
        run.FileCount = fileCount;
        run.FilesWrittenAt = clock.GetUtcNow();
        logger.LogInformation(
            "Payment run {RunNumber} wrote {Files} file(s) of {Providers} provider(s), {Bytes} bytes, in {Ms} ms (reading lines {Read} ms, " +
            "waiting for lines {ReadWait} ms, rendering {Rendering} ms, waiting for rendering {Render} ms, storing {Store} ms)",
            run.Number, fileCount, providers.Count, bytes, (long)watch.Elapsed.TotalMilliseconds, (long)TimeSpan.FromTicks(readingTicks).TotalMilliseconds,
            (long)waitingForLines.TotalMilliseconds, (long)TimeSpan.FromTicks(renderingTicks).TotalMilliseconds, (long)waitingForFiles.TotalMilliseconds,
            (long)storing.TotalMilliseconds);
        return PaymentRunStatus.FilesWritten;
    }, ct);

    /// <summary>Waits for a task to end, whatever its outcome (its exception observed, not thrown).</summary>
    private static async Task SettledAsync(Task? task)
    {
        if (task is null) return;
        await Task.WhenAny(task);
        _ = task.Exception;
    }

    private static (ProviderReturnFile ReturnFile, List<StoredPaymentFile> Files) Stored(PaymentRun run, BuiltReturnFile built, PaymentRunOrder? order, DateTimeOffset now)
    {
        var returnFile = new ProviderReturnFile
        {
            Id = Guid.CreateVersion7(),
            RunId = run.Id,
            ProviderId = built.Subject.ProviderId,
            ProviderCode = built.Subject.Code,
            ProviderName = built.Subject.Name,
            PaymentOrderId = order?.Id,
            EndToEndId = order?.EndToEndId,
            LineCount = built.Totals.LineCount,
            ListedLineCount = built.Totals.ListedLines,
            PaidLineCount = built.Totals.PaidLines,
            ClaimedAmount = built.Totals.ClaimedAmount,
            CnsAmount = built.Totals.CnsAmount,
            PaidAmount = built.Totals.PaidAmount,
            CreatedAt = run.AsOf,
        };
        return (returnFile, built.Files.Select(f => Stored(run, f, returnFile.Id, now)).ToList());
    }

    /// <summary>
    /// (d) Closes the run: the taken lines are paid and reported by it from now on (issue 24: nothing is written per line;
    /// the amount each is paid was set when the run took it, when it was paid is the run's value date and its return
    /// file is its provider's in this run), once every taken line is counted in its provider's return file; then the
    /// memoirs whose every line is settled are paid.
    /// </summary>
    public Task MarkPaidAsync(Guid runId, CancellationToken ct) => StepAsync(runId, PaymentRunStatus.FilesWritten, async run =>
    {
        var laps = new Laps();
        var paidAt = PaymentSchedule.PaidAt(run.AsOf, run.ExecutionDate).ToUniversalTime();
        var returnFiles = await db.Set<ProviderReturnFile>().AsNoTracking().Where(f => f.RunId == run.Id).OrderBy(f => f.ProviderCode)
            .Select(f => new { f.Id, f.ProviderId, f.LineCount, f.PaidLineCount }).ToListAsync(ct);
        // PAY-05: every line the run took is in its provider's return file (the files count the lines they cover).
        var reported = returnFiles.Sum(f => f.LineCount);
        if (reported != run.LineCount)
            throw new InvalidOperationException($"Payment run {run.Id}: took {run.LineCount} line(s), its return files cover {reported}; the run is not closed.");
        laps.Lap("lines reported");
        faults.At(PaymentRunFaultPoints.MarkPaidLinesDone, run.Id);

        // A memoir is paid once every line is settled; one with a line still held (pending contestation) waits for a later
        // run. The held lines are looked up by provider and memoir in the index of unsettled lines.
        // Both sets are computed once (a per-memoir probe of the index of unsettled lines walked its dead entries, left by
        // the claim, for every memoir: 5 minutes for one provider's 69k memoirs).
        await store.MarkMemoirsPaidAsync(run.Id, ct);
        faults.At(PaymentRunFaultPoints.MemoirsPaid, run.Id);
        await claims.MarkPaidAsync(run, paidAt, ct); // INS-05

        laps.Lap("memoirs");
        run.PaidLineCount = returnFiles.Sum(f => f.PaidLineCount);
        run.UnpaidLineCount = reported - run.PaidLineCount;
        logger.LogInformation("Payment run {RunNumber} closed; ms: {Laps}", run.Number, laps);
        run.ClosedAt = clock.GetUtcNow();
        // payment_run.closed, one per provider of the run, committed with the closing step.
        var amounts = await db.Set<PaymentRunOrder>().AsNoTracking().Where(o => o.RunId == run.Id).ToDictionaryAsync(o => o.ProviderId, o => o.Amount, ct);
        foreach (var returnFile in returnFiles)
            events.Record(EventTypes.PaymentRunClosed, new EventResource(run.Id, $"/api/v1/payment-runs/{run.Id}"),
                new PaymentRunClosedData(run.Number, run.ExecutionDate, amounts.GetValueOrDefault(returnFile.ProviderId), returnFile.Id,
                    ReturnFileQueries.Location(returnFile.Id)), returnFile.ProviderId);
        return PaymentRunStatus.Closed;
    }, ct);

    /// <summary>
    /// The lines a run as of <paramref name="asOf"/>, executed on <paramref name="executionDate"/>, takes: not taken yet,
    /// of an adjudicated memoir received by then; a line with a pending contestation only on its memoir's last chance.
    /// </summary>
    public static IQueryable<FeeMemoirLine> Takeable(IAppDbContext db, DateTimeOffset asOf, DateOnly executionDate)
    {
        var next = PaymentSchedule.NextOpportunity(executionDate);
        var until = asOf.ToUniversalTime();
        // A released line (its memoir voided, LIF-02) is never taken; a void that locked the line first wins, and this
        // statement, re-checking the row it waited for, leaves it.
        return db.Set<FeeMemoirLine>().Where(l => l.PaymentRunId == null && l.ReleasedAt == null
            && db.Set<FeeMemoir>().Where(PaymentOrders.MemoirWithLinesToTake).Any(m => m.Id == l.MemoirId
                && m.ReceivedAt <= until
                && (l.ContestationStatus != ContestationStatus.Pending || m.DueDate < next)));
    }

    /// <summary>
    /// Earliest due date of the memoirs received by <paramref name="asOf"/> that still have lines no run took. No index
    /// names a memoir's status (a run's status writes are heap-only): the memoirs are found from the index of unsettled
    /// lines (provider, memoir; a line's provider is its memoir's), which holds only the lines no run took.
    /// </summary>
    public static Task<DateOnly?> EarliestUnpaidDueDateAsync(IAppDbContext db, DateTimeOffset asOf, CancellationToken ct)
    {
        var until = asOf.ToUniversalTime();
        return db.Set<FeeMemoir>()
            .Where(PaymentOrders.MemoirWithLinesToTake)
            .Where(m => m.ReceivedAt <= until
                        && db.Set<FeeMemoirLine>().Any(l => l.ProviderId == m.ProviderId && l.MemoirId == m.Id && l.PaymentRunId == null))
            .MinAsync(m => (DateOnly?)m.DueDate, ct);
    }

    /// <summary>Runs a step in its own transaction on the locked run, when the run is at <paramref name="expected"/>.</summary>
    private async Task StepAsync(Guid runId, PaymentRunStatus expected, Func<PaymentRun, Task<PaymentRunStatus>> step, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        db.ClearChangeTracker();
        // A step is one statement over every line of the run (a million in a large one): it may take minutes on a busy
        // machine, and is not a failure when it does. A crash still rolls it back.
        db.Database.SetCommandTimeout(StepCommandTimeout);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var run = await db.LockForUpdateAsync<PaymentRun>(runId, ct) ?? throw new NotFoundException("Payment run");
        if (run.Status != expected) return; // done meanwhile (another worker, or an earlier attempt that committed)
        // Grouping a large run's lines by memoir stays in memory instead of spilling to disk; a step's few statements are
        // not worth compiling (estimates right after a million lines changed are stale).
        await store.PrepareStepAsync(ct);
        run.Status = await step(run);
        await db.SaveChangesAsync(ct);
        faults.At(PaymentRunFaultPoints.StepBeforeCommit, run.Id);
        await tx.CommitAsync(ct);
        faults.At(PaymentRunFaultPoints.StepCommitted, run.Id);
        logger.LogInformation("Payment run {RunNumber}: {Status} after {Ms} ms", run.Number, run.Status, (long)watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>Milliseconds of the parts of a step, for its log line.</summary>
    private sealed class Laps
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly List<string> _laps = [];
        private TimeSpan _last;

        public void Lap(string what)
        {
            _laps.Add($"{what} {(long)(_watch.Elapsed - _last).TotalMilliseconds}");
            _last = _watch.Elapsed;
        }

        public override string ToString() => string.Join(", ", _laps);
    }

    private static StoredPaymentFile Stored(PaymentRun run, BuiltPaymentFile file, Guid? returnFileId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        RunId = run.Id,
        ProviderId = file.ProviderId,
        ReturnFileId = returnFileId,
        Kind = file.Kind,
        Format = file.FormatName,
        Language = file.Language,
        FileName = file.File.FileName,
        MediaType = file.File.MediaType,
        Content = file.File.Content,
        Sha256 = file.File.Sha256,
        Length = file.File.Length,
        CreatedAt = now,
    };
}
