using CnsExchange.Infrastructure.IO;

namespace CnsExchange.Infrastructure.Billing;

/// <summary>
/// Passes an XML stream through while refusing any run of more than <paramref name="limit"/> bytes without markup
/// ('&lt;' or '&gt;'): a huge text node or attribute would otherwise be buffered whole by the reader and the schema
/// validator. Billing file values are a few dozen characters.
/// </summary>
internal sealed class MarkupRunLimitStream(Stream inner, int limit) : ForwardReadStream
{
    private long _run;

    public override int Read(byte[] buffer, int offset, int count) => Check(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct);
        return Check(buffer.Span[..n]);
    }

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
        return Advance(data.Length);
    }

    private InvalidDataException Refused() =>
        new($"The file has a text or attribute value longer than {limit / 1024} KiB; billing file values are short.");
}
