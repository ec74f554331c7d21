using CnsExchange.Domain.Common;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Vouchers;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

/// <summary>Fee memoirs, their lines, billing files, simulations and contestations (RULES.md §3).</summary>
internal static class BillingTables
{
    public const string Memoirs = "fee_memoirs";
    public const string Lines = "fee_memoir_lines";
    public const string Files = "billing_files";
    public const string Contents = "billing_file_contents";
    public const string Chunks = "billing_file_chunks";
    public const string Simulations = "fee_memoir_simulations";
    public const string Contestations = "line_contestations";

    /// <summary>
    /// Lines CNS pays and holds (<see cref="PaidLines.Line"/>): a paid outcome or an overturned contestation, not released;
    /// the columns of the row named <paramref name="alias"/> (none: unqualified, as the BIL-07/BIL-08 unique indexes take it).
    /// </summary>
    public static string Paid(string? alias = null)
    {
        var c = alias is null ? "" : alias + ".";
        return $"({c}outcome IN ({string.Join(", ", PaidLines.Outcomes.Select(o => $"'{o}'"))}) OR {c}contestation_status = '{ContestationStatus.Overturned}') "
            + $"AND {c}released_at IS NULL";
    }

    /// <summary>
    /// BIL-07: a paid session — not a doctor's fee in a hospital stay, not a travel allowance line (BIL-09) — of which an
    /// insured person has one per provider and day.
    /// </summary>
    public static string PaidSession(string? alias = null)
    {
        var c = alias is null ? "" : alias + ".";
        return $"{Paid(alias)} AND {c}hospital_stay_id IS NULL AND NOT {c}travel_allowance";
    }

    /// <summary>The predicate of the BIL-08 unique index.</summary>
    public static readonly string PaidPredicate = Paid();

    /// <summary>The predicate of the BIL-07 unique index.</summary>
    public static readonly string PaidSessionPredicate = PaidSession();
}

