using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Infrastructure.Payments;
using CnsExchange.Infrastructure.Sandbox;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Clock;

/// <summary>How long PUT /admin/clock waits for the due work before answering 202 (CnsExchange:Sandboxes:AdvanceWaitSeconds).</summary>
public sealed class ClockAdvanceOptions(TimeSpan wait)
{
    /// <summary>Settable: the test suite runs one host and tries a zero budget on it.</summary>
    public TimeSpan Wait { get; set; } = wait;
}

/// <summary>
/// cns.clock_advances through raw SQL, each statement under the current sandbox's setting (row-level security): the
/// status of an advance's due work, readable by any process.
/// </summary>
public sealed class ClockAdvanceStore(NpgsqlDataSource source) : IClockAdvances
{
    private const string Select = "SELECT id, status, from_instant, to_instant, started_at, finished_at, error FROM cns.clock_advances ";

    public async Task<ClockAdvanceDto?> FindAsync(Guid id, CancellationToken ct) => (await QueryAsync(Select + "WHERE id = $1", id, ct)).SingleOrDefault();

    /// <summary>The advances of the current sandbox whose work has not finished (running, or left so by a crash).</summary>
    public Task<List<ClockAdvanceDto>> RunningAsync(CancellationToken ct) => QueryAsync(Select + "WHERE status = 'running' ORDER BY from_instant, started_at", null, ct);

    private async Task<List<ClockAdvanceDto>> QueryAsync(string sql, Guid? id, CancellationToken ct)
    {
        var found = new List<ClockAdvanceDto>();
        await using var connection = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, connection);
        if (id is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = id.Value });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) found.Add(Read(reader));
        return found;
    }

    private static ClockAdvanceDto Read(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6));

    /// <summary>The latest advance of the current sandbox that moved the clock to <paramref name="to"/>: a repeated move finds its first.</summary>
    public async Task<ClockAdvanceDto?> LatestToAsync(DateTimeOffset to, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(Select + "WHERE to_instant = $1 ORDER BY started_at DESC LIMIT 1", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = to.ToUniversalTime() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public Task FinishAsync(Guid id, DateTimeOffset finishedAt, string? error, CancellationToken ct) =>
        ExecuteAsync("UPDATE cns.clock_advances SET status = $2, finished_at = $3, error = $4 WHERE id = $1 AND status = 'running'", ct,
            id, error is null ? "done" : "failed", finishedAt.ToUniversalTime(), (object?)error ?? DBNull.Value);

    private async Task ExecuteAsync(string sql, CancellationToken ct, params object[] values)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var value in values) cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    internal async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = await source.OpenConnectionAsync(ct);
        await SandboxConnectionInterceptor.ApplyAsync(connection, ct);
        return connection;
    }
}

