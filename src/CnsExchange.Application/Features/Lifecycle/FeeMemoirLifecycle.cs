using CnsExchange.Application.Behaviors;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Events;
using CnsExchange.Application.Features.PaymentRuns;

namespace CnsExchange.Application.Features.Lifecycle;

/// <summary>
/// Locks and voids memoirs (LIF-02), in the caller's transaction, in the order every writer of billing takes its locks:
/// the voucher services first (as adjudication), then the memoir's lines (as a payment run's claim), then the memoir. A
/// void and a payment run's claim therefore meet on the lines: the first to lock them wins entirely, and the other finds
/// them taken (409) or released (the run leaves them).
/// </summary>
public sealed class MemoirVoider(IAppDbContext db, IBillingLedger ledger, TimeProvider clock, IEvents events)
{
    /// <summary>The provider's memoir and its lines, locked; 404 for another provider's or an unknown memoir.</summary>
    public async Task<(FeeMemoir Memoir, List<FeeMemoirLine> Lines)> LockAsync(Guid memoirId, Guid providerId, CancellationToken ct)
    {
        var owner = await db.Set<FeeMemoir>().Where(m => m.Id == memoirId).Select(m => (Guid?)m.ProviderId).SingleOrDefaultAsync(ct);
        if (owner != providerId) throw new NotFoundException("Fee memoir");
        var services = await db.Set<FeeMemoirLine>().Where(l => l.MemoirId == memoirId && l.VoucherServiceId != null)
            .Select(l => l.VoucherServiceId!.Value).Distinct().ToListAsync(ct);
        await ledger.LockServicesAsync(services, ct);
        var lines = await ledger.LockMemoirLinesAsync(memoirId, ct);
        var memoir = await db.LockForUpdateAsync<FeeMemoir>(memoirId, ct) ?? throw new NotFoundException("Fee memoir");
        return (memoir, lines);
    }

