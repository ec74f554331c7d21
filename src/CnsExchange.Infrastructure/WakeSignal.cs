namespace CnsExchange.Infrastructure;

/// <summary>
/// A wake-up for one background loop that coalesces: any number of <see cref="Set"/> calls before the loop wakes make one
/// wake-up, and none is lost (a <see cref="Set"/> after the loop woke wakes it again). Set is called on hot paths (every
/// commit with events, every authentication): it must not throw, as <see cref="SemaphoreSlim.Release()"/> on a full
/// semaphore does — caught, that was one exception per request under P1 load (issue 24).
/// </summary>
internal sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    // 1 from the Set that released the semaphore until the loop has taken that release: the semaphore's count never
    // exceeds this flag, so it never exceeds 1.
    private int _due;

    public void Set()
    {
        if (Interlocked.Exchange(ref _due, 1) == 0) _semaphore.Release();
    }

    /// <summary>True when woken; false when <paramref name="timeout"/> passed first. A Set after this returns wakes the next wait.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (!await _semaphore.WaitAsync(timeout, ct)) return false;
        Volatile.Write(ref _due, 0);
        return true;
    }

    public Task<bool> WaitAsync(CancellationToken ct) => WaitAsync(Timeout.InfiniteTimeSpan, ct);

    public void Dispose() => _semaphore.Dispose();
}
