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
/// connection is down or reconnecting it returns false at once, and the caller reads the database.
/// </para>
/// </summary>
public sealed class DirectoryChanges(NpgsqlDataSource source, ILogger<DirectoryChanges> logger) : BackgroundService
{
    public const string Channel = "cns_directory";

    /// <summary>Payload meaning "anything may have changed" (a table emptied; this process's connection was lost).</summary>
    public const string Everything = "*";

    /// <summary>How often the idle connection is read anyway: notifications must not pile up in PostgreSQL's queue.</summary>
    private static readonly TimeSpan IdleSync = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly WakeSignal _wake = new();
    private bool _listening;
    private TaskCompletionSource<bool>? _next;
    private long _generation;

    /// <summary>Raised for every change heard, on the listening connection's thread, before any waiting <see cref="SyncAsync"/> returns; handlers must return at once.</summary>
    public event Action<string>? Changed;

    /// <summary>Grows with every change heard and every reconnection: a value read from the database is kept only if this did not move while it was read.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>True when every change committed before the call has been heard; false (at once) when not listening.</summary>
    public Task<bool> SyncAsync()
    {
        Task<bool> waiting;
        lock (_gate)
        {
            if (!_listening) return Task.FromResult(false);
            _next ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting = _next.Task;
        }
        _wake.Set(); // when a round trip is already due, the caller joins it
        return waiting;
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
                lock (_gate) _listening = true;
                await using var sync = new NpgsqlCommand("SELECT 1", connection);
                while (!ct.IsCancellationRequested)
                {
                    await _wake.WaitAsync(IdleSync, ct);
                    lock (_gate) (batch, _next) = (_next, null);
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
                lock (_gate)
                {
                    _listening = false;
                    batch ??= _next;
                    _next = null;
                }
                batch?.TrySetResult(false);
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
