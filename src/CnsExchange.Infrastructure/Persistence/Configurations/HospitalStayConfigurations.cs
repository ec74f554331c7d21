using CnsExchange.Domain.Common;
using CnsExchange.Domain.Hospital;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

/// <summary>Reasons kept as jsonb (code, severity, rule, field, detail); texts are rendered on reading, in the caller's language.</summary>
internal static class ReasonListMapping
{
    public static PropertyBuilder<List<Reason>> HasReasonsJson(this PropertyBuilder<List<Reason>> property) =>
        property.HasColumnType("jsonb").HasConversion(
            v => JsonSerializer.Serialize(v, JsonDefaults.Options),
            s => JsonSerializer.Deserialize<List<Reason>>(s, JsonDefaults.Options) ?? new List<Reason>(),
            new ValueComparer<List<Reason>>(
                (a, b) => a!.SequenceEqual(b!),
                v => v.Aggregate(0, (h, r) => HashCode.Combine(h, r.GetHashCode())),
                v => v.ToList()));
}

internal sealed class HospitalStayConfiguration : IEntityTypeConfiguration<HospitalStay>
{
    public void Configure(EntityTypeBuilder<HospitalStay> b)
    {
        b.ToTable("hospital_stays", t =>
        {
            t.HasCheckConstraint("ck_hospital_stays_discharge_after_admission", "discharge_date >= admission_date");
            t.HasCheckConstraint("ck_hospital_stays_amounts", "tariff_amount = cns_amount + insured_participation + not_covered_amount");
            // LIF-02/04: a released stay says when, and by which reversal or recovery (none: its settlement was voided unpaid); a
            // standing or refused one has neither.
            t.HasCheckConstraint("ck_hospital_stays_release",
                "(status = 'Released') = (released_at IS NOT NULL) AND (release_debt_id IS NULL OR status = 'Released')");
        });
        b.HasKey(x => x.Id);
        b.HasIndex(x => new { x.ProviderId, x.CreatedAt });
        b.HasIndex(x => new { x.InsuredId, x.AdmissionDate });
        b.Property(x => x.Matricule).HasMaxLength(13);
        b.Property(x => x.CountryOfCare).HasMaxLength(2);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Room).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.SingleRoomSurcharge).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.DoctorFeeRatePercent).HasPrecision(5, 2);
        b.Property(x => x.SingleRoomSurchargePercent).HasPrecision(5, 2);
        b.Property(x => x.Reasons).HasReasonsJson();
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(x => x.StayId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.ParticipationYears).WithOne().HasForeignKey(x => x.StayId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Operations).WithOne().HasForeignKey(x => x.StayId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Lines).AutoInclude();
        b.Navigation(x => x.ParticipationYears).AutoInclude();
        b.Navigation(x => x.Operations).AutoInclude();
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Insured>().WithMany().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Restrict);
        // release_debt_id names the debt (LIF-04) without a foreign key: provider_debts → fee_memoirs → hospital_stays already
        // points the other way, and a key back would close a cycle the sandbox deletion order (SandboxDeletionOrder) cannot cut.
    }
}

internal sealed class HospitalStayLineConfiguration : IEntityTypeConfiguration<HospitalStayLine>
{
    public void Configure(EntityTypeBuilder<HospitalStayLine> b)
    {
        b.ToTable("hospital_stay_lines");
        b.HasKey(x => x.Id);
        b.HasIndex(x => new { x.StayId, x.LineNumber }).IsUnique();
        b.Property(x => x.Type).HasConversion<string>().HasMaxLength(30);
        b.Property(x => x.Code).HasMaxLength(40);
        b.Property(x => x.Reasons).HasReasonsJson();
    }
}

internal sealed class HospitalStayOperationConfiguration : IEntityTypeConfiguration<HospitalStayOperation>
{
    public void Configure(EntityTypeBuilder<HospitalStayOperation> b)
    {
        b.ToTable("hospital_stay_operations");
        b.HasKey(x => x.Id);
        b.HasIndex(x => new { x.StayId, x.Position }).IsUnique();
        b.Property(x => x.ActCode).HasMaxLength(10);
    }
}

internal sealed class HospitalStayParticipationYearConfiguration : IEntityTypeConfiguration<HospitalStayParticipationYear>
{
    public void Configure(EntityTypeBuilder<HospitalStayParticipationYear> b)
    {
        b.ToTable("hospital_stay_participation_years");
        b.HasKey(x => new { x.StayId, x.Year });
    }
}

internal sealed class HospitalParticipationCounterConfiguration : IEntityTypeConfiguration<HospitalParticipationCounter>
{
    public void Configure(EntityTypeBuilder<HospitalParticipationCounter> b)
    {
        b.ToTable("hospital_participation_counters", t => t.HasCheckConstraint("ck_hospital_participation_counters_days", "days_charged >= 0"));
        b.HasKey(x => new { x.InsuredId, x.Year });
        b.HasOne<Insured>().WithMany().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Cascade);
    }
}
