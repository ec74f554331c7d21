using CnsExchange.Domain.Payments;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

/// <summary>Payment runs, their orders, return files and stored files (RULES.md §4).</summary>
internal static class PaymentRunTables
{
    public const string Runs = "payment_runs";
    public const string Orders = "payment_orders";
    public const string ReturnFiles = "return_files";
    public const string Files = "payment_files";
    public const string SchedulerState = "payment_scheduler_state";
    public const string NumberSequence = "payment_run_number_seq";
}

internal sealed class PaymentRunConfiguration : IEntityTypeConfiguration<PaymentRun>
{
    public void Configure(EntityTypeBuilder<PaymentRun> b)
    {
        b.ToTable(PaymentRunTables.Runs, t =>
        {
            t.HasCheckConstraint("ck_payment_runs_counts", "line_count >= 0 AND order_count >= 0 AND total_amount >= 0 AND file_count >= 0");
            t.HasCheckConstraint("ck_payment_runs_execution_date", "execution_date >= (as_of AT TIME ZONE 'Europe/Luxembourg')::date");
        });
        b.HasKey(x => x.Id);
        b.Property(x => x.Number).HasMaxLength(31);
        b.Property(x => x.SlotKey).HasMaxLength(60);
        b.Property(x => x.Trigger).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.StartedBy).HasMaxLength(100);
        // A slot gives at most one run, whoever creates it (the tick, the clock listener, another process).
        b.HasIndex(x => x.SlotKey).IsUnique();
        b.HasIndex(x => x.Number).IsUnique();
        b.HasIndex(x => new { x.AsOf, x.Id }).IsDescending(true, true);
        b.HasIndex(x => x.Status).HasFilter($"status <> '{nameof(PaymentRunStatus.Closed)}'");
    }
}

internal sealed class PaymentRunOrderConfiguration : IEntityTypeConfiguration<PaymentRunOrder>
{
    public void Configure(EntityTypeBuilder<PaymentRunOrder> b)
    {
        b.ToTable(PaymentRunTables.Orders, t => t.HasCheckConstraint("ck_payment_orders_amount", "amount > 0"));
        b.HasKey(x => x.Id);
        b.Property(x => x.ProviderCode).HasMaxLength(20);
        b.Property(x => x.Iban).HasMaxLength(34);
        b.Property(x => x.Bic).HasMaxLength(11);
        b.Property(x => x.EndToEndId).HasMaxLength(35);
        b.Property(x => x.RemittanceText).HasMaxLength(140);
        // PAY-03: one payment order per provider per run.
        b.HasIndex(x => new { x.RunId, x.ProviderId }).IsUnique();
        b.HasIndex(x => x.EndToEndId).IsUnique();
        b.HasIndex(x => x.ProviderId);
        b.HasOne<PaymentRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>LIF-05: one netting per provider per run; the latest of a provider brings its carried debt forward.</summary>
internal sealed class PaymentRunNettingConfiguration : IEntityTypeConfiguration<PaymentRunNetting>
{
    public void Configure(EntityTypeBuilder<PaymentRunNetting> b)
    {
        b.ToTable("payment_run_nettings", t => t.HasCheckConstraint("ck_payment_run_nettings_never_negative",
            "brought_forward >= 0 AND debts >= 0 AND accepted >= 0 AND order_amount >= 0 AND carried_forward >= 0 " +
            "AND accepted - order_amount = brought_forward + debts - carried_forward"));
        b.HasKey(x => x.Id);
        b.HasIndex(x => new { x.RunId, x.ProviderId }).IsUnique();
        b.HasIndex(x => new { x.ProviderId, x.CreatedAt });
        b.HasOne<PaymentRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ProviderReturnFileConfiguration : IEntityTypeConfiguration<ProviderReturnFile>
{
    public void Configure(EntityTypeBuilder<ProviderReturnFile> b)
    {
        b.ToTable(PaymentRunTables.ReturnFiles);
        b.HasKey(x => x.Id);
        b.Property(x => x.ProviderCode).HasMaxLength(20);
        b.Property(x => x.EndToEndId).HasMaxLength(35);
        b.HasIndex(x => new { x.RunId, x.ProviderId }).IsUnique();
        b.HasIndex(x => new { x.ProviderId, x.CreatedAt, x.Id }).IsDescending(false, true, true);
        b.HasIndex(x => new { x.CreatedAt, x.Id }).IsDescending(true, true);
        b.HasOne<PaymentRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PaymentRunOrder>().WithMany().HasForeignKey(x => x.PaymentOrderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StoredPaymentFileConfiguration : IEntityTypeConfiguration<StoredPaymentFile>
{
    public void Configure(EntityTypeBuilder<StoredPaymentFile> b)
    {
        b.ToTable(PaymentRunTables.Files, t =>
        {
            t.HasCheckConstraint("ck_payment_files_length", "length = octet_length(content)");
            t.HasCheckConstraint("ck_payment_files_kind", "(kind = 'Pain001' AND provider_id IS NULL AND language IS NULL) OR (kind = 'ReturnFile' AND provider_id IS NOT NULL AND return_file_id IS NOT NULL AND language IN ('fr', 'de', 'en'))");
        });
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(12);
        b.Property(x => x.Format).HasMaxLength(4);
        b.Property(x => x.Language).HasMaxLength(2);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.Property(x => x.MediaType).HasMaxLength(40);
        b.Property(x => x.Sha256).HasMaxLength(64).IsFixedLength();
        // lz4 rather than PostgreSQL's default pglz: a large run stores about 700 MB of files, and pglz compressed them
        // at well under 100 MB/s of the database's CPU, in the run's file step (issue 24, P3).
        b.Property(x => x.Content).UseCompressionMethod("lz4");
        // One file per run, provider, kind, format and language; the run's pain.001 has no provider nor language,
        // so NULLs count as equal here.
        b.HasIndex(x => new { x.RunId, x.ProviderId, x.Kind, x.Format, x.Language }).IsUnique().AreNullsDistinct(false);
        b.HasIndex(x => x.ReturnFileId);
        b.HasOne<PaymentRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ProviderReturnFile>().WithMany().HasForeignKey(x => x.ReturnFileId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PaymentSchedulerStateConfiguration : IEntityTypeConfiguration<PaymentSchedulerState>
{
    public void Configure(EntityTypeBuilder<PaymentSchedulerState> b)
    {
        b.ToTable(PaymentRunTables.SchedulerState, t => t.HasCheckConstraint("ck_payment_scheduler_state_single_row", "id = 1"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
    }
}

/// <summary>A fee memoir line points at the run that took it (its return file is the run's for its provider, issue 24).</summary>
internal sealed class FeeMemoirLinePaymentConfiguration : IEntityTypeConfiguration<Domain.Billing.FeeMemoirLine>
{
    public void Configure(EntityTypeBuilder<Domain.Billing.FeeMemoirLine> b)
    {
        b.HasOne<PaymentRun>().WithMany().HasForeignKey(x => x.PaymentRunId).OnDelete(DeleteBehavior.Restrict);
    }
}