    /// <summary>
    /// Releases the lines, gives their sessions back, withdraws the contestations still pending on them (BIL-15) and marks
    /// the memoir voided (saved) with its fee_memoir.voided event; <paramref name="replaced"/>: a new memoir replaces it (LIF-03).
    /// </summary>
    public async Task VoidAsync(FeeMemoir memoir, List<FeeMemoirLine> lines, CancellationToken ct, bool replaced = false, string? reason = null)
    {
        var now = clock.GetUtcNow();
        var givenBack = MemoirVoiding.Void(memoir, lines, now, reason);
        await ledger.GiveBackSessionsAsync(givenBack, ct);
        var pending = await db.Set<LineContestation>().Where(c => c.MemoirId == memoir.Id && c.Status == ContestationStatus.Pending).ToListAsync(ct);
        foreach (var contestation in pending) Contestation.Withdraw(contestation, lines.Single(l => l.Id == contestation.LineId), now, replaced);
        events.Record(EventTypes.FeeMemoirVoided, new EventResource(memoir.Id, $"/api/v1/fee-memoirs/{memoir.Id}"),
            new FeeMemoirVoidedData(memoir.Reference, memoir.VoidedAt!.Value, replaced), memoir.ProviderId);
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>
/// POST /fee-memoirs/{id}/cancellation (LIF-02): voids a memoir no payment run has taken a line of. Voiding a voided memoir
/// answers it as it is; once a run took a line: 409 memoir_in_payment_run, pointing to reversal.
/// </summary>
public sealed record VoidFeeMemoir(Guid ProviderId, Guid MemoirId, CancellationRequest Body, string? IdempotencyKey)
    : ICommand<FeeMemoirDto>, IIdempotentCommand, IRetryableOnDeadlock
{
    public string IdempotencyScope => $"{ProviderId}:memoir-voids";
    public string RequestFingerprint => Fingerprint.Of(new { MemoirId, Body });
}

public sealed class VoidFeeMemoirValidator : AbstractValidator<VoidFeeMemoir>
{
    public VoidFeeMemoirValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body").SetValidator(new CancellationRequestValidator());
    }
}

public sealed class VoidFeeMemoirHandler(IAppDbContext db, IBillingLedger ledger, IReferenceData reference, TimeProvider clock, ICurrentCaller caller,
    IEvents events, HospitalStays.HospitalStayReleases stays)
    : ICommandHandler<VoidFeeMemoir, FeeMemoirDto>
{
    public async ValueTask<FeeMemoirDto> Handle(VoidFeeMemoir command, CancellationToken ct) =>
        await db.InTransactionAsync(async () =>
        {
            var voider = new MemoirVoider(db, ledger, clock, events);
            var (memoir, lines) = await voider.LockAsync(command.MemoirId, command.ProviderId, ct);
            if (memoir.Status != FeeMemoirStatus.Voided)
            {
                if (MemoirVoiding.WhyNotVoidable(memoir, lines) is { } why) throw new ConflictException(why.Code, why.Message);
                await voider.VoidAsync(memoir, lines, ct, reason: command.Body.Reason);
                // A hospital stay's settlement voided unpaid: the stay no longer stands, and nothing is owed.
                if (await stays.ReleaseIfItsSettlementAsync(memoir, ct)) await db.SaveChangesAsync(ct);
            }
            memoir.Lines = lines;
            var providerCode = await db.Providers.Where(p => p.Id == memoir.ProviderId).Select(p => p.Code).SingleAsync(ct);
            return memoir.ToDto(providerCode, reference, caller.Language, payments: await PaymentRunState.PaymentsAsync(db, lines, ct));
        }, ct);
}

/// <summary>A reversal or recovery (LIF-04): what the provider owes back, and the run that netted it (LIF-05).</summary>
public sealed record ProviderDebtDto(
    Guid Id,
    Guid MemoirId,
    string MemoirReference,
    int LineNumber,
    DebtKind Kind,
    string EntryCode,
    string Code,
    string? Note,
    decimal Amount,
    Guid OriginalPaymentRunId,
    string OriginalPaymentRunNumber,
    DateTimeOffset CreatedAt,
    Guid? NettedInPaymentRunId);

public sealed record ReversalRequest([MultiLineText] string? Reason) : IHasOpenApiExample
{
    public static object Example => new ReversalRequest("Session 7 was billed twice by mistake; CNS may take the payment back.");
}

public sealed record RecoveryRequest(Guid? MemoirId, int? LineNumber, string? Code, [MultiLineText] string? Note) : IHasOpenApiExample
{
    public static object Example => new RecoveryRequest(Guid.Parse("0192f6a4-8c3e-7a10-9b1c-2d3e4f5a6b7c"), 1, BillingReasonCodes.DoubleFinancing,
        "The dependency insurance financed physiotherapy for the insured on that day (seed 004).");
}

/// <summary>
/// Takes back a paid line (LIF-04) in the caller's transaction: the line is released (its session goes back to the
/// voucher) and its paid CNS amount becomes the provider's debt, netted by the next payment run (LIF-05). The port other
/// features call to recover money CNS paid — e.g. a cure interrupted without valid reason (CUR-09, CURE_INTERRUPTED).
/// Idempotent: a line already taken back answers its debt.
/// </summary>
public interface IRecoveries
{
    /// <summary>CNS recovers a paid line with a recovery code (<see cref="LineReversal.RecoveryCodes"/>).</summary>
    Task<ProviderDebtDto> RecoverAsync(Guid memoirId, int lineNumber, string code, string? note, CancellationToken ct);

