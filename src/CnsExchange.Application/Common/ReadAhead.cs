using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace CnsExchange.Application.Common;

/// <summary>
/// Enumerates a source on a thread of its own, ahead of the caller, so that the source's work (parsing a billing file,
/// grouping its lines) overlaps the caller's (writing to the database). Items come in order, at most <c>capacity</c>
/// ahead (bounded memory). An exception of the source reaches the caller as it is, after the items before it; a caller
/// that stops early, or fails, stops the source, which is done before the enumeration ends.
/// </summary>
public static class ReadAhead
{
    public static async IAsyncEnumerable<T> Of<T>(Func<CancellationToken, IAsyncEnumerable<T>> source, int capacity,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var items = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ExceptionDispatchInfo? failure = null;
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in source(stop.Token).WithCancellation(stop.Token))
                    await items.Writer.WriteAsync(item, stop.Token);
            }
            catch (Exception e)
            {
                // Rethrown to the caller as it is (not wrapped by the channel), after the items read before it.
                failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                items.Writer.TryComplete();
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var item in items.Reader.ReadAllAsync(ct)) yield return item;
            await producer;
            failure?.Throw();
        }
        finally
        {
            await stop.CancelAsync();
            await producer;
        }
    }

    /// <summary>
    /// <see cref="Of{T}"/> for many small items: handed over in lists of <paramref name="chunkSize"/>, at most
    /// <paramref name="chunks"/> lists ahead, and given to the caller one by one.
    /// </summary>
    public static async IAsyncEnumerable<T> InChunks<T>(Func<CancellationToken, IAsyncEnumerable<T>> source, int chunkSize, int chunks,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var chunk in Of(token => ChunksOf(source(token), chunkSize, token), chunks, ct))
            foreach (var item in chunk) yield return item;
    }

    private static async IAsyncEnumerable<List<T>> ChunksOf<T>(IAsyncEnumerable<T> source, int size, [EnumeratorCancellation] CancellationToken ct)
    {
        var chunk = new List<T>(size);
        await foreach (var item in source.WithCancellation(ct))
        {
            chunk.Add(item);
            if (chunk.Count < size) continue;
            yield return chunk;
            chunk = new List<T>(size);
        }
        if (chunk.Count > 0) yield return chunk;
    }
}
