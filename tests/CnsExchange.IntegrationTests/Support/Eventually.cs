namespace CnsExchange.IntegrationTests.Support;

/// <summary>
/// Waiting for background work (Hangfire jobs) in tests: asks again until the answer is the expected one or the
/// time limit passes, measured on a stopwatch (jobs run on real time, whatever the sandbox clock says).
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The first answer of <paramref name="read"/> that satisfies <paramref name="done"/>; the last one when time runs out.</summary>
    public static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null, int intervalMs = 50)
    {
        var limit = timeout ?? DefaultTimeout;
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || elapsed.Elapsed > limit) return value;
            await Task.Delay(intervalMs);
        }
    }
}
