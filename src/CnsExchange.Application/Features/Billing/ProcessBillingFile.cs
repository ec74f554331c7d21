using CnsExchange.Application.Features.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Data.Common;
using System.Runtime.CompilerServices;

namespace CnsExchange.Application.Features.Billing;

/// <summary>
/// Processes a billing file (sent by the background job). The whole file is validated first — format, every line,
/// then the file as a whole — and a file with any error is rejected with line numbers, importing nothing (BIL-14).
/// A valid file is imported and adjudicated in one transaction: its voucher services are locked up front, its memoirs
/// are adjudicated in batches against facts loaded in bulk and written with binary COPY, so a crash or a retry never
/// leaves it half-imported nor imports it twice. Returns the file's final status.
/// </summary>
public sealed record ProcessBillingFile(Guid BillingFileId) : ICommand<BillingFileStatus?>;

public sealed class ProcessBillingFileHandler(
    IAppDbContext db,
    IBillingLedger ledger,
    IBillingFileStore store,
    IBillingFileParser parser,
    IBillingFileStaging staging,
    IReferenceData reference,
    TimeProvider clock,
    IServiceScopeFactory scopes,
    IEvents events,
    ILogger<ProcessBillingFileHandler> logger) : ICommandHandler<ProcessBillingFile, BillingFileStatus?>
{
    /// <summary>Errors kept on the file; all are counted.</summary>
    public const int MaxErrorsKept = 200;

    /// <summary>
    /// Lines adjudicated and written together (whole memoirs): bounds memory and the size of each bulk read and write.
    /// 2,500 rather than 5,000: the 108 MB XML file of P4 then grows the API by 64 MB instead of 103 MB, and 1M-line files
    /// ran no slower (bench/results/2026-12-03-p4-migrate-and-exceptions.md).
    /// </summary>
    public const int BatchLines = 2500;

    /// <summary>Batches of a file parsed again that are handed over together (see <see cref="ProcessAsync"/>).</summary>
    private const int ReadAheadBatches = 4;

    /// <summary>Times the import is tried again in this run after colliding with a concurrent memoir (then Hangfire retries).</summary>
    private const int MaxAttempts = 3;

    public async ValueTask<BillingFileStatus?> Handle(ProcessBillingFile command, CancellationToken ct)
    {
        var file = await db.Set<BillingFile>().AsNoTracking().SingleOrDefaultAsync(f => f.Id == command.BillingFileId, ct);
        if (file is null)
        {
            logger.LogWarning("Billing file {BillingFileId} does not exist; nothing to process", command.BillingFileId);
            return null;
        }
        // Conditional, so that a run waiting behind another one does not turn its finished file back into "processing".
        var now = clock.GetUtcNow();
        var started = await db.Set<BillingFile>()
            .Where(f => f.Id == file.Id).Where(UnfinishedFiles.File)
            .ExecuteUpdateAsync(u => u
                .SetProperty(f => f.Status, BillingFileStatus.Processing)
                .SetProperty(f => f.ProcessingStartedAt, f => f.ProcessingStartedAt ?? now)
                .SetProperty(f => f.Attempts, f => f.Attempts + 1), ct);
        if (started == 0) return await db.Set<BillingFile>().Where(f => f.Id == file.Id).Select(f => (BillingFileStatus?)f.Status).SingleAsync(ct);
        var providerCode = await db.Providers.Where(p => p.Id == file.ProviderId).Select(p => p.Code).SingleAsync(ct);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ProcessAsync(command.BillingFileId, providerCode, ct);
            }
            catch (Exception e) when (attempt < MaxAttempts && CollidedWithConcurrentMemoir(e))
            {
                // BIL-07 across vouchers: a JSON memoir paid the same insured and day on a voucher this file does not lock.
                // Everything was rolled back; the next attempt sees that memoir's line and refuses the file's.
                db.ClearChangeTracker();
                logger.LogInformation("Billing file {BillingFileId} collided with a concurrent memoir (attempt {Attempt}); processing it again",
                    command.BillingFileId, attempt);
                // A short random pause, longer each time, lets the memoirs that are being sent at that moment finish first.
                await Task.Delay(Random.Shared.Next(50, 250) * attempt, ct);
            }
        }
    }

    private static bool CollidedWithConcurrentMemoir(Exception e) =>
        e.IsUniqueViolation("ux_fee_memoir_lines_paid_") || e.IsDeadlockOrSerializationFailure();

    private async Task<BillingFileStatus> ProcessAsync(Guid fileId, string providerCode, CancellationToken ct)
    {
        var timings = new ImportTimings();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The row lock makes a second run of the same file wait, then see it finished.
        var file = await db.LockForUpdateAsync<BillingFile>(fileId, ct) ?? throw new NotFoundException("Billing file");
        if (!UnfinishedFiles.Is(file.Status)) return file.Status;

        var errors = new ErrorCollector();
        await staging.BeginAsync(ct);
        try
        {
            await using var content = store.OpenRead(file.ContentId);
            await foreach (var item in parser.ParseAsync(content, file.Format, providerCode, ct))
            {
                if (item.Error is not null)
                {
                    errors.Add(item.Error);
                    continue;
                }
                var (line, lineErrors) = FeeMemoirInputRules.Parse(item.Line!);
                foreach (var e in lineErrors) errors.Add(e);
                // Once the file is known to be rejected, lines are only checked, no longer staged.
                if (line is not null && errors.Count == 0) await staging.AddAsync(line, ct);
            }
        }
        catch
        {
            await staging.DisposeAsync(); // ends the bulk copy so that the transaction can roll back
            throw;
        }
        await staging.EndAsync(ct);
        timings.Lap(ref timings.Staged);
        if (errors.Count == 0)
            foreach (var e in await staging.CheckAsync(file.ProviderId, FeeMemoirInputRules.MaxLinesPerMemoir, ct)) errors.Add(e);
        timings.Lap(ref timings.Checked);

        if (errors.Count > 0)
        {
            Reject(file, errors);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            logger.LogInformation("Billing file {BillingFileId} rejected with {ErrorCount} error(s)", file.Id, errors.Count);
            return file.Status;
        }

        // LIF-03: the memoirs the file replaces are voided first, so that the file is adjudicated with their sessions back;
        // the whole file is one transaction: every replacement happens with the import, or none.
        var voider = new Lifecycle.MemoirVoider(db, ledger, clock, events);
        foreach (var replacedId in await staging.ReplacedMemoirsAsync(ct))
        {
            var (old, oldLines) = await voider.LockAsync(replacedId, file.ProviderId, ct);
            // The check above saw it replaceable: changed since (voided, or taken by a payment run), the job runs again and the check rejects.
            if (MemoirReplacement.WhyNotReplaceable(old, oldLines) is { } why)
                throw new InvalidOperationException($"Memoir {replacedId} can no longer be replaced ({why.Code}); the file is processed again.");
            await voider.VoidAsync(old, oldLines, ct, replaced: true);
        }

        // Vouchers and insured are read on a second connection while this one writes (see AdjudicateBatchAsync).
        await using var readerScope = scopes.CreateAsyncScope();
        var adjudicator = new FeeMemoirAdjudicator(db, ledger, reference.Catalog, clock)
        {
            Timings = timings,
            PartiesReader = readerScope.ServiceProvider.GetRequiredService<IAppDbContext>(),
        };
        // Every service the file bills is locked before the first memoir, in id order: a memoir sent meanwhile for the
        // same vouchers waits for this file, and two files never wait on each other in a circle.
        await adjudicator.LockServicesAsync(await staging.ServiceIdsAsync(file.ProviderId, ct), ct);
        timings.Lap(ref timings.Locked);
        List<MemoirToAdjudicate> batch = [], previous = [];
        try
        {
            // A file whose memoirs are runs of lines in file order is parsed again, and its batches made, on threads of
            // their own (its content read on a connection of its own) while this connection writes the batch before. Read
            // back from a staging table instead (a sort of all its lines, then a FETCH per 5,000, each line's values read),
            // the next batch waited for this connection and this thread: 2.3–3.0 s of a 1M-line file; only a file whose
            // memoirs are not runs in file order is read back so, its lines copied in from the file parsed again. The batches
            // are handed over ReadAheadBatches at a time: the parser then works in one stretch every few batches, mostly
            // while this connection writes, rather than at each batch just as its facts are read.
            var batches = await staging.InFileOrderAsync(ct)
                ? ReadAhead.InChunks(token => BatchesAsync(file, ParseAgainAsync(file, providerCode, token), token), ReadAheadBatches, 1, ct)
                : BatchesAsync(file, staging.ReadMemoirsAsync(ParseLinesAgainAsync(file, providerCode, ct), ct), ct);
            await foreach (var next in batches)
            {
                (previous, batch) = (batch, next);
                timings.Lap(ref timings.Read);
                Count(file, await adjudicator.AdjudicateBatchAsync(batch, ct));
            }
            Count(file, await adjudicator.FlushAsync(ct));
        }
        catch (Exception e) when (e.IsUniqueViolation("ix_fee_memoirs_provider_id_reference"))
        {
            // A memoir with one of the file's references arrived meanwhile: the file is rejected, nothing imported.
            await tx.RollbackAsync(ct);
            db.ClearChangeTracker();
            var candidates = previous.Concat(batch).ToList();
            var references = candidates.Select(m => m.Reference).ToList();
            var used = await db.Set<FeeMemoir>().AsNoTracking()
                .Where(m => m.ProviderId == file.ProviderId && references.Contains(m.Reference)).Select(m => m.Reference).FirstOrDefaultAsync(ct);
            var at = candidates.FirstOrDefault(m => m.Reference == used) ?? candidates.FirstOrDefault();
            await RejectLateAsync(fileId, at?.MemoirLine ?? 1, $"Memoir reference '{used ?? at?.Reference}' was already used by this provider.", ct);
            return BillingFileStatus.Rejected;
        }

        // LIF-03: each memoir replaced names the memoir of the file that replaced it.
        await ledger.LinkReplacedMemoirsAsync(file.Id, ct);
        file.Status = BillingFileStatus.Processed;
        file.CompletedAt = clock.GetUtcNow();
        Publish(file);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        timings.Lap(ref timings.Committed);
        logger.LogInformation(
            "Billing file {BillingFileId} processed: {Memoirs} memoir(s), {Lines} line(s); ms: parse+stage {Staged}, check {Checked}, lock {Locked}, " +
            "read {Read}, facts {Facts}, adjudicate {Decided}, write {Written}, commit {Committed}",
            file.Id, file.MemoirCount, file.LineCount, (long)timings.Staged, (long)timings.Checked, (long)timings.Locked, (long)timings.Read,
            (long)timings.Facts, (long)timings.Decided, (long)timings.Written, (long)timings.Committed);
        return file.Status;
    }

    /// <summary>The memoirs to adjudicate, in batches of at least <see cref="BatchLines"/> lines (whole memoirs; the last batch smaller).</summary>
    private static async IAsyncEnumerable<List<MemoirToAdjudicate>> BatchesAsync(BillingFile file, IAsyncEnumerable<StagedMemoir> memoirs,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var batch = new List<MemoirToAdjudicate>();
        var lines = 0;
        await foreach (var staged in memoirs.WithCancellation(ct))
        {
            batch.Add(new MemoirToAdjudicate(file.ProviderId, staged.Reference, FeeMemoirSource.File, file.ReceivedAt,
                staged.Lines.Select(l => l.Input).ToList())
            {
                BillingFileId = file.Id,
                SourceLine = staged.SourceLine,
                MemoirLine = staged.MemoirLine,
                SourceLines = staged.Lines.Select(l => l.SourceLine).ToList(),
                ReplacesMemoirId = staged.Replaces,
            });
            lines += staged.Lines.Count;
            if (lines < BatchLines) continue;
            yield return batch;
            batch = [];
            lines = 0;
        }
        if (batch.Count > 0) yield return batch;
    }

    /// <summary>
    /// The memoirs of a file that passed every check, parsed again from its stored content (which never changes): each
    /// memoir is a run of consecutive lines (<see cref="IBillingFileStaging.InFileOrderAsync"/>), yielded at the first line
    /// of the next one, as <see cref="IBillingFileStaging.ReadMemoirsAsync"/> would read it back.
    /// </summary>
    private async IAsyncEnumerable<StagedMemoir> ParseAgainAsync(BillingFile file, string providerCode, [EnumeratorCancellation] CancellationToken ct)
    {
        var current = new List<StagedLine>();
        await foreach (var line in ParseLinesAgainAsync(file, providerCode, ct))
        {
            if (current.Count > 0 && line.MemoirReference != current[0].MemoirReference)
            {
                yield return new StagedMemoir(current[0].MemoirReference, current[0].SourceLine, current);
                current = [];
            }
            current.Add(line);
        }
        if (current.Count > 0) yield return new StagedMemoir(current[0].MemoirReference, current[0].SourceLine, current);
    }

    /// <summary>The lines of a file that passed every check, parsed again from its stored content (which never changes).</summary>
    private async IAsyncEnumerable<StagedLine> ParseLinesAgainAsync(BillingFile file, string providerCode, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var content = store.OpenRead(file.ContentId);
        await foreach (var item in parser.ParseValidAsync(content, file.Format, providerCode, ct))
        {
            var (line, errors) = item.Line is null ? (null, []) : FeeMemoirInputRules.Parse(item.Line);
            if (line is null || errors.Count > 0)
                throw new InvalidOperationException($"Billing file {file.Id} parsed with an error at line {item.Error?.Line ?? item.Line?.SourceLine} the second time.");
            yield return line;
        }
    }

    private static void Count(BillingFile file, IReadOnlyList<FeeMemoir> memoirs)
    {
        foreach (var memoir in memoirs)
        {
            file.MemoirCount++;
            file.LineCount += memoir.LineCount;
            file.AcceptedCount += memoir.AcceptedCount;
            file.ReducedCount += memoir.ReducedCount;
            file.RefusedCount += memoir.RefusedCount;
            file.CnsTotal += memoir.CnsTotal;
        }
    }

    private void Reject(BillingFile file, ErrorCollector errors)
    {
        file.Status = BillingFileStatus.Rejected;
        file.Errors = errors.Kept.OrderBy(e => e.Line).ToList();
        file.ErrorCount = errors.Count;
        file.CompletedAt = clock.GetUtcNow();
        file.MemoirCount = file.LineCount = file.AcceptedCount = file.ReducedCount = file.RefusedCount = 0;
        file.CnsTotal = 0;
        Publish(file);
    }

    /// <summary>billing_file.processed or billing_file.rejected, in the transaction that gives the file its final status.</summary>
    private void Publish(BillingFile file) =>
        events.Record(file.Status == BillingFileStatus.Processed ? EventTypes.BillingFileProcessed : EventTypes.BillingFileRejected,
            new EventResource(file.Id, $"/api/v1/billing-files/{file.Id}"),
            new BillingFileData(Telemetry.Snake(file.Status), file.MemoirCount, file.LineCount,
                file.AcceptedCount, file.ReducedCount, file.RefusedCount, file.CnsTotal, file.ErrorCount), file.ProviderId);

    private async Task RejectLateAsync(Guid fileId, int line, string message, CancellationToken ct)
    {
        var file = await db.Set<BillingFile>().SingleAsync(f => f.Id == fileId, ct);
        var errors = new ErrorCollector();
        errors.Add(new BillingFileError(line, "memoirReference", message));
        Reject(file, errors);
        await db.SaveChangesAsync(ct);
    }

    private sealed class ErrorCollector
    {
        public List<BillingFileError> Kept { get; } = [];
        public int Count { get; private set; }

        public void Add(BillingFileError error)
        {
            Count++;
            if (Kept.Count < MaxErrorsKept) Kept.Add(error);
        }
    }
}

/// <summary>Where the time of a billing file import goes, in milliseconds per phase (logged when the file is processed).</summary>
public sealed class ImportTimings
{
    private long _last = System.Diagnostics.Stopwatch.GetTimestamp();
    public double Staged, Checked, Locked, Read, Facts, Decided, Written, Committed;

    /// <summary>Adds the time since the previous lap to <paramref name="phase"/>.</summary>
    public void Lap(ref double phase)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        phase += System.Diagnostics.Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds;
        _last = now;
    }
}
