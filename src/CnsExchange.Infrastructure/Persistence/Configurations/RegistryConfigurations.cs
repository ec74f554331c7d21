using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

internal sealed class ProviderConfiguration : IEntityTypeConfiguration<Provider>
{
    public void Configure(EntityTypeBuilder<Provider> b)
    {
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.Code).HasMaxLength(20);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.Iban).HasMaxLength(34);
        b.Property(x => x.Bic).HasMaxLength(11);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.HasKey(x => x.Id);
        // An API key identifies its sandbox: its hash stays unique across all sandboxes.
        b.HasIndex(x => x.KeyHash).IsUnique().HasAnnotation(SandboxModel.NotLedBySandbox, true);
        b.Property(x => x.KeyHash).HasMaxLength(64);
        b.Property(x => x.Role).HasConversion<string>().HasMaxLength(20);
        b.HasOne(x => x.Provider).WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DoctorConfiguration : IEntityTypeConfiguration<Doctor>
{
    public void Configure(EntityTypeBuilder<Doctor> b)
    {
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(8);
        b.Property(x => x.Country).HasMaxLength(2);
    }
}

internal sealed class InsuredConfiguration : IEntityTypeConfiguration<Insured>
{
    public void Configure(EntityTypeBuilder<Insured> b)
    {
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.Matricule).IsUnique();
        b.Property(x => x.Matricule).HasMaxLength(13);
        b.Property(x => x.Sex).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.CompetentFund).HasMaxLength(10);
        b.Property(x => x.ResidenceCountry).HasMaxLength(2);
        b.Property(x => x.Iban).HasMaxLength(34);
        b.Property(x => x.Bic).HasMaxLength(11);
        b.HasMany(x => x.Affiliations).WithOne().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.AccidentCases).WithOne().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.CarePlans).WithOne().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Affiliations).AutoInclude();
        b.Navigation(x => x.AccidentCases).AutoInclude();
        b.Navigation(x => x.CarePlans).AutoInclude();
    }
}

internal sealed class AffiliationConfiguration : IEntityTypeConfiguration<AffiliationPeriod>
{
    public void Configure(EntityTypeBuilder<AffiliationPeriod> b)
    {
        b.ToTable("affiliation_periods");
        b.HasKey(x => x.Id);
    }
}

internal sealed class AccidentCaseConfiguration : IEntityTypeConfiguration<AccidentCase>
{
    public void Configure(EntityTypeBuilder<AccidentCase> b)
    {
        b.ToTable("accident_cases");
        b.HasKey(x => x.Id);
        b.Property(x => x.Reference).HasMaxLength(40);
    }
}

internal sealed class CarePlanConfiguration : IEntityTypeConfiguration<CarePlan>
{
    public void Configure(EntityTypeBuilder<CarePlan> b)
    {
        b.ToTable("care_plans");
        b.HasKey(x => x.Id);
        b.Property(x => x.PhysioDeliveredOn).HasColumnType("date[]");
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.HasKey(x => x.Id);
        b.HasIndex(x => new { x.Scope, x.Key }).IsUnique();
        b.Property(x => x.Scope).HasMaxLength(120);
        b.Property(x => x.Key).HasMaxLength(200);
        b.Property(x => x.RequestHash).HasMaxLength(64);
        b.Property(x => x.ResponseJson).HasColumnType("jsonb");
    }
}

internal sealed class SandboxConfiguration : IEntityTypeConfiguration<CnsExchange.Application.Features.Sandboxes.SandboxRecord>
{
    public const string Table = "sandboxes";

    public void Configure(EntityTypeBuilder<CnsExchange.Application.Features.Sandboxes.SandboxRecord> b)
    {
        b.ToTable(Table, t => t.HasCheckConstraint("ck_sandboxes_frozen_instant", "clock_mode <> 'frozen' OR clock_frozen_at IS NOT NULL"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.ClockMode).HasConversion(v => v == ClockMode.Frozen ? "frozen" : "running", v => v == "frozen" ? ClockMode.Frozen : ClockMode.Running).HasMaxLength(10);
        b.Ignore(x => x.Clock);
        // Counted in the sandbox's storage stripes (cns.sandbox_storage), read with the sandbox.
        b.Ignore(x => x.BytesUsed);
        b.HasIndex(x => x.DeletesAfter).HasFilter("deletes_after IS NOT NULL");
        b.Property(x => x.IdempotencyKey).HasMaxLength(200);
        b.Property(x => x.RequestHash).HasMaxLength(64);
        // One sandbox per operator Idempotency-Key: a second creation with it waits here, then finds the first.
        b.HasIndex(x => x.IdempotencyKey).IsUnique().HasFilter("idempotency_key IS NOT NULL");
    }
}

/// <summary>
/// One of a sandbox's <see cref="Stripes"/> storage counters (cns.charge_storage): a charge takes the stripe of its
/// database session, so concurrent uploads of one sandbox rarely wait for each other's commit. For a limited sandbox,
/// the stripes' capacities add up to the quota: a charge within its stripe's capacity is within the quota; one that is
/// not locks every stripe, checks the sum exactly and shares the quota's free bytes out again.
/// </summary>
internal sealed class SandboxStorageStripe
{
    public const int Stripes = 8;

    public int Stripe { get; set; }
    public long BytesUsed { get; set; }
    /// <summary>What the stripe may hold (limited sandboxes; 0 until a charge shares the quota out).</summary>
    public long Capacity { get; set; }
    /// <summary>The quota the capacities were shared out under (null: not limited, or not shared out yet).</summary>
    public long? Quota { get; set; }
}

internal sealed class SandboxStorageStripeConfiguration : IEntityTypeConfiguration<SandboxStorageStripe>
{
    public const string Table = "sandbox_storage";

    public void Configure(EntityTypeBuilder<SandboxStorageStripe> b)
    {
        b.ToTable(Table, t => t.HasCheckConstraint("ck_sandbox_storage_stripe", $"stripe >= 0 AND stripe < {SandboxStorageStripe.Stripes}"));
        b.HasKey(x => x.Stripe); // led by sandbox_id (SandboxModel)
    }
}

/// <summary>Keys of the operator role: they belong to no sandbox, and only the owner role writes them.</summary>
internal sealed class OperatorKeyConfiguration : IEntityTypeConfiguration<OperatorKey>
{
    public void Configure(EntityTypeBuilder<OperatorKey> b)
    {
        b.ToTable("operator_keys");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.KeyHash).IsUnique();
        b.Property(x => x.KeyHash).HasMaxLength(64);
        b.Property(x => x.Name).HasMaxLength(100);
    }
}

internal sealed class OperatorKey
{
    public Guid Id { get; set; }
    public required string KeyHash { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
