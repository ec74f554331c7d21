using CnsExchange.Application.Behaviors;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Lifecycle;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Cures;

namespace CnsExchange.Application.Features.Cures;

/// <summary>
/// A medical interruption of a back, neck or shoulder cycle (CUR-10): its first and last day and the reference of the
/// treating doctor's certificate. It is pending DOCUMENT_MISSING until the certificate itself is attached to the cure
/// (LIF-07), and waits for a reviewer; once accepted the cycle runs 6 months plus its days.
/// </summary>
public sealed record MedicalInterruptionInput(DateOnly? From, DateOnly? To, string? CertificateReference, [MultiLineText] string? Note) : IHasDatedOpenApiExample
{
    /// <summary>Three weeks of interruption certified by the treating doctor, starting next week.</summary>
    public static object ExampleOn(DateOnly today) => new MedicalInterruptionInput(today.AddDays(7), today.AddDays(27), "CERT-2026-0042 Dr Weber", "Acute lumbago");
}

/// <summary>A reviewer's decision on a medical interruption (CUR-10).</summary>
public sealed record InterruptionDecisionInput(bool? Accepted, [MultiLineText] string? Note) : IHasOpenApiExample
{
    public static object Example => new InterruptionDecisionInput(true, "Certificate checked");
}

/// <summary>An interruption without valid reason (CUR-09): the first day the insured person no longer came.</summary>
public sealed record CureInterruptionInput(DateOnly? From, [MultiLineText] string? Note) : IHasDatedOpenApiExample
{
    public static object ExampleOn(DateOnly today) => new CureInterruptionInput(today, "The insured person stopped coming without reason");
}

/// <param name="CertificateAttachmentId">CUR-10: the attached certificate (<c>medical_certificate</c>), once it arrived.</param>
/// <param name="ReasonCodes"><c>DOCUMENT_MISSING</c> while a medical interruption waits for its certificate (LIF-07); otherwise empty.</param>
public sealed record CureInterruptionDto(
    int Sequence, CureInterruptionKind Kind, DateOnly From, DateOnly? To, int? Days, string? CertificateReference, string? Note,
    CureInterruptionStatus Status, DateTimeOffset RecordedAt, DateTimeOffset? DecidedAt, string? DecisionNote, Guid? CertificateAttachmentId,
    IReadOnlyList<string> ReasonCodes)
{
    public static CureInterruptionDto Of(CureInterruption i) => new(i.Sequence, i.Kind, i.From, i.To,
        i.To is { } to ? MedicalInterruption.Days(i.From, to) : null, i.CertificateReference, i.Note, i.Status, i.RecordedAt, i.DecidedAt, i.DecisionNote,
        i.CertificateId, i.AwaitsCertificate ? [RequestReasonCodes.DocumentMissing] : []);
}

/// <summary>The centre reports a medical interruption of its agreed cure (CUR-10); pending until a reviewer decides.</summary>
public sealed record ReportMedicalInterruption(Guid ProviderId, Guid Id, MedicalInterruptionInput? Body, string? IdempotencyKey = null)
    : ICommand<CureAuthorisationDto>, IIdempotentCommand
{
    public string IdempotencyScope => $"{ProviderId:N}:cure-authorisations/{Id:N}/medical-interruptions";

    public string RequestFingerprint => Fingerprint.Of(Body);
}

/// <summary>A reviewer accepts (the cycle is extended by the interruption's days) or rejects a medical interruption (CUR-10).</summary>
public sealed record DecideMedicalInterruption(Guid Id, int Sequence, InterruptionDecisionInput? Body) : ICommand<CureAuthorisationDto>;

/// <summary>
/// The centre or a reviewer records an interruption without valid reason (CUR-09): later sessions are refused, and those
/// already paid are recovered CURE_INTERRUPTED (LIF-04), netted by the next payment run (LIF-05); those billed and not paid yet
/// are paid nothing.
/// </summary>
public sealed record RecordCureInterruption(Guid Id, CureInterruptionInput? Body) : ICommand<CureAuthorisationDto>;

