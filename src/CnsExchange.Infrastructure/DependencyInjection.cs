using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Infrastructure.Billing;
using CnsExchange.Infrastructure.Clock;
using CnsExchange.Infrastructure.Events;
using CnsExchange.Infrastructure.Payments;
using CnsExchange.Infrastructure.Payments.Files;
using CnsExchange.Infrastructure.Reference;
using CnsExchange.Infrastructure.Sandbox;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure;

public static class DependencyInjection
{
    public const string InnerClockKey = "inner-clock";

    /// <summary>
    /// The owner's connection (ConnectionStrings:Cns): migrations, the application role's grants, operator keys and
    /// Hangfire's own schema. Sandbox data is never read through it: row-level security does not bind an owner.
    /// </summary>
    public static string OwnerConnectionString(IConfiguration configuration) =>
        Tuned(configuration.GetConnectionString("Cns")
            ?? throw new InvalidOperationException("ConnectionStrings:Cns is not set (environment variable ConnectionStrings__Cns). scripts/run.sh sets it for you."));

    /// <summary>
    /// The application's connection: a login role that owns nothing and is no superuser, so that the row-level security
    /// policies bind it. ConnectionStrings:CnsApp when given; else the owner's with the role of <see cref="AppRole"/>.
    /// </summary>
    public static string ConnectionString(IConfiguration configuration)
    {
        if (configuration.GetConnectionString("CnsApp") is { Length: > 0 } app) return Tuned(app);
        var (role, password) = AppRole(configuration);
        return new Npgsql.NpgsqlConnectionStringBuilder(OwnerConnectionString(configuration)) { Username = role, Password = password }.ConnectionString;
    }

    /// <summary>Name and password of the application role that the start-up creates (CnsExchange:AppRole:Name/Password).</summary>
    public static (string Name, string Password) AppRole(IConfiguration configuration) =>
        (configuration["CnsExchange:AppRole:Name"] is { Length: > 0 } name ? name : "cns_app",
         configuration["CnsExchange:AppRole:Password"] is { Length: > 0 } password ? password : "cns-app-local");

