using CnsExchange.Application.Behaviors;
using CnsExchange.Application.Features.Events;

namespace CnsExchange.Application.Features.Billing;

/// <summary>
/// POST /fee-memoirs: one memoir, adjudicated at once (BIL-01…BIL-13). With <c>simulationId</c>, confirms a
/// simulation: its lines are adjudicated again against the state of this moment and the answer says what changed.
/// </summary>
public sealed record SubmitFeeMemoir(Guid ProviderId, FeeMemoirRequest Memoir, string? IdempotencyKey) : ICommand<FeeMemoirDto>, IIdempotentCommand, IRetryableOnDeadlock
{
    public string IdempotencyScope => $"{ProviderId}:fee-memoirs";
    public string RequestFingerprint => Fingerprint.Of(Memoir);
}

public sealed class SubmitFeeMemoirValidator : AbstractValidator<SubmitFeeMemoir>
{
    public SubmitFeeMemoirValidator()
    {
        RuleFor(x => x.Memoir).ValidMemoir().When(x => x.Memoir?.SimulationId is null);
        RuleFor(x => x.Memoir).Must(m => m.MemoirReference is null && m.Lines is null).OverridePropertyName("simulationId")
            .WithMessage("To confirm a simulation, send only simulationId: the simulated reference and lines are used.")
            .When(x => x.Memoir?.SimulationId is not null);
    }
}

public sealed class SubmitFeeMemoirHandler(IAppDbContext db, IBillingLedger ledger, IReferenceData reference, TimeProvider clock, ICurrentCaller caller, IEvents events)
    : ICommandHandler<SubmitFeeMemoir, FeeMemoirDto>
{
    public async ValueTask<FeeMemoirDto> Handle(SubmitFeeMemoir command, CancellationToken ct)
    {
        var providerCode = await db.Providers.Where(p => p.Id == command.ProviderId).Select(p => p.Code).SingleAsync(ct);
        return await db.InTransactionAsync(async () =>
        {
            var request = command.Memoir;
            FeeMemoirSimulation? simulation = null;
            string memoirReference;
            List<FeeMemoirLineRequest> lines;
            if (request.SimulationId is { } simulationId)
            {
                simulation = await db.LockForUpdateAsync<FeeMemoirSimulation>(simulationId, ct);
                if (simulation is null || simulation.ProviderId != command.ProviderId) throw new NotFoundException("Simulation");
                if (simulation.ConfirmedMemoirId is not null)
                    throw new ConflictException("simulation_already_confirmed", $"This simulation was already confirmed by memoir {simulation.ConfirmedMemoirId}.");
                memoirReference = simulation.MemoirReference;
                lines = JsonSerializer.Deserialize<List<FeeMemoirLineRequest>>(simulation.RequestJson, JsonDefaults.Options)!;
            }
            else
            {
                memoirReference = request.MemoirReference!;
                lines = request.Lines!;
            }

            // LIF-03: the memoir replaced is voided first, in this transaction: the new one is adjudicated with its sessions back.
            (FeeMemoir Memoir, List<FeeMemoirLine> Lines)? replaced = null;
            if (request.Replaces is { } replacesId)
            {
                var voider = new Lifecycle.MemoirVoider(db, ledger, clock, events);
                replaced = await voider.LockAsync(replacesId, command.ProviderId, ct);
                if (MemoirReplacement.WhyNotReplaceable(replaced.Value.Memoir, replaced.Value.Lines) is { } why) throw new ConflictException(why.Code, why.Message);
                await voider.VoidAsync(replaced.Value.Memoir, replaced.Value.Lines, ct, replaced: true);
            }

            var now = clock.GetUtcNow();
            var adjudicator = new FeeMemoirAdjudicator(db, ledger, reference.Catalog, clock);
            var memoir = await adjudicator.AdjudicateAsync(new MemoirToAdjudicate(command.ProviderId, memoirReference, FeeMemoirSource.Api, now,
                lines.Select(l => l.ToInput()).ToList())
            {
                SimulationId = simulation?.Id,
                SourceJson = JsonSerializer.Serialize(new FeeMemoirRequest(memoirReference, lines, simulation?.Id) { Replaces = request.Replaces }, JsonDefaults.Options),
                ReplacesMemoirId = request.Replaces,
            }, ct);
            if (replaced is { Memoir: var old })
            {
                old.ReplacedByMemoirId = memoir.Id;
                await db.SaveChangesAsync(ct);
            }

            events.Record(EventTypes.FeeMemoirAdjudicated, new EventResource(memoir.Id, $"/api/v1/fee-memoirs/{memoir.Id}"),
                new FeeMemoirData(memoir.Reference, Telemetry.Snake(memoir.Status), memoir.LineCount,
                    memoir.AcceptedCount, memoir.ReducedCount, memoir.RefusedCount, memoir.ClaimedTotal, memoir.CnsTotal), memoir.ProviderId);
            SimulationComparisonDto? comparison = null;
            if (simulation is not null)
            {
                simulation.ConfirmedMemoirId = memoir.Id;
                simulation.ConfirmedAt = now;
            }
            await db.SaveChangesAsync(ct);
            if (simulation is not null)
            {
                var simulated = JsonSerializer.Deserialize<List<SimulatedLine>>(simulation.ResultJson, JsonDefaults.Options)!;
                comparison = FeeMemoirMapping.Compare(simulation.Id, simulation.CreatedAt, simulated, memoir.Lines);
            }
            return memoir.ToDto(providerCode, reference, caller.Language, comparison: comparison);
        }, ct);
    }
}
