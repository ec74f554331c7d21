using System.Text.Json;
using CnsExchange.Application.Common;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Vouchers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

/// <summary>Reasons are kept as jsonb: they are read and written whole, never queried piecemeal.</summary>
internal static class ReasonListJson
{
    public static string Serialize(List<Reason> reasons) => JsonSerializer.Serialize(reasons, JsonDefaults.Options);

    public static List<Reason> Deserialize(string json) => JsonSerializer.Deserialize<List<Reason>>(json, JsonDefaults.Options) ?? [];

    public static readonly ValueConverter<List<Reason>, string> Converter = new(v => Serialize(v), s => Deserialize(s));

    public static readonly ValueComparer<List<Reason>> Comparer = new(
        (a, b) => a!.SequenceEqual(b!),
        v => v.Aggregate(0, (h, r) => HashCode.Combine(h, r.GetHashCode())),
        v => v.ToList());

    public static PropertyBuilder<List<Reason>> AsReasonJson(this PropertyBuilder<List<Reason>> property) =>
        property.HasConversion(Converter, Comparer).HasColumnType("jsonb");
}

internal sealed class ValidationRequestConfiguration : IEntityTypeConfiguration<ValidationRequest>
{
    public const string Table = "validation_requests";

    public void Configure(EntityTypeBuilder<ValidationRequest> b)
    {
        b.ToTable(Table);
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        // The provider's list: newest first, keyset on (received_at, id).
        b.HasIndex(x => new { x.ProviderId, x.ReceivedAt, x.Id }).IsDescending(false, true, true);
        // The review queue: pending requests by due time.
        b.HasIndex(x => x.DecisionDueBy).HasFilter("status = 'Pending'");
        b.HasIndex(x => x.VoucherId);
        b.Property(x => x.Matricule).HasMaxLength(13);
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
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.DecidedBy).HasMaxLength(100);
        b.Property(x => x.Reasons).AsReasonJson();
        b.Property(x => x.GrantCategory).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.GrantActCode).HasMaxLength(10);
        b.Property(x => x.GrantRatePercent).HasPrecision(5, 2);
        b.Property(x => x.VoucherNumber).HasMaxLength(13);
        b.Property(x => x.InformationQuestion).HasMaxLength(2000);
        b.Property(x => x.InformationAnswer).HasMaxLength(2000);
        b.Property(x => x.ScanSha256).HasMaxLength(64);
        b.Property(x => x.PrescriptionFingerprint).HasMaxLength(80);
        b.Ignore(x => x.Grant);
        // Optimistic concurrency on PostgreSQL's xmin: a cancel and a review decision racing cannot both win.
        b.Property<uint>("Version").IsRowVersion();
        b.HasMany(x => x.History).WithOne().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Insured>().WithMany().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Voucher>().WithMany().HasForeignKey(x => x.VoucherId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ValidationRequestEventConfiguration : IEntityTypeConfiguration<ValidationRequestEvent>
{
    public void Configure(EntityTypeBuilder<ValidationRequestEvent> b)
    {
        b.ToTable("validation_request_events");
        b.HasKey(x => x.Id);
        // Ids are made by the domain: an event appended to a loaded request's history is new, not an update.
        b.Property(x => x.Id).ValueGeneratedNever();
        b.HasIndex(x => new { x.RequestId, x.Sequence }).IsUnique();
        b.Property(x => x.Actor).HasMaxLength(100);
        b.Property(x => x.Action).HasMaxLength(40);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Note).HasMaxLength(2000);
        b.Property(x => x.Reasons).AsReasonJson();
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
        b.HasIndex(x => x.Sha256);
        b.Property(x => x.ContentType).HasMaxLength(40);
        b.Property(x => x.Sha256).HasMaxLength(64);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.Property(x => x.Content).HasColumnType("bytea");
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
        b.HasIndex(x => x.VoucherId);
        b.HasOne<Voucher>().WithMany().HasForeignKey(x => x.VoucherId).OnDelete(DeleteBehavior.Cascade);
    }
}
