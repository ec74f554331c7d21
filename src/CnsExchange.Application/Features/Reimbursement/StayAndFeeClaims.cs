using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Reimbursement;

namespace CnsExchange.Application.Features.Reimbursement;

/// <summary>The cure behind a stay claim: the agreed authorisation of a cure voucher of the insured, and its sessions paid so far.</summary>
internal sealed record ClaimedCure(Guid VoucherId, Guid AuthorisationId, CureAuthorisationTerms Terms, DateOnly? FirstDay, DateOnly? LastDay, bool Over);

public sealed partial class SubmitReimbursementClaimHandler
{
    /// <summary>
    /// INS-06/07: the nights of a lodging invoice, decided with the cure of the claim's voucher. The insured is locked first,
    /// so that the nights held by other claims are read after any claim for the same person committed (the unique index
    /// on paid nights stays the final guard).
    /// </summary>
    private async Task AdjudicateStayAsync(ReimbursementClaim claim, ReimbursementClaimInput input, Guid insuredId, DateOnly today, CancellationToken ct)
    {
        var insured = await db.LockForUpdateAsync<Insured>(insuredId, ct) ?? throw new InvalidOperationException("The insured of the claim vanished.");
        var cure = await CureOfVoucherAsync(claim.VoucherNumber!, insuredId, today, ct);
        claim.VoucherId = cure?.VoucherId;
        claim.CureAuthorisationId = cure?.AuthorisationId;

        var stay = input.Stay!;
        var invoice = new StayInvoice(input.Invoice!.Date, claim.InvoiceIssuedTo, stay.Nights, stay.FirstNight, stay.LastNight, stay.AmountPaid!.Value);
        var holder = claim.Kind == ClaimKind.AccompanyingPerson ? NightHolder.AccompanyingPerson : NightHolder.Curist;
        var held = stay is { FirstNight: { } first, LastNight: { } last } ? await NightsHeldAsync(insuredId, holder, first, last, ct) : new HashSet<DateOnly>();
        var decision = claim.Kind switch
        {
            ClaimKind.CureStay => CureStayAllowanceClaim.Decide(invoice, new LodgingFacts(input.Lodging!.Kind!.Value, input.Lodging.EstablishmentCode?.Trim()),
                new CureStayFacts(cure?.Terms, cure?.FirstDay, cure?.LastDay, cure?.Over ?? false, held), insured, claim.VoucherNumber, reference.Catalog),
            _ => CureAbroadStayClaim.Decide(invoice, input.TravelCosts,
                claim.Kind == ClaimKind.AccompanyingPerson ? new AccompanyingFacts(input.AccompanyingPerson!.Name!.Trim(), input.AccompanyingPerson.ExpressRequest ?? false) : null,
                new S2StayFacts(cure?.Terms, held), insured, claim.VoucherNumber, reference.Catalog),
        };
        claim.Reasons.AddRange(decision.ClaimReasons);
        foreach (var line in decision.Lines)
            claim.Lines.Add(new ReimbursementClaimLine
            {
                Id = Guid.CreateVersion7(),
                ClaimId = claim.Id,
                LineNumber = claim.Lines.Count + 1,
                ServiceDate = line.Date,
                ActCode = line.Code,
                AmountPaid = line.AmountPaid,
                TariffAmount = line.FlatRate,
                ReimbursedAmount = line.Reimbursed,
                AmountIfAgreed = line.IfAgreed,
                Outcome = line.Outcome,
                Reasons = [.. line.Reasons],
                InsuredId = line.Holder is null ? null : insuredId,
                NightHolder = line.Holder,
            });
    }

