using System.Net;
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
            Memoir("SIM-1", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-12", claimed: 40m)))).ExpectAsync(HttpStatusCode.OK);
        var simulationId = simulation["simulationId"]!.GetValue<string>();
        Assert.Equal("accepted", Outcome(LineOf(simulation, 1)));
        Assert.Equal("reduced", Outcome(LineOf(simulation, 2)));
        Assert.Equal(2 * 25.76m, simulation["totals"]!["cnsAmount"]!.GetValue<decimal>());

        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        var list = await (await Client(Physio1).GetAsync("/api/v1/fee-memoirs")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(list["items"]!.AsArray());

        var confirmed = await SubmitAsync(Client(Physio1), new { simulationId });
        Assert.Equal("SIM-1", confirmed["memoirReference"]!.GetValue<string>());
        Assert.Equal(simulationId, confirmed["simulationId"]!.GetValue<string>());
        Assert.Equal("accepted", Outcome(LineOf(confirmed, 1)));
        Assert.Equal("reduced", Outcome(LineOf(confirmed, 2)));
        Assert.False(confirmed["comparedToSimulation"]!["changed"]!.GetValue<bool>());
        Assert.Empty(confirmed["comparedToSimulation"]!["changedLines"]!.AsArray());
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));

        var again = await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", new { simulationId });
        await again.ExpectProblemAsync(HttpStatusCode.Conflict, "simulation_already_confirmed");
    }

    [Fact]
    public async Task The_confirmation_says_what_changed_since_the_simulation()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 1 });
        var simulation = await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs/simulations",
            Memoir("SIM-2", Line(voucher, "2026-11-10")))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("accepted", Outcome(LineOf(simulation, 1)));

        // Meanwhile another memoir takes the voucher's only session.
        await SubmitAsync(Client(Physio1), Memoir("OTHER", Line(voucher, "2026-11-11")));

        var confirmed = await SubmitAsync(Client(Physio1), new { simulationId = simulation["simulationId"]!.GetValue<string>() });
        Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(LineOf(confirmed, 1)));
        var comparison = confirmed["comparedToSimulation"]!;
        Assert.True(comparison["changed"]!.GetValue<bool>());
        var change = comparison["changedLines"]![0]!;
        Assert.Equal(1, change["lineNumber"]!.GetValue<int>());
        Assert.Equal("accepted", change["simulatedOutcome"]!.GetValue<string>());
        Assert.Equal("refused", change["outcome"]!.GetValue<string>());
        Assert.Equal(25.76m, change["simulatedCnsAmount"]!.GetValue<decimal>());
        Assert.Equal(0m, change["cnsAmount"]!.GetValue<decimal>());
        Assert.Contains("SESSIONS_EXHAUSTED", change["reasonsAdded"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Contains("INSURED_SHARE", change["reasonsRemoved"]!.AsArray().Select(c => c!.GetValue<string>()));
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
            Memoir("SIM-3", Line(voucher, "2026-11-11")))).ExpectAsync(HttpStatusCode.OK);
        var foreign = await Client(Physio2).PostJsonAsync("/api/v1/fee-memoirs", new { simulationId = simulation["simulationId"]!.GetValue<string>() });
        await foreign.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        var mixed = await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs",
            new { simulationId = simulation["simulationId"]!.GetValue<string>(), memoirReference = "X", lines = Array.Empty<object>() });
        await mixed.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}
