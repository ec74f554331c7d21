using CnsExchange.Application.Common;
using CnsExchange.Domain.Billing;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Application.Features.Billing;

/// <summary>
/// Processes a billing file (sent by the background job). The whole file is validated first — format, every line,
/// then the file as a whole — and a file with any error is rejected with line numbers, importing nothing (BIL-14).
/// A valid file is imported and adjudicated memoir by memoir in the same single transaction, so a crash or a retry
/// never leaves it half-imported nor imports it twice. Returns the file's final status.
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
    ILogger<ProcessBillingFileHandler> logger) : ICommandHandler<ProcessBillingFile, BillingFileStatus?>
{
    /// <summary>Errors kept on the file; all are counted.</summary>
    public const int MaxErrorsKept = 200;

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
            .Where(f => f.Id == file.Id && (f.Status == BillingFileStatus.Received || f.Status == BillingFileStatus.Processing))
            .ExecuteUpdateAsync(u => u
                .SetProperty(f => f.Status, BillingFileStatus.Processing)
                .SetProperty(f => f.ProcessingStartedAt, f => f.ProcessingStartedAt ?? now)
                .SetProperty(f => f.Attempts, f => f.Attempts + 1), ct);
        if (started == 0) return await db.Set<BillingFile>().Where(f => f.Id == file.Id).Select(f => (BillingFileStatus?)f.Status).SingleAsync(ct);
        var providerCode = await db.Providers.Where(p => p.Id == file.ProviderId).Select(p => p.Code).SingleAsync(ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The row lock makes a second run of the same file wait, then see it finished.
        file = await db.Set<BillingFile>().FromSqlInterpolated($"SELECT * FROM cns.billing_files WHERE id = {command.BillingFileId} FOR UPDATE")
            .SingleAsync(ct);
        if (file.Status is BillingFileStatus.Processed or BillingFileStatus.Rejected) return file.Status;

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
        if (errors.Count == 0)
            foreach (var e in await staging.CheckAsync(file.ProviderId, FeeMemoirInputRules.MaxLinesPerMemoir, ct)) errors.Add(e);

        if (errors.Count > 0)
        {
            Reject(file, errors);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            logger.LogInformation("Billing file {BillingFileId} rejected with {ErrorCount} error(s)", file.Id, errors.Count);
            return file.Status;
        }

        var adjudicator = new FeeMemoirAdjudicator(db, ledger, reference.Catalog, clock);
        await adjudicator.LockServicesAsync(await staging.ServiceIdsAsync(file.ProviderId, ct), ct);
        var memoirs = 0;
        StagedMemoir? current = null;
        try
        {
            await foreach (var staged in staging.ReadMemoirsAsync(ct))
            {
                current = staged;
                var memoir = await adjudicator.AdjudicateAsync(new MemoirToAdjudicate(file.ProviderId, staged.Reference, FeeMemoirSource.File, file.ReceivedAt,
                    staged.Lines.Select(l => l.Input).ToList())
                {
                    BillingFileId = file.Id,
                    SourceLine = staged.SourceLine,
                    SourceLines = staged.Lines.Select(l => l.SourceLine).ToList(),
                }, ct);
                memoirs++;
                file.LineCount += memoir.LineCount;
                file.AcceptedCount += memoir.AcceptedCount;
                file.ReducedCount += memoir.ReducedCount;
                file.RefusedCount += memoir.RefusedCount;
                file.CnsTotal += memoir.CnsTotal;
            }
        }
        catch (ConflictException e) when (e.Code == FeeMemoirAdjudicator.ReferenceUsedCode)
        {
            // A memoir with one of the file's references arrived meanwhile: the file is rejected, nothing imported.
            await tx.RollbackAsync(ct);
            db.ClearChangeTracker();
            await RejectLateAsync(command.BillingFileId, current?.SourceLine ?? 1, e.Message, ct);
            return BillingFileStatus.Rejected;
        }

        file.MemoirCount = memoirs;
        file.Status = BillingFileStatus.Processed;
        file.CompletedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Billing file {BillingFileId} processed: {Memoirs} memoir(s), {Lines} line(s)", file.Id, memoirs, file.LineCount);
        return file.Status;
    }

    private void Reject(BillingFile file, ErrorCollector errors)
    {
        file.Status = BillingFileStatus.Rejected;
        file.Errors = errors.Kept.OrderBy(e => e.Line).ToList();
        file.ErrorCount = errors.Count;
        file.CompletedAt = clock.GetUtcNow();
        file.MemoirCount = file.LineCount = file.AcceptedCount = file.ReducedCount = file.RefusedCount = 0;
        file.CnsTotal = 0;
    }

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
