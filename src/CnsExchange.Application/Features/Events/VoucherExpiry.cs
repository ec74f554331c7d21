using Microsoft.Extensions.Logging;

namespace CnsExchange.Application.Features.Events;

/// <summary>
/// The events' own due work in the current sandbox, on its clock: voucher.expiring for every voucher whose validUntil is
/// at most <see cref="EventHousekeepingHandler.NoticeDays"/> days ahead (once per voucher), and the deletion of events past
/// the retention. <paramref name="Since"/>: where the clock was before an advance; a voucher whose notice day came during
/// the advance is noticed even when its validUntil has passed by the end of it (as if the clock had moved day by day).
/// </summary>
public sealed record RunEventHousekeeping(DateTimeOffset? Since = null) : ICommand<int>;

public sealed class EventHousekeepingHandler(IAppDbContext db, TimeProvider clock, IEvents events, Webhooks.WebhookOptions options,
    PaymentRuns.IPaymentRunLock dueWork, ILogger<EventHousekeepingHandler> logger) : ICommandHandler<RunEventHousekeeping, int>
{
    public const int NoticeDays = 7;

    /// <summary>Vouchers noticed per transaction.</summary>
    private const int Batch = 500;

    public async ValueTask<int> Handle(RunEventHousekeeping command, CancellationToken ct)
    {
        // The sandbox's due work is one at a time: while a clock advance (or a payment run) holds it, the minutely tick
        // leaves the notices to the advance, which records each at its own instant; the advance itself holds it already.
        await using var held = await dueWork.TryAcquireAsync(ct);
        if (held is null) return 0;
        var now = clock.GetUtcNow();
        var today = LuxembourgCalendar.LocalDate(now);
        var horizon = today.AddDays(NoticeDays);
        var oldest = command.Since is { } since && since < now ? LuxembourgCalendar.LocalDate(since) : today;
        var recorded = 0;
        while (true)
        {
            var due = await Unnoticed(db, oldest, horizon)
                .OrderBy(v => v.ValidUntil).ThenBy(v => v.Id)
                .Select(v => new { v.Id, v.Number, v.ProviderId, v.ValidUntil, Left = v.Services.Sum(s => s.SessionsGranted - s.SessionsBilled) })
                .Take(Batch).ToListAsync(ct);
            if (due.Count == 0) break;
            foreach (var v in due)
                events.Record(EventTypes.VoucherExpiring, new EventResource(v.Id, $"/api/v1/vouchers/{v.Number}"),
                    new VoucherExpiringData(v.Number, v.ValidUntil, v.Left), v.ProviderId);
            try
            {
                await db.SaveChangesAsync(ct);
                recorded += due.Count;
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation("ux_events_voucher_expiring"))
            {
                // Another process noticed them at the same time: its events stand.
                db.ClearChangeTracker();
                break;
            }
            db.ClearChangeTracker();
            if (due.Count < Batch) break;
        }
        var expired = now.AddDays(-options.EventRetentionDays);
        var purged = await db.Set<EventRecord>().Where(e => e.OccurredAt < expired).ExecuteDeleteAsync(ct);
        if (recorded > 0 || purged > 0) logger.LogInformation("Events: {Recorded} voucher.expiring recorded, {Purged} past retention deleted", recorded, purged);
        return recorded;
    }

    /// <summary>
    /// The vouchers ending between <paramref name="first"/> and <paramref name="last"/> not yet noticed. A cancelled voucher
    /// (LIF-01) is not: it will never be used, so "it ends soon, N sessions left" would only mislead.
    /// </summary>
    public static IQueryable<Voucher> Unnoticed(IAppDbContext db, DateOnly first, DateOnly last) =>
        db.Vouchers.AsNoTracking().IgnoreAutoIncludes()
            .Where(v => v.ValidUntil >= first && v.ValidUntil <= last && v.CancelledAt == null
                        && !db.Set<EventRecord>().Any(e => e.Type == EventTypes.VoucherExpiring && e.ResourceId == v.Id));
}

/// <summary>An advance of the sandbox clock notices the vouchers that came within 7 days of their end meanwhile.</summary>
public sealed class EventHousekeepingClockListener(IMediator mediator, IAppDbContext db, ILogger<EventHousekeepingClockListener> logger) : IClockAdvanceListener
{
    /// <summary>The start (Luxembourg time) of each notice day in between: the day a voucher comes within 7 days of its validUntil.</summary>
    public async Task<IReadOnlyCollection<DateTimeOffset>> DueInstantsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var first = LuxembourgCalendar.LocalDate(from).AddDays(EventHousekeepingHandler.NoticeDays + 1);
        var last = LuxembourgCalendar.LocalDate(to).AddDays(EventHousekeepingHandler.NoticeDays);
        if (last < first) return [];
        var ends = await EventHousekeepingHandler.Unnoticed(db, first, last).Select(v => v.ValidUntil).Distinct().ToListAsync(ct);
        return ends.Select(end => LuxembourgCalendar.StartOfDay(end.AddDays(-EventHousekeepingHandler.NoticeDays)).ToUniversalTime()).ToList();
    }

    public async Task OnClockAdvancedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        try
        {
            await mediator.Send(new RunEventHousekeeping(from), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The clock did move; the next tick notices them.
            logger.LogError(e, "Event housekeeping after the clock advance failed");
        }
    }
}
