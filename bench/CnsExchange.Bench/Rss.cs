namespace CnsExchange.Bench;

/// <summary>Resident set size of a process, sampled from /proc while a scenario runs.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    public long PeakBytes { get; private set; }
    public long StartBytes { get; }
    /// <summary>What the resident pages were at the peak (/proc/PID/status), when it was read.</summary>
    public RssParts? AtPeak { get; private set; }

    public RssSampler(int pid)
    {
        _pid = pid;
        StartBytes = Read(pid);
        PeakBytes = StartBytes;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                if (RssParts.Read(_pid) is { } parts && parts.Total >= PeakBytes)
                {
                    PeakBytes = parts.Total;
                    AtPeak = parts;
                }
                try { await Task.Delay(100, _stop.Token); } catch (TaskCanceledException) { }
            }
        });
    }

    public static long Read(int pid) => RssParts.Read(pid)?.Total ?? 0;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }
}

/// <summary>
/// A process's resident memory by kind (/proc/PID/status, kB): anonymous (the .NET GC heap, native allocations, thread
/// stacks), file-backed (the mapped framework and package assemblies and native libraries) and shared memory (for .NET
/// on Linux the double-mapped executable memory: JIT code, stubs and the runtime's loader heaps).
/// </summary>
public sealed record RssParts(long Total, long Anonymous, long File, long Shared)
{
    public static RssParts? Read(int pid)
    {
        try { return Parse(System.IO.File.ReadLines($"/proc/{pid}/status")); }
        catch (IOException) { return null; }
    }

    /// <summary>The lines of /proc/PID/status ("VmRSS:\t  302000 kB"); null without a VmRSS line.</summary>
    public static RssParts? Parse(IEnumerable<string> status)
    {
        long total = 0, anon = 0, file = 0, shmem = 0;
        foreach (var line in status)
        {
            var kb = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (kb.Length < 2 || !long.TryParse(kb[1], out var v)) continue;
            switch (kb[0])
            {
                case "VmRSS:": total = v * 1024; break;
                case "RssAnon:": anon = v * 1024; break;
                case "RssFile:": file = v * 1024; break;
                case "RssShmem:": shmem = v * 1024; break;
            }
        }
        return total == 0 ? null : new RssParts(total, anon, file, shmem);
    }

    public string Describe() =>
        $"{Mb(Total)} MB = anonymous {Mb(Anonymous)} (GC heap, native allocations, stacks) + mapped files {Mb(File)} (assemblies, native libraries) + " +
        $"shared {Mb(Shared)} (JIT code and the runtime's loader heaps, double-mapped)";

    private static string Mb(long bytes) => Report.F(bytes / 1048576.0, "0");
}
