namespace CnsExchange.Infrastructure.Billing;

/// <summary>
/// Passes an XML stream through while refusing any run of more than <paramref name="limit"/> bytes without markup
/// ('&lt;' or '&gt;'): a huge text node or attribute would otherwise be buffered whole by the reader and the schema
/// validator. Billing file values are a few dozen characters.
/// </summary>
internal sealed class MarkupRunLimitStream(Stream inner, int limit) : Stream
{
    private long _run;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Check(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct);
        return Check(buffer.Span[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    private int Check(ReadOnlySpan<byte> data)
    {
        var rest = data;
        while (true)
        {
            var next = rest.IndexOfAny((byte)'<', (byte)'>');
            if (next < 0)
            {
                _run += rest.Length;
                break;
            }
            if (_run + next > limit) throw Refused();
            _run = 0;
            rest = rest[(next + 1)..];
        }
        if (_run > limit) throw Refused();
        return data.Length;
    }

    private InvalidDataException Refused() =>
        new($"The file has a text or attribute value longer than {limit / 1024} KiB; billing file values are short.");

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
