using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure;

/// <summary>
/// Registers a recurring Hangfire job at start-up. A process killed while it held the job's storage lock leaves that
/// lock behind until it expires: registration then times out, and the start must not fail on it (the job is already
/// stored by an earlier start), so it is retried in the background until it succeeds or the host stops.
/// </summary>
internal abstract class RecurringJobSchedule(IRecurringJobManager jobs, ILogger logger) : IHostedService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retries = Task.CompletedTask;

    protected abstract string JobId { get; }

    protected abstract void Register(IRecurringJobManager jobs);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!TryRegister()) _retries = RetryAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try { await _retries.WaitAsync(cancellationToken); }
        catch (OperationCanceledException) { }
    }

    private bool TryRegister()
    {
        try
        {
            Register(jobs);
            logger.LogInformation("Recurring job {JobId} scheduled", JobId);
            return true;
        }
        catch (PostgreSqlDistributedLockException e)
        {
            logger.LogWarning("Recurring job {JobId} not registered yet, its lock is held (a process stopped while holding it?): {Message}; retrying",
                JobId, e.Message);
            return false;
        }
    }

    private async Task RetryAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
            if (await Task.Run(TryRegister, ct).ConfigureAwait(false)) return;
        }
    }
}
