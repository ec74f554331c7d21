using CnsExchange.Domain.Lifecycle;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

/// <summary>The audit log of eligibility questions (LIF-06): the person only as a keyed hash.</summary>
internal sealed class EligibilityCheckConfiguration : IEntityTypeConfiguration<EligibilityCheck>
{
    public const string Table = "eligibility_checks";

    public void Configure(EntityTypeBuilder<EligibilityCheck> b)
    {
        b.ToTable(Table);
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.MatriculeHash).HasMaxLength(64);
        b.HasIndex(x => new { x.MatriculeHash, x.CheckedAt });
        b.HasIndex(x => new { x.ProviderId, x.CheckedAt });
        b.HasOne<Domain.Registry.Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>One secret per sandbox for its keyed hashes; the row's id is the sandbox's.</summary>
internal sealed class AuditKeyConfiguration : IEntityTypeConfiguration<AuditKey>
{
    public const string Table = "audit_keys";

    public void Configure(EntityTypeBuilder<AuditKey> b)
    {
        b.ToTable(Table);
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Key).HasColumnType("bytea");
    }
}

/// <summary>Documents attached to requests and contestations (LIF-07), read by their owner's provider and CNS staff.</summary>
internal sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public const string Table = "attachments";

    public void Configure(EntityTypeBuilder<Attachment> b)
    {
        b.ToTable(Table);
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.OwnerKind).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.Purpose).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.ContentType).HasMaxLength(40);
        b.Property(x => x.Sha256).HasMaxLength(64);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.Property(x => x.UploadedBy).HasMaxLength(100);
        b.Property(x => x.Content).HasColumnType("bytea");
        b.HasIndex(x => new { x.OwnerKind, x.OwnerId, x.UploadedAt });
        b.HasOne<Domain.Registry.Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Cascade);
    }
}
