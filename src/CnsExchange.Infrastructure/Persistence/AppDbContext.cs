using System.Linq.Expressions;
using CnsExchange.Application.Features.Sandboxes;
using CnsExchange.Domain.Vouchers;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CnsExchange.Infrastructure.Persistence;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options), IAppDbContext
{
    public const string Schema = "cns";

    public DbSet<Provider> Providers => Set<Provider>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Doctor> Doctors => Set<Doctor>();
    public DbSet<Insured> Insured => Set<Insured>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Voucher> Vouchers => Set<Voucher>();
    public DbSet<SandboxRecord> Sandboxes => Set<SandboxRecord>();
    internal DbSet<Configurations.OperatorKey> OperatorKeys => Set<Configurations.OperatorKey>();

    /// <summary>The sandbox of the current unit of work: every sandbox entity's query filter compares with it.</summary>
    public Guid CurrentSandboxId => SandboxScope.Current?.Id ?? Guid.Empty;

    /// <summary>
    /// True from a save that wrote events until its transaction ends: its commit wakes the webhook dispatchers
    /// (<see cref="Events.EventCommits"/>, through <see cref="EventCommitInterceptor"/>).
    /// </summary>
    internal bool EventsWritten { get; set; }

    /// <summary>Whether the last asynchronous save was written by <see cref="NewRowsWriter"/> (only rows added) rather than by EF Core.</summary>
    internal bool LastSaveByNewRowsWriter { get; private set; }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        using var detection = DetectOnceThenPause();
        var events = StampSandbox();
        var saved = base.SaveChanges(acceptAllChangesOnSuccess);
        AfterSave(events);
        return saved;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        using var detection = DetectOnceThenPause();
        var events = StampSandbox();
        // A save that only adds rows (a validation's request, scan, voucher and event) skips EF Core's update pipeline.
        var rows = NewRowsWriter.Plan(this);
        LastSaveByNewRowsWriter = rows is not null;
        var saved = rows is not null
            ? await NewRowsWriter.WriteAsync(this, rows, acceptAllChangesOnSuccess, cancellationToken)
            : await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        AfterSave(events);
        return saved;
    }

    /// <summary>
    /// One change detection per save, then none until the save ends. Left automatic, EF Core detects changes in
    /// <see cref="StampSandbox"/>'s <c>Entries()</c> and again in the save itself: each pass reads every property of every
    /// tracked entry, and was 2/3 of a validation's change-detection garbage (issue 24).
    /// </summary>
    private DetectionPause DetectOnceThenPause()
    {
        if (ChangeTracker.AutoDetectChangesEnabled) ChangeTracker.DetectChanges();
        return PauseDetection();
    }

    /// <summary>Automatic change detection off until disposed, then as the caller had it.</summary>
    private DetectionPause PauseDetection()
    {
        var pause = new DetectionPause(ChangeTracker, ChangeTracker.AutoDetectChangesEnabled);
        ChangeTracker.AutoDetectChangesEnabled = false;
        return pause;
    }

    private readonly struct DetectionPause(Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker tracker, bool restore) : IDisposable
    {
        public void Dispose() => tracker.AutoDetectChangesEnabled = restore;
    }

    /// <summary>Events saved outside a transaction are committed with the save; inside one, with its commit.</summary>
    private void AfterSave(bool events)
    {
        if (!events) return;
        if (Database.CurrentTransaction is null) Events.EventCommits.Signal();
        else EventsWritten = true;
    }

    /// <summary>New rows belong to the sandbox of the unit of work (row-level security refuses any other). True when events are added.</summary>
    private bool StampSandbox()
    {
        var sandbox = CurrentSandboxId;
        var events = false;
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State != EntityState.Added) continue;
            if (entry.Entity is Application.Features.Events.EventRecord) events = true;
            if (entry.Metadata.FindProperty(SandboxModel.Property) is { } property)
            {
                var value = entry.Property(property);
                if ((Guid)value.CurrentValue! == Guid.Empty) value.CurrentValue = sandbox;
            }
        }
        return events;
    }

    public async Task<long> CommittedEventHorizonAsync(CancellationToken ct)
    {
        await Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = (Npgsql.NpgsqlCommand)Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT " + Schema + ".event_horizon($1)";
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = CurrentSandboxId });
            command.Transaction = (Npgsql.NpgsqlTransaction?)Database.CurrentTransaction?.GetDbTransaction();
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }
        finally
        {
            await Database.CloseConnectionAsync();
        }
    }

    public void ClearChangeTracker() => ChangeTracker.Clear();

    public T? FindTracked<T>(Guid id) where T : class
    {
        using var detection = PauseDetection(); // DbSet.Local would otherwise detect changes in every tracked entry first
        return Set<T>().Local.FindEntry(id)?.Entity;
    }

    public Task<T?> LockForUpdateAsync<T>(Guid id, CancellationToken ct) where T : class
    {
        // Table and key column come from the model, never from input.
        var entity = Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not an entity of the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema() ?? Schema);
        var key = entity.FindPrimaryKey()!.Properties.Single().GetColumnName(table);
        var sql = "SELECT * FROM " + table.Schema + "." + table.Name + " WHERE " + key + " = {0} FOR UPDATE";
        return Set<T>().FromSqlRaw(sql, id).SingleOrDefaultAsync(ct);
    }

    public async Task<long> NextSequenceValueAsync(string sequence, CancellationToken ct)
    {
        var sql = NextValueSql(sequence);
        // A plain command on the context's connection and transaction: no LINQ query to translate for one value.
        await Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = Database.CurrentTransaction?.GetDbTransaction();
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }
        finally
        {
            await Database.CloseConnectionAsync();
        }
    }

    /// <summary>The statement drawing the next value of one of our sequences (also sent in other batches, e.g. the validation facts').</summary>
    internal static string NextValueSql(string sequence)
    {
        // Sequence names are constants of the code (Sequences), never input; the check keeps it that way.
        if (!sequence.All(c => c is '_' or (>= 'a' and <= 'z'))) throw new ArgumentException("Invalid sequence name.", nameof(sequence));
        return "SELECT nextval('" + Schema + "." + sequence + "')";
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.HasSequence<long>(Configurations.VoucherConfiguration.NumberSequence).StartsAt(1000);
        modelBuilder.HasSequence<long>(Configurations.PaymentRunTables.NumberSequence).StartsAt(1);
        modelBuilder.HasSequence<long>(Configurations.EventRecordConfiguration.PositionSequence).StartsAt(1);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        SandboxModel.Apply(modelBuilder, this);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<decimal>().HavePrecision(14, 2);
        configurationBuilder.Properties<string>().HaveMaxLength(400);
        configurationBuilder.Conventions.Replace<ForeignKeyIndexConvention>(services =>
            new SelectiveForeignKeyIndexConvention(services.GetRequiredService<ProviderConventionSetBuilderDependencies>()));
    }
}

