using Microsoft.Extensions.Logging;

namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>
/// Runs the remaining steps of a payment run from its stored status (PAY-06): sent by the Hangfire job of a run
/// started by hand, by the scheduler and by the clock listener. Safe to send any number of times, concurrently or
/// after a crash: each step checks the status under a row lock.
/// </summary>
public sealed record ExecutePaymentRun(Guid RunId) : ICommand<PaymentRunStatus>;

public sealed class ExecutePaymentRunHandler(PaymentRunExecutor executor) : ICommandHandler<ExecutePaymentRun, PaymentRunStatus>
{
    public async ValueTask<PaymentRunStatus> Handle(ExecutePaymentRun command, CancellationToken ct) => await executor.ExecuteAsync(command.RunId, ct);
}

/// <summary>The orchestrator: one payment run at a time, step after step, each step in a transaction of its own.</summary>
public sealed class PaymentRunExecutor(
    IAppDbContext db, PaymentRunSteps steps, IPaymentRunLock runLock, IPaymentRunFaults faults, TimeProvider clock, ILogger<PaymentRunExecutor> logger)
{
    public async Task<PaymentRunStatus> ExecuteAsync(Guid runId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
            throw new InvalidOperationException("A payment run commits each step on its own; it cannot run inside another transaction.");
        await using var held = await runLock.AcquireAsync(ct);
        while (true)
        {
            db.ClearChangeTracker();
            var status = await db.Set<PaymentRun>().AsNoTracking().Where(r => r.Id == runId).Select(r => (PaymentRunStatus?)r.Status).SingleOrDefaultAsync(ct)
                         ?? throw new NotFoundException("Payment run");
            if (status == PaymentRunStatus.Closed) return status;
            try
            {
                var (faultPoint, step, body) = StepAfter(status);
                faults.At(faultPoint, runId);
                await Telemetry.StepAsync(step, runId, () => body(runId, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Payment run {RunId} failed in the step after {Status}; it resumes from there when executed again", runId, status);
                await RecordFailureAsync(runId, e);
                throw;
            }
        }
    }

    /// <summary>The step that follows a status: the fault point before it (crash tests), its name in telemetry, and the step.</summary>
    private (string FaultPoint, string Step, Func<Guid, CancellationToken, Task> Body) StepAfter(PaymentRunStatus status) => status switch
    {
        PaymentRunStatus.Created => (PaymentRunFaultPoints.BeforeClaimLines, "claim_lines", steps.ClaimLinesAsync),
        PaymentRunStatus.LinesClaimed => (PaymentRunFaultPoints.BeforeBuildOrders, "build_orders", steps.BuildOrdersAsync),
        PaymentRunStatus.OrdersBuilt => (PaymentRunFaultPoints.BeforeWriteFiles, "write_files", steps.WriteFilesAsync),
        PaymentRunStatus.FilesWritten => (PaymentRunFaultPoints.BeforeMarkPaid, "mark_paid", steps.MarkPaidAsync),
        _ => throw new InvalidOperationException($"No step follows the status {status}."),
    };

    /// <summary>Shows the failure on the run's status resource (best effort: the database may be what failed).</summary>
    private async Task RecordFailureAsync(Guid runId, Exception e)
    {
        try
        {
            db.ClearChangeTracker();
            var message = $"{e.GetType().Name}: {e.Message}";
            if (message.Length > 400) message = message[..400];
            var now = clock.GetUtcNow();
            await db.Set<PaymentRun>().Where(r => r.Id == runId && r.Status != PaymentRunStatus.Closed)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.FailedAttempts, r => r.FailedAttempts + 1)
                    .SetProperty(r => r.LastError, message)
                    .SetProperty(r => r.LastErrorAt, now), CancellationToken.None);
        }
        catch (Exception recording) when (recording is not OperationCanceledException)
        {
            logger.LogWarning(recording, "Could not record the failure of payment run {RunId}", runId);
        }
    }
}

/// <summary>Creates payment runs: one per scheduled slot (the slot key is unique), or one started by an administrator.</summary>
public sealed class PaymentRunFactory(IAppDbContext db, IPaymentRunStore store, TimeProvider clock)
{
    /// <summary>The run of a slot: created now, or the one created before (by the tick, the clock listener or another process).</summary>
    public async Task<Guid> ForSlotAsync(PaymentSlot slot, PaymentRunTrigger trigger, CancellationToken ct)
    {
        var key = slot.Key(trigger);
        var existing = await db.Set<PaymentRun>().AsNoTracking().Where(r => r.SlotKey == key).Select(r => (Guid?)r.Id).SingleOrDefaultAsync(ct);
        if (existing is { } id) return id;

        id = PaymentRunIds.ForSlot(SandboxScope.RequireId(), key);
        var number = await NextNumberAsync(slot.Date, ct);
        var asOf = slot.Instant.ToUniversalTime();
        var now = clock.GetUtcNow();
        await store.InsertScheduledRunAsync(id, number, key, trigger, asOf, slot.Date, now, ct);
        return await db.Set<PaymentRun>().AsNoTracking().Where(r => r.SlotKey == key).Select(r => r.Id).SingleAsync(ct);
    }

    /// <summary>A run started by hand now: it takes what was received up to now and executes today (or the next working day).</summary>
    public async Task<PaymentRun> ManualAsync(string startedBy, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var executionDate = PaymentSchedule.ManualExecutionDate(Domain.Calendar.LuxembourgCalendar.LocalDate(now));
        var id = Guid.CreateVersion7();
        var run = new PaymentRun
        {
            Id = id,
            Number = await NextNumberAsync(executionDate, ct),
            SlotKey = PaymentSchedule.ManualSlotKey(id),
            Trigger = PaymentRunTrigger.Manual,
            AsOf = now,
            ExecutionDate = executionDate,
            Status = PaymentRunStatus.Created,
            StartedBy = startedBy,
            CreatedAt = now,
        };
        db.Set<PaymentRun>().Add(run);
        await db.SaveChangesAsync(ct);
        return run;
    }

    private async Task<string> NextNumberAsync(DateOnly executionDate, CancellationToken ct) =>
        $"PR-{executionDate.Year:0000}-{await db.NextSequenceValueAsync(Sequences.PaymentRunNumber, ct):0000}";
}
