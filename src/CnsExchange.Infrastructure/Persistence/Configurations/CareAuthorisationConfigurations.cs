using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Rehabilitation;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

/// <summary>The cure asked for and its terms; the lifecycle is in <c>care_requests</c> (TPT).</summary>
internal sealed class CureAuthorisationConfiguration : IEntityTypeConfiguration<CureAuthorisation>
{
    public void Configure(EntityTypeBuilder<CureAuthorisation> b)
    {
        b.ToTable("cure_authorisations");
        b.Property(x => x.DoctorCode).HasMaxLength(8);
        b.Property(x => x.KindCode).HasMaxLength(10);
        b.Property(x => x.CountryOfCare).HasMaxLength(2);
        b.Property(x => x.Clinical).AsJsonRecord();
        b.Property(x => x.Terms).AsJsonRecord();
        b.Property(x => x.Interruptions).AsJsonList();
    }
}

/// <summary>The rehabilitation asked for and the authorised period; the lifecycle is in <c>care_requests</c> (TPT).</summary>
internal sealed class RehabilitationAuthorisationConfiguration : IEntityTypeConfiguration<RehabilitationAuthorisation>
{
    public void Configure(EntityTypeBuilder<RehabilitationAuthorisation> b)
    {
        b.ToTable("rehabilitation_authorisations");
        b.Property(x => x.KindCode).HasMaxLength(20);
        b.Property(x => x.Service).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Setting).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.DoctorCode).HasMaxLength(8);
        b.Property(x => x.DeclaredStays).AsJsonList();
        b.Property(x => x.RatePercent).HasPrecision(5, 2);
        b.Ignore(x => x.Terms);
        b.HasMany(x => x.Extensions).WithOne().HasForeignKey(x => x.AuthorisationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RehabilitationExtensionConfiguration : IEntityTypeConfiguration<RehabilitationExtension>
{
    public void Configure(EntityTypeBuilder<RehabilitationExtension> b)
    {
        b.ToTable("rehabilitation_extensions");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.HasIndex(x => new { x.AuthorisationId, x.Sequence }).IsUnique();
        b.Property(x => x.RequestedBy).HasMaxLength(100);
        b.Property(x => x.Reasons).AsJsonb();
    }
}
