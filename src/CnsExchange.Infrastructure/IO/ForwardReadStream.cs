namespace CnsExchange.Infrastructure.IO;

/// <summary>
/// A stream read once from start to end: it cannot seek, be written or tell its length, and its
/// <see cref="Position"/> is the count of bytes read so far (<see cref="Advance"/>). A subclass reads in
/// <see cref="Read(byte[], int, int)"/> and <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>; the array overload
/// of <c>ReadAsync</c> goes to the latter.
/// </summary>
public abstract class ForwardReadStream : Stream
{
    private long _position;

    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public sealed override long Length => throw new NotSupportedException();
    public sealed override long Position { get => _position; set => throw new NotSupportedException(); }

    public abstract override int Read(byte[] buffer, int offset, int count);

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Counts <paramref name="read"/> bytes as read and returns it.</summary>
    protected int Advance(int read)
    {
        _position += read;
        return read;
    }

    public sealed override void Flush() { }
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
