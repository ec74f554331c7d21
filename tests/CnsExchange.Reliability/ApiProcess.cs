using System.Diagnostics;

namespace CnsExchange.Reliability;

/// <summary>The API as a separate OS process, so it can be killed with SIGKILL and started again.</summary>
public sealed class ApiProcess(string apiDll, string connectionString, int port) : IAsyncDisposable
{
    private Process? _process;
    public string BaseUrl { get; } = $"http://127.0.0.1:{port}";

    /// <summary>Exit code of a process killed by SIGKILL (128 + signal 9), as .NET reports it on Linux.</summary>
    public const int SigkillExitCode = 137;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errorLines = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _outputLines = new();

    /// <summary>What the process wrote to its standard error (e.g. the chaos kill's last words).</summary>
    public IReadOnlyCollection<string> ErrorLines => _errorLines;

    /// <summary>The last lines the process wrote (its log and standard error), to say why it ended.</summary>
    public string LastWords(int lines = 40) => string.Join('\n', _outputLines.TakeLast(lines));

    /// <summary>Extra environment variables of the process (configuration such as a chaos setting).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public Task StartAsync(TimeSpan timeout) => StartAsync(timeout, exitMayEndStartUp: false);

    /// <summary>
    /// Starts the process and waits until it is ready. With <paramref name="exitMayEndStartUp"/>, a process that ends
    /// before it is ready (a chaos kill in a job that resumed at start-up) is not an error: the result is false.
    /// </summary>
    public async Task<bool> StartAsync(TimeSpan timeout, bool exitMayEndStartUp)
    {
        var info = new ProcessStartInfo("dotnet", [apiDll])
        {
            WorkingDirectory = Path.GetDirectoryName(apiDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ConnectionStrings__Cns"] = connectionString;
        info.Environment["ASPNETCORE_URLS"] = BaseUrl;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["CnsExchange__RateLimit__TokenLimit"] = "100000";
        info.Environment["CnsExchange__RateLimit__TokensPerSecond"] = "100000";
        info.Environment["CnsExchange__RateLimit__UnverifiedTokenLimit"] = "100000";
        info.Environment["CnsExchange__RateLimit__UnverifiedTokensPerSecond"] = "100000";
        foreach (var (name, value) in Environment) info.Environment[name] = value;
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the API");
        void Keep(string? line)
        {
            if (line is null) return;
            _outputLines.Enqueue(line);
            while (_outputLines.Count > 400) _outputLines.TryDequeue(out _);
        }
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            Keep(e.Data);
            if (e.Data is { } line) _errorLines.Enqueue(line);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (_process.HasExited)
                return exitMayEndStartUp ? false : throw new InvalidOperationException($"API exited with {_process.ExitCode} during start-up; its last words:\n{LastWords()}");
            try
            {
                if ((await http.GetAsync(BaseUrl + "/health/ready")).IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("API not ready in time");
    }

    /// <summary>Waits for the process to end by itself; its exit code, or null when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is null) return null;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush — the crash the data must survive. The exit code (137 when SIGKILL ended it).</summary>
    public int? Kill()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        if (_process is null || !_process.WaitForExit(10_000)) return null;
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>
    /// What every pending task of the process waits on (dotnet-dump's <c>dumpasync --coalesce</c>, the repository's tool
    /// manifest; a hung request is an await, not a thread). Written to a file, whose path is returned; the dump itself is
    /// deleted. Null, with the reason on standard error, when it could not be taken. The process is paused while dumped.
    /// </summary>
    public async Task<string?> AsyncStacksAsync(string label)
    {
        if (_process is not { HasExited: false } process) return null;
        var stem = Path.Combine(Path.GetTempPath(), $"cnsexchange-{label}-{process.Id}");
        try
        {
            var (collected, collectOutput) = await DumpToolAsync("collect", "-p", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", stem + ".dmp");
            if (!collected) { Console.Error.WriteLine($"dotnet-dump collect failed: {collectOutput}"); return null; }
            var (analysed, stacks) = await DumpToolAsync("analyze", stem + ".dmp", "-c", "dumpasync --coalesce", "-c", "exit");
            if (!analysed) { Console.Error.WriteLine($"dotnet-dump analyze failed: {stacks}"); return null; }
            await File.WriteAllTextAsync(stem + ".txt", stacks);
            return stem + ".txt";
        }
        finally
        {
            File.Delete(stem + ".dmp");
        }
    }

    private static async Task<(bool Ok, string Output)> DumpToolAsync(params string[] args)
    {
        // From the repository's root (scripts/reliability.sh runs there), where `dotnet tool restore` installed it.
        var info = new ProcessStartInfo("dotnet", ["tool", "run", "dotnet-dump", .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var tool = Process.Start(info)!;
        var output = tool.StandardOutput.ReadToEndAsync();
        var error = tool.StandardError.ReadToEndAsync();
        await tool.WaitForExitAsync();
        return (tool.ExitCode == 0, await output + await error);
    }

    /// <summary>Resident set size of the API process (VmRSS), in MB.</summary>
    public double ResidentMegabytes()
    {
        if (_process is null) return 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        return 0;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