public sealed class ReportMedicalInterruptionValidator : AbstractValidator<ReportMedicalInterruption>
{
    /// <summary>Input guard: an interruption longer than a year is a typing error (the cycle itself lasts 6 months).</summary>
    public const int MaxDays = 366;

    public ReportMedicalInterruptionValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body").WithMessage("A JSON body with from, to and certificateReference is required.");
        When(x => x.Body is not null, () =>
        {
            RuleFor(x => x.Body!.From).NotNull().InclusiveBetween(InputRules.MinDate, InputRules.MaxDate).OverridePropertyName("from")
                .WithMessage("from (the first day of the interruption) is required, between 2000 and 2200.");
            RuleFor(x => x.Body!.To).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("to (the last day of the interruption) is required.")
                .Must((x, to) => x.Body!.From is not { } from || from > InputRules.MaxDate || (to >= from && to!.Value.DayNumber - from.DayNumber < MaxDays))
                .WithMessage($"to must be on or after from, at most {MaxDays} days in all.")
                .OverridePropertyName("to");
            RuleFor(x => x.Body!.CertificateReference).NotEmpty().MaximumLength(200).OverridePropertyName("certificateReference")
                .WithMessage("certificateReference (the treating doctor's certificate, CUR-10) is required, at most 200 characters.");
            RuleFor(x => x.Body!.Note).MaximumLength(400).OverridePropertyName("note");
        });
    }
}

public sealed class DecideMedicalInterruptionValidator : AbstractValidator<DecideMedicalInterruption>
{
    public DecideMedicalInterruptionValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body").WithMessage("A JSON body with 'accepted' is required.");
        RuleFor(x => x.Body!.Accepted).NotNull().When(x => x.Body is not null).OverridePropertyName("accepted").WithMessage("accepted (true or false) is required.");
        RuleFor(x => x.Body!.Note).MaximumLength(400).When(x => x.Body is not null).OverridePropertyName("note");
    }
}

public sealed class RecordCureInterruptionValidator : AbstractValidator<RecordCureInterruption>
{
    public RecordCureInterruptionValidator(TimeProvider clock)
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body").WithMessage("A JSON body with 'from' is required.");
        When(x => x.Body is not null, () =>
        {
            RuleFor(x => x.Body!.From).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("from (the first day the insured person no longer came) is required.")
                .InclusiveBetween(InputRules.MinDate, InputRules.MaxDate).WithMessage("from must be between 2000 and 2200.")
                .Must(from => from <= LuxembourgCalendar.LocalDate(clock.GetUtcNow())).WithMessage("from may not be in the future: record an interruption once it happened.")
                .OverridePropertyName("from");
            RuleFor(x => x.Body!.Note).MaximumLength(400).OverridePropertyName("note");
        });
    }
}

