using System.Globalization;
using CnsExchange.Application.Behaviors;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Application.Features.Rehabilitation;

/// <summary>An extension of at most 30 days, asked on or before the last authorised day (REH-03).</summary>
public sealed record ExtensionInput(int? Days) : IHasOpenApiExample
{
    public static object Example => new ExtensionInput(30);
}

/// <summary>The extension decided (granted or refused with reasons) and the authorisation after it.</summary>
public sealed record RehabilitationExtensionDecisionDto(RehabilitationExtensionDto Extension, RehabilitationAuthorisationDto Authorisation);

/// <summary>
/// Ask for an extension of an agreed geriatric stationary authorisation (REH-03: at most two, of at most 30 days each,
/// asked in advance). A granted extension moves the authorised end and the voucher's validUntil, and adds its days.
/// </summary>
public sealed record RequestRehabilitationExtension(Guid ProviderId, Guid Id, ExtensionInput? Body, string? IdempotencyKey)
    : ICommand<RehabilitationExtensionDecisionDto>, IIdempotentCommand
{
    public string IdempotencyScope => $"{ProviderId:N}:rehabilitation-authorisations/{Id:N}/extensions";

    public string RequestFingerprint => (Body?.Days ?? 0).ToString(CultureInfo.InvariantCulture);
}

public sealed class RequestRehabilitationExtensionValidator : AbstractValidator<RequestRehabilitationExtension>
{
    public RequestRehabilitationExtensionValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body").WithMessage("A JSON body with 'days' is required.");
        RuleFor(x => x.Body!.Days).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("days is required.")
            .InclusiveBetween(1, SubmitRehabilitationAuthorisationValidator.MaxDays).WithMessage($"days must be between 1 and {SubmitRehabilitationAuthorisationValidator.MaxDays}.")
            .When(x => x.Body is not null).OverridePropertyName("days");
    }
}

public sealed class RequestRehabilitationExtensionHandler(IAppDbContext db, ICareRequestLocks locks, IReferenceData reference, TimeProvider clock, ICurrentCaller caller,
    RequestPipeline pipeline) : ICommandHandler<RequestRehabilitationExtension, RehabilitationExtensionDecisionDto>
{
    public async ValueTask<RehabilitationExtensionDecisionDto> Handle(RequestRehabilitationExtension command, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = LuxembourgCalendar.LocalDate(now);
        var days = command.Body!.Days!.Value;
        return await db.InTransactionAsync(async () =>
        {
            // Extensions of one authorisation are decided one after the other: the count of earlier ones holds.
            await locks.LockRequestAsync(command.Id, ct);
            var request = (RehabilitationAuthorisation)await pipeline.LoadForChangeAsync(command.Id, RequestKind.RehabilitationAuthorisation, ownOnly: true, ct);
            if (request.Status != RequestStatus.Agreed || request.Terms is not { } terms || request.VoucherId is not { } voucherId)
                throw new ConflictException("authorisation_not_agreed", $"The request is {RequestViews.StatusCode(request.Status)}: only an agreed authorisation can be extended.");

            var decision = request switch
            {
                { Service: RehabService.Geriatric, Setting: CareSetting.Stationary } => GeriatricStationaryRehab.DecideExtension(
                    new GeriatricAuthorisationState(terms.From, terms.To, terms.ExtensionsGranted), new RehabExtensionRequest(today, days), reference.Catalog),
                { Service: RehabService.Geriatric } => GeriatricAmbulatoryRehab.DecideExtension(),
                _ => throw new UnprocessableException("extension_not_available",
                    $"{request.KindCode} is not extended: only geriatric stationary rehabilitation has extensions (REH-03); ask for a new authorisation."),
            };

            var granted = decision.Outcome == RehabOutcome.Granted;
            var sequence = await db.Set<RehabilitationExtension>().CountAsync(e => e.AuthorisationId == request.Id, ct) + 1;
            var extension = new RehabilitationExtension
            {
                Id = Guid.CreateVersion7(now), AuthorisationId = request.Id, Sequence = sequence, RequestedAt = now, RequestedOn = today,
                RequestedBy = caller.Actor, Days = days, Granted = granted, PreviousTo = terms.To, NewTo = granted ? decision.Terms!.To : terms.To,
                Reasons = decision.Reasons.ToList(),
            };
            if (granted)
            {
                request.Terms = decision.Terms;
                var voucher = await db.Vouchers.SingleAsync(v => v.Id == voucherId, ct);
                voucher.ValidUntil = extension.NewTo;
                voucher.Services.Single().SessionsGranted += days;
                request.Record("extension_granted", caller.Actor, now, $"+{days} days, to {extension.NewTo:yyyy-MM-dd}", decision.Reasons);
            }
            else request.Record("extension_refused", caller.Actor, now, $"{days} days", decision.Reasons);
            db.Set<RehabilitationExtension>().Add(extension);
            await pipeline.SaveChangeAsync(ct);

            return new RehabilitationExtensionDecisionDto(RehabilitationViews.Map(extension, reference, caller.Language),
                await RehabilitationViews.MapAsync(db, reference, caller.Language, now, request, ct));
        }, ct);
    }
}
