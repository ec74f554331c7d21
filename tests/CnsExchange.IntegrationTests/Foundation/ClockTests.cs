using System.Net;
using CnsExchange.Application.Features.Admin;
using CnsExchange.IntegrationTests.Sandboxes;
using CnsExchange.IntegrationTests.Support;
using Npgsql;

namespace CnsExchange.IntegrationTests.Foundation;

public sealed class ClockTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Clock_reads_the_application_time()
    {
        var body = await (await Client(Admin).GetAsync("/api/v1/admin/clock")).ExpectAsync<ClockDto>(HttpStatusCode.OK);
        Assert.Equal(ApiFactory.Start, body.Now);
        Assert.Equal(new DateOnly(2026, 11, 23), body.LocalDate);
    }

    [Fact]
    public async Task Advancing_moves_every_reader_and_is_persisted()
    {
        var body = await (await Client(Admin).PutJsonAsync("/api/v1/admin/clock", new { advanceDays = 10 })).ExpectAsync<ClockDto>(HttpStatusCode.OK);
        Assert.Equal(new DateOnly(2026, 12, 3), body.LocalDate);
        Assert.Equal(ApiFactory.Start.AddDays(10), Api.SandboxNow());

        // Every unit of work reads the sandbox's stored clock.
        Assert.Equal(ApiFactory.Start.AddDays(10), await Api.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<TimeProvider>().GetUtcNow())));
    }

    [Fact]
    public async Task Setting_an_absolute_time_works_and_the_clock_never_goes_back()
    {
        var target = ApiFactory.Start.AddMonths(2);
        var body = await (await Client(Admin).PutJsonAsync("/api/v1/admin/clock", new { now = target })).ExpectAsync<ClockDto>(HttpStatusCode.OK);
        Assert.Equal(target, body.Now);
        var back = await Client(Admin).PutJsonAsync("/api/v1/admin/clock", new { now = ApiFactory.Start });
        await back.ExpectProblemAsync(HttpStatusCode.Conflict, "clock_backwards");
    }

    [Fact]
    public async Task The_same_absolute_move_sent_again_after_the_clock_ran_past_it_is_answered_as_done_not_refused()
    {
        // A retry (by the client, or by a proxy after a lost answer) reaches the API when the running clock has already
        // passed the target its first try set: the move happened once, so the answer is the clock as it now is.
        var target = ApiFactory.Start.AddDays(3);
        await (await Client(Admin).PutJsonAsync("/api/v1/admin/clock", new { now = target })).ExpectAsync(HttpStatusCode.OK);
        Api.Clock.Advance(TimeSpan.FromMinutes(10));

        var again = await (await Client(Admin).PutJsonAsync("/api/v1/admin/clock", new { now = target })).ExpectAsync<ClockDto>(HttpStatusCode.OK);
        Assert.Equal(target.AddMinutes(10), again.Now);
        await using (var owner = new NpgsqlConnection(Api.ConnectionString))
        {
            await owner.OpenAsync();
            Assert.Equal(1, await SandboxApi.CountAsync(owner, "SELECT count(*) FROM cns.clock_advances WHERE to_instant = $1", target.UtcDateTime));
        }

        // An instant no move went to is still a move back.
        await (await Client(Admin).PutJsonAsync("/api/v1/admin/clock", new { now = target.AddMinutes(5) })).ExpectProblemAsync(HttpStatusCode.Conflict, "clock_backwards");
    }

    [Fact]
    public async Task Both_or_neither_of_now_and_advance_is_400()
    {
        var response = await Client(Admin).PutJsonAsync("/api/v1/admin/clock", new { });
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}

public sealed class ClockResetTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Each_test_starts_at_the_same_instant_even_after_another_moved_the_fake_clock()
    {
        Api.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(ApiFactory.Start.AddDays(3), Api.SandboxNow());
        await Api.ResetAsync();
        Assert.Equal(ApiFactory.Start, Api.SandboxNow());
    }
}