    /// <summary>The provider reverses one of its paid lines.</summary>
    Task<ProviderDebtDto> ReverseAsync(Guid providerId, Guid memoirId, int lineNumber, string? reason, CancellationToken ct);
}

public sealed class LineRecoveries(IAppDbContext db, IBillingLedger ledger, TimeProvider clock, ICurrentCaller caller, IEvents events,
    HospitalStays.HospitalStayReleases stays) : IRecoveries
{
    public const string AlreadyTakenBack = "line_already_taken_back";

    public Task<ProviderDebtDto> RecoverAsync(Guid memoirId, int lineNumber, string code, string? note, CancellationToken ct)
    {
        if (!LineReversal.RecoveryCodes.Contains(code))
            throw new BadInputException("code", $"code must be one of {string.Join(", ", LineReversal.RecoveryCodes)}.");
        return TakeBackAsync(null, memoirId, lineNumber, DebtKind.Recovery, code, note, ct);
    }

    public Task<ProviderDebtDto> ReverseAsync(Guid providerId, Guid memoirId, int lineNumber, string? reason, CancellationToken ct) =>
        TakeBackAsync(providerId, memoirId, lineNumber, DebtKind.Reversal, BillingReasonCodes.LineReversed, reason, ct);

    private Task<ProviderDebtDto> TakeBackAsync(Guid? providerId, Guid memoirId, int lineNumber, DebtKind kind, string code, string? note, CancellationToken ct) =>
        db.InTransactionAsync(async () =>
        {
            var memoir = await db.Set<FeeMemoir>().AsNoTracking().Where(m => m.Id == memoirId)
                .Select(m => new { m.ProviderId, m.Reference, m.Source }).SingleOrDefaultAsync(ct);
            if (memoir is null || (providerId is { } own && memoir.ProviderId != own)) throw new NotFoundException("Fee memoir");
            var target = await db.Set<FeeMemoirLine>().Where(l => l.MemoirId == memoirId && l.LineNumber == lineNumber)
                .Select(l => new { l.Id, l.VoucherServiceId }).SingleOrDefaultAsync(ct) ?? throw new NotFoundException("Fee memoir line");
            // Services before lines, as every writer of billing (adjudication, void).
            if (target.VoucherServiceId is { } serviceId) await ledger.LockServicesAsync([serviceId], ct);
            var line = await db.LockForUpdateAsync<FeeMemoirLine>(target.Id, ct) ?? throw new NotFoundException("Fee memoir line");

            if (await db.Set<ProviderDebt>().SingleOrDefaultAsync(d => d.LineId == line.Id, ct) is { } existing)
            {
                if (existing.Kind != kind || existing.Code != code)
                    throw new ConflictException(AlreadyTakenBack, $"This line was already {(existing.Kind == DebtKind.Reversal ? "reversed" : "recovered")} ({existing.Code}).");
                // A stay-days line taken back before stays were released (migration ReleasedHospitalStays) releases its stay
                // when asked again; a stay already released is left as it is.
                var at = clock.GetUtcNow();
                if (await stays.ReleaseIfItsStayLineAsync(memoir.Source, line, existing.Id, at, ct))
                    await TakeBackTheRestOfTheSettlementAsync(memoirId, memoir.ProviderId, memoir.Reference, line, kind, code, at, ct);
                await db.SaveChangesAsync(ct);
                return await ToDtoAsync(existing, ct);
            }
            var runClosed = await PaymentRunState.TakenByClosedRunAsync(db, line, ct);
            if (LineReversal.WhyNotReversible(line, runClosed) is { } why) throw new ConflictException(why.Code, why.Message);

            var now = clock.GetUtcNow();
            var (debt, dto) = await TakeBackLineAsync(memoir.ProviderId, memoir.Reference, line, kind, code, note, now, ct);
            // The stay-days line of a hospital stay's settlement: the stay no longer stands (LIF-04, StayRelease), in this
            // transaction, and nor does the rest of what its settlement paid.
            if (await stays.ReleaseIfItsStayLineAsync(memoir.Source, line, debt.Id, now, ct))
                await TakeBackTheRestOfTheSettlementAsync(memoirId, memoir.ProviderId, memoir.Reference, line, kind, code, now, ct);
            await db.SaveChangesAsync(ct);
            return dto;
        }, ct);

    /// <summary>The debt of one locked, reversible line (its session back to the voucher), and its event.</summary>
    private async Task<(ProviderDebt Debt, ProviderDebtDto Dto)> TakeBackLineAsync(Guid providerId, string memoirReference, FeeMemoirLine line,
        DebtKind kind, string code, string? note, DateTimeOffset now, CancellationToken ct)
    {
        if (LineReversal.Release(line, now) is { } service) await ledger.GiveBackSessionsAsync(new Dictionary<Guid, int> { [service] = 1 }, ct);
        var debt = new ProviderDebt
        {
            Id = Guid.CreateVersion7(),
            ProviderId = providerId,
            LineId = line.Id,
            MemoirId = line.MemoirId,
            MemoirReference = memoirReference,
            LineNumber = line.LineNumber,
            Kind = kind,
            Code = code,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            Amount = line.PaidAmount!.Value,
            OriginalRunId = line.PaymentRunId!.Value,
            CreatedAt = now,
            CreatedBy = caller.Actor,
        };
        db.Set<ProviderDebt>().Add(debt);
        var dto = await ToDtoAsync(debt, ct);
        events.Record(kind == DebtKind.Reversal ? EventTypes.FeeMemoirLineReversed : EventTypes.FeeMemoirLineRecovered,
            new EventResource(line.MemoirId, $"/api/v1/fee-memoirs/{line.MemoirId}"),
            new FeeMemoirLineTakenBackData(debt.Id, debt.MemoirReference, line.LineNumber, code, debt.Note, debt.Amount, dto.OriginalPaymentRunNumber), providerId);
        return (debt, dto);
    }

    /// <summary>
    /// A released stay (<see cref="StayRelease"/>) no longer stands, so nothing its settlement paid does: its other paid
    /// lines (operations, the accompanying bed) are taken back with the stay-days line, with the same kind and code. Else the
    /// corrected stay's settlement would pay them a second time. Lines already taken back, or not paid, are left as they are.
    /// </summary>
    private async Task TakeBackTheRestOfTheSettlementAsync(Guid memoirId, Guid providerId, string memoirReference, FeeMemoirLine stayLine,
        DebtKind kind, string code, DateTimeOffset now, CancellationToken ct)
    {
        var others = await db.Set<FeeMemoirLine>().AsNoTracking()
            .Where(l => l.MemoirId == memoirId && l.Id != stayLine.Id && l.PaymentRunId != null && l.ReleasedAt == null
                        && !db.Set<ProviderDebt>().Any(d => d.LineId == l.Id))
            .OrderBy(l => l.LineNumber).Select(l => l.Id).ToListAsync(ct);
        foreach (var id in others)
        {
            var line = await db.LockForUpdateAsync<FeeMemoirLine>(id, ct) ?? throw new InvalidOperationException($"Line {id} vanished.");
            if (LineReversal.WhyNotReversible(line, await PaymentRunState.TakenByClosedRunAsync(db, line, ct)) is not null) continue;
            await TakeBackLineAsync(providerId, memoirReference, line, kind, code,
                $"Taken back with line {stayLine.LineNumber}, the stay days: the stay was released (LIF-04).", now, ct);
        }
    }

    private async Task<ProviderDebtDto> ToDtoAsync(ProviderDebt d, CancellationToken ct)
    {
        var run = await db.Set<PaymentRun>().AsNoTracking().Where(r => r.Id == d.OriginalRunId).Select(r => r.Number).SingleAsync(ct);
        return new ProviderDebtDto(d.Id, d.MemoirId, d.MemoirReference, d.LineNumber, d.Kind, LineReversal.EntryCode(d.Kind), d.Code, d.Note, d.Amount,
            d.OriginalRunId, run, d.CreatedAt, d.PaymentRunId);
    }
}

/// <summary>POST /fee-memoirs/{id}/lines/{n}/reversal (LIF-04): the provider reverses a paid line.</summary>
public sealed record ReverseFeeMemoirLine(Guid ProviderId, Guid MemoirId, int LineNumber, ReversalRequest Body, string? IdempotencyKey)
    : ICommand<ProviderDebtDto>, IIdempotentCommand, IRetryableOnDeadlock
{
    public string IdempotencyScope => $"{ProviderId}:line-reversals";
    public string RequestFingerprint => Fingerprint.Of(new { MemoirId, LineNumber, Body });
}

/// <summary>
/// POST /review/recoveries (LIF-04): CNS staff recover a paid line with a recovery code. The command other features send
/// to recover a paid line (CUR-09 sends it for the paid sessions of a cure interrupted without valid reason).
/// </summary>
public sealed record RecordRecovery(RecoveryRequest Body, string? IdempotencyKey) : ICommand<ProviderDebtDto>, IIdempotentCommand, IRetryableOnDeadlock
{
    public string IdempotencyScope => "staff:recoveries";
    public string RequestFingerprint => Fingerprint.Of(Body);
}

public sealed class ReverseFeeMemoirLineValidator : AbstractValidator<ReverseFeeMemoirLine>
{
    public ReverseFeeMemoirLineValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body");
        RuleFor(x => x.Body.Reason).NotEmpty().MaximumLength(2000).OverridePropertyName("reason")
            .WithMessage("reason: why the line is reversed (1 to 2000 characters).").When(x => x.Body is not null);
    }
}

