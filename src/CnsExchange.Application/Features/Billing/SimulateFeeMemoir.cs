using CnsExchange.Application.Behaviors;

namespace CnsExchange.Application.Features.Billing;

/// <summary>
/// POST /fee-memoirs/simulations: the full adjudication of a memoir, run in a savepoint that is rolled back, so no
/// session is consumed and nothing counts. The simulation (lines sent, results) is kept to be confirmed.
/// </summary>
public sealed record SimulateFeeMemoir(Guid ProviderId, FeeMemoirRequest Memoir, string? IdempotencyKey) : ICommand<FeeMemoirSimulationDto>, IIdempotentCommand, IRetryableOnDeadlock
{
    public string IdempotencyScope => $"{ProviderId}:fee-memoir-simulations";
    public string RequestFingerprint => Fingerprint.Of(Memoir);
}

public sealed class SimulateFeeMemoirValidator : AbstractValidator<SimulateFeeMemoir>
{
    public SimulateFeeMemoirValidator()
    {
        RuleFor(x => x.Memoir).ValidMemoir();
        RuleFor(x => x.Memoir.SimulationId).Null().WithMessage("A simulation cannot confirm another one.").When(x => x.Memoir is not null);
    }
}

public sealed class SimulateFeeMemoirHandler(IAppDbContext db, IBillingLedger ledger, IReferenceData reference, TimeProvider clock, ICurrentCaller caller)
    : ICommandHandler<SimulateFeeMemoir, FeeMemoirSimulationDto>
{
    private const string Savepoint = "fee_memoir_simulation";

    public async ValueTask<FeeMemoirSimulationDto> Handle(SimulateFeeMemoir command, CancellationToken ct)
    {
        var lines = command.Memoir.Lines!;
        var memoirReference = command.Memoir.MemoirReference!;
        return await db.InTransactionAsync(async () =>
        {
            var now = clock.GetUtcNow();
            var tx = db.Database.CurrentTransaction!;
            await tx.CreateSavepointAsync(Savepoint, ct);
            FeeMemoir memoir;
            try
            {
                var adjudicator = new FeeMemoirAdjudicator(db, ledger, reference.Catalog, clock);
                memoir = await adjudicator.AdjudicateAsync(new MemoirToAdjudicate(command.ProviderId, memoirReference, FeeMemoirSource.Api, now,
                    lines.Select(l => l.ToInput()).ToList()), ct);
            }
            finally
            {
                await tx.RollbackToSavepointAsync(Savepoint, ct);
            }

            var simulation = new FeeMemoirSimulation
            {
                Id = Guid.CreateVersion7(),
                ProviderId = command.ProviderId,
                MemoirReference = memoirReference,
                RequestJson = JsonSerializer.Serialize(lines, JsonDefaults.Options),
                ResultJson = JsonSerializer.Serialize(memoir.Lines.Select(SimulatedLine.From).ToList(), JsonDefaults.Options),
                CreatedAt = now,
            };
            db.Set<FeeMemoirSimulation>().Add(simulation);
            await db.SaveChangesAsync(ct);
            return new FeeMemoirSimulationDto(simulation.Id, memoirReference, now, MemoirTotalsDto.From(memoir),
                memoir.Lines.Select(l => l.ToDto(reference, caller.Language)).ToList(),
                $"Nothing was consumed. To send this memoir, POST /api/v1/fee-memoirs with {{\"simulationId\": \"{simulation.Id}\"}}.");
        }, ct);
    }
}