internal sealed class FeeMemoirConfiguration : IEntityTypeConfiguration<FeeMemoir>
{
    public void Configure(EntityTypeBuilder<FeeMemoir> b)
    {
        b.ToTable(BillingTables.Memoirs);
        b.Property(x => x.VoidReason).HasMaxLength(2000);
        // A payment run writes a memoir's status twice (in_payment_run when it takes the lines, paid when it closes): no
        // index names the status (nor has it in a predicate) and half of every page is left free, so that both updates
        // are heap-only (no index entry written; the claim's old versions are pruned when the close reads the page).
        // The earliest due date of the unpaid memoirs (PAY-01, the scheduler) is found from the unsettled lines' index.
        b.HasStorageParameter("fillfactor", 50);
        b.HasKey(x => x.Id);
        b.Property(x => x.Reference).HasMaxLength(40);
        b.Property(x => x.Source).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.SourceJson).HasColumnType("jsonb");
        b.HasIndex(x => new { x.ProviderId, x.Reference }).IsUnique();
        b.HasIndex(x => new { x.ProviderId, x.ReceivedAt, x.Id }).IsDescending(false, true, true);
        b.HasIndex(x => new { x.BillingFileId, x.SourceLine });
        // A recorded hospital stay is paid through one memoir of the hospital (RULES.md §7).
        b.HasIndex(x => x.HospitalStayId).IsUnique().HasFilter("hospital_stay_id IS NOT NULL");
        // LIF-03: a memoir is replaced once.
        b.HasIndex(x => x.ReplacesMemoirId).IsUnique().HasFilter("replaces_memoir_id IS NOT NULL");
        b.HasOne<FeeMemoir>().WithMany().HasForeignKey(x => x.ReplacesMemoirId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<HospitalStay>().WithMany().HasForeignKey(x => x.HospitalStayId).OnDelete(DeleteBehavior.Restrict);
        // The model keeps these two relationships and the sandbox's (order of inserts, SandboxDeletionOrder), but the
        // database has no constraint for them since the migration MemoirReferencesPerStatement: a statement trigger checks
        // and locks each provider, billing file and sandbox once per statement, and triggers keep the restrict, the
        // sandbox's cascade and the fixed ids (LineReferenceTests, the memoir cases).
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<BillingFile>().WithMany().HasForeignKey(x => x.BillingFileId).OnDelete(DeleteBehavior.Restrict);
        // The model keeps this relationship (navigation, order of inserts, SandboxDeletionOrder), but the database has no
        // constraint for it since the migration LineMemoirPerStatement: the lines' statement trigger checks and locks each
        // memoir once per statement, and triggers keep the cascade and the fixed id (see FeeMemoirLineConfiguration).
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(x => x.MemoirId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// References of fee memoir lines kept by triggers instead of foreign keys (migration LineReferencesPerStatement): the
/// parent tables a line names. A sandbox's deletion removes the lines before these tables (SandboxDeletionOrder), as
/// their triggers refuse to delete a row a line still names. The memoir (migration LineMemoirPerStatement) is not listed:
/// it stays a relationship of the model, which orders it.
/// </summary>
internal static class LineReferences
{
    public static readonly IReadOnlyDictionary<string, string[]> ParentsByTable = new Dictionary<string, string[]>
    {
        [BillingTables.Lines] = ["insured", "providers", "vouchers", "voucher_services"],
    };
}

internal sealed class FeeMemoirLineConfiguration : IEntityTypeConfiguration<FeeMemoirLine>
{
    public void Configure(EntityTypeBuilder<FeeMemoirLine> b)
    {
        b.ToTable(BillingTables.Lines);
        // Each line is written once and updated twice, by the payment run that takes it (payment_run_id) and when the run
        // marks it paid (paid amount and date, return file). Half of every page is left free, so both new versions of a
        // line stay on its page and the second update is a heap-only tuple update (no index touched; 1M lines marked in
        // seconds instead of a full rewrite of every index).
        b.HasStorageParameter("fillfactor", 50);
        b.HasKey(x => x.Id);
        b.Property(x => x.VoucherNumber).HasMaxLength(13);
        b.Property(x => x.Matricule).HasMaxLength(13);
        // Voucher acts have at most 10 characters; lines of a hospital stay carry the stay's tariff items (accompanying_bed_day).
        b.Property(x => x.ActCode).HasMaxLength(40);
        b.Property(x => x.CompetentFund).HasMaxLength(10);
        b.Property(x => x.RatePercent).HasPrecision(5, 2);
        b.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.ContestationStatus).HasConversion<string>().HasMaxLength(12);
        b.Property(x => x.Reasons).AsJsonb();
        // Led by the sandbox: a line's memoir is no foreign key of the database (below), and this is the index a sandbox's
        // deletion finds its lines by (all the others are partial).
        b.HasIndex(x => new { x.MemoirId, x.LineNumber }).IsUnique().HasAnnotation(SandboxModel.LedBySandbox, true);
        // BIL-08: a line (voucher, date, act) is paid once; BIL-07: one paid act per insured, provider and date.
        // The database enforces both whatever the concurrency; adjudication turns a conflict into a refusal.
        b.HasIndex(DuplicateLine.Key).IsUnique()
            .HasFilter(BillingTables.PaidPredicate).HasDatabaseName("ux_fee_memoir_lines_paid_voucher_date_act");
        // Hospital care is not a session: a doctor may bill a visit and operations on one day, a stay has several lines.
        b.HasIndex(OneActPerSession.Key).IsUnique()
            .HasFilter(BillingTables.PaidSessionPredicate).HasDatabaseName("ux_fee_memoir_lines_paid_insured_session");
        // Doctors' fees and settlements of a hospital stay (BIL-08 for fees is decided under a lock on the stay).
        b.HasIndex(x => new { x.HospitalStayId, x.ProviderId, x.SessionDate, x.ActCode }).HasFilter("hospital_stay_id IS NOT NULL")
            .HasDatabaseName("ix_fee_memoir_lines_hospital_stay");
        // Payment runs take the lines no run has taken yet (paid or refused: both go into the return file).
        b.HasIndex(x => new { x.ProviderId, x.MemoirId }).HasFilter("payment_run_id IS NULL").HasDatabaseName("ix_fee_memoir_lines_unsettled");
        // A run reads and marks its lines provider by provider, in id order (return files, marking batches).
        b.HasIndex(x => new { x.PaymentRunId, x.ProviderId, x.Id }).HasFilter("payment_run_id IS NOT NULL")
            .HasDatabaseName("ix_fee_memoir_lines_payment_run_provider");
        // No reference of a line is a foreign key of the database's own. A billing file's lines enter this table by the
        // hundred thousand, and PostgreSQL checks a foreign key row by row (one lookup and row lock per line and key: with
        // the voucher, its service, the insured, the provider and the sandbox that was about 60 % of writing a line).
        // Those references are kept by triggers of the migrations LineReferencesPerStatement and LineMemoirPerStatement
        // instead, once per statement over all its lines: its memoir exists, and the line belongs to its memoir's sandbox
        // and provider (the memoir's foreign keys vouch for both); its memoir, voucher, voucher service and insured exist in
        // its sandbox (locked FOR KEY SHARE as a foreign key would); deleting a memoir deletes its lines (the cascade the
        // model declares), none of the others can be deleted while a line names it, and none of these columns changes
        // after the insert.
        // See LineReferences (the names SandboxDeletionOrder needs).
        b.ToTable(t =>
        {
            t.HasCheckConstraint("ck_fee_memoir_lines_amounts", "claimed_amount > 0 AND cns_amount >= 0 AND insured_share >= 0 AND payable_amount >= 0");
            t.HasCheckConstraint("ck_fee_memoir_lines_paid_has_service",
                "outcome = 'Refused' OR ((voucher_service_id IS NOT NULL OR hospital_stay_id IS NOT NULL OR (travel_allowance AND voucher_id IS NOT NULL)) AND insured_id IS NOT NULL)");
            t.HasCheckConstraint("ck_fee_memoir_lines_voucher_or_stay", "voucher_number IS NOT NULL OR hospital_stay_id IS NOT NULL");
            t.HasCheckConstraint("ck_fee_memoir_lines_surcharge", "single_room_surcharge IS NULL OR (single_room_surcharge >= 0 AND single_room_surcharge < claimed_amount)");
        });
    }
}

internal sealed class BillingFileConfiguration : IEntityTypeConfiguration<BillingFile>
{
    public void Configure(EntityTypeBuilder<BillingFile> b)
    {
        b.ToTable(BillingTables.Files);
        b.HasKey(x => x.Id);
        b.Property(x => x.Format).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.FileName).HasMaxLength(200);
        b.Property(x => x.Sha256).HasMaxLength(64);
        b.Property(x => x.Errors).AsJsonb();
        b.HasIndex(x => new { x.ProviderId, x.ReceivedAt, x.Id }).IsDescending(false, true, true);
        b.HasIndex(x => x.Status).HasFilter($"status IN ({string.Join(", ", UnfinishedFiles.Statuses.Select(x => $"'{x}'"))})");
        b.HasIndex(x => x.ContentId).IsUnique();
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<BillingFileContent>().WithMany().HasForeignKey(x => x.ContentId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>Stored content of an uploaded billing file; its bytes are in <see cref="BillingFileChunk"/> rows.</summary>
internal sealed class BillingFileContent
{
    public Guid Id { get; set; }
    public long SizeBytes { get; set; }
    public required string Sha256 { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One chunk (up to 1 MiB) of a billing file's content.</summary>
internal sealed class BillingFileChunk
{
    public Guid ContentId { get; set; }
    public int Seq { get; set; }
    public required byte[] Data { get; set; }
}

internal sealed class BillingFileContentConfiguration : IEntityTypeConfiguration<BillingFileContent>
{
    public void Configure(EntityTypeBuilder<BillingFileContent> b)
    {
        b.ToTable(BillingTables.Contents);
        b.HasKey(x => x.Id);
        b.Property(x => x.Sha256).HasMaxLength(64);
    }
}

internal sealed class BillingFileChunkConfiguration : IEntityTypeConfiguration<BillingFileChunk>
{
    public void Configure(EntityTypeBuilder<BillingFileChunk> b)
    {
        b.ToTable(BillingTables.Chunks);
        b.HasKey(x => new { x.ContentId, x.Seq });
        // lz4 rather than PostgreSQL's default pglz: storing a 1M-line XML file's 184 chunks of 1 MiB took 1.0 s with pglz
        // and 0.2–0.3 s with lz4, on the upload's path; lz4 stores 9.0 MB where pglz stores 7.2 MB, and reads back as fast
        // (bench/results/2026-12-06-p2-chunks-lz4.md).
        b.Property(x => x.Data).UseCompressionMethod("lz4");
        b.HasOne<BillingFileContent>().WithMany().HasForeignKey(x => x.ContentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FeeMemoirSimulationConfiguration : IEntityTypeConfiguration<FeeMemoirSimulation>
{
    public void Configure(EntityTypeBuilder<FeeMemoirSimulation> b)
    {
        b.ToTable(BillingTables.Simulations);
        b.HasKey(x => x.Id);
        b.Property(x => x.MemoirReference).HasMaxLength(40);
        b.Property(x => x.RequestJson).HasColumnType("jsonb");
        b.Property(x => x.ResultJson).HasColumnType("jsonb");
        b.HasIndex(x => new { x.ProviderId, x.CreatedAt });
        b.HasIndex(x => x.ConfirmedMemoirId).IsUnique();
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<FeeMemoir>().WithMany().HasForeignKey(x => x.ConfirmedMemoirId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LineContestationConfiguration : IEntityTypeConfiguration<LineContestation>
{
    public void Configure(EntityTypeBuilder<LineContestation> b)
    {
        b.ToTable(BillingTables.Contestations);
        b.HasKey(x => x.Id);
        b.Property(x => x.Code).HasMaxLength(40);
        b.Property(x => x.Text).HasMaxLength(2000);
        b.Property(x => x.DecisionNote).HasMaxLength(2000);
        b.Property(x => x.DecidedBy).HasMaxLength(100);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(12);
        b.HasIndex(x => x.LineId).IsUnique();
        b.HasIndex(x => new { x.Status, x.SubmittedAt, x.Id });
        b.HasIndex(x => x.MemoirId);
        b.HasOne<FeeMemoirLine>().WithMany().HasForeignKey(x => x.LineId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<FeeMemoir>().WithMany().HasForeignKey(x => x.MemoirId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>LIF-04: reversals and recoveries of paid lines, netted by payment runs (LIF-05).</summary>
internal sealed class ProviderDebtConfiguration : IEntityTypeConfiguration<ProviderDebt>
{
    public void Configure(EntityTypeBuilder<ProviderDebt> b)
    {
        b.ToTable("provider_debts", t => t.HasCheckConstraint("ck_provider_debts_amount", "amount > 0"));
        b.HasKey(x => x.Id);
        b.Property(x => x.MemoirReference).HasMaxLength(40);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Code).HasMaxLength(40);
        b.Property(x => x.Note).HasMaxLength(2000);
        b.Property(x => x.CreatedBy).HasMaxLength(100);
        // A paid line is taken back once.
        b.HasIndex(x => x.LineId).IsUnique();
        // Payment runs take the debts no run has netted yet.
        b.HasIndex(x => new { x.ProviderId, x.CreatedAt }).HasFilter("payment_run_id IS NULL").HasDatabaseName("ix_provider_debts_open");
        // That one holds open debts only: deleting a provider (a sandbox's deletion) looks all of its debts up by the key.
        b.HasIndex(x => x.ProviderId);
        b.HasIndex(x => new { x.PaymentRunId, x.ProviderId }).HasFilter("payment_run_id IS NOT NULL");
        b.HasOne<FeeMemoirLine>().WithMany().HasForeignKey(x => x.LineId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<FeeMemoir>().WithMany().HasForeignKey(x => x.MemoirId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<CnsExchange.Domain.Payments.PaymentRun>().WithMany().HasForeignKey(x => x.OriginalRunId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<CnsExchange.Domain.Payments.PaymentRun>().WithMany().HasForeignKey(x => x.PaymentRunId).OnDelete(DeleteBehavior.Restrict);
    }
}
