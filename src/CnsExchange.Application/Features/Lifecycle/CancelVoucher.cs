using CnsExchange.Application.Behaviors;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Events;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Reimbursement;

namespace CnsExchange.Application.Features.Lifecycle;

/// <summary>Why a voucher, memoir or paid line is cancelled, voided or reversed (kept with it, shown back).</summary>
public sealed record CancellationRequest([MultiLineText] string? Reason) : IHasOpenApiExample
{
    public static object Example => new CancellationRequest("The patient never came: the prescription was handed to another practice.");
}

/// <summary>
/// POST /vouchers/{number}/cancellation (LIF-01): by its provider while no session on it is accepted, by a reviewer at any
/// time. Cancelling a cancelled voucher answers the voucher as it is (idempotent).
/// </summary>
/// <param name="ProviderId">The calling provider; null for CNS staff (who may cancel any voucher).</param>
public sealed record CancelVoucher(Guid? ProviderId, string Number, CancellationRequest Body, string? IdempotencyKey)
    : ICommand<VoucherDto>, IIdempotentCommand, IRetryableOnDeadlock
{
    public string IdempotencyScope => $"{ProviderId?.ToString() ?? "staff"}:voucher-cancellations";
    public string RequestFingerprint => Fingerprint.Of(new { Number, Body });
}

public sealed class CancellationRequestValidator : AbstractValidator<CancellationRequest>
{
    public CancellationRequestValidator()
    {
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(2000).OverridePropertyName("reason")
            .WithMessage("reason: why (1 to 2000 characters).");
    }
}

public sealed class CancelVoucherValidator : AbstractValidator<CancelVoucher>
{
    public CancelVoucherValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body").SetValidator(new CancellationRequestValidator());
    }
}

public sealed class CancelVoucherHandler(IAppDbContext db, IBillingLedger ledger, IReferenceData reference, TimeProvider clock, ICurrentCaller caller,
    IEvents events)
    : ICommandHandler<CancelVoucher, VoucherDto>
{
    public async ValueTask<VoucherDto> Handle(CancelVoucher command, CancellationToken ct)
    {
        if (!VoucherNumber.HasShape(command.Number))
            throw new BadInputException("number", "A voucher number looks like K26-0001000-5 (kind, year, sequence, check digit).");
        return await db.InTransactionAsync(async () =>
        {
            var found = await db.Vouchers.AsNoTracking().SingleOrDefaultAsync(v => v.Number == command.Number, ct);
            if (found is null || (command.ProviderId is { } provider && found.ProviderId != provider)) throw new NotFoundException("Voucher");
            // The voucher's services are locked as adjudication locks them: a line is decided before or after the cancellation, never beside it.
            await ledger.LockServicesAsync(found.Services.Select(s => s.Id).ToList(), ct);
            var voucher = await db.Vouchers.SingleAsync(v => v.Id == found.Id, ct);
            if (voucher.CancelledAt is null)
            {
                // Accepted sessions of either route (INS-04): memoir lines, and sessions reimbursed to the insured on this voucher.
                var paid = await db.Set<FeeMemoirLine>().Where(l => l.VoucherId == voucher.Id).Where(PaidLines.Line).CountAsync(ct)
                           + await db.Set<ReimbursementClaimLine>().Where(ReimbursementClaimLine.PaidLine).CountAsync(c => c.VoucherId == voucher.Id, ct);
                if (VoucherCancellation.WhyNotCancellable(paid, byReviewer: command.ProviderId is null) is { } why)
                    throw new ConflictException(why.Code, why.Message);
                voucher.CancelledAt = clock.GetUtcNow();
                voucher.CancellationReason = command.Body.Reason!.Trim();
                voucher.CancelledBy = caller.Actor;
                events.Record(EventTypes.VoucherCancelled, new EventResource(voucher.Id, $"/api/v1/vouchers/{voucher.Number}"),
                    new VoucherCancelledData(voucher.Number, voucher.CancelledAt.Value, voucher.CancellationReason, voucher.CancelledBy), voucher.ProviderId);
                await db.SaveChangesAsync(ct);
            }
            return await VoucherViews.MapAsync(db, reference, voucher, ct);
        }, ct);
    }
}
