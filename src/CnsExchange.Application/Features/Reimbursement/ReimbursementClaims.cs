using CnsExchange.Application.Features.Events;
using CnsExchange.Application.Features.Attachments;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Lifecycle;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Reimbursement;

namespace CnsExchange.Application.Features.Reimbursement;

public sealed record ClaimInvoiceDto(string? Number, DateOnly? Date, string? Issuer, Guid? AttachmentId, string? Sha256, string? IssuedTo);

/// <summary>
/// A line of a claim: what was paid, the tariff (or flat rate) and rate, what the fund reimburses, and why (in the caller's
/// language). A night line (INS-06/07) names whose night it is; a pending line says what it pays once a reviewer agrees.
/// </summary>
public sealed record ClaimLineDto(int LineNumber, DateOnly Date, DateOnly? DateTo, string? ActCode, int Quantity, decimal AmountPaid, decimal? TariffAmount,
    decimal? RatePercent, decimal ReimbursedAmount, ClaimLineOutcome Outcome, IReadOnlyList<ReasonDto> Reasons, NightHolder? Night = null,
    decimal? AmountIfAgreed = null, string? DecidedBy = null, DateTimeOffset? DecidedAt = null);

/// <summary>Payment of the claim to the insured by the competent fund (INS-05), once a payment run took it.</summary>
public sealed record ClaimPaymentDto(Guid PaymentRunId, DateOnly? PaidOn);

/// <summary>
/// A reimbursement claim and its statement: each line accepted, reduced, refused or pending with its reasons, the totals
/// paid and reimbursed, and the competent fund that pays (CNS, CMFEP, CMFEC, EMCFL).
/// </summary>
public sealed record ReimbursementClaimDto(Guid Id, ClaimKind Kind, ClaimStatus Status, string Matricule, string? CompetentFund, DateOnly SubmittedOn,
    DateTimeOffset SubmittedAt, string? VoucherNumber, string? ProviderCode, ClaimInvoiceDto Invoice, string StatementLanguage, decimal PaidTotal,
    decimal ReimbursedTotal, IReadOnlyList<ReasonDto> Reasons, IReadOnlyList<ClaimLineDto> Lines, ClaimPaymentDto? Payment, Guid? HospitalStayId = null);

public sealed record ReimbursementClaimSummaryDto(Guid Id, ClaimKind Kind, ClaimStatus Status, string Matricule, string? CompetentFund, DateOnly SubmittedOn,
    DateTimeOffset SubmittedAt, string? InvoiceNumber, decimal PaidTotal, decimal ReimbursedTotal);

public static class ReimbursementClaimViews
{
    public const string Route = "/api/v1/reimbursement-claims";

    public static ReimbursementClaimDto ToDto(this ReimbursementClaim c, IReferenceData reference, string language) => new(
        c.Id, c.Kind, c.Status, c.Matricule, c.CompetentFund, c.SubmittedOn, c.SubmittedAt, c.VoucherNumber, c.ProviderCode,
        new ClaimInvoiceDto(c.InvoiceNumber, c.InvoiceDate, c.InvoiceIssuer, c.InvoiceAttachmentId, c.InvoiceSha256, c.InvoiceIssuedTo), c.StatementLanguage,
        c.PaidTotal, c.ReimbursedTotal, reference.Render(c.Reasons, language),
        c.Lines.OrderBy(l => l.LineNumber).Select(l => new ClaimLineDto(l.LineNumber, l.ServiceDate, l.ServiceDateTo, l.ActCode, l.Quantity, l.AmountPaid,
            l.TariffAmount, l.RatePercent, l.ReimbursedAmount, l.Outcome, reference.Render(l.Reasons, language), l.NightHolder, l.AmountIfAgreed, l.DecidedBy,
            l.DecidedAt)).ToList(),
        c.PaymentRunId is { } run ? new ClaimPaymentDto(run, c.PaidOn) : null, c.HospitalStayId);

    /// <summary>The claim as its caller may see it: the insured-channel key that submitted it, or CNS staff; anyone else: not found.</summary>
    public static IQueryable<ReimbursementClaim> Visible(this IQueryable<ReimbursementClaim> claims, ICurrentCaller caller) =>
        caller.IsStaff() ? claims : claims.Where(c => c.SubmittedByKeyId == caller.KeyId);
}

