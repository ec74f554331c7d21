using CnsExchange.Domain.Reimbursement;

namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>A step of a run: claim_lines, build_orders, write_files, mark_paid; done once it committed.</summary>
public sealed record PaymentRunStepDto(string Step, bool Done, DateTimeOffset? CompletedAt);

public sealed record PaymentRunCountsDto(int Memoirs, int Lines, int PaidLines, int UnpaidLines, int Providers, int Orders, int Files);

/// <summary>A credit transfer of a run, with the account captured when the run built it.</summary>
public sealed record PaymentOrderDto(Guid Id, string ProviderCode, string ProviderName, string Iban, string Bic, decimal Amount, int LineCount, string EndToEndId)
{
    public static PaymentOrderDto From(PaymentRunOrder o) => new(o.Id, o.ProviderCode, o.ProviderName, o.Iban, o.Bic, o.Amount, o.LineCount, o.EndToEndId);
}

/// <summary>A stored file of a run: its SHA-256 (lower-case hex) is the content hash that never changes (PAY-06).</summary>
public sealed record PaymentFileDto(PaymentFileKind Kind, string Format, string? Language, string FileName, string MediaType, long Length, string Sha256, string Href);

/// <summary>
/// A provider's return file in a run (PAY-05): <c>lineCount</c> lines, of which <c>listedLines</c> (reduced or refused at
/// adjudication, or no longer payable in full) are listed one by one and the others summarised; <c>paidLines</c> are paid more than 0 in the run.
/// Download it at <see cref="Href"/> with Accept (application/json, application/xml, text/csv) and Accept-Language (fr, de, en).
/// </summary>
public sealed record ReturnFileDto(
    Guid Id,
    Guid RunId,
    string RunNumber,
    DateOnly ExecutionDate,
    DateTimeOffset CreatedAt,
    string ProviderCode,
    string ProviderName,
    string? PaymentEndToEndId,
    int LineCount,
    int ListedLines,
    int PaidLines,
    decimal ClaimedAmount,
    decimal CnsAmount,
    decimal PaidAmount,
    string Href,
    IReadOnlyList<PaymentFileDto> Files);

/// <summary>
/// The run's lines by route and competent fund (RULES.md §8): <c>third_party</c> lines are memoir lines paid to providers;
/// <c>competentFund</c> is the insured's fund recorded at adjudication (null when unknown or recorded before funds were).
/// </summary>
public sealed record PaymentRunRouteFundDto(PaymentRoute Route, string? CompetentFund, int Lines, int PaidLines, decimal PaidAmount);

/// <summary>
/// A payment run. Staff see the whole run (counts, totals, every order, the pain.001 and every return file with their
/// hashes); a provider sees the run with only its own order and return file.
/// </summary>
public sealed record PaymentRunDto(
    Guid Id,
    string RunNumber,
    PaymentRunTrigger Trigger,
    string? SlotKey,
    DateTimeOffset AsOf,
    DateOnly ExecutionDate,
    PaymentRunStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<PaymentRunStepDto> Steps,
    PaymentRunCountsDto? Counts,
    decimal? TotalAmount,
    int? FailedAttempts,
    string? LastError,
    PaymentFileDto? Pain001,
    IReadOnlyList<PaymentOrderDto> Orders,
    IReadOnlyList<ReturnFileDto> ReturnFiles,
    IReadOnlyList<PaymentRunRouteFundDto>? ByRouteAndFund = null,
    IReadOnlyList<ReimbursementFundDto>? Reimbursements = null);

/// <summary>A file of the insured's route of a run (INS-05): a fund's pain.001 or a claim's statement, with its SHA-256 (PAY-06).</summary>
public sealed record ClaimPaymentFileDto(ClaimPaymentFileKind Kind, string Format, string? Language, string FileName, string MediaType, long Length, string Sha256,
    string Href);

/// <summary>A transfer of a run to an insured person: one per claim, to the account captured by the run, with the claim's statements.</summary>
public sealed record ClaimTransferDto(Guid ClaimId, string CreditorName, string Iban, string Bic, decimal Amount, int LineCount, string EndToEndId,
    IReadOnlyList<ClaimPaymentFileDto> Statements);

/// <summary>
/// INS-05, staff: what a competent fund pays insured persons in the run — its debtor account (funds.json), the number of claims and
/// the sum, its pain.001 (<c>href</c>: GET /payment-runs/{id}/funds/{fund}/sepa) and one transfer per claim with its statement in
/// fr, de and en as JSON and HTML (<c>href</c>: GET /reimbursement-claims/{id}/statement).
/// </summary>
public sealed record ReimbursementFundDto(string Fund, string FundName, string DebtorIban, string DebtorBic, int Claims, decimal Amount, ClaimPaymentFileDto? Pain001,
    IReadOnlyList<ClaimTransferDto> Transfers);

/// <summary>A stored file of the insured's route checked like <see cref="PaymentFileCheckDto"/> (INS-05, PAY-06).</summary>
public sealed record ClaimPaymentFileCheckDto(
    ClaimPaymentFileKind Kind, string Fund, Guid? ClaimId, string Format, string? Language, string StoredSha256, string ContentSha256, string RebuiltSha256,
    bool ContentMatchesStoredHash, bool ContentMatchesRebuild, bool Identical);

/// <summary>
/// A run in a list. Staff: the run's figures (lineCount, orderCount, totalAmount). A provider: its own order
/// (null when nothing was paid to it) and the id of its return file.
/// </summary>
public sealed record PaymentRunSummaryDto(
    Guid Id,
    string RunNumber,
    PaymentRunTrigger Trigger,
    DateTimeOffset AsOf,
    DateOnly ExecutionDate,
    PaymentRunStatus Status,
    DateTimeOffset? ClosedAt,
    int? LineCount,
    int? OrderCount,
    decimal? TotalAmount,
    PaymentOrderDto? Order,
    Guid? ReturnFileId);

/// <summary>
/// A stored file checked three ways: the SHA-256 of its stored bytes against the hash stored with it (the bytes were not
/// changed since) and against the SHA-256 of the file rebuilt from the database (the bytes are what the data gives).
/// </summary>
public sealed record PaymentFileCheckDto(
    PaymentFileKind Kind, string? ProviderCode, string Format, string? Language, string StoredSha256, string ContentSha256, string RebuiltSha256,
    bool ContentMatchesStoredHash, bool ContentMatchesRebuild, bool Identical);

/// <summary>PAY-06: every file of the run hashed as stored and rebuilt from the database; identical when every file's three hashes agree.</summary>
/// <param name="ReimbursementFiles">INS-05: the funds' pain.001 files and the claims' statements, checked the same way.</param>
public sealed record PaymentRunVerificationDto(Guid RunId, string RunNumber, bool Identical, int FilesChecked, IReadOnlyList<PaymentFileCheckDto> Files,
    IReadOnlyList<ClaimPaymentFileCheckDto>? ReimbursementFiles = null);

/// <summary>The bytes of a stored file, to serve as they are.</summary>
public sealed record PaymentFileContent(string FileName, string MediaType, string? Language, byte[] Content, string Sha256);
