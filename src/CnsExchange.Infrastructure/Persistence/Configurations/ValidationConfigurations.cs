using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Vouchers;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

/// <summary>The prescription of a physiotherapy validation request; its lifecycle is in <c>care_requests</c> (TPT).</summary>
internal sealed class ValidationRequestConfiguration : IEntityTypeConfiguration<ValidationRequest>
{
    public const string Table = "validation_requests";

    public void Configure(EntityTypeBuilder<ValidationRequest> b)
    {
        b.ToTable(Table);
        b.Property(x => x.DoctorCode).HasMaxLength(8);
        b.Property(x => x.DoctorName).HasMaxLength(200);
        b.Property(x => x.DoctorCountry).HasMaxLength(2);
        b.Property(x => x.PrescriptionLanguage).HasMaxLength(2);
        b.Property(x => x.Category).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.AnnexGCode).HasMaxLength(10);
        b.Property(x => x.ActCode).HasMaxLength(10);
        b.Property(x => x.Frequency).HasMaxLength(100);
        b.Property(x => x.Diagnosis).HasMaxLength(400);
        b.Property(x => x.CareCountry).HasMaxLength(2);
        b.Property(x => x.AccidentReference).HasMaxLength(40);
        b.Property(x => x.GrantCategory).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.GrantActCode).HasMaxLength(10);
        b.Property(x => x.GrantRatePercent).HasPrecision(5, 2);
        b.Property(x => x.ScanSha256).HasMaxLength(64);
        b.Property(x => x.PrescriptionFingerprint).HasMaxLength(80);
        b.Ignore(x => x.Grant);
    }
}

internal sealed class PrescriptionScanConfiguration : IEntityTypeConfiguration<PrescriptionScan>
{
    public void Configure(EntityTypeBuilder<PrescriptionScan> b)
    {
        b.ToTable("prescription_scans");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.HasIndex(x => x.RequestId).IsUnique();
        // No index on sha256: no query looks a scan up by its hash (a scan's duplicate is found by its fingerprint row; issue 24).
        b.Property(x => x.ContentType).HasMaxLength(40);
        b.Property(x => x.Sha256).HasMaxLength(64);
        b.Property(x => x.FileName).HasMaxLength(200);
        // Scans are PDF, JPEG, PNG or TIFF: mostly compressed already. PostgreSQL's default TOAST compression (pglz) works
        // through most of an incompressible 20 KiB scan before giving up (6 % of the database's CPU per validation, issue 24);
        // lz4 gives up at once on such data and still compresses an uncompressed TIFF.
        b.Property(x => x.Content).HasColumnType("bytea").UseCompressionMethod("lz4");
        b.HasOne<ValidationRequest>().WithOne().HasForeignKey<PrescriptionScan>(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PrescriptionFingerprintConfiguration : IEntityTypeConfiguration<PrescriptionFingerprint>
{
    public const string Table = "prescription_fingerprints";
    /// <summary>The unique key that settles VAL-14 races: one voucher per prescription fingerprint.</summary>
    public const string PrimaryKey = CnsExchange.Application.Features.Validation.PhysioVouchers.FingerprintKey;

    public void Configure(EntityTypeBuilder<PrescriptionFingerprint> b)
    {
        b.ToTable(Table);
        b.HasKey(x => x.Fingerprint).HasName(PrimaryKey);
        b.Property(x => x.Fingerprint).HasMaxLength(80);
        b.Property(x => x.VoucherNumber).HasMaxLength(13);
        // The cascade from a voucher. Not led by sandbox_id: led by it, a fresh sandbox's VAL-14 lookup was planned as a
        // scan of all the sandbox's fingerprints through it (see SandboxModel.NotLedBySandbox).
        b.HasIndex(x => x.VoucherId).HasAnnotation(SandboxModel.NotLedBySandbox, true);
        b.HasOne<Voucher>().WithMany().HasForeignKey(x => x.VoucherId).OnDelete(DeleteBehavior.Cascade);
    }
}