public sealed partial class SubmitReimbursementClaimHandler(IAppDbContext db, IBillingLedger ledger, IAttachmentStore attachments, IReferenceData reference,
    TimeProvider clock, ICurrentCaller caller, IEvents events) : ICommandHandler<SubmitReimbursementClaim, ReimbursementClaimDto>
{
    private const string InvoiceField = "invoice";

    public async ValueTask<ReimbursementClaimDto> Handle(SubmitReimbursementClaim command, CancellationToken ct)
    {
        var input = command.Request!;
        var matricule = input.Matricule!;
        var providerCode = input.ProviderCode?.Trim().ToUpperInvariant();
        var provider = providerCode is null ? null
            : await db.Providers.AsNoTracking().Where(p => p.Code == providerCode).Select(p => new { p.Id, p.Kind }).SingleOrDefaultAsync(ct);
        if (providerCode is not null && provider is null)
            throw new BadInputException("request.providerCode", $"request.providerCode '{input.ProviderCode}' is no provider of the registry.");
        if (input.Kind == ClaimKind.DoctorFees && provider!.Kind != ProviderKind.Doctor)
            throw new BadInputException("request.providerCode", $"request.providerCode '{input.ProviderCode}' is no doctor: doctor_fees are a doctor's fees (INS-08).");

        try
        {
            return await db.InTransactionAsync(async () =>
            {
                var now = clock.GetUtcNow();
                var today = LuxembourgCalendar.LocalDate(now);
                var insured = await db.Insured.AsNoTracking().IgnoreAutoIncludes().Where(i => i.Matricule == matricule)
                    .Select(i => new { i.Id, i.CompetentFund }).SingleOrDefaultAsync(ct);
                var claim = new ReimbursementClaim
                {
                    Id = Guid.CreateVersion7(),
                    SubmittedByKeyId = command.ChannelKeyId,
                    Matricule = matricule,
                    InsuredId = insured?.Id,
                    CompetentFund = insured?.CompetentFund,
                    Kind = input.Kind!.Value,
                    SubmittedAt = now,
                    SubmittedOn = today,
                    VoucherNumber = input.VoucherNumber?.Trim(),
                    ProviderCode = providerCode,
                    ProviderId = provider?.Id,
                    InvoiceNumber = input.Invoice!.Number!.Trim(),
                    InvoiceDate = input.Invoice.Date,
                    InvoiceIssuer = input.Issuer,
                    InvoiceIssuedTo = string.IsNullOrWhiteSpace(input.Invoice.IssuedTo) ? null : input.Invoice.IssuedTo.Trim(),
                    StatementLanguage = input.Language,
                    SourceJson = command.RequestJson.Length > 0 ? System.Text.Json.JsonSerializer.Serialize(input, JsonDefaults.Options) : null,
                };
                if (PhysioClaimAdjudication.InvoiceCheck(command.Invoice is { Length: > 0 }) is { } missing)
                    claim.Reasons.Add(missing); // INS-03: refused as a whole, nothing adjudicated, nothing consumed
                else if (insured is null)
                    claim.Reasons.Add(Reason.Refusal(CommonReasonCodes.InsuredUnknown, PhysioClaimAdjudication.Rule, "matricule"));
                else
                {
                    var stored = await attachments.AddAsync(new NewAttachment(AttachmentOwnerKind.ReimbursementClaim, claim.Id, null, DocumentPurpose.ReceiptedInvoice,
                        command.Invoice, command.InvoiceFileName, InvoiceField), caller.Actor, ct);
                    claim.InvoiceAttachmentId = stored.Id;
                    claim.InvoiceSha256 = stored.Sha256;
                    await ThrowIfDuplicateAsync(claim, ct);
                    switch (claim.Kind)
                    {
                        case ClaimKind.Physiotherapy:
                            await AdjudicatePhysiotherapyAsync(claim, input, provider!.Id, insured.Id, today, ct);
                            break;
                        case ClaimKind.DoctorFees:
                            await AdjudicateDoctorFeesAsync(claim, input, provider!.Id, insured.Id, today, ct);
                            break;
                        default:
                            await AdjudicateStayAsync(claim, input, insured.Id, today, ct);
                            break;
                    }
                }
                claim.Complete();
                db.Set<ReimbursementClaim>().Add(claim);
                ClaimEvents.RecordDecided(events, claim);
                await db.SaveChangesAsync(ct);
                return claim.ToDto(reference, caller.Language);
            }, ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation("ux_reimbursement_claims_invoice") || e.IsUniqueViolation("ux_reimbursement_claims_invoice_file"))
        {
            // Another claim for the same invoice committed between the check and the save.
            db.ClearChangeTracker();
            var issuer = input.Issuer;
            var number = input.Invoice!.Number!.Trim();
            var first = await db.Set<ReimbursementClaim>().AsNoTracking().Where(c => c.Status != ClaimStatus.Refused && c.InvoiceIssuer == issuer && c.InvoiceNumber == number)
                .Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
            throw Duplicate(first ?? Guid.Empty);
        }
    }

    /// <summary>DUPLICATE_CLAIM: the invoice (issuer and number, or the same file for this insured) is already claimed; the answer names the first claim.</summary>
    private async Task ThrowIfDuplicateAsync(ReimbursementClaim claim, CancellationToken ct)
    {
        var first = await db.Set<ReimbursementClaim>().AsNoTracking()
            .Where(c => c.Status != ClaimStatus.Refused
                        && ((c.InvoiceIssuer == claim.InvoiceIssuer && c.InvoiceNumber == claim.InvoiceNumber)
                            || (c.Matricule == claim.Matricule && c.InvoiceSha256 == claim.InvoiceSha256)))
            .OrderBy(c => c.SubmittedAt).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
        if (first is { } id) throw Duplicate(id);
    }

    private static ConflictException Duplicate(Guid firstClaimId) =>
        new(ReimbursementReasonCodes.DuplicateClaim, $"This invoice was already claimed by reimbursement claim {firstClaimId}.")
        {
            Extensions = new Dictionary<string, object?> { ["claimId"] = firstClaimId, ["claim"] = $"{ReimbursementClaimViews.Route}/{firstClaimId}" },
        };

    /// <summary>
    /// INS-03/04: each session decided by the memoir line rules on the insured's route, against the facts the memoir route
    /// reads (the voucher's services locked first, then the sessions paid on either route), in the order sent; a paid
    /// session consumes a session of the voucher (BIL-06).
    /// </summary>
    private async Task AdjudicatePhysiotherapyAsync(ReimbursementClaim claim, ReimbursementClaimInput input, Guid providerId, Guid insuredId, DateOnly today,
        CancellationToken ct)
    {
        var lines = input.Sessions!.Select(s => new FeeMemoirLineInput(claim.VoucherNumber, claim.Matricule, s.Date!.Value, s.ActCode!.Trim().ToUpperInvariant(),
            false, s.AmountPaid!.Value)).ToList();
        var remaining = new Dictionary<Guid, int>();
        var facts = await BillingFactsLoader.LoadAsync(db, ledger, providerId, lines, async ids =>
        {
            foreach (var (id, counter) in await ledger.LockServicesAsync(ids, ct)) remaining[id] = counter.Remaining;
        }, ct);
        var consumed = DecideAsMemoirLines(claim, lines, facts, today, remaining, PhysioClaimAdjudication.Adjudicate, PhysioClaimAdjudication.Statement,
            (line, decision, voucher, claimReference) => decision.Service is null ? null
                : new PaidLine(voucher!.Id, insuredId, line.SessionDate, line.ActCode, claimReference) { Reimbursed = true },
            (claimLine, decision, voucher) =>
            {
                claim.VoucherId ??= voucher?.Id;
                claimLine.VoucherId = voucher?.Id;
                claimLine.VoucherServiceId = decision.Paid ? decision.Service?.Id : null;
            });
        await ledger.ConsumeSessionsAsync(consumed, ct);
    }

    /// <summary>
    /// INS-03/04/08: the claim's lines decided in the order sent by a memoir line rule on the insured's route, against the
    /// facts the memoir route reads. A paid line is recorded in the facts under its key (so a second act that day sees it)
    /// and consumes a session of the voucher where it has one (BIL-06): the sessions consumed, by voucher service, come back.
    /// </summary>
    /// <param name="remaining">The sessions left on each locked voucher service; empty where the lines have no sessions (fees).</param>
    /// <param name="paidLine">The paid line's key for the facts (null: nothing to record).</param>
    /// <param name="complete">What the kind adds to a claim line (its voucher, its stay).</param>
    private Dictionary<Guid, int> DecideAsMemoirLines(ReimbursementClaim claim, List<FeeMemoirLineInput> lines, BillingFacts facts, DateOnly today,
        Dictionary<Guid, int> remaining, Func<LineFacts, ReferenceCatalog, LineDecision> adjudicate, Func<decimal, Reason> statement,
        Func<FeeMemoirLineInput, LineDecision, Voucher?, string, PaidLine?> paidLine, Action<ReimbursementClaimLine, LineDecision, Voucher?> complete)
    {
        var claimReference = claim.Id.ToString();
        var memoir = facts.ForMemoir(lines, today, claimReference);
        var consumed = new Dictionary<Guid, int>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var decision = adjudicate(facts.For(line, today, memoir, remaining, insuredRoute: true), reference.Catalog);
            var voucher = facts.Owned(line);
            if (decision.Paid && paidLine(line, decision, voucher, claimReference) is { } paid)
            {
                if (decision.Service is { } service)
                {
                    remaining[service.Id] = remaining.GetValueOrDefault(service.Id) - 1;
                    consumed[service.Id] = consumed.GetValueOrDefault(service.Id) + 1;
                }
                facts.Record(paid);
            }
            var claimLine = new ReimbursementClaimLine
            {
                Id = Guid.CreateVersion7(),
                ClaimId = claim.Id,
                LineNumber = i + 1,
                ServiceDate = line.SessionDate,
                ActCode = line.ActCode,
                AmountPaid = line.ClaimedAmount,
                TariffAmount = decision.TariffAmount,
                RatePercent = decision.RatePercent,
                ReimbursedAmount = decision.Paid ? decision.CnsAmount : 0m,
                Outcome = ReimbursementClaimLine.OutcomeOf(decision.Outcome),
                Reasons = [.. decision.Reasons, .. decision.Paid ? [statement(decision.CnsAmount)] : Array.Empty<Reason>()],
            };
            complete(claimLine, decision, voucher);
            claim.Lines.Add(claimLine);
        }
        return consumed;
    }
}

