using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// Rows in PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format"),
/// written into a buffer of this process rather than onto a connection, so that they can be made on any thread ahead of
/// the COPY that sends them (<see cref="WriteToAsync"/>). Each value in its type's binary form as PostgreSQL's
/// <c>*_recv</c> functions read it; <c>BinaryCopyRowsTests</c> checks every writer against Npgsql's own binary importer
/// over the same values, read back by PostgreSQL. The buffer is rented: <see cref="Dispose"/> gives it back.
/// </summary>
public sealed class BinaryCopyRows : IDisposable
{
    /// <summary>The file header: signature, flags (no OIDs), header extension length 0.</summary>
    private static ReadOnlySpan<byte> Header => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Days and microseconds count from 2000-01-01, PostgreSQL's epoch.</summary>
    private static readonly DateOnly DateEpoch = new(2000, 1, 1);
    private static readonly long TimestampEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private byte[] _buffer;
    private int _length;

    public BinaryCopyRows(int capacity = 64 * 1024)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, Header.Length + 2));
        Header.CopyTo(_buffer);
        _length = Header.Length;
    }

    public int Rows { get; private set; }

    /// <summary>Starts a row of <paramref name="fields"/> values.</summary>
    public void StartRow(short fields)
    {
        BinaryPrimitives.WriteInt16BigEndian(Take(2), fields);
        Rows++;
    }

    public void Null() => BinaryPrimitives.WriteInt32BigEndian(Take(4), -1);

    public void Int(int value)
    {
        var span = Field(4);
        BinaryPrimitives.WriteInt32BigEndian(span, value);
    }

    public void Int(int? value)
    {
        if (value is { } v) Int(v);
        else Null();
    }

    public void Bool(bool value) => Field(1)[0] = value ? (byte)1 : (byte)0;

    /// <summary>uuid: the 16 bytes in RFC 4122 (big-endian) order.</summary>
    public void Uuid(Guid value)
    {
        if (!value.TryWriteBytes(Field(16), bigEndian: true, out _)) throw new InvalidOperationException("A uuid takes 16 bytes.");
    }

    public void Uuid(Guid? value)
    {
        if (value is { } v) Uuid(v);
        else Null();
    }

    /// <summary>text and varchar: the UTF-8 bytes.</summary>
    public void Text(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }
        var length = Encoding.UTF8.GetByteCount(value);
        Encoding.UTF8.GetBytes(value, Field(length));
    }

    /// <summary>jsonb: version 1, then the JSON text in UTF-8.</summary>
    public void Jsonb(ReadOnlySpan<byte> utf8Json)
    {
        var span = Field(1 + utf8Json.Length);
        span[0] = 1;
        utf8Json.CopyTo(span[1..]);
    }

    /// <summary>date: days since 2000-01-01.</summary>
    public void Date(DateOnly value) => BinaryPrimitives.WriteInt32BigEndian(Field(4), value.DayNumber - DateEpoch.DayNumber);

    /// <summary>timestamptz: microseconds since 2000-01-01 UTC (the ticks below a microsecond dropped, as Npgsql does).</summary>
    public void TimestampTz(DateTimeOffset value) =>
        BinaryPrimitives.WriteInt64BigEndian(Field(8), (value.UtcTicks - TimestampEpochTicks) / TimeSpan.TicksPerMicrosecond);

    public void TimestampTz(DateTimeOffset? value)
    {
        if (value is { } v) TimestampTz(v);
        else Null();
    }

    /// <summary>
    /// numeric: digit count, weight (of the first digit, in powers of 10,000), sign, display scale, then the digits in base
    /// 10,000, most significant first, without leading or trailing zero digits. The decimal's scale is the display scale.
    /// </summary>
    public void Numeric(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        var negative = bits[3] < 0;
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        // Aligned to whole base-10,000 digits after the point: the scale padded to a multiple of 4.
        var pad = (4 - scale % 4) % 4;
        for (var i = 0; i < pad; i++) mantissa *= 10;
        var fractionDigits = (scale + pad) / 4;
        // At most 96 bits × 10^3: 9 base-10,000 digits, least significant first.
        Span<short> digits = stackalloc short[10];
        var count = 0;
        while (mantissa != 0)
        {
            digits[count++] = (short)(ushort)(mantissa % 10000);
            mantissa /= 10000;
        }
        var low = 0;
        while (low < count && digits[low] == 0) low++;
        var ndigits = count - low;
        var weight = ndigits == 0 ? 0 : count - fractionDigits - 1;
        var span = Field(8 + 2 * ndigits);
        BinaryPrimitives.WriteInt16BigEndian(span, (short)ndigits);
        BinaryPrimitives.WriteInt16BigEndian(span[2..], (short)weight);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], negative && ndigits > 0 ? (ushort)0x4000 : (ushort)0);
        BinaryPrimitives.WriteInt16BigEndian(span[6..], (short)scale);
        for (var i = 0; i < ndigits; i++) BinaryPrimitives.WriteInt16BigEndian(span[(8 + 2 * i)..], digits[count - 1 - i]);
    }

    public void Numeric(decimal? value)
    {
        if (value is { } v) Numeric(v);
        else Null();
    }

    /// <summary>Sends the rows and the trailer into a COPY … FROM STDIN (FORMAT BINARY) begun with BeginRawBinaryCopy.</summary>
    public async Task WriteToAsync(Stream copy, CancellationToken ct)
    {
        BinaryPrimitives.WriteInt16BigEndian(Take(2), -1);
        await copy.WriteAsync(_buffer.AsMemory(0, _length), ct);
        _length -= 2;
    }

    /// <summary>A value of <paramref name="length"/> bytes: its length, then the span to write it into.</summary>
    private Span<byte> Field(int length)
    {
        var span = Take(4 + length);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        return span[4..];
    }

    private Span<byte> Take(int length)
    {
        if (_length + length > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + length));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        var span = _buffer.AsSpan(_length, length);
        _length += length;
        return span;
    }

    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }
}
