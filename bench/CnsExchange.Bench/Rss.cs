namespace CnsExchange.Bench;

/// <summary>Resident set size of a process, sampled from /proc while a scenario runs.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    public long PeakBytes { get; private set; }
    public long StartBytes { get; }

    public RssSampler(int pid)
    {
        _pid = pid;
        StartBytes = Read(pid);
        PeakBytes = StartBytes;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                PeakBytes = Math.Max(PeakBytes, Read(_pid));
                try { await Task.Delay(100, _stop.Token); } catch (TaskCanceledException) { }
            }
        });
    }

    public static long Read(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }
}
