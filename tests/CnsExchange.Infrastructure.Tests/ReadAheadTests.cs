using CnsExchange.Application.Common;

namespace CnsExchange.Infrastructure.Tests;

/// <summary>The read-ahead that overlaps parsing and batching with the import's writes.</summary>
public sealed class ReadAheadTests
{
    private static async IAsyncEnumerable<int> CountTo(int n, Action<int>? onEach = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var i = 1; i <= n; i++)
        {
            ct.ThrowIfCancellationRequested();
            onEach?.Invoke(i);
            yield return i;
            await Task.Yield();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public async Task Every_item_comes_once_and_in_order(int chunkSize)
    {
        var items = new List<int>();
        await foreach (var i in ReadAhead.InChunks(ct => CountTo(10_000, ct: ct), chunkSize, 3, default)) items.Add(i);
        Assert.Equal(Enumerable.Range(1, 10_000), items);
    }

    [Fact]
    public async Task The_source_stays_at_most_its_capacity_ahead_of_the_caller()
    {
        var produced = 0;
        var consumed = 0;
        var furthest = 0;
        await foreach (var i in ReadAhead.Of(ct => CountTo(200, _ => Interlocked.Increment(ref produced), ct), 2, default))
        {
            await Task.Delay(1);
            consumed++;
            furthest = Math.Max(furthest, Volatile.Read(ref produced) - consumed);
        }
        // In the channel (2), the item handed over and the one the source holds while it waits for room.
        Assert.InRange(furthest, 0, 3);
        Assert.Equal(200, consumed);
    }

    [Fact]
    public async Task The_sources_exception_reaches_the_caller_as_it_is_after_the_items_before_it()
    {
        static async IAsyncEnumerable<int> Failing([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
        {
            yield return 1;
            yield return 2;
            await Task.Yield();
            throw new InvalidDataException("line 3");
        }
        var items = new List<int>();
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var i in ReadAhead.Of(Failing, 4, default)) items.Add(i);
        });
        Assert.Equal("line 3", e.Message);
        Assert.Equal([1, 2], items);
    }

    [Fact]
    public async Task A_caller_that_stops_early_stops_the_source_before_the_enumeration_ends()
    {
        var sourceEnded = false;
        async IAsyncEnumerable<int> Endless([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
        {
            try
            {
                for (var i = 0; ; i++)
                {
                    yield return i;
                    await Task.Delay(1, ct);
                }
            }
            finally
            {
                sourceEnded = true;
            }
        }
        await foreach (var i in ReadAhead.Of(Endless, 2, default))
            if (i == 5) break;
        Assert.True(sourceEnded);
    }
}