/// <summary>
/// Runs an advance's due work in its sandbox, holding a session-level advisory lock on an unpooled connection while it
/// does: the lock dies with the process, so a sweep that can take it knows the work was orphaned by a crash and
/// resumes it (the work is idempotent per step: payment runs are claimed by slot key and resume from their last step).
/// </summary>
public sealed class ClockAdvanceRunner(IServiceScopeFactory scopes, ClockAdvanceStore store, PaymentRunLockConnections locks,
    SandboxTimeProvider time, ILogger<ClockAdvanceRunner> logger)
{
    /// <summary>
    /// Takes the lock of a new advance before its row exists (no sweep can take it): the caller writes the row in the
    /// same statement as the clock move, then hands the lock to <see cref="Start"/>, or disposes it when nothing moved.
    /// </summary>
    public async Task<(Guid Id, NpgsqlConnection Held)> LockNewAsync()
    {
        var id = Guid.NewGuid();
        var held = await TryLockAsync(id) ?? throw new InvalidOperationException("The lock of a new clock advance is taken.");
        return (id, held);
    }

    /// <summary>Starts the due work of an advance whose row the clock move wrote, under the lock taken by <see cref="LockNewAsync"/>.</summary>
    public Task Start(Guid sandboxId, SandboxClockSetting clock, ClockAdvanceDto advance, NpgsqlConnection held) =>
        Task.Run(() => WorkAsync(sandboxId, clock, advance, held), CancellationToken.None);

    /// <summary>Resumes an advance left running, unless another process holds it or it finished meanwhile; true when it ran it.</summary>
    public async Task<bool> ResumeAsync(Guid sandboxId, SandboxClockSetting clock, ClockAdvanceDto advance)
    {
        var held = await TryLockAsync(advance.Id);
        if (held is null) return false; // its process is alive and runs it
        using (SandboxScope.Enter(sandboxId, clock))
        {
            if (await store.FindAsync(advance.Id, CancellationToken.None) is not { Status: "running" })
            {
                await held.DisposeAsync();
                return false;
            }
        }
        await WorkAsync(sandboxId, clock, advance, held);
        return true;
    }

    private async Task WorkAsync(Guid sandboxId, SandboxClockSetting clock, ClockAdvanceDto advance, NpgsqlConnection held)
    {
        await using var releasedAtTheEnd = held;
        using var entered = SandboxScope.Enter(sandboxId, clock);
        string? error = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await using var turn = await TakeTurnAsync(scope.ServiceProvider.GetRequiredService<IPaymentRunLock>(), sandboxId, clock, advance);
            var listeners = scope.ServiceProvider.GetServices<IClockAdvanceListener>().ToList();
            var previous = advance.From;
            foreach (var stop in await StopsAsync(listeners, advance.From, advance.To))
            {
                // The clock stands at the stop while its work runs: what it records carries that instant.
                using (SandboxScope.Enter(sandboxId, new SandboxClockSetting(ClockMode.Frozen, stop, TimeSpan.Zero)))
                    foreach (var listener in listeners)
                        await listener.OnClockAdvancedAsync(previous, stop, CancellationToken.None);
                previous = stop;
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "The due work of clock advance {AdvanceId} failed", advance.Id);
            error = e.Message;
        }
        try
        {
            await store.FinishAsync(advance.Id, time.Inner.GetUtcNow(), error, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "The status of clock advance {AdvanceId} could not be written", advance.Id);
        }
    }

    /// <summary>
    /// The sandbox's due-work lock (the payment-run lock, re-entrant within this scope, so the listeners' own work takes it
    /// again) for the whole advance, once no earlier advance of the sandbox is still running: two advances sent close
    /// together do their work one after the other in time order, never interleaved (a later slot would take a line an
    /// earlier one had to pay, PAY-01), and the minutely ticks skip the sandbox meanwhile. An earlier advance left running
    /// by a crashed process (nobody holds its lock) is resumed here, first, rather than waited for until the minutely sweep
    /// finds it; after <see cref="TurnPatience"/> this one goes on regardless.
    /// </summary>
    private async Task<IAsyncDisposable> TakeTurnAsync(IPaymentRunLock dueWork, Guid sandboxId, SandboxClockSetting clock, ClockAdvanceDto advance)
    {
        var waitingSince = time.Inner.GetTimestamp();
        while (true)
        {
            var held = await dueWork.AcquireAsync(CancellationToken.None);
            var earlier = (await store.RunningAsync(CancellationToken.None)).Where(a => a.Id != advance.Id && a.From < advance.From).ToList();
            if (earlier.Count == 0 || time.Inner.GetElapsedTime(waitingSince) > TurnPatience) return held;
            await held.DisposeAsync();
            // Each in time order: an orphan runs here (it takes the due-work lock in a scope of its own); a live one is left to its process.
            foreach (var other in earlier)
                if (await ResumeAsync(sandboxId, clock, other))
                    logger.LogInformation("Clock advance {AdvanceId} resumed the earlier advance {EarlierId}, whose process was gone", advance.Id, other.Id);
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    private static readonly TimeSpan TurnPatience = TimeSpan.FromMinutes(10);

    /// <summary>Where the advance stops: every instant in between a listener has work due at, in time order, and its end.</summary>
    private static async Task<SortedSet<DateTimeOffset>> StopsAsync(List<IClockAdvanceListener> listeners, DateTimeOffset from, DateTimeOffset to)
    {
        var stops = new SortedSet<DateTimeOffset> { to };
        foreach (var listener in listeners)
            foreach (var at in await listener.DueInstantsAsync(from, to, CancellationToken.None))
                if (at > from && at < to) stops.Add(at.ToUniversalTime());
        return stops;
    }

    /// <summary>In every sandbox, resumes the advances still running whose process is gone (nobody holds their lock).</summary>
    public async Task ResumeOrphansAsync(ISandboxUnits sandboxes, CancellationToken ct)
    {
        foreach (var sandboxId in await sandboxes.ActiveAsync(ct))
        {
            if (await sandboxes.ClockAsync(sandboxId, ct) is not { } clock) continue;
            List<ClockAdvanceDto> running;
            using (SandboxScope.Enter(sandboxId, clock)) running = await store.RunningAsync(ct);
            foreach (var advance in running)
            {
                logger.LogInformation("Resuming clock advance {AdvanceId} in sandbox {SandboxId}", advance.Id, sandboxId);
                await ResumeAsync(sandboxId, clock, advance);
            }
        }
    }

    private async Task<NpgsqlConnection?> TryLockAsync(Guid advanceId)
    {
        var connection = await locks.OpenAsync(CancellationToken.None);
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = "cns.clock_advance:" + advanceId });
        if (await cmd.ExecuteScalarAsync() is true) return connection;
        await connection.DisposeAsync();
        return null;
    }
}

/// <summary>The minutely sweep that finishes advances a crashed process left running (in frozen sandboxes too).</summary>
public sealed class ClockAdvanceJobs(ClockAdvanceRunner runner, ISandboxUnits sandboxes)
{
    public const string JobId = "clock-advance-resume";

    [AutomaticRetry(Attempts = 0)] // the next minute's sweep is the retry
    [JobDisplayName("Resume orphaned clock advances")]
    public Task ResumeAsync(CancellationToken ct) => runner.ResumeOrphansAsync(sandboxes, ct);

    /// <summary>Schedules the sweep every minute (UTC), as the host does at start-up.</summary>
    public static void Schedule(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<ClockAdvanceJobs>(JobId, j => j.ResumeAsync(CancellationToken.None), Cron.Minutely(),
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
}

internal sealed class ClockAdvanceSchedule(IRecurringJobManager jobs, ILogger<ClockAdvanceSchedule> logger) : RecurringJobSchedule(jobs, logger)
{
    protected override string JobId => ClockAdvanceJobs.JobId;

    protected override void Register(IRecurringJobManager jobs) => ClockAdvanceJobs.Schedule(jobs);
}
