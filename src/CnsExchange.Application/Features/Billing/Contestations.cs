using CnsExchange.Application.Behaviors;
using CnsExchange.Application.Features.Events;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Reimbursement;

namespace CnsExchange.Application.Features.Billing;

/// <summary>A contestation: the code of the line's reason contested (e.g. SESSIONS_EXHAUSTED) and why.</summary>
public sealed record ContestationRequest(string? Code, [MultiLineText] string? Text) : IHasOpenApiExample
{
    public static object Example => new ContestationRequest("SESSIONS_EXHAUSTED", "Session 8 was given on that day; session 7 was billed twice by mistake and is being credited.");
}

public sealed record ContestationDecisionRequest(ContestationDecision? Decision, [MultiLineText] string? Note) : IHasOpenApiExample
{
    public static object Example => new ContestationDecisionRequest(ContestationDecision.Overturn, "Checked with the voucher history: the session is due.");
}

/// <summary>A contestation (BIL-15) with the line it is about.</summary>
public sealed record ContestationDto(
    Guid Id,
    Guid MemoirId,
    string MemoirReference,
    string ProviderCode,
    int LineNumber,
    string Code,
    string Text,
    ContestationStatus Status,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? DecidedAt,
    string? DecisionNote,
    decimal PayableBefore,
    decimal? PayableAfter,
    FeeMemoirLineDto Line);

/// <summary>POST /fee-memoirs/{id}/lines/{line}/contestation: the provider contests a refused or reduced line, once.</summary>
public sealed record ContestFeeMemoirLine(Guid ProviderId, Guid MemoirId, int LineNumber, ContestationRequest Body, string? IdempotencyKey)
    : ICommand<ContestationDto>, IIdempotentCommand
{
    public string IdempotencyScope => $"{ProviderId}:contestations";
    public string RequestFingerprint => Fingerprint.Of(new { MemoirId, LineNumber, Body });
}

/// <summary>GET /review/contestations: the reviewer queue, oldest first (default: pending ones), filtered by the date a contestation was filed.</summary>
public sealed record ListContestations(string? Cursor, int? Limit, ContestationStatus? Status, DateOnly? From = null, DateOnly? To = null) : IQuery<Page<ContestationDto>>;

/// <summary>POST /review/contestations/{id}/decision: uphold or overturn (an overturned line is paid in the next payment run).</summary>
public sealed record DecideContestation(Guid Id, ContestationDecisionRequest Body) : ICommand<ContestationDto>, IRetryableOnDeadlock;

public sealed class ContestFeeMemoirLineValidator : AbstractValidator<ContestFeeMemoirLine>
{
    public ContestFeeMemoirLineValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body");
        RuleFor(x => x.Body.Code).NotEmpty().Matches("^[A-Z_]{3,40}$").OverridePropertyName("code")
            .WithMessage("code: the reason code of the line that is contested, e.g. SESSIONS_EXHAUSTED.").When(x => x.Body is not null);
        RuleFor(x => x.Body.Text).NotEmpty().MaximumLength(2000).OverridePropertyName("text")
            .WithMessage("text: why the line should be paid (1 to 2000 characters).").When(x => x.Body is not null);
    }
}

public sealed class DecideContestationValidator : AbstractValidator<DecideContestation>
{
    public DecideContestationValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body");
        RuleFor(x => x.Body.Decision).NotNull().IsInEnum().OverridePropertyName("decision")
            .WithMessage("decision must be uphold or overturn.").When(x => x.Body is not null);
        RuleFor(x => x.Body.Note).MaximumLength(2000).OverridePropertyName("note").When(x => x.Body is not null);
    }
}