public sealed class RecordRecoveryValidator : AbstractValidator<RecordRecovery>
{
    public RecordRecoveryValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body");
        When(x => x.Body is not null, () =>
        {
            RuleFor(x => x.Body.MemoirId).NotNull().OverridePropertyName("memoirId");
            RuleFor(x => x.Body.LineNumber).NotNull().GreaterThan(0).OverridePropertyName("lineNumber");
            RuleFor(x => x.Body.Code).NotEmpty().Must(c => LineReversal.RecoveryCodes.Contains(c!)).OverridePropertyName("code")
                .WithMessage($"code must be one of {string.Join(", ", LineReversal.RecoveryCodes)}.");
            RuleFor(x => x.Body.Note).MaximumLength(2000).OverridePropertyName("note");
        });
    }
}

public sealed class LineTakeBackHandlers(IRecoveries recoveries) :
    ICommandHandler<ReverseFeeMemoirLine, ProviderDebtDto>,
    ICommandHandler<RecordRecovery, ProviderDebtDto>
{
    public async ValueTask<ProviderDebtDto> Handle(ReverseFeeMemoirLine command, CancellationToken ct) =>
        await recoveries.ReverseAsync(command.ProviderId, command.MemoirId, command.LineNumber, command.Body.Reason, ct);

    public async ValueTask<ProviderDebtDto> Handle(RecordRecovery command, CancellationToken ct) =>
        await recoveries.RecoverAsync(command.Body.MemoirId!.Value, command.Body.LineNumber!.Value, command.Body.Code!, command.Body.Note, ct);
}
