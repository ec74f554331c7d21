using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>Simulate, then confirm (as CNS's immediate-payment service for doctors: simulation → validation).</summary>
public sealed class SimulationTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_simulation_consumes_nothing_and_its_confirmation_adjudicates_again()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var simulation = await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs/simulations",
            Memoir("SIM-1", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-12", claimed: 40m)))).ExpectAsync<FeeMemoirSimulationDto>(HttpStatusCode.OK);
        var simulationId = simulation.SimulationId;
        Assert.Equal(LineOutcome.Accepted, LineOf(simulation, 1).Outcome);
        Assert.Equal(LineOutcome.Reduced, LineOf(simulation, 2).Outcome);
        Assert.Equal(2 * 25.76m, simulation.Totals!.CnsAmount);

        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        Assert.Empty((await MemoirsAsync(Client(Physio1))).Items);

        var confirmed = await SubmitAsync(Client(Physio1), new { simulationId });
        Assert.Equal("SIM-1", confirmed.MemoirReference);
        Assert.Equal(simulationId, confirmed.SimulationId);
        Assert.Equal(LineOutcome.Accepted, LineOf(confirmed, 1).Outcome);
        Assert.Equal(LineOutcome.Reduced, LineOf(confirmed, 2).Outcome);
        Assert.False(confirmed.ComparedToSimulation!.Changed);
        Assert.Empty(confirmed.ComparedToSimulation!.ChangedLines);
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));

        var again = await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", new { simulationId });
        await again.ExpectProblemAsync(HttpStatusCode.Conflict, "simulation_already_confirmed");
    }

    [Fact]
    public async Task The_confirmation_says_what_changed_since_the_simulation()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 1 });
        var simulation = await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs/simulations",
            Memoir("SIM-2", Line(voucher, "2026-11-10")))).ExpectAsync<FeeMemoirSimulationDto>(HttpStatusCode.OK);
        Assert.Equal(LineOutcome.Accepted, LineOf(simulation, 1).Outcome);

        // Meanwhile another memoir takes the voucher's only session.
        await SubmitAsync(Client(Physio1), Memoir("OTHER", Line(voucher, "2026-11-11")));

        var confirmed = await SubmitAsync(Client(Physio1), new { simulationId = simulation.SimulationId });
        Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(LineOf(confirmed, 1)));
        var comparison = confirmed.ComparedToSimulation!;
        Assert.True(comparison.Changed);
        var change = comparison.ChangedLines[0];
        Assert.Equal(1, change.LineNumber);
        Assert.Equal(LineOutcome.Accepted, change.SimulatedOutcome);
        Assert.Equal(LineOutcome.Refused, change.Outcome);
        Assert.Equal(25.76m, change.SimulatedCnsAmount);
        Assert.Equal(0m, change.CnsAmount);
        Assert.Contains("SESSIONS_EXHAUSTED", change.ReasonsAdded);
        Assert.Contains("INSURED_SHARE", change.ReasonsRemoved);
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task A_simulation_belongs_to_its_provider_and_checks_the_memoir_reference()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        await SubmitAsync(Client(Physio1), Memoir("USED", Line(voucher, "2026-11-10")));
        var reused = await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs/simulations", Memoir("USED", Line(voucher, "2026-11-11")));
        await reused.ExpectProblemAsync(HttpStatusCode.Conflict, "memoir_reference_used");

        var simulation = await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs/simulations",
            Memoir("SIM-3", Line(voucher, "2026-11-11")))).ExpectAsync<FeeMemoirSimulationDto>(HttpStatusCode.OK);
        var foreign = await Client(Physio2).PostJsonAsync("/api/v1/fee-memoirs", new { simulationId = simulation.SimulationId });
        await foreign.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        var mixed = await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs",
            new { simulationId = simulation.SimulationId, memoirReference = "X", lines = Array.Empty<object>() });
        await mixed.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}