public sealed class ContestationHandlers(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller, IEvents events, IBillingLedger ledger) :
    ICommandHandler<ContestFeeMemoirLine, ContestationDto>,
    IQueryHandler<ListContestations, Page<ContestationDto>>,
    ICommandHandler<DecideContestation, ContestationDto>
{
    public async ValueTask<ContestationDto> Handle(ContestFeeMemoirLine command, CancellationToken ct) =>
        await db.InTransactionAsync(async () =>
        {
            var memoir = await db.Set<FeeMemoir>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == command.MemoirId, ct);
            if (memoir is null || memoir.ProviderId != command.ProviderId) throw new NotFoundException("Fee memoir");
            var line = await LockLineAsync(memoir.Id, command.LineNumber, ct) ?? throw new NotFoundException("Fee memoir line");
            var contested = await db.Set<LineContestation>().AnyAsync(c => c.LineId == line.Id, ct);
            if (Contestation.WhyNotContestable(line, command.Body.Code!, contested) is { } why)
            {
                if (why.Code is "line_already_contested" or Contestation.LineReleased) throw new ConflictException(why.Code, why.Message);
                throw new UnprocessableException(why.Code, why.Message);
            }
            var contestation = new LineContestation
            {
                Id = Guid.CreateVersion7(),
                LineId = line.Id,
                MemoirId = memoir.Id,
                ProviderId = memoir.ProviderId,
                Code = command.Body.Code!,
                Text = command.Body.Text!.Trim(),
                Status = ContestationStatus.Pending,
                SubmittedAt = clock.GetUtcNow(),
                PayableBefore = line.PayableAmount,
            };
            line.ContestationStatus = ContestationStatus.Pending;
            db.Set<LineContestation>().Add(contestation);
            await db.SaveChangesAsync(ct);
            return await ToDtoAsync(contestation, memoir, line, ct);
        }, ct);

    public async ValueTask<Page<ContestationDto>> Handle(ListContestations query, CancellationToken ct)
    {
        var limit = Cursor.Limit(query.Limit);
        var cursor = Cursor.Decode(query.Cursor);
        var status = query.Status ?? ContestationStatus.Pending;
        var q = db.Set<LineContestation>().AsNoTracking().Where(c => c.Status == status).Within(DateWindow.Of(query.From, query.To), c => c.SubmittedAt);
        if (cursor is { } k) q = q.Where(c => c.SubmittedAt > k.CreatedAt || (c.SubmittedAt == k.CreatedAt && c.Id.CompareTo(k.Id) > 0));
        var rows = await q.OrderBy(c => c.SubmittedAt).ThenBy(c => c.Id).Take(limit + 1).ToListAsync(ct);
        var items = new List<ContestationDto>();
        foreach (var c in rows.Take(limit))
        {
            var memoir = await db.Set<FeeMemoir>().AsNoTracking().SingleAsync(m => m.Id == c.MemoirId, ct);
            var line = await db.Set<FeeMemoirLine>().AsNoTracking().SingleAsync(l => l.Id == c.LineId, ct);
            items.Add(await ToDtoAsync(c, memoir, line, ct));
        }
        var next = rows.Count > limit ? new Cursor(rows[limit - 1].SubmittedAt, rows[limit - 1].Id).Encode() : null;
        return new Page<ContestationDto>(items, next);
    }

    public async ValueTask<ContestationDto> Handle(DecideContestation command, CancellationToken ct) =>
        await db.InTransactionAsync(async () =>
        {
            var target = await db.Set<LineContestation>().AsNoTracking().Where(c => c.Id == command.Id)
                .Select(c => new { c.LineId, c.MemoirId }).SingleOrDefaultAsync(ct) ?? throw new NotFoundException("Contestation");
            var memoir = await db.Set<FeeMemoir>().AsNoTracking().SingleAsync(m => m.Id == target.MemoirId, ct);
            var decision = command.Body.Decision!.Value;
            // Services (then persons), then the line, then the contestation: the order in which billing and the lifecycle
            // lock them (a memoir's void withdraws its pending contestations after locking its lines).
            var service = await db.Set<FeeMemoirLine>().Where(l => l.Id == target.LineId).Select(l => l.VoucherServiceId).SingleAsync(ct);
            SessionCounter? counter = null;
            if (decision == ContestationDecision.Overturn && service is { } s) counter = (await ledger.LockServicesAsync([s], ct)).GetValueOrDefault(s);
            var line = await db.LockForUpdateAsync<FeeMemoirLine>(target.LineId, ct)
                       ?? throw new InvalidOperationException($"Contestation {command.Id} names no line.");
            var contestation = await db.LockForUpdateAsync<LineContestation>(command.Id, ct) ?? throw new NotFoundException("Contestation");
            if (contestation.Status != ContestationStatus.Pending)
                throw new ConflictException("contestation_already_decided", $"This contestation was already decided ({contestation.Status.ToString().ToLowerInvariant()}).");
            if (line.PaymentRunId is not null)
                throw new ConflictException("line_already_settled", "A payment run already took this line; the decision can no longer change it.");
            Guid? sessionTaken = null;
            if (decision == ContestationDecision.Overturn)
            {
                await CheckOverturnableAsync(line, counter, ct);
                sessionTaken = Contestation.ServiceTakenByOverturn(line);
            }

            var catalog = reference.Catalog;
            var domain = catalog.Act(line.ActCode, line.SessionDate)?.Domain ?? "physio";
            var amount = Contestation.OverturnedAmount(catalog, line, domain);
            contestation.Status = Contestation.Apply(line, decision, amount, command.Body.Note);
            contestation.DecidedAt = clock.GetUtcNow();
            contestation.DecidedBy = caller.Actor;
            contestation.DecisionNote = command.Body.Note?.Trim();
            contestation.PayableAfter = line.PayableAmount;
            // BIL-06: the overturned refused line now pays a session of its voucher service (given back if the line is released).
            if (sessionTaken is { } taken) await ledger.ConsumeSessionsAsync(new Dictionary<Guid, int> { [taken] = 1 }, ct);
            events.Record(EventTypes.ContestationDecided, new EventResource(memoir.Id, $"/api/v1/fee-memoirs/{memoir.Id}"),
                new ContestationData(contestation.Id, line.LineNumber, Telemetry.Snake(contestation.Status),
                    contestation.PayableBefore, contestation.PayableAfter), contestation.ProviderId);
            await db.SaveChangesAsync(ct);
            return await ToDtoAsync(contestation, memoir, line, ct);
        }, ct);

    /// <summary>
    /// An overturned refused line holds its session and takes one of its voucher service: 409 when another line or a claim
    /// pays that session now (BIL-07/08, INS-04) or the service has no session left (BIL-06), read under the services' locks.
    /// </summary>
    private async Task CheckOverturnableAsync(FeeMemoirLine line, SessionCounter? counter, CancellationToken ct)
    {
        string? elsewhere = null;
        if (!PaidLines.Holds(line) && line.ReleasedAt is null)
        {
            var state = await ledger.ReadLineStateAsync(line.ProviderId, line.VoucherId, line.InsuredId, line.SessionDate, line.ActCode, ct);
            if (state.DuplicateOfMemoir is { } reference) elsewhere = $"memoir {reference} (BIL-08)";
            else if (state.OtherActSameSession && line.HospitalStayId is null && !line.TravelAllowance) elsewhere = "another act of the same session (BIL-07)";
            else if (line.VoucherId is { } voucher && await db.Set<ReimbursementClaimLine>().Where(ReimbursementClaimLine.PaidLine)
                         .AnyAsync(c => c.VoucherId == voucher && c.ServiceDate == line.SessionDate && c.ActCode == line.ActCode, ct))
                elsewhere = "a reimbursement claim of the insured (INS-04)";
        }
        if (Contestation.WhyNotOverturnable(line, elsewhere, counter?.Remaining) is { } why) throw new ConflictException(why.Code, why.Message);
    }

    private async Task<FeeMemoirLine?> LockLineAsync(Guid memoirId, int lineNumber, CancellationToken ct)
    {
        var id = await db.Set<FeeMemoirLine>().Where(l => l.MemoirId == memoirId && l.LineNumber == lineNumber).Select(l => (Guid?)l.Id)
            .SingleOrDefaultAsync(ct);
        return id is { } lineId ? await db.LockForUpdateAsync<FeeMemoirLine>(lineId, ct) : null;
    }

    private async Task<ContestationDto> ToDtoAsync(LineContestation c, FeeMemoir memoir, FeeMemoirLine line, CancellationToken ct)
    {
        var providerCode = await db.Providers.Where(p => p.Id == c.ProviderId).Select(p => p.Code).SingleAsync(ct);
        var payments = await PaymentRuns.PaymentRunState.PaymentsAsync(db, [line], ct);
        return new ContestationDto(c.Id, memoir.Id, memoir.Reference, providerCode, line.LineNumber, c.Code, c.Text, c.Status, c.SubmittedAt,
            c.DecidedAt, c.DecisionNote, c.PayableBefore, c.PayableAfter, line.ToDto(reference, caller.Language, c, payments));
    }
}
