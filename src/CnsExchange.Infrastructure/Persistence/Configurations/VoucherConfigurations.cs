using CnsExchange.Domain.Vouchers;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

internal sealed class VoucherConfiguration : IEntityTypeConfiguration<Voucher>
{
    public const string NumberSequence = "voucher_number_seq";

    public void Configure(EntityTypeBuilder<Voucher> b)
    {
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.Number).IsUnique();
        b.HasIndex(x => new { x.ProviderId, x.CreatedAt });
        b.HasIndex(x => x.InsuredId);
        b.HasIndex(x => x.ValidUntil); // voucher.expiring: the vouchers ending within 7 days
        b.Property(x => x.Number).HasMaxLength(13);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Matricule).HasMaxLength(13);
        b.Property(x => x.Category).HasMaxLength(40);
        b.Property(x => x.CancellationReason).HasMaxLength(2000);
        b.Property(x => x.CancelledBy).HasMaxLength(100);
        b.HasMany(x => x.Services).WithOne().HasForeignKey(x => x.VoucherId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Services).AutoInclude();
        b.HasOne<CnsExchange.Domain.Registry.Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<CnsExchange.Domain.Registry.Insured>().WithMany().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VoucherServiceConfiguration : IEntityTypeConfiguration<VoucherService>
{
    public void Configure(EntityTypeBuilder<VoucherService> b)
    {
        b.ToTable("voucher_services", t => t.HasCheckConstraint("ck_voucher_services_billed_within_granted", "sessions_billed >= 0 AND sessions_billed <= sessions_granted"));
        // sessions_billed is a counter every paid session adds to, and a billing file adds the sessions of all its services
        // in one statement when it commits (FeeMemoirAdjudicator). No index names the counter and half of every page is left
        // free, so that the new versions stay on their page as heap-only tuples: no index entry is written for them (with
        // full pages, each service updated wrote an entry into both indexes: 11 buffers a service, 0.27 s for 25,000).
        b.HasStorageParameter("fillfactor", 50);
        b.HasKey(x => x.Id);
        b.Property(x => x.ActCode).HasMaxLength(10);
        b.Property(x => x.RatePercent).HasPrecision(5, 2);
        b.HasIndex(x => new { x.VoucherId, x.ActCode }).IsUnique();
    }
}
