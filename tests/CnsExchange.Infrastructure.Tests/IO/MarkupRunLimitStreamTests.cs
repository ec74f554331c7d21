using System.Text;
using CnsExchange.Infrastructure.Billing;

namespace CnsExchange.Infrastructure.Tests.IO;

/// <summary>The markup-run limit through every read path of its base (<c>ForwardReadStream</c>), and what the base allows.</summary>
public sealed class MarkupRunLimitStreamTests
{
    private static MemoryStream Xml(int textLength) => new(Encoding.ASCII.GetBytes("<a><b>" + new string('x', textLength) + "</b></a>"));

    public static TheoryData<string> ReadPaths => ["sync", "array async", "memory async"];

    private static async Task<int> ReadAllAsync(Stream stream, string path)
    {
        var buffer = new byte[7]; // smaller than a run: the limit holds across reads
        int total = 0, n;
        do
        {
            n = path switch
            {
                "sync" => stream.Read(buffer, 0, buffer.Length),
                "array async" => await stream.ReadAsync(buffer, 0, buffer.Length),
                _ => await stream.ReadAsync(buffer.AsMemory()),
            };
            total += n;
        } while (n > 0);
        return total;
    }

    [Theory]
    [MemberData(nameof(ReadPaths))]
    public async Task A_run_up_to_the_limit_passes_whole_and_the_position_counts_every_byte(string path)
    {
        using var source = Xml(100);
        using var stream = new MarkupRunLimitStream(source, 100);

        var read = await ReadAllAsync(stream, path);

        Assert.Equal(source.Length, read);
        Assert.Equal(source.Length, stream.Position);
    }

    [Theory]
    [MemberData(nameof(ReadPaths))]
    public async Task A_run_one_byte_over_the_limit_is_refused(string path)
    {
        using var stream = new MarkupRunLimitStream(Xml(101), 100);

        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(stream, path));
    }

    [Fact]
    public void It_reads_forward_only()
    {
        using var stream = new MarkupRunLimitStream(Xml(1), 100);

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Position = 0);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
    }
}
