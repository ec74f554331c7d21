using System.Diagnostics;

namespace CnsExchange.Reliability;

/// <summary>Stops and starts the throwaway PostgreSQL cluster that scripts/reliability.sh created.</summary>
public sealed class Postgres(string binDir, string dataDir, int port)
{
    public Task StopAsync() => PgCtlAsync("-m", "immediate", "-w", "stop");

    public Task StartAsync() => PgCtlAsync("-w", "-t", "60", "-l", Path.Combine(dataDir, "server.log"),
        "-o", $"-p {port} -k {Path.Combine(dataDir, "run")} -c listen_addresses=127.0.0.1 -c max_connections=300", "start");

    private async Task PgCtlAsync(params string[] args)
    {
        var asRoot = Environment.UserName == "root";
        var info = asRoot
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", Path.Combine(binDir, "pg_ctl"), "-D", dataDir, .. args])
            : new ProcessStartInfo(Path.Combine(binDir, "pg_ctl"), ["-D", dataDir, .. args]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var p = Process.Start(info)!;
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"pg_ctl {string.Join(' ', args)} failed: {await p.StandardError.ReadToEndAsync()}");
    }
}
