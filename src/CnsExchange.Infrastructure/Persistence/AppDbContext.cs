using CnsExchange.Application.Common;
using CnsExchange.Domain.Registry;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.Infrastructure.Persistence;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options), IAppDbContext
{
    public const string Schema = "cns";

    public DbSet<Provider> Providers => Set<Provider>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Doctor> Doctors => Set<Doctor>();
    public DbSet<Insured> Insured => Set<Insured>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    internal DbSet<SandboxClockRow> SandboxClock => Set<SandboxClockRow>();

    public void ClearChangeTracker() => ChangeTracker.Clear();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<decimal>().HavePrecision(14, 2);
        configurationBuilder.Properties<string>().HaveMaxLength(400);
    }
}

/// <summary>The persisted sandbox clock offset (one row).</summary>
internal sealed class SandboxClockRow
{
    public int Id { get; set; }
    public long OffsetTicks { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
