using Microsoft.Extensions.Logging;

namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>What a scheduler pass did: the runs it executed, in order; skipped when another pass held the lock.</summary>
public sealed record PaymentSchedulePass(bool Skipped, IReadOnlyList<Guid> RunsExecuted)
{
    public static readonly PaymentSchedulePass Busy = new(true, []);
}

/// <summary>
/// The minutely tick of the recurring job (PAY-02): reads the sandbox clock and creates and executes every run whose
/// slot fell due since the last pass. Another pass in progress (another process, or the clock listener) makes it skip.
/// </summary>
public sealed record RunDuePaymentRuns : ICommand<PaymentSchedulePass>;

/// <summary>
/// The clock listener's command: runs, in order, every run whose slot is after <see cref="From"/> and up to
/// <see cref="To"/>, each with the slot instant as its as-of instant and the slot date as its execution date.
/// </summary>
public sealed record RunPaymentRunsBetween(DateTimeOffset From, DateTimeOffset To) : ICommand<PaymentSchedulePass>;

/// <summary>
/// Where the scheduler last looked in each sandbox, in this process. The database keeps it too
/// (<see cref="PaymentSchedulerState"/>), but only when a pass had an opportunity to consider: a tick of a quiet minute
/// writes nothing.
/// </summary>
public sealed class PaymentSchedulerMemory
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset> _seen = new();

    public DateTimeOffset? Seen
    {
        get => _seen.TryGetValue(SandboxScope.RequireId(), out var seen) ? seen : null;
        set
        {
            if (value is { } seen) _seen[SandboxScope.RequireId()] = seen;
            else _seen.TryRemove(SandboxScope.RequireId(), out _);
        }
    }
}

public sealed class PaymentRunScheduler(
    IAppDbContext db, IPaymentRunStore store, IReferenceData reference, IPaymentRunLock runLock, PaymentRunFactory factory, PaymentRunExecutor executor,
    PaymentSchedulerMemory memory, TimeProvider clock, ILogger<PaymentRunScheduler> logger, ClaimPaymentStage claims) :
    ICommandHandler<RunDuePaymentRuns, PaymentSchedulePass>,
    ICommandHandler<RunPaymentRunsBetween, PaymentSchedulePass>
{
    private const int StateRow = 1;

    public async ValueTask<PaymentSchedulePass> Handle(RunDuePaymentRuns command, CancellationToken ct)
    {
        await using var held = await runLock.TryAcquireAsync(ct);
        if (held is null) return PaymentSchedulePass.Busy;
        var now = clock.GetUtcNow();
        var persisted = await db.Set<PaymentSchedulerState>().AsNoTracking().Where(s => s.Id == StateRow)
            .Select(s => (DateTimeOffset?)s.EvaluatedThrough).SingleOrDefaultAsync(ct);
        var seen = memory.Seen is { } m && m <= now ? m : (DateTimeOffset?)null; // later than now: the sandbox was reset
        // A first tick ever starts watching from now: it does not pay the past of a fresh installation.
        var from = Later(persisted, seen) ?? now;
        var pass = await PassAsync(from, now, persistEnd: false, ct);
        memory.Seen = now;
        return pass;
    }

    public async ValueTask<PaymentSchedulePass> Handle(RunPaymentRunsBetween command, CancellationToken ct)
    {
        await using var held = await runLock.AcquireAsync(ct);
        return await PassAsync(command.From, command.To, persistEnd: true, ct);
    }

    private async Task<PaymentSchedulePass> PassAsync(DateTimeOffset from, DateTimeOffset to, bool persistEnd, CancellationToken ct)
    {
        var executed = new List<Guid>();

        // First the runs a crash or a failure left unfinished, oldest first: a later run must not take their lines.
        var unfinished = await db.Set<PaymentRun>().AsNoTracking().Where(r => r.Status != PaymentRunStatus.Closed)
            .OrderBy(r => r.AsOf).ThenBy(r => r.Id).Select(r => r.Id).ToListAsync(ct);
        foreach (var id in unfinished)
        {
            await executor.ExecuteAsync(id, ct);
            executed.Add(id);
        }

        var catalog = reference.Catalog;
        var considered = false;
        foreach (var slot in PaymentSchedule.Opportunities(from, to, d => PaymentScheduleSettings.From(catalog, d)))
        {
            considered = true;
            db.ClearChangeTracker();
            var until = slot.Instant.ToUniversalTime();
            // A reversal or recovery to net (LIF-05) is something to take too: its return file reports it.
            var anything = await PaymentRunSteps.Takeable(db, slot.Instant, slot.Date).AnyAsync(ct)
                           || await db.Set<ProviderDebt>().AnyAsync(d => d.PaymentRunId == null && d.CreatedAt <= until, ct)
                           || await claims.AnythingToPayAsync(slot.Instant, ct); // INS-05
            // PAY-01 and INS-05: the earliest due date of a memoir or of a claim the fund can pay (an account is known).
            var earliestDue = Earlier(await PaymentRunSteps.EarliestUnpaidDueDateAsync(db, slot.Instant, ct), await claims.EarliestDueDateAsync(slot.Instant, ct));
            if (PaymentSchedule.Decide(slot, anything, earliestDue) is not { } trigger) continue;

            var runId = await factory.ForSlotAsync(slot, trigger, ct);
            logger.LogInformation("Payment run {RunId} for slot {SlotKey}", runId, slot.Key(trigger));
            await executor.ExecuteAsync(runId, ct);
            executed.Add(runId);
            await AdvanceAsync(slot.Instant, ct);
        }
        if (considered || persistEnd) await AdvanceAsync(to, ct);
        return new PaymentSchedulePass(false, executed);
    }

    private static DateOnly? Earlier(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>Moves the watermark forward (never back), so that a restarted process starts where this pass ended.</summary>
    private async Task AdvanceAsync(DateTimeOffset through, CancellationToken ct)
    {
        var at = through.ToUniversalTime();
        var now = clock.GetUtcNow();
        await store.AdvanceSchedulerAsync(StateRow, at, now, ct);
    }
}

/// <summary>
/// Advancing the sandbox clock (PUT /admin/clock) runs the payment runs whose slots fell in between, in order, before
/// the answer: an integrator watches a month of payments pass in seconds.
/// </summary>
public sealed class PaymentRunClockListener(IMediator mediator, IReferenceData reference, ILogger<PaymentRunClockListener> logger) : IClockAdvanceListener
{
    /// <summary>Every run opportunity (PAY-02) in between: a run is executed at its slot instant.</summary>
    public Task<IReadOnlyCollection<DateTimeOffset>> DueInstantsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var catalog = reference.Catalog;
        IReadOnlyCollection<DateTimeOffset> slots = PaymentSchedule.Opportunities(from, to, d => PaymentScheduleSettings.From(catalog, d)).Select(s => s.Instant).ToList();
        return Task.FromResult(slots);
    }

    public async Task OnClockAdvancedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        try
        {
            await mediator.Send(new RunPaymentRunsBetween(from, to), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The clock did move; a run that failed resumes from its last step at the next scheduler tick.
            logger.LogError(e, "Payment runs due between {From} and {To} did not all complete", from, to);
        }
    }
}