public sealed class CureInterruptionHandlers(IAppDbContext db, ICareRequestLocks locks, IReferenceData reference, TimeProvider clock, ICurrentCaller caller,
    RequestPipeline pipeline, IRecoveries recoveries, IBillingLedger ledger) :
    ICommandHandler<ReportMedicalInterruption, CureAuthorisationDto>,
    ICommandHandler<DecideMedicalInterruption, CureAuthorisationDto>,
    ICommandHandler<RecordCureInterruption, CureAuthorisationDto>
{
    public ValueTask<CureAuthorisationDto> Handle(ReportMedicalInterruption command, CancellationToken ct) =>
        ChangeAsync(command.Id, ownOnly: true, (cure, terms, now) =>
        {
            var body = command.Body!;
            if (!MedicalInterruption.Applies(terms))
                throw new UnprocessableException("interruption_not_applicable",
                    $"{cure.KindCode} has no 6-month cycle to extend: only T200, T203 and T206 cycles are extended by a medical interruption (CUR-10).");
            if (body.From < terms.IssuedOn)
                throw new BadInputException("from", $"from must be on or after the authorisation's issue date {terms.IssuedOn:yyyy-MM-dd}.");
            cure.Interruptions.Add(new CureInterruption(cure.Interruptions.Count + 1, CureInterruptionKind.Medical, body.From!.Value, body.To, body.CertificateReference!.Trim(),
                Trimmed(body.Note), caller.Actor, now, CureInterruptionStatus.Pending));
            cure.Record("medical_interruption_reported", caller.Actor, now, $"{body.From:yyyy-MM-dd}/{body.To:yyyy-MM-dd} ({body.CertificateReference!.Trim()})");
        }, ct);

    public ValueTask<CureAuthorisationDto> Handle(DecideMedicalInterruption command, CancellationToken ct) =>
        ChangeAsync(command.Id, ownOnly: false, (cure, terms, now) =>
        {
            var index = cure.Interruptions.FindIndex(i => i.Sequence == command.Sequence && i.Kind == CureInterruptionKind.Medical);
            if (index < 0) throw new NotFoundException("Medical interruption");
            var interruption = cure.Interruptions[index];
            if (interruption.Status != CureInterruptionStatus.Pending)
                throw new ConflictException("interruption_already_decided", $"The interruption is already {interruption.Status.ToString().ToLowerInvariant()}.");
            var accepted = command.Body!.Accepted!.Value;
            if (accepted && interruption.AwaitsCertificate)
                throw new ConflictException("document_missing",
                    $"The treating doctor's certificate is not attached yet (DOCUMENT_MISSING, LIF-07): the centre attaches it to the cure (POST {CureAuthorisationViews.Route}/{cure.Id}/attachments, purpose medical_certificate). The interruption can be rejected, not accepted.");
            cure.Interruptions[index] = interruption with
            {
                Status = accepted ? CureInterruptionStatus.Accepted : CureInterruptionStatus.Rejected,
                DecidedBy = caller.Actor, DecidedAt = now, DecisionNote = Trimmed(command.Body.Note),
            };
            if (accepted)
                cure.Terms = MedicalInterruption.Accept(terms, cure.Interruptions
                    .Where(i => i.Kind == CureInterruptionKind.Medical && i.Status == CureInterruptionStatus.Accepted).Select(i => (i.From, i.To!.Value)));
            cure.Record(accepted ? "medical_interruption_accepted" : "medical_interruption_rejected", caller.Actor, now,
                accepted ? $"cycle extended by {cure.Terms!.InterruptionDays - terms.InterruptionDays} days" : Trimmed(command.Body.Note));
        }, ct);

    public ValueTask<CureAuthorisationDto> Handle(RecordCureInterruption command, CancellationToken ct) =>
        ChangeAsync(command.Id, ownOnly: !caller.IsStaff(), (cure, terms, now) =>
        {
            var body = command.Body!;
            if (body.From < terms.IssuedOn)
                throw new BadInputException("from", $"from must be on or after the authorisation's issue date {terms.IssuedOn:yyyy-MM-dd}.");
            cure.Interruptions.Add(new CureInterruption(cure.Interruptions.Count + 1, CureInterruptionKind.WithoutValidReason, body.From!.Value, null, null,
                Trimmed(body.Note), caller.Actor, now, CureInterruptionStatus.Recorded));
            cure.Terms = InterruptedCure.Record(terms, body.From.Value);
            cure.Record("interrupted_without_valid_reason", caller.Actor, now, $"from {cure.Terms.InterruptedOn:yyyy-MM-dd}");
        }, ct, SettleBilledSessionsAsync);

    /// <summary>
    /// CUR-09 with LIF-04, in this transaction: the sessions of the cure (the whole cure is not covered) that a payment
    /// run paid are recovered CURE_INTERRUPTED; those billed and accepted but not taken by a run yet will be paid nothing
    /// (<see cref="InterruptedCure.Settle"/>). While a run that took one of them has not paid it, the interruption waits:
    /// 409 payment_run_in_progress, nothing stored.
    /// </summary>
    private async Task SettleBilledSessionsAsync(CureAuthorisation cure, CancellationToken ct)
    {
        if (cure.Terms?.InterruptedOn is not { } from) return;
        // The cure's voucher services are locked as billing locks them: a session is decided before the interruption (and
        // is settled below) or after it (and is refused, BillingFactsLoader reading the terms again under this lock),
        // never beside it.
        var services = await db.Vouchers.AsNoTracking().Where(v => v.Kind == VoucherKind.Cure && v.SourceRequestId == cure.Id)
            .SelectMany(v => v.Services.Select(s => s.Id)).ToListAsync(ct);
        await ledger.LockServicesAsync(services, ct);
        var billed = await db.Set<FeeMemoirLine>().AsNoTracking()
            .Where(PaidLines.Line)
            .Where(l => db.Vouchers.Any(v => v.Id == l.VoucherId && v.Kind == VoucherKind.Cure && v.SourceRequestId == cure.Id))
            .OrderBy(l => l.MemoirId).ThenBy(l => l.LineNumber)
            .Select(l => l.Id)
            .ToListAsync(ct);
        var stopped = 0;
        foreach (var id in billed)
        {
            // Locked before it is judged: a payment run takes lines under the same lock.
            var line = await db.LockForUpdateAsync<FeeMemoirLine>(id, ct) ?? throw new InvalidOperationException($"Line {id} vanished.");
            var runClosed = await PaymentRunState.TakenByClosedRunAsync(db, line, ct);
            switch (InterruptedCure.Settle(line, runClosed))
            {
                case BilledSession.StopPayment:
                    InterruptedCure.StopPayment(line, from);
                    stopped++;
                    break;
                case BilledSession.Recover:
                    await recoveries.RecoverAsync(line.MemoirId, line.LineNumber, CureReasonCodes.Interrupted,
                        $"Cure interrupted without valid reason from {from:yyyy-MM-dd} (CUR-09).", ct);
                    break;
                case BilledSession.InOpenPaymentRun:
                    throw new ConflictException("payment_run_in_progress",
                        $"A payment run took the session of {line.SessionDate:yyyy-MM-dd} (memoir line {line.LineNumber}) and has not paid it yet; "
                        + "record the interruption again once the run is closed (GET /api/v1/payment-runs/{id}).");
            }
        }
        if (stopped > 0) await db.SaveChangesAsync(ct);
    }

    /// <summary>One change of an agreed cure at a time (the request is locked), saved with the history entry it adds.</summary>
    private async ValueTask<CureAuthorisationDto> ChangeAsync(Guid id, bool ownOnly, Action<CureAuthorisation, CureAuthorisationTerms, DateTimeOffset> change,
        CancellationToken ct, Func<CureAuthorisation, CancellationToken, Task>? afterSave = null)
    {
        var now = clock.GetUtcNow();
        return await db.InTransactionAsync(async () =>
        {
            await locks.LockRequestAsync(id, ct);
            var cure = (CureAuthorisation)await pipeline.LoadForChangeAsync(id, RequestKind.CureAuthorisation, ownOnly, ct);
            if (cure.Status != RequestStatus.Agreed || cure.Terms is not { } terms)
                throw new ConflictException("authorisation_not_agreed", $"The request is {RequestViews.StatusCode(cure.Status)}: only an agreed cure can be interrupted.");
            change(cure, terms, now);
            await pipeline.SaveChangeAsync(ct);
            if (afterSave is not null) await afterSave(cure, ct);
            return await CureAuthorisationViews.MapAsync(db, reference, caller.Language, now, cure, ct);
        }, ct);
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
