using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Sandbox;

/// <summary>
/// The changes to keys and sandbox clocks committed by any process (<c>NOTIFY cns_directory</c>, sent by triggers: see
/// migration DirectoryChangeNotifications), heard on one connection of this process's own.
/// <para>
/// A cache may answer from memory only after <see cref="SyncAsync"/>: it sends one empty statement on the listening
/// connection, started after the call, and PostgreSQL hands a listening session every notification committed before a
/// statement ahead of that statement's end, so every change committed before the call has been applied when it returns
/// true. Concurrent callers share one such round trip (on a connection of its own, without pool reset). When the
/// connection is down or reconnecting it returns false at once, and the caller reads the database; when it is lost during
/// the round trip, or the round trip takes longer than <see cref="Patience"/>, false too.
/// </para>
/// </summary>
public sealed class DirectoryChanges(NpgsqlDataSource source, ILogger<DirectoryChanges> logger) : BackgroundService
{
    public const string Channel = "cns_directory";

    /// <summary>Payload meaning "anything may have changed" (a table emptied; this process's connection was lost).</summary>
    public const string Everything = "*";

    /// <summary>How often the idle connection is read anyway: notifications must not pile up in PostgreSQL's queue.</summary>
    private static readonly TimeSpan IdleSync = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a caller waits for the round trip before reading the database instead: a round trip takes a millisecond,
    /// but one on a connection that died without a word (a host gone, no reset) would wait for the command timeout.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    private readonly WakeSignal _wake = new();
    private readonly SyncRoundTrips _roundTrips = new();
    private long _generation;

    /// <summary>Raised for every change heard, on the listening connection's thread, before any waiting <see cref="SyncAsync"/> returns; handlers must return at once.</summary>
    public event Action<string>? Changed;

    /// <summary>Grows with every change heard and every reconnection: a value read from the database is kept only if this did not move while it was read.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>True when every change committed before the call has been heard; false (at once) when not listening.</summary>
    public Task<bool> SyncAsync()
    {
        if (_roundTrips.Join() is not { } waiting) return SyncRoundTrips.NotListening;
        _wake.Set(); // when a round trip is already due, the caller joins it
        return SyncRoundTrips.Within(waiting, Patience);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TaskCompletionSource<bool>? batch = null;
            try
            {
                await using var connection = await source.OpenConnectionAsync(ct);
                connection.Notification += (_, e) => Apply(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(ct);
                Apply(Everything); // what was changed while not listening is unknown
                _roundTrips.Listening();
                await using var sync = new NpgsqlCommand("SELECT 1", connection);
                while (!ct.IsCancellationRequested)
                {
                    await _wake.WaitAsync(IdleSync, ct);
                    batch = _roundTrips.Take();
                    await sync.ExecuteNonQueryAsync(ct); // notifications committed before it are applied before it returns
                    batch?.TrySetResult(true);
                    batch = null;
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Lost the LISTEN connection for key and clock changes; authentication reads the database until it is back");
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                _roundTrips.Lost(batch);
                Apply(Everything);
            }
            if (!ct.IsCancellationRequested)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); }
                catch (OperationCanceledException) { }
            }
        }
    }

    private void Apply(string payload)
    {
        Interlocked.Increment(ref _generation);
        Changed?.Invoke(payload);
    }

    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
    }
}

/// <summary>
/// The callers of <see cref="DirectoryChanges.SyncAsync"/> and the round trips that answer them: callers who join before a
/// round trip starts share it; when the connection is lost, the round trip in flight and every caller who joined since
/// are answered false (the caller reads the database), none is left waiting.
/// </summary>
internal sealed class SyncRoundTrips
{
    public static readonly Task<bool> NotListening = Task.FromResult(false);

    private readonly object _gate = new();
    private bool _listening;
    private TaskCompletionSource<bool>? _next;

    /// <summary>The answer of the next round trip, or null when not listening.</summary>
    public Task<bool>? Join()
    {
        lock (_gate)
        {
            if (!_listening) return null;
            _next ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _next.Task;
        }
    }

    /// <summary>The round trip's answer, or false when it has not come within <paramref name="patience"/>.</summary>
    public static Task<bool> Within(Task<bool> waiting, TimeSpan patience)
    {
        return waiting.IsCompleted ? waiting : Bounded();

        async Task<bool> Bounded()
        {
            try
            {
                return await waiting.WaitAsync(patience);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    public void Listening()
    {
        lock (_gate) _listening = true;
    }

    /// <summary>The callers a round trip about to start answers (null when none joined); later callers wait for the next.</summary>
    public TaskCompletionSource<bool>? Take()
    {
        lock (_gate)
        {
            var taken = _next;
            _next = null;
            return taken;
        }
    }

    /// <summary>The connection is gone: the round trip in flight (<paramref name="taken"/>) and every caller who joined since are answered false.</summary>
    public void Lost(TaskCompletionSource<bool>? taken)
    {
        TaskCompletionSource<bool>? joined;
        lock (_gate)
        {
            _listening = false;
            joined = _next;
            _next = null;
        }
        taken?.TrySetResult(false);
        joined?.TrySetResult(false);
    }
}
