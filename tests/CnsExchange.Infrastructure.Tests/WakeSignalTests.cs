namespace CnsExchange.Infrastructure.Tests;

public sealed class WakeSignalTests
{
    [Fact]
    public async Task Many_sets_before_the_loop_wakes_make_one_wake_up_and_never_throw()
    {
        using var signal = new WakeSignal();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++) signal.Set();
        })));

        Assert.True(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task A_set_after_the_loop_woke_wakes_it_again()
    {
        using var signal = new WakeSignal();
        signal.Set();
        Assert.True(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
        signal.Set();
        Assert.True(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task No_wake_up_is_lost_when_sets_race_with_the_loop()
    {
        // Producers count then Set; the loop reads the count after each wake-up. Whatever the interleaving, the loop must
        // see the final count after the producers stop: a lost wake-up leaves it waiting (and the test times out).
        using var signal = new WakeSignal();
        long produced = 0;
        const int total = 4 * 20_000;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var loop = Task.Run(async () =>
        {
            // Waits before it first reads the count: the producers may all be done before this task starts, and a Set
            // made before a wait is kept for it, so the loop wakes at least once in every interleaving.
            var wakes = 0;
            do
            {
                await signal.WaitAsync(timeout.Token);
                wakes++;
            }
            while (Interlocked.Read(ref produced) < total);
            return wakes;
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < total / 4; i++)
            {
                Interlocked.Increment(ref produced);
                signal.Set();
            }
        })));

        var wakes = await loop;
        Assert.InRange(wakes, 1, total);
    }
}