public sealed record GetReimbursementClaim(Guid Id) : IQuery<ReimbursementClaimDto>;

public sealed record ListReimbursementClaims(string? Cursor, int? Limit, ClaimStatus? Status, string? Matricule, DateOnly? From = null, DateOnly? To = null)
    : IQuery<Page<ReimbursementClaimSummaryDto>>;

public sealed class ReimbursementClaimQueries(IAppDbContext db, IReferenceData reference, ICurrentCaller caller)
    : IQueryHandler<GetReimbursementClaim, ReimbursementClaimDto>, IQueryHandler<ListReimbursementClaims, Page<ReimbursementClaimSummaryDto>>
{
    public async ValueTask<ReimbursementClaimDto> Handle(GetReimbursementClaim query, CancellationToken ct)
    {
        var claim = await db.Set<ReimbursementClaim>().AsNoTracking().Include(c => c.Lines).Visible(caller).SingleOrDefaultAsync(c => c.Id == query.Id, ct)
                    ?? throw new NotFoundException("Reimbursement claim");
        return claim.ToDto(reference, caller.Language);
    }

    public async ValueTask<Page<ReimbursementClaimSummaryDto>> Handle(ListReimbursementClaims query, CancellationToken ct)
    {
        var page = PageRequest.Of(query.Cursor, query.Limit);
        var q = db.Set<ReimbursementClaim>().AsNoTracking().Visible(caller);
        if (query.Status is { } status) q = q.Where(c => c.Status == status);
        q = q.Within(DateWindow.Of(query.From, query.To), c => c.SubmittedOn);
        if (!string.IsNullOrWhiteSpace(query.Matricule)) q = q.Where(c => c.Matricule == query.Matricule.Trim());
        var (rows, next) = await q.NewestFirstAsync(page, c => c.SubmittedAt, c => c.Id,
            c => new ReimbursementClaimSummaryDto(c.Id, c.Kind, c.Status, c.Matricule, c.CompetentFund, c.SubmittedOn, c.SubmittedAt, c.InvoiceNumber,
                c.PaidTotal, c.ReimbursedTotal),
            d => new Cursor(d.SubmittedAt, d.Id), ct);
        return new Page<ReimbursementClaimSummaryDto>(rows, next);
    }
}
