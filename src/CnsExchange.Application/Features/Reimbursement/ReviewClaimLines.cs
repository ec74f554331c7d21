using CnsExchange.Application.Features.Events;
using CnsExchange.Domain.Reimbursement;

namespace CnsExchange.Application.Features.Reimbursement;

public enum ClaimLineDecisionKind
{
    Agree,
    Refuse,
}

/// <summary>
/// A reviewer's decision on a pending claim line, once the document is read: <c>agree</c> (the line is paid what it would
/// have been) or <c>refuse</c> with <c>reasonCodes</c> and/or a <c>note</c>.
/// </summary>
public sealed record ClaimLineDecisionInput(ClaimLineDecisionKind? Decision, List<string>? ReasonCodes, [MultiLineText] string? Note) : IHasOpenApiExample
{
    public static object Example => new ClaimLineDecisionInput(ClaimLineDecisionKind.Agree, null, "Hotel licensed by the municipality of Mondorf-les-Bains; invoice in the insured's name.");
}

public sealed record DecideClaimLine(Guid ClaimId, int LineNumber, ClaimLineDecisionInput? Decision) : ICommand<ReimbursementClaimDto>;

public sealed class DecideClaimLineValidator : AbstractValidator<DecideClaimLine>
{
    public DecideClaimLineValidator(IReferenceData reference)
    {
        RuleFor(x => x.Decision).NotNull().OverridePropertyName("body").WithMessage("A JSON body with 'decision' is required.");
        When(x => x.Decision is not null, () =>
        {
            RuleFor(x => x.Decision!.Decision).NotNull().IsInEnum().OverridePropertyName("decision").WithMessage("decision is required: agree or refuse.");
            RuleFor(x => x.Decision!.Note).MaximumLength(2000).OverridePropertyName("note");
            RuleFor(x => x.Decision!.ReasonCodes).Null().When(x => x.Decision!.Decision == ClaimLineDecisionKind.Agree)
                .OverridePropertyName("reasonCodes").WithMessage("reasonCodes only go with a refusal.");
            this.ReasonedRefusal(reference, x => x.Decision!.Decision == ClaimLineDecisionKind.Refuse, x => x.Decision!.ReasonCodes, x => x.Decision!.Note);
        });
    }
}

/// <summary>
/// A CNS reviewer decides a claim line that waited for the reading of a document (INS-06/07: the establishment, the name
/// on the invoice, the cure's dates). The claim is locked while its line changes; once no line is pending the claim is
/// adjudicated and its reimbursed total is what the next payment run pays (INS-05).
/// </summary>
public sealed class DecideClaimLineHandler(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller, IEvents events)
    : ICommandHandler<DecideClaimLine, ReimbursementClaimDto>
{
    public async ValueTask<ReimbursementClaimDto> Handle(DecideClaimLine command, CancellationToken ct)
    {
        var input = command.Decision!;
        return await db.InTransactionAsync(async () =>
        {
            var claim = await db.LockForUpdateAsync<ReimbursementClaim>(command.ClaimId, ct) ?? throw new NotFoundException("Reimbursement claim");
            await db.Set<ReimbursementClaim>().Entry(claim).Collection(c => c.Lines).LoadAsync(ct);
            var line = claim.Lines.SingleOrDefault(l => l.LineNumber == command.LineNumber) ?? throw new NotFoundException("Claim line");
            if (line.Outcome != ClaimLineOutcome.Pending)
                throw new ConflictException("line_not_pending", $"Line {line.LineNumber} is {line.Outcome.ToString().ToLowerInvariant()}: only a pending line is decided.");
            if (claim.PaymentRunId is not null) throw new ConflictException("claim_paid", "The claim is already in a payment run.");

            var now = clock.GetUtcNow();
            var rule = line.Reasons.First(r => r.Severity == ReasonSeverity.Pending).Rule;
            if (input.Decision == ClaimLineDecisionKind.Agree) line.Agree(caller.Actor, now, input.Note);
            else
            {
                line.Refuse(RequestLifecycle.RefusalReasons(input.ReasonCodes, _ => rule, rule, input.Note), caller.Actor, now);
            }
            claim.Complete();
            ClaimEvents.RecordDecided(events, claim);
            await db.SaveChangesAsync(ct);
            return claim.ToDto(reference, caller.Language);
        }, ct);
    }
}
