using CnsExchange.Domain.Payments;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Reimbursement;
using CnsExchange.Domain.Vouchers;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

public static class ReimbursementTables
{
    public const string Claims = "reimbursement_claims";
    public const string Lines = "reimbursement_claim_lines";
    public const string PaymentOrders = "claim_payment_orders";
    public const string PaymentFiles = "claim_payment_files";

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
        b.HasOne<PaymentRun>().WithMany().HasForeignKey(x => x.PaymentRunId).OnDelete(DeleteBehavior.Restrict);
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
        // The three indexes above hold only some outcomes: deleting a voucher, stay or insured (a sandbox's deletion) looks
        // every line of it up by the key alone (SandboxModel.LeadsWithReference).
        b.HasIndex(x => x.VoucherId).HasFilter("voucher_id IS NOT NULL");
        b.HasIndex(x => x.HospitalStayId).HasFilter("hospital_stay_id IS NOT NULL");
        b.HasIndex(x => x.InsuredId);
        b.HasOne<Voucher>().WithMany().HasForeignKey(x => x.VoucherId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<VoucherService>().WithMany().HasForeignKey(x => x.VoucherServiceId).OnDelete(DeleteBehavior.Restrict);
        // INS-05: the lines a run took (a run reads and marks its own).
        b.HasIndex(x => new { x.PaymentRunId, x.ClaimId }).HasFilter("payment_run_id IS NOT NULL");
        b.HasOne<PaymentRun>().WithMany().HasForeignKey(x => x.PaymentRunId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Insured>().WithMany().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<HospitalStay>().WithMany().HasForeignKey(x => x.HospitalStayId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>INS-05: one transfer per claim, ever (unique claim id), in the run that paid it.</summary>
internal sealed class ClaimPaymentOrderConfiguration : IEntityTypeConfiguration<ClaimPaymentOrder>
{
    public void Configure(EntityTypeBuilder<ClaimPaymentOrder> b)
    {
        b.ToTable(ReimbursementTables.PaymentOrders, t => t.HasCheckConstraint("ck_claim_payment_orders_amount", "amount > 0"));
        b.HasKey(x => x.Id);
        b.Property(x => x.Fund).HasMaxLength(10);
        b.Property(x => x.CreditorName).HasMaxLength(250);
        b.Property(x => x.Iban).HasMaxLength(34);
        b.Property(x => x.Bic).HasMaxLength(11);
        b.Property(x => x.EndToEndId).HasMaxLength(35);
        b.Property(x => x.RemittanceText).HasMaxLength(140);
        b.HasIndex(x => x.ClaimId).IsUnique();
        b.HasIndex(x => x.EndToEndId).IsUnique();
        b.HasIndex(x => new { x.RunId, x.Fund });
        b.HasIndex(x => x.InsuredId);
        b.HasOne<PaymentRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ReimbursementClaim>().WithMany().HasForeignKey(x => x.ClaimId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Insured>().WithMany().HasForeignKey(x => x.InsuredId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>INS-05: a fund's pain.001 and each claim's statements, per run, written once.</summary>
internal sealed class ClaimPaymentFileConfiguration : IEntityTypeConfiguration<ClaimPaymentFile>
{
    public void Configure(EntityTypeBuilder<ClaimPaymentFile> b)
    {
        b.ToTable(ReimbursementTables.PaymentFiles, t =>
        {
            t.HasCheckConstraint("ck_claim_payment_files_length", "length = octet_length(content)");
            t.HasCheckConstraint("ck_claim_payment_files_kind",
                "(kind = 'Pain001' AND claim_id IS NULL AND language IS NULL AND format = 'xml') OR (kind = 'Statement' AND claim_id IS NOT NULL AND language IN ('fr', 'de', 'en') AND format IN ('json', 'html'))");
        });
        b.HasKey(x => x.Id);
        b.Property(x => x.Fund).HasMaxLength(10);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(12);
        b.Property(x => x.Format).HasMaxLength(4);
        b.Property(x => x.Language).HasMaxLength(2);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.Property(x => x.MediaType).HasMaxLength(40);
        b.Property(x => x.Sha256).HasMaxLength(64).IsFixedLength();
        // One file per run, fund, claim, kind, format and language (NULLs equal: a fund's one pain.001).
        b.HasIndex(x => new { x.RunId, x.Fund, x.ClaimId, x.Kind, x.Format, x.Language }).IsUnique().AreNullsDistinct(false);
        b.HasIndex(x => new { x.ClaimId, x.Kind, x.Format, x.Language });
        b.HasOne<PaymentRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ReimbursementClaim>().WithMany().HasForeignKey(x => x.ClaimId).OnDelete(DeleteBehavior.Restrict);
    }
}
