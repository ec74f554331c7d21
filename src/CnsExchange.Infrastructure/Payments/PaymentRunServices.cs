using CnsExchange.Application.Features.PaymentRuns;
using Hangfire;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Payments;

public static class PaymentRunServices
{
    /// <summary>Id of the recurring Hangfire job that ticks the payment-run scheduler every minute.</summary>
    public const string SchedulerJobId = "payment-run-scheduler";

    /// <summary>Key of the PostgreSQL advisory lock that lets one payment run proceed at a time ("CNSPRUNS").</summary>
    public const long AdvisoryLockKey = 0x434E_5350_5255_4E53;

    /// <summary>The lock of one sandbox's payment runs: sandboxes pay independently of each other.</summary>
    public static long AdvisoryLockKeyFor(Guid sandboxId) => AdvisoryLockKey ^ BitConverter.ToInt64(sandboxId.ToByteArray(), 8);

    public static IServiceCollection AddPaymentRuns(this IServiceCollection services, string connectionString, bool runBackgroundJobs)
    {
        services.AddScoped<PaymentRunFileBuilder>();
        services.AddScoped<PaymentRunSteps>();
        services.AddScoped<ClaimPaymentStage>();
        services.AddScoped<Application.Features.Reimbursement.ClaimStatementBuilder>();
        services.AddScoped<PaymentRunExecutor>();
        services.AddScoped<PaymentRunFactory>();
        services.AddSingleton<PaymentSchedulerMemory>();
        services.TryAddSingleton<IPaymentRunFaults, NoPaymentRunFaults>();
        services.AddSingleton(new PaymentRunLockConnections(connectionString));
        services.AddScoped<IPaymentRunLock, PostgresPaymentRunLock>();
        services.AddSingleton<IPaymentRunQueue, HangfirePaymentRunQueue>();
        services.AddScoped<IClockAdvanceListener, PaymentRunClockListener>();
        services.AddScoped<PaymentRunJobs>();
        if (runBackgroundJobs) services.AddHostedService<PaymentRunSchedule>();
        return services;
    }
}

/// <summary>The Hangfire jobs of payment runs. Thin: each sends one command; the logic is in the handlers.</summary>
public sealed class PaymentRunJobs(IMediator mediator, ISandboxUnits sandboxes, IServiceScopeFactory scopes, ILogger<PaymentRunJobs> logger)
{
    /// <summary>
    /// Every minute: in each sandbox whose clock runs, creates and executes the runs that fell due by that sandbox's
    /// clock (PAY-02). A frozen sandbox runs nothing until advanced (its advance runs its due work).
    /// </summary>
    [AutomaticRetry(Attempts = 0)] // the next minute's tick is the retry
    [JobDisplayName("Payment-run scheduler tick")]
    public Task TickAsync(CancellationToken ct) =>
        Sandbox.SandboxTicks.InRunningSandboxesAsync(sandboxes, scopes, logger, "Payment-run scheduler tick",
            async (mediator, token) => await mediator.Send(new RunDuePaymentRuns(), token), ct);

    /// <summary>A run started by an administrator; retried after a failure from the step it stopped at (PAY-06), soon at first.</summary>
    [AutomaticRetry(Attempts = 10, DelaysInSeconds = new[] { 1, 5, 30, 60, 300 })]
    [JobDisplayName("Execute payment run {1} (sandbox {0})")]
    public async Task ExecuteAsync(Guid sandboxId, Guid runId, CancellationToken ct)
    {
        if (await sandboxes.ClockAsync(sandboxId, ct) is not { } clock) return; // the sandbox was deleted
        using var sandbox = SandboxScope.Enter(sandboxId, clock);
        try
        {
            await mediator.Send(new ExecutePaymentRun(runId), ct);
        }
        catch (NotFoundException)
        {
            // Nothing to execute (the run is gone, e.g. a sandbox reset): retrying would not change that.
        }
    }
}

internal sealed class HangfirePaymentRunQueue(IBackgroundJobClient jobs) : IPaymentRunQueue
{
    public void Enqueue(Guid runId)
    {
        var sandboxId = SandboxScope.RequireId();
        jobs.Enqueue<PaymentRunJobs>(j => j.ExecuteAsync(sandboxId, runId, CancellationToken.None));
    }
}

/// <summary>Registers the minutely scheduler tick once the database is migrated (hosted services start after that).</summary>
internal sealed class PaymentRunSchedule(IRecurringJobManager jobs, ILogger<PaymentRunSchedule> logger) : RecurringJobSchedule(jobs, logger)
{
    protected override string JobId => PaymentRunServices.SchedulerJobId;

    protected override void Register(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<PaymentRunJobs>(JobId, j => j.TickAsync(CancellationToken.None), Cron.Minutely(),
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
}

/// <summary>Connections for the payment-run lock: not pooled, so that a lost lock holder ends its session and the lock with it.</summary>
public sealed class PaymentRunLockConnections(string connectionString)
{
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}

/// <summary>
/// <see cref="IPaymentRunLock"/> as a session-level PostgreSQL advisory lock on a connection of its own, held until
/// the outermost holder in this scope releases it.
/// </summary>
internal sealed class PostgresPaymentRunLock(PaymentRunLockConnections connections) : IPaymentRunLock, IAsyncDisposable
{
    private long _lockKey;
    private NpgsqlConnection? _connection;
    private int _depth;

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken ct) => (await LockAsync(wait: true, ct))!;

    public Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken ct) => LockAsync(wait: false, ct);

    private async Task<IAsyncDisposable?> LockAsync(bool wait, CancellationToken ct)
    {
        if (_depth > 0)
        {
            _depth++;
            return new Holder(this);
        }
        _lockKey = PaymentRunServices.AdvisoryLockKeyFor(SandboxScope.RequireId());
        var connection = await connections.OpenAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand(wait ? "SELECT pg_advisory_lock(@key)" : "SELECT pg_try_advisory_lock(@key)", connection)
            {
                CommandTimeout = 0, // a long run of another process is waited for, not a failure
            };
            cmd.Parameters.AddWithValue("key", _lockKey);
            var result = await cmd.ExecuteScalarAsync(ct);
            if (!wait && result is false)
            {
                await connection.DisposeAsync();
                return null;
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        _connection = connection;
        _depth = 1;
        return new Holder(this);
    }

    private async ValueTask ReleaseAsync()
    {
        if (--_depth > 0 || _connection is null) return;
        var connection = _connection;
        _connection = null;
        // Closing the (unpooled) session releases the lock, even when the unlock below cannot be sent.
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            cmd.Parameters.AddWithValue("key", _lockKey);
            await cmd.ExecuteScalarAsync();
        }
        catch (NpgsqlException)
        {
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is null) return;
        _depth = 1;
        await ReleaseAsync();
    }

    private sealed class Holder(PostgresPaymentRunLock owner) : IAsyncDisposable
    {
        private bool _released;

        public ValueTask DisposeAsync()
        {
            if (_released) return ValueTask.CompletedTask;
            _released = true;
            return owner.ReleaseAsync();
        }
    }
}
