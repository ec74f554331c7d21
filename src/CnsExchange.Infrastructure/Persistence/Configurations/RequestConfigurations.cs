using CnsExchange.Application.Features.Requests;
using CnsExchange.Domain.Requests;
using CnsExchange.Domain.Vouchers;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

/// <summary>Kind-specific values read and written whole (clinical data, terms, declared stays) are kept as jsonb.</summary>
internal static class JsonColumn
{
    /// <summary>An immutable record: compared by value, so a new instance (<c>with</c>) is a change.</summary>
    public static PropertyBuilder<T> AsJsonRecord<T>(this PropertyBuilder<T> property) where T : class? =>
        property.HasConversion(
            v => JsonSerializer.Serialize(v, JsonDefaults.Options),
            s => JsonSerializer.Deserialize<T>(s, JsonDefaults.Options)!).HasColumnType("jsonb");

    public static PropertyBuilder<List<T>> AsJsonList<T>(this PropertyBuilder<List<T>> property) =>
        property.HasConversion(
            v => JsonSerializer.Serialize(v, JsonDefaults.Options),
            s => JsonSerializer.Deserialize<List<T>>(s, JsonDefaults.Options) ?? new List<T>(),
            new ValueComparer<List<T>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x)), v => v.ToList()))
            .HasColumnType("jsonb");
}

/// <summary>
/// The lifecycle every request shares, in one table whatever the kind (the review queue and the lists read it alone);
/// each kind's own data is in its table with the same id (table per type).
/// </summary>
internal sealed class CareRequestConfiguration : IEntityTypeConfiguration<CareRequest>
{
    public void Configure(EntityTypeBuilder<CareRequest> b)
    {
        b.ToTable(RequestPipeline.Table);
        b.UseTptMappingStrategy();
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(40);
        // A provider's list of one kind: newest first, keyset on (received_at, id).
        b.HasIndex(x => new { x.ProviderId, x.Kind, x.ReceivedAt, x.Id }).IsDescending(false, false, true, true);
        // The review queue: pending requests of every kind by due time.
        b.HasIndex(x => x.DecisionDueBy).HasFilter($"status = '{nameof(RequestStatus.Pending)}'");
        // Earlier authorisations of an insured person (cure waiting periods, Colpach days).
        b.HasIndex(x => new { x.InsuredId, x.Kind });
        b.HasIndex(x => x.VoucherId);
        b.Property(x => x.Matricule).HasMaxLength(13);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.DecidedBy).HasMaxLength(100);
        b.Property(x => x.Reasons).AsJsonb();
        b.Property(x => x.VoucherNumber).HasMaxLength(13);
        b.Property(x => x.InformationQuestion).HasMaxLength(2000);
        b.Property(x => x.InformationAnswer).HasMaxLength(2000);
        // Optimistic concurrency on PostgreSQL's xmin: a cancel and a review decision racing cannot both win.
        // Every change of state records a history entry and touches updated_at, so the row is always written.
        b.Property<uint>("Version").IsRowVersion();
        // The history is read and written whole with its request: a jsonb array on the row, not a table of its own.
        b.Property(x => x.History).AsJsonb();
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Insured>().WithMany().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Voucher>().WithMany().HasForeignKey(x => x.VoucherId).OnDelete(DeleteBehavior.Restrict);
    }
}

