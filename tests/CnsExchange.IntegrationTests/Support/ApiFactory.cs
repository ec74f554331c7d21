using System.Net.Http.Headers;
using CnsExchange.Infrastructure;
using Hangfire;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.Infrastructure.Sandbox;
using CnsExchange.Application.Common;
using CnsExchange.Domain.Calendar;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Respawn;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>The API in-process against real PostgreSQL, with a fake inner clock the tests move.</summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>Monday 23 November 2026, 09:00 in Luxembourg: the instant every test starts from.</summary>
    public static readonly DateTimeOffset Start = LuxembourgCalendar.AtLocal(new DateOnly(2026, 11, 23), new TimeOnly(9, 0)).ToUniversalTime();

    private readonly ResettableClock _innerClock = new(Start);

    /// <summary>The fake clock under the sandbox clock; a fresh one (at <see cref="Start"/>) after every reset.</summary>
    public FakeTimeProvider Clock => _innerClock.Current;
    public string ConnectionString { get; private set; } = "";
    private Respawner? _respawner;

    /// <summary>The tables the reset empties, in the order its TRUNCATE locks them.</summary>
    public IReadOnlyList<string> ResetTables => System.Text.RegularExpressions.Regex.Matches(_respawner!.DeleteSql!, "\"cns\"\\.\"(\\w+)\"").Select(m => m.Groups[1].Value).ToList();

    /// <summary>Interrupts payment runs where a test asks (PAY-06); inert unless armed, disarmed by every reset.</summary>
    public PaymentRunFaultInjector PaymentRunFaults { get; } = new();

    /// <summary>Every log line of the API since start (see LogPrivacyTests).</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>
    /// Configuration a derived factory overrides. Note: Hangfire keeps its storage, activator and log provider in
    /// process-wide statics, so the suite runs ONE host; do not start a second factory next to this one.
    /// </summary>
    protected virtual IEnumerable<(string Key, string Value)> Settings => [];

    async Task IAsyncLifetime.InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("cnsx_test");
        _ = Services; // builds the host: migrations and seed run now
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        _respawner = await Respawner.CreateAsync(conn, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = [AppDbContext.Schema],
            // The sandboxes and operator keys stay; ResetAsync puts the default sandbox's clock back and drops the others.
            TablesToIgnore = ["__EFMigrationsHistory", "sandboxes", "operator_keys"],
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Cns", ConnectionString);
        builder.UseSetting("CnsExchange:RunBackgroundJobs", "true");
        // The sandbox keys' buckets live as long as the host, across tests: the 10,000-case fuzzer alone would empty
        // them. RateLimitTests lowers the limits for a key of its own.
        builder.UseSetting("CnsExchange:RateLimit:TokenLimit", "1000000");
        builder.UseSetting("CnsExchange:RateLimit:TokensPerSecond", "1000000");
        // Created sandboxes may store 2 MiB of scans and files here (SandboxQuotaTests); the default sandbox is not limited.
        builder.UseSetting("CnsExchange:Sandboxes:QuotaBytes", (2 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Likewise the bucket of requests without a verified key (one per client address: the test server has one).
        // InvalidKeyRateLimitTests lowers them for an address of its own.
        builder.UseSetting("CnsExchange:RateLimit:UnverifiedTokenLimit", "1000000");
        builder.UseSetting("CnsExchange:RateLimit:UnverifiedTokensPerSecond", "1000000");
        // Webhooks: the hosted policy, with the in-test receivers' address allow-listed (WebhookTests); quick retries fast.
        builder.UseSetting("CnsExchange:Webhooks:Network", "hosted");
        builder.UseSetting("CnsExchange:Webhooks:AllowedNetworks", "127.0.0.1/32");
        builder.UseSetting("CnsExchange:Webhooks:QuickRetryDelay", "00:00:00.050");
        builder.UseSetting("CnsExchange:Webhooks:PollInterval", "00:00:00.200");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddKeyedSingleton<TimeProvider>(DependencyInjection.InnerClockKey, _innerClock);
            services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs);
            services.AddSingleton<CnsExchange.Application.Features.PaymentRuns.IPaymentRunFaults>(PaymentRunFaults);
        });
    }

    /// <summary>Empties the CNS schema, seeds the sandbox again and puts the clock back to <see cref="Start"/>.</summary>
    public async Task ResetAsync()
    {
        await using (var conn = new NpgsqlConnection(ConnectionString))
        {
            await conn.OpenAsync();
            await WaitForBackgroundWorkAsync(conn);
            await TruncateAsync(conn);
            await using var sandboxes = new NpgsqlCommand($"""
                DELETE FROM cns.sandboxes WHERE id <> '{SandboxIds.Default}';
                UPDATE cns.sandboxes SET clock_mode = 'running', clock_frozen_at = NULL, clock_offset = interval '0'
                WHERE id = '{SandboxIds.Default}';
                """, conn);
            await sandboxes.ExecuteNonQueryAsync();
        }
        _innerClock.Reset(Start);
        PaymentRunFaults.Reset();
        using var sandbox = EnterDefaultSandbox();
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SandboxSeeder>().SeedAsync(CancellationToken.None);
    }

    /// <summary>
    /// Respawn's TRUNCATE of every table, which gives way to background work of the previous test and goes again. A
    /// billing file a test did not wait for may still be processing: its job holds the file's row (and a COPY) on one
    /// connection while it reads the file's chunks on another. The TRUNCATE takes its ACCESS EXCLUSIVE locks table by
    /// table: holding the chunks' table, it waited for the file's row while the job waited for the chunks, a cycle through
    /// the job's process that PostgreSQL cannot see, until the command timed out (30 s) and failed the next test. Under
    /// a lock timeout the TRUNCATE lets go instead, the job finishes, and the next attempt empties what it wrote.
    /// </summary>
    private async Task TruncateAsync(NpgsqlConnection conn)
    {
        await using (var limit = new NpgsqlCommand($"SET lock_timeout = '{ResetLockTimeout.TotalMilliseconds:0}ms'", conn))
            await limit.ExecuteNonQueryAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _respawner!.ResetAsync(conn);
                await using var reset = new NpgsqlCommand("RESET lock_timeout", conn);
                await reset.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected
                                              && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100 * Math.Min(attempt, 10));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                throw new TimeoutException($"The reset could not lock the tables for {waited.Elapsed.TotalSeconds:0} s; the other sessions:\n"
                    + await OtherSessionsAsync(conn), e);
            }
        }
    }

    private static readonly TimeSpan ResetLockTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The database's other sessions: state, wait, the sessions blocking each one, and its statement.</summary>
    private static async Task<string> OtherSessionsAsync(NpgsqlConnection conn)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT string_agg(format('pid %s %s %s:%s, transaction since %s, blocked by %s: %s', pid, state, wait_event_type, wait_event,
                                     xact_start, pg_blocking_pids(pid), left(query, 200)), E'\n')
            FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
            """, conn);
        return await cmd.ExecuteScalarAsync() as string ?? "";
    }

    /// <summary>
    /// Waits (at most 60 s) until no other session holds an advisory lock: the due work of a clock advance and a payment
    /// run hold one while they run. A previous test's advance whose PUT answered before its work was done (under load)
    /// would otherwise go on under the clock it moved to, with the next test's rows: a memoir of that test paid by it.
    /// </summary>
    private static async Task WaitForBackgroundWorkAsync(NpgsqlConnection conn)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await AdvisoryLocksOfOthersAsync(conn) > 0)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                Console.Error.WriteLine("ResetAsync: advisory locks still held after 60 s; resetting under them");
                return;
            }
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Advisory locks of this database held by other sessions than <paramref name="conn"/>'s, but for the webhook
    /// dispatcher's endpoint locks (two-key, <see cref="Infrastructure.Events.WebhookDispatcher.EndpointLockSpace"/>): a
    /// delivery batch holds one while it sends, and works on no row a test makes.
    /// </summary>
    public static async Task<long> AdvisoryLocksOfOthersAsync(NpgsqlConnection conn)
    {
        await using var held = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid() " +
            $"AND NOT (objsubid = 2 AND classid = {(uint)Infrastructure.Events.WebhookDispatcher.EndpointLockSpace}) " +
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", conn);
        return (long)(await held.ExecuteScalarAsync())!;
    }

    /// <summary>Enters the default sandbox (the README's keys) with its stored clock, for work a test does in-process.</summary>
    public IDisposable EnterDefaultSandbox() => SandboxScope.Enter(SandboxIds.Default, ReadClock(SandboxIds.Default));

    /// <summary>Now on the default sandbox's clock, as the API reads it.</summary>
    public DateTimeOffset SandboxNow() => ReadClock(SandboxIds.Default).Now(_innerClock);

    public SandboxClockSetting ReadClock(Guid sandboxId)
    {
        using var conn = new NpgsqlConnection(ConnectionString);
        conn.Open();
        using var cmd = new NpgsqlCommand("SELECT clock_mode, clock_frozen_at, clock_offset FROM cns.sandboxes WHERE id = $1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = sandboxId });
        using var reader = cmd.ExecuteReader();
        if (!reader.Read()) throw new InvalidOperationException($"No sandbox {sandboxId}.");
        return new SandboxClockSetting(reader.GetString(0) == "frozen" ? ClockMode.Frozen : ClockMode.Running,
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<TimeSpan>(2));
    }

    /// <summary>
    /// Removes Hangfire's minutely payment-run tick and waits until no tick is queued or running, so that only the test
    /// executes payment runs; disposing the result schedules the tick again as the host does at start-up.
    /// </summary>
    public async Task<IAsyncDisposable> PausePaymentRunTickAsync()
    {
        var jobs = Services.GetRequiredService<IRecurringJobManager>();
        jobs.RemoveIfExists(CnsExchange.Infrastructure.Payments.PaymentRunServices.SchedulerJobId);
        var monitoring = Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        bool TickPending() =>
            monitoring.ProcessingJobs(0, 100).Any(j => j.Value.Job?.Method.Name == nameof(CnsExchange.Infrastructure.Payments.PaymentRunJobs.TickAsync))
            || monitoring.Queues().Any(q => monitoring.EnqueuedJobs(q.Name, 0, 100).Any(j => j.Value.Job?.Method.Name == nameof(CnsExchange.Infrastructure.Payments.PaymentRunJobs.TickAsync)));
        var pending = await Eventually.PollAsync(() => Task.FromResult(TickPending()), p => !p, TimeSpan.FromSeconds(60));
        if (pending) throw new TimeoutException("the payment-run tick was still queued or running after 60 s");
        return new TickResumer(jobs);
    }

    private sealed class TickResumer(IRecurringJobManager jobs) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            jobs.AddOrUpdate<CnsExchange.Infrastructure.Payments.PaymentRunJobs>(CnsExchange.Infrastructure.Payments.PaymentRunServices.SchedulerJobId,
                j => j.TickAsync(CancellationToken.None), Cron.Minutely(), new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
            return ValueTask.CompletedTask;
        }
    }

    public HttpClient ClientFor(string? apiKey, string? language = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        if (language is not null) client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        return client;
    }

    /// <summary>Runs in-process work in the default sandbox, in a DI scope of its own.</summary>
    public Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work) => WithScopeAsync(SandboxIds.Default, work);

    /// <summary>Runs <paramref name="work"/> in a service scope of the sandbox <paramref name="sandboxId"/>, on its stored clock.</summary>
    public async Task<T> WithScopeAsync<T>(Guid sandboxId, Func<IServiceProvider, Task<T>> work)
    {
        using var sandbox = SandboxScope.Enter(sandboxId, ReadClock(sandboxId));
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }
}

/// <summary>A FakeTimeProvider cannot go back in time; each test gets a new one behind this switch.</summary>
public sealed class ResettableClock(DateTimeOffset start) : TimeProvider
{
    public FakeTimeProvider Current { get; private set; } = new(start);

    public void Reset(DateTimeOffset start) => Current = new FakeTimeProvider(start);

    public override DateTimeOffset GetUtcNow() => Current.GetUtcNow();

    public override long GetTimestamp() => Current.GetTimestamp();

    public override long TimestampFrequency => Current.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Current.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Current.CreateTimer(callback, state, dueTime, period);
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}

/// <summary>Base of HTTP tests: a clean database and clock before each test.</summary>
[Collection(ApiCollection.Name)]
public abstract class ApiTest(ApiFactory api) : IAsyncLifetime
{
    protected ApiFactory Api { get; } = api;

    public const string Physio1 = "sandbox-physio-1";
    public const string Physio2 = "sandbox-physio-2";
    public const string Hospital1 = "sandbox-hospital-1";
    public const string Thermal1 = "sandbox-thermal-1";
    public const string Rehab1 = "sandbox-rehab-1";
    public const string Doctor1 = "sandbox-doctor-1";
    public const string Reviewer = "sandbox-reviewer";
    public const string Admin = "sandbox-admin";
    public const string Operator = "sandbox-operator";

    protected HttpClient Client(string? key, string? language = null) => Api.ClientFor(key, language);

    public virtual Task InitializeAsync() => Api.ResetAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
