using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Reimbursement;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Vouchers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

public static class ReimbursementTables
{
    public const string Claims = "reimbursement_claims";
    public const string Lines = "reimbursement_claim_lines";

    /// <summary>A claim line the fund pays (INS-04 holds its session): the predicate of its unique index and of the cross-route triggers.</summary>
    public const string PaidPredicate = "outcome IN ('Accepted', 'Reduced')";

    /// <summary>INS-06/07: a night line that holds its night (paid, or waiting for a reviewer), from the Domain's definition.</summary>
    public static readonly string NightHeldPredicate =
        $"night_holder IS NOT NULL AND outcome IN ({string.Join(", ", ReimbursementClaimLine.NightHoldingOutcomes.Select(o => $"'{o}'"))})";

    /// <summary>INS-08: a doctor's fee the fund reimburses (the key shared with doctors' memoir lines).</summary>
    public const string PaidFeePredicate = "hospital_stay_id IS NOT NULL AND " + PaidPredicate;
}

/// <summary>Reimbursement claims of the insured's route (RULES.md §8); part of a payment run once paid (INS-05).</summary>
internal sealed class ReimbursementClaimConfiguration : IEntityTypeConfiguration<ReimbursementClaim>
{
    public void Configure(EntityTypeBuilder<ReimbursementClaim> b)
    {
        b.ToTable(ReimbursementTables.Claims);
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Matricule).HasMaxLength(13);
        b.Property(x => x.CompetentFund).HasMaxLength(10);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(24);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.VoucherNumber).HasMaxLength(13);
        b.Property(x => x.ProviderCode).HasMaxLength(20);
        b.Property(x => x.InvoiceNumber).HasMaxLength(40);
        b.Property(x => x.InvoiceIssuer).HasMaxLength(200);
        b.Property(x => x.InvoiceIssuedTo).HasMaxLength(200);
        b.Property(x => x.InvoiceSha256).HasMaxLength(64);
        b.Property(x => x.StatementLanguage).HasMaxLength(2);
        b.Property(x => x.Reasons).AsJsonb();
        b.Property(x => x.SourceJson).HasColumnType("jsonb");
        // The channel's list, newest first.
        b.HasIndex(x => new { x.SubmittedByKeyId, x.SubmittedAt, x.Id }).IsDescending(false, true, true);
        // DUPLICATE_CLAIM: an invoice (issuer + number, or the same file) is claimed once; a claim refused for its missing invoice claims nothing.
        b.HasIndex(x => new { x.InvoiceIssuer, x.InvoiceNumber }).IsUnique().HasFilter("status <> 'Refused'").HasDatabaseName("ux_reimbursement_claims_invoice");
        b.HasIndex(x => new { x.Matricule, x.InvoiceSha256 }).IsUnique().HasFilter("invoice_sha256 IS NOT NULL AND status <> 'Refused'")
            .HasDatabaseName("ux_reimbursement_claims_invoice_file");
        // INS-05: claims a payment run has not taken yet, by fund.
        b.HasIndex(x => new { x.CompetentFund, x.SubmittedOn }).HasFilter("payment_run_id IS NULL").HasDatabaseName("ix_reimbursement_claims_unpaid");
        b.HasOne<Insured>().WithMany().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Voucher>().WithMany().HasForeignKey(x => x.VoucherId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<HospitalStay>().WithMany().HasForeignKey(x => x.HospitalStayId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(x => x.ClaimId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReimbursementClaimLineConfiguration : IEntityTypeConfiguration<ReimbursementClaimLine>
{
    public void Configure(EntityTypeBuilder<ReimbursementClaimLine> b)
    {
        b.ToTable(ReimbursementTables.Lines);
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.ActCode).HasMaxLength(40);
        b.Property(x => x.RatePercent).HasPrecision(5, 2);
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Reasons).AsJsonb();
        b.Property(x => x.NightHolder).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.DecidedBy).HasMaxLength(200);
        b.HasIndex(x => new { x.ClaimId, x.LineNumber }).IsUnique();
        // INS-06/07: a person's night is paid once (or held by one line a reviewer has to decide), whatever the concurrency.
        b.HasIndex(x => new { x.InsuredId, x.NightHolder, x.ServiceDate }).IsUnique()
            .HasFilter(ReimbursementTables.NightHeldPredicate).HasDatabaseName("ux_reimbursement_claim_lines_night");
        // INS-08 within the route, like BIL-08 for doctors' memoirs: a fee (stay, doctor, date, act) is reimbursed once. Across
        // routes, the triggers of INS-04 refuse a fee the other route holds (see the migration).
        b.HasIndex(x => new { x.HospitalStayId, x.ProviderId, x.ServiceDate, x.ActCode }).IsUnique()
            .HasFilter(ReimbursementTables.PaidFeePredicate).HasDatabaseName("ux_reimbursement_claim_lines_paid_fee");
        // INS-04 within the route, like BIL-08: a session (voucher, date) is reimbursed once. Across routes, triggers on
        // both line tables refuse a session the other route holds (see the migration).
        b.HasIndex(x => new { x.VoucherId, x.ServiceDate }).IsUnique()
            .HasFilter("voucher_id IS NOT NULL AND " + ReimbursementTables.PaidPredicate).HasDatabaseName("ux_reimbursement_claim_lines_paid_session");
        b.HasOne<Voucher>().WithMany().HasForeignKey(x => x.VoucherId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<VoucherService>().WithMany().HasForeignKey(x => x.VoucherServiceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Insured>().WithMany().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<HospitalStay>().WithMany().HasForeignKey(x => x.HospitalStayId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
    }
}
