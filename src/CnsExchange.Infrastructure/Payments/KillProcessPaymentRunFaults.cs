using System.Diagnostics;
using System.Globalization;
using CnsExchange.Application.Features.PaymentRuns;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Payments;

/// <summary>
/// The reliability suite's crash: with <c>CnsExchange:Chaos:PaymentRunKillAt</c> set to <c>point#occurrence</c>
/// (e.g. <c>write_files:file_built#2</c>), the process kills itself with SIGKILL the n-th time a payment run passes
/// that point — no exception handler, no rollback by the application, no shutdown: PostgreSQL sees the connection
/// drop. Never configured outside scripts/reliability.sh.
/// </summary>
public sealed class KillProcessPaymentRunFaults : IPaymentRunFaults
{
    public const string ConfigurationKey = "CnsExchange:Chaos:PaymentRunKillAt";

    private readonly string _point;
    private readonly ILogger<KillProcessPaymentRunFaults> _logger;
    private int _remaining;

    public KillProcessPaymentRunFaults(string setting, ILogger<KillProcessPaymentRunFaults> logger)
    {
        var parts = setting.Split('#');
        _point = parts[0];
        if (!PaymentRunFaultPoints.All.Contains(_point))
            throw new InvalidOperationException($"{ConfigurationKey}: unknown point '{_point}' (known: {string.Join(", ", PaymentRunFaultPoints.All)}).");
        _remaining = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1;
        _logger = logger;
        _logger.LogWarning("Chaos: this process kills itself when a payment run passes {Point} for time {Occurrence}", _point, _remaining);
    }

    /// <summary>The line written to standard error just before the kill.</summary>
    public static string KillMarker(string point) => $"chaos-kill-at: {point}";

    public void At(string point, Guid runId)
    {
        if (point != _point || Interlocked.Decrement(ref _remaining) != 0) return;
        _logger.LogCritical("Chaos: killing the process at {Point} of payment run {RunId}", point, runId);
        // The logger writes on a background thread that SIGKILL may beat: the suite reads this line to tell the armed kill from any other death.
        Console.Error.WriteLine(KillMarker(point));
        using var self = Process.GetCurrentProcess();
        self.Kill();
        Thread.Sleep(Timeout.Infinite); // SIGKILL is on its way: nothing after this point may run
    }
}