    /// <summary>The agreed cure authorisation behind a cure voucher of this insured (not cancelled), with the sessions paid on it.</summary>
    private async Task<ClaimedCure?> CureOfVoucherAsync(string number, Guid insuredId, DateOnly today, CancellationToken ct)
    {
        var voucher = await db.Vouchers.AsNoTracking()
            .SingleOrDefaultAsync(v => v.Number == number && v.Kind == VoucherKind.Cure && v.InsuredId == insuredId && v.CancelledAt == null, ct);
        if (voucher?.SourceRequestId is not { } requestId) return null;
        var authorisation = await db.Set<CureAuthorisation>().AsNoTracking()
            .Where(c => c.Id == requestId && c.Status == RequestStatus.Agreed && c.Terms != null).Select(c => new { c.Id, c.Terms }).SingleOrDefaultAsync(ct);
        if (authorisation?.Terms is not { } terms) return null;
        var sessions = await db.Set<FeeMemoirLine>().AsNoTracking().Where(l => l.VoucherId == voucher.Id).Where(PaidLines.Line)
            .GroupBy(l => l.VoucherId).Select(g => new { Count = g.Count(), First = g.Min(l => l.SessionDate), Last = g.Max(l => l.SessionDate) })
            .SingleOrDefaultAsync(ct);
        var granted = voucher.Services.Sum(s => s.SessionsGranted);
        var course = new CureCourse(terms.KindCode, voucher.IssuedOn, voucher.ValidUntil, granted, sessions?.Count ?? 0, sessions?.First, sessions?.Last,
            terms.AffectedSide, terms.SessionWindowMonths, terms.LastSessionBy, terms.InterruptionDays).ToHistoryEntry(today);
        return new ClaimedCure(voucher.Id, authorisation.Id, terms, sessions?.First, sessions?.Last, course.End is not null);
    }

    /// <summary>INS-06/07: the nights of this person (curist or accompanying person) another claim line pays or holds for a reviewer.</summary>
    private async Task<HashSet<DateOnly>> NightsHeldAsync(Guid insuredId, NightHolder holder, DateOnly first, DateOnly last, CancellationToken ct) =>
        (await db.Set<ReimbursementClaimLine>().AsNoTracking()
            .Where(l => l.InsuredId == insuredId && l.NightHolder == holder && l.ServiceDate >= first && l.ServiceDate <= last
                        && (l.Outcome == ClaimLineOutcome.Accepted || l.Outcome == ClaimLineOutcome.Reduced || l.Outcome == ClaimLineOutcome.Pending))
            .Select(l => l.ServiceDate).ToListAsync(ct)).ToHashSet();

    /// <summary>
    /// INS-08: each fee decided by the rules of a doctor's memoir line for the stay, on the insured's route. The stay is
    /// locked (as the memoir route locks it) before the fees paid on either route are read, so one of two concurrent
    /// payments of a fee sees the other; the triggers on both line tables stay the final guard.
    /// </summary>
    private async Task AdjudicateDoctorFeesAsync(ReimbursementClaim claim, ReimbursementClaimInput input, Guid doctorId, Guid insuredId, DateOnly today,
        CancellationToken ct)
    {
        var stayId = input.HospitalStayId!.Value;
        var lines = input.Fees!.Select(f => new FeeMemoirLineInput(null, claim.Matricule, f.Date!.Value, f.ActCode!.Trim().ToUpperInvariant(), false, f.AmountPaid!.Value)
        {
            HospitalStayId = stayId,
            SingleRoomSurcharge = f.SingleRoomSurcharge ?? 0m,
        }).ToList();
        var facts = await BillingFactsLoader.LoadAsync(db, ledger, doctorId, lines, _ => Task.CompletedTask, ct);
        var known = await db.Set<HospitalStay>().AsNoTracking().AnyAsync(s => s.Id == stayId, ct);
        claim.HospitalStayId = known ? stayId : null;
        DecideAsMemoirLines(claim, lines, facts, today, new Dictionary<Guid, int>(), DoctorFeeClaim.Adjudicate, DoctorFeeClaim.Statement,
            (line, _, _, claimReference) => new PaidLine(null, insuredId, line.SessionDate, line.ActCode, claimReference) { HospitalStayId = stayId, Reimbursed = true },
            (claimLine, _, _) =>
            {
                claimLine.HospitalStayId = claim.HospitalStayId;
                claimLine.ProviderId = doctorId;
            });
    }
}
