using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Events;

/// <summary>
/// "Events were committed in this process": raised after the commit (never inside it), so that a wake-up of the webhook
/// dispatchers costs the writing transaction nothing. A NOTIFY inside the writing transaction would take PostgreSQL's
/// one notification lock at COMMIT and hold it through the commit's WAL flush: every event-writing commit of the whole
/// database would queue behind it (issue 24).
/// </summary>
public static class EventCommits
{
    private static long _signals;

    /// <summary>Raised on each <see cref="Signal"/>; handlers must return at once.</summary>
    public static event Action? Committed;

    /// <summary>Signals so far (tests).</summary>
    public static long Signals => Interlocked.Read(ref _signals);

    public static void Signal()
    {
        Interlocked.Increment(ref _signals);
        Committed?.Invoke();
    }
}

/// <summary>Signals <see cref="EventCommits"/> when a transaction in which the context saved events commits.</summary>
public sealed class EventCommitInterceptor : DbTransactionInterceptor
{
    public static readonly EventCommitInterceptor Instance = new();

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Ended(eventData, committed: true);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData, committed: true);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Ended(eventData, committed: false);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData, committed: false);
        return Task.CompletedTask;
    }

    private static void Ended(TransactionEndEventData eventData, bool committed)
    {
        if (eventData.Context is not AppDbContext { EventsWritten: true } context) return;
        context.EventsWritten = false;
        if (committed) EventCommits.Signal();
    }
}

/// <summary>
/// Turns <see cref="EventCommits"/> into <c>NOTIFY cns_events</c> for the dispatchers of every process: one notification
/// per burst (at most one per <see cref="MinInterval"/>), each in a transaction of its own without synchronous commit (a
/// lost wake-up is covered by the dispatchers' poll), so that PostgreSQL's notification lock is held for microseconds.
/// None while no webhook endpoint exists in any sandbox (<c>cns.any_webhook_endpoint()</c>, asked at most once per
/// <see cref="EndpointsCheckedEvery"/>): a dispatcher then has nothing to deliver, and one made meanwhile is found by
/// the dispatchers' poll, as a lost wake-up is.
/// </summary>
internal sealed class EventCommitNotifier(NpgsqlDataSource source, ILogger<EventCommitNotifier> logger) : BackgroundService
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(5);

    public static readonly TimeSpan EndpointsCheckedEvery = TimeSpan.FromSeconds(1);

    private bool _anyEndpoint = true;
    private long _checkedAt = long.MinValue;

    private async Task<bool> AnyEndpointAsync(CancellationToken ct)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp(); // elapsed real time, whatever the sandboxes' clocks say
        if (_checkedAt != long.MinValue && System.Diagnostics.Stopwatch.GetElapsedTime(_checkedAt, now) < EndpointsCheckedEvery) return _anyEndpoint;
        await using var cmd = source.CreateCommand("SELECT cns.any_webhook_endpoint()");
        _anyEndpoint = await cmd.ExecuteScalarAsync(ct) is true;
        _checkedAt = now;
        return _anyEndpoint;
    }

    private readonly WakeSignal _signal = new();

    private void OnCommitted() => _signal.Set();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        EventCommits.Committed += OnCommitted;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _signal.WaitAsync(ct);
                try
                {
                    if (!await AnyEndpointAsync(ct)) continue;
                    await using var cmd = source.CreateCommand(
                        $"BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify('{WebhookDispatcher.Channel}', ''); COMMIT;");
                    await cmd.ExecuteNonQueryAsync(ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    logger.LogDebug(e, "Could not notify the webhook dispatchers; their poll delivers the events");
                }
                await Task.Delay(MinInterval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            EventCommits.Committed -= OnCommitted;
        }
    }
}
