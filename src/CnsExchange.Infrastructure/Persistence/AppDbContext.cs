using CnsExchange.Application.Common;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Vouchers;
using Microsoft.EntityFrameworkCore;
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
    internal DbSet<SandboxClockRow> SandboxClock => Set<SandboxClockRow>();

    public void ClearChangeTracker() => ChangeTracker.Clear();

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
        // Sequence names are constants of the code (Sequences), never input; the check keeps it that way.
        if (!sequence.All(c => c is '_' or (>= 'a' and <= 'z'))) throw new ArgumentException("Invalid sequence name.", nameof(sequence));
        // A plain command on the context's connection and transaction: no LINQ query to translate for one value.
        await Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT nextval('" + Schema + "." + sequence + "')";
            command.Transaction = Database.CurrentTransaction?.GetDbTransaction();
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }
        finally
        {
            await Database.CloseConnectionAsync();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.HasSequence<long>(Configurations.VoucherConfiguration.NumberSequence).StartsAt(1000);
        modelBuilder.HasSequence<long>(Configurations.PaymentRunTables.NumberSequence).StartsAt(1);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<decimal>().HavePrecision(14, 2);
        configurationBuilder.Properties<string>().HaveMaxLength(400);
        configurationBuilder.Conventions.Replace<ForeignKeyIndexConvention>(services =>
            new SelectiveForeignKeyIndexConvention(services.GetRequiredService<ProviderConventionSetBuilderDependencies>()));
    }
}

/// <summary>The persisted sandbox clock offset (one row).</summary>
internal sealed class SandboxClockRow
{
    public int Id { get; set; }
    public long OffsetTicks { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
