using System.Globalization;
using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Admin;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Infrastructure;
using CnsExchange.Infrastructure.Sandbox;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CnsExchange.IntegrationTests.Sandboxes;

/// <summary>
/// Two API processes on one database agree on a sandbox's clock: it is the database's, read by every unit of work, and
/// moved by one statement that cannot go back, whatever a process saw before.
/// </summary>
public sealed class TwoHostClockTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _realTime = new(ApiFactory.Start);
    private Host? _a, _b;
    private string _database = "";

    private sealed class Host(string connectionString, TimeProvider realTime) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:Cns", connectionString);
            builder.UseSetting("CnsExchange:RunBackgroundJobs", "false");
            builder.ConfigureTestServices(services => services.AddKeyedSingleton(DependencyInjection.InnerClockKey, realTime));
        }

        public HttpClient As(string key)
        {
            var client = CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            return client;
        }
    }

    public async Task InitializeAsync()
    {
        var database = _database = await TestDatabase.CreateAsync("cnsx_2host");
        // Built on the thread pool: starting a host blocks its thread, and xUnit's own threads are few (one per core).
        _a = new Host(database, _realTime);
        await Task.Run(() => _a.Services); // the first migrates and seeds
        _b = new Host(database, _realTime);
        await Task.Run(() => _b.Services);
    }

    public async Task DisposeAsync()
    {
        if (_a is not null) await _a.DisposeAsync();
        if (_b is not null) await _b.DisposeAsync();
    }

    [Fact]
    public async Task A_move_through_one_host_is_seen_by_the_other_at_once_and_a_stale_backwards_move_is_refused()
    {
        var sandbox = await SandboxApi.CreateAsync(_a!.As(ApiTest.Operator), mode: "frozen");
        var adminA = _a.As(sandbox.Key("admin"));
        var adminB = _b!.As(sandbox.Key("admin"));
        Assert.Equal(ApiFactory.Start, (await ClockAsync(adminB)).Now);

        await (await adminA.PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 5 })).ExpectAsync(HttpStatusCode.OK);
        var seenByB = await ClockAsync(adminB);
        Assert.Equal(ApiFactory.Start.AddDays(5), seenByB.Now);

        // B last saw day 0; a move to day 2 is behind the stored clock and refused, through either host.
        await (await adminB.PutJsonAsync("/api/v1/admin/clock", new { now = ApiFactory.Start.AddDays(2) })).ExpectProblemAsync(HttpStatusCode.Conflict, "clock_backwards");
        Assert.Equal(ApiFactory.Start.AddDays(5), (await ClockAsync(adminA)).Now);
    }

    [Fact]
    public async Task Both_hosts_keep_a_key_in_memory_and_refuse_it_on_their_next_request_after_it_is_revoked()
    {
        var sandbox = await SandboxApi.CreateAsync(_a!.As(ApiTest.Operator), mode: "frozen", seed: "empty");
        var key = sandbox.Key("admin");
        foreach (var host in new[] { _a, _b! })
        {
            await (await host.As(key).GetAsync("/api/v1/admin/clock")).ExpectAsync(HttpStatusCode.OK);
            await (await host.As(key).GetAsync("/api/v1/admin/clock")).ExpectAsync(HttpStatusCode.OK);
            Assert.True(host.Services.GetRequiredService<SandboxDirectory>().KeptCount > 0); // answered from memory from now on
        }

        // Revoked in the database by neither host (there is no endpoint for it): the trigger's notification reaches both.
        await using (var owner = new NpgsqlConnection(_database))
        {
            await owner.OpenAsync();
            await using var revoke = new NpgsqlCommand("UPDATE cns.api_keys SET revoked_at = now() WHERE key_hash = $1", owner);
            revoke.Parameters.Add(new NpgsqlParameter { Value = ApiKeys.Hash(key) });
            Assert.Equal(1, await revoke.ExecuteNonQueryAsync());
        }

        await (await _b!.As(key).GetAsync("/api/v1/admin/clock")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await _a.As(key).GetAsync("/api/v1/admin/clock")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_clock_move_through_one_host_decides_the_next_validation_on_the_other()
    {
        var sandbox = await SandboxApi.CreateAsync(_a!.As(ApiTest.Operator), mode: "frozen");
        var physioOnB = _b!.As(sandbox.Key("physio-1"));
        var before = await physioOnB.DecideAsync(Validation.ValidationTestSupport.Rx());
        await (await _a.As(sandbox.Key("admin")).PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 2 })).ExpectAsync(HttpStatusCode.OK);

        var after = await physioOnB.DecideAsync(Validation.ValidationTestSupport.Rx(Validation.ValidationTestSupport.Minor));
        Assert.Equal(before.ReceivedAt.AddDays(2), after.ReceivedAt);
    }

    [Fact]
    public async Task Concurrent_moves_through_two_hosts_never_leave_the_clock_behind_the_furthest_accepted_move()
    {
        var sandbox = await SandboxApi.CreateAsync(_a!.As(ApiTest.Operator), mode: "frozen", seed: "empty");
        var clients = new[] { _a.As(sandbox.Key("admin")), _b!.As(sandbox.Key("admin")) };
        var targets = Enumerable.Range(1, 20).Select(i => ApiFactory.Start.AddHours((i * 7) % 20 + 1)).ToList();
        var answers = await Task.WhenAll(targets.Select((t, i) => clients[i % 2].PutJsonAsync("/api/v1/admin/clock", new { now = t })));

        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)a.StatusCode}"));
        var accepted = targets.Where((_, i) => answers[i].StatusCode == HttpStatusCode.OK).ToList();
        Assert.Contains(targets.Max(), accepted); // the furthest move is never behind anything
        foreach (var client in clients)
            Assert.Equal(targets.Max(), (await ClockAsync(client)).Now);
    }

    [Fact]
    public async Task Frozen_clocks_give_identical_timestamps_on_two_runs_of_the_same_scenario()
    {
        async Task<string[]> RunAsync()
        {
            var sandbox = await SandboxApi.CreateAsync(_a!.As(ApiTest.Operator), mode: "frozen");
            _realTime.Advance(TimeSpan.FromMinutes(17)); // real time moves between and during runs
            var decision = await _b!.As(sandbox.Key("physio-1")).DecideAsync(Validation.ValidationTestSupport.Rx());
            await (await _a.As(sandbox.Key("admin")).PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 3 })).ExpectAsync(HttpStatusCode.OK);
            _realTime.Advance(TimeSpan.FromMinutes(5));
            var view = await (await _a.As(sandbox.Key("physio-1")).GetAsync($"/api/v1/validation-requests/{decision.Id}")).ExpectAsync<ValidationRequestDto>(HttpStatusCode.OK);
            var clock = await ClockAsync(_b.As(sandbox.Key("admin")));
            // Round-trip strings: identical to the tick and the offset, as the wire's were compared before.
            return [view.ReceivedAt.ToString("O", CultureInfo.InvariantCulture), view.Voucher?.ValidUntil.ToString("O", CultureInfo.InvariantCulture) ?? "",
                clock.Now.ToString("O", CultureInfo.InvariantCulture)];
        }

        Assert.Equal(await RunAsync(), await RunAsync());
    }

    private static async Task<ClockDto> ClockAsync(HttpClient admin) =>
        await (await admin.GetAsync("/api/v1/admin/clock")).ExpectAsync<ClockDto>(HttpStatusCode.OK);
}