    private static string Tuned(string configured)
    {
        // Fail fast when the database is gone (the API answers 503), instead of hanging on the 15 s default.
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(configured);
        if (!configured.Contains("Timeout", StringComparison.OrdinalIgnoreCase)) builder.Timeout = 3;
        // Let Npgsql prepare the hot statements automatically. Connections keep the DISCARD ALL reset on return to the
        // pool: a session-level lock or setting left by a failed unit of work must not leak into the next one.
        if (!configured.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) builder.MaxAutoPrepare = 64;
        // No GSS (Kerberos) session encryption unless asked for: Npgsql 10 tries it first by default ("Prefer") and, on
        // any error while opening (a server stopping or starting up), opens a second socket without it — twice the
        // connection attempts against a recovering server, and a fallback path with open reports of opens outliving their
        // Timeout (npgsql/npgsql#6524, #6655). Our servers run without Kerberos; a deployment that uses it says so.
        if (!configured.Contains("Gss", StringComparison.OrdinalIgnoreCase)) builder.GssEncryptionMode = Npgsql.GssEncryptionMode.Disable;
        return builder.ConnectionString;
    }

    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration, bool runBackgroundJobs)
    {
        var connectionString = ConnectionString(configuration);
        var ownerConnectionString = OwnerConnectionString(configuration);
        // Pooled: a context is reset and reused rather than built (options, services, state) for every request.
        var storageQuota = new SandboxStorageQuota(configuration.GetValue("CnsExchange:Sandboxes:QuotaBytes", 1024L * 1024 * 1024));
        services.AddDbContextPool<AppDbContext>(o => ConfigureDbContext(o, connectionString, storageQuota));
        services.AddScoped<IAppDbContext>(sp => sp.GetRequiredService<AppDbContext>());
        services.AddScoped<Application.Features.Validation.IPhysioFactsReader, PhysioFactsReader>();
        services.AddScoped<Application.Features.PaymentRuns.IPaymentRunStore, Payments.PaymentRunStore>();
        services.AddScoped<Application.Features.PaymentRuns.IClaimPaymentStore, Payments.ClaimPaymentStore>();
        services.AddScoped<Application.Features.Requests.ICareRequestLocks, CareRequestLocks>();
        services.AddScoped<Application.Features.Admin.IRegistryLocks, RegistryLocks>();
        services.AddScoped<Application.Features.DependencyInsurance.IDoubleFinancingCounts, DoubleFinancingCountsReader>();
        services.AddScoped<Application.Features.HospitalStays.IHospitalParticipationCounters, HospitalParticipationCounters>();
        services.AddScoped<Application.Features.Eligibility.IAuditHasher, AuditHasher>();
        services.AddScoped<Application.Features.Attachments.IAttachmentStore, Attachments.AttachmentStore>();

        services.AddSingleton<IReferenceData, ReferenceDataLoader>();
        services.AddSingleton(sp => new SandboxTimeProvider(sp.GetKeyedService<TimeProvider>(InnerClockKey) ?? TimeProvider.System));
        services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<SandboxTimeProvider>());
        services.AddSingleton(_ => Npgsql.NpgsqlDataSource.Create(connectionString));
        // Keys and clocks are kept in memory while this process hears their changes (every process, jobs or not).
        services.AddSingleton<DirectoryChanges>();
        services.AddHostedService(sp => sp.GetRequiredService<DirectoryChanges>());
        services.AddSingleton(sp => new SandboxDirectory(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            TimeSpan.FromDays(configuration.GetValue("CnsExchange:Sandboxes:IdleDays", 30)), sp.GetRequiredService<SandboxTimeProvider>().Inner,
            sp.GetRequiredService<DirectoryChanges>()));
        services.AddSingleton(new SandboxDeletionOptions { BatchRows = configuration.GetValue("CnsExchange:Sandboxes:DeleteBatchRows", 5000) });
        services.AddSingleton<ISandboxUnits, SandboxUnits>();
        services.AddSingleton(storageQuota);
        services.AddSingleton<ISandboxStorageQuota>(sp => sp.GetRequiredService<SandboxStorageQuota>());
        services.AddScoped<ISandboxClock, SandboxClock>();
        services.AddSingleton(new Clock.ClockAdvanceOptions(TimeSpan.FromSeconds(configuration.GetValue("CnsExchange:Sandboxes:AdvanceWaitSeconds", 5.0))));
        services.AddSingleton<Clock.ClockAdvanceStore>();
        services.AddSingleton<IClockAdvances>(sp => sp.GetRequiredService<Clock.ClockAdvanceStore>());
        services.AddSingleton<Clock.ClockAdvanceRunner>();
        services.AddScoped<Clock.ClockAdvanceJobs>();
        if (runBackgroundJobs) services.AddHostedService<Clock.ClockAdvanceSchedule>();
        services.AddScoped<SandboxSeeder>();
        services.AddScoped<Application.Features.Sandboxes.ISandboxProvisioner, SandboxProvisioner>();
        services.AddScoped<SandboxJanitor>();
        if (runBackgroundJobs) services.AddHostedService<SandboxJanitorSchedule>();
        services.AddScoped(sp => new DatabaseInitializer(ownerConnectionString, AppRole(configuration),
            configuration["CnsExchange:OperatorKey"] is { Length: > 0 } operatorKey ? operatorKey : "sandbox-operator",
            sp.GetRequiredService<SandboxSeeder>(), sp.GetRequiredService<ISandboxUnits>(), configuration, sp.GetRequiredService<ILogger<DatabaseInitializer>>()));
        services.AddPaymentFiles();
        // One key ring for every process (the dashboard's signed cookie), kept in PostgreSQL.
        services.AddDataProtection().SetApplicationName("CnsExchange")
            .AddKeyManagementOptions(o => o.XmlRepository = new DataProtectionKeyRing(ownerConnectionString));

        // Hangfire keeps its storage, job activator and log provider in process-wide statics, which AddHangfire hands
        // out: with two hosts in one process (the tests) one could enqueue into the other's database, run jobs with the
        // other's services, or fail on its disposed logger factory. Each host gets its own storage and activator here;
        // the log provider survives the disposal of the host that set it last.
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = TimeSpan.FromMilliseconds(250),
            DistributedLockTimeout = TimeSpan.FromMinutes(2),
        };
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(ownerConnectionString, storageOptions), storageOptions));
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, cfg) => cfg
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(sp.GetRequiredService<JobStorage>())
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>())));
        JobTracingFilter.RegisterOnce();
        if (runBackgroundJobs)
        {
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = Math.Max(2, Environment.ProcessorCount);
                o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                o.ServerCheckInterval = TimeSpan.FromSeconds(30);
            });
        }

        var retention = new BillingRetentionOptions();
        if (int.TryParse(configuration["CnsExchange:BillingFiles:RejectedContentRetentionDays"], out var retentionDays)) retention.RejectedContentRetentionDays = retentionDays;
        services.AddBilling(connectionString, runBackgroundJobs, retention);
        if (configuration[KillProcessPaymentRunFaults.ConfigurationKey] is { Length: > 0 } killAt)
            services.AddSingleton<IPaymentRunFaults>(sp => new KillProcessPaymentRunFaults(killAt, sp.GetRequiredService<ILogger<KillProcessPaymentRunFaults>>()));
        services.AddPaymentRuns(connectionString, runBackgroundJobs);
        services.AddEvents(configuration, runBackgroundJobs);

        services.AddHealthChecks().AddDbContextCheck<AppDbContext>("postgresql", tags: ["ready"]);
        return services;
    }

    internal static void ConfigureDbContext(DbContextOptionsBuilder options, string connectionString, SandboxStorageQuota? storageQuota = null) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory", AppDbContext.Schema))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(storageQuota is null ? SandboxConnectionInterceptor.Instance : new SandboxConnectionInterceptor(storageQuota),
                Events.EventCommitInterceptor.Instance);
}
