using CnsExchange.Infrastructure.Sandbox;

namespace CnsExchange.Infrastructure.Tests;

/// <summary>
/// The waiting callers of DirectoryChanges.SyncAsync (every authentication answered from memory waits on one). Found by
/// scripts/reliability.sh db-restart: requests sent as PostgreSQL stopped never got an answer.
/// </summary>
public sealed class SyncRoundTripsTests
{
    [Fact]
    public void Nobody_waits_while_not_listening()
    {
        var trips = new SyncRoundTrips();
        Assert.Null(trips.Join());
        trips.Listening();
        trips.Lost(trips.Take());
        Assert.Null(trips.Join());
    }

    [Fact]
    public async Task Callers_who_join_before_a_round_trip_share_its_answer_and_later_callers_wait_for_the_next()
    {
        var trips = new SyncRoundTrips();
        trips.Listening();
        var first = trips.Join()!;
        var second = trips.Join()!;
        var trip = trips.Take()!;
        var later = trips.Join()!;

        trip.TrySetResult(true);
        Assert.True(await first);
        Assert.True(await second);
        Assert.False(later.IsCompleted);

        trips.Take()!.TrySetResult(true);
        Assert.True(await later);
        Assert.Null(trips.Take());
    }

    [Fact]
    public async Task When_the_connection_is_lost_during_a_round_trip_the_callers_who_joined_since_are_answered_too()
    {
        var trips = new SyncRoundTrips();
        trips.Listening();
        var inFlight = trips.Join()!;
        var trip = trips.Take()!;
        var joinedDuringTheTrip = trips.Join()!;

        trips.Lost(trip);

        Assert.True(inFlight.IsCompleted && joinedDuringTheTrip.IsCompleted);
        Assert.False(await inFlight);
        Assert.False(await joinedDuringTheTrip);
    }

    [Fact]
    public async Task When_the_connection_is_lost_between_round_trips_the_waiting_callers_are_answered()
    {
        var trips = new SyncRoundTrips();
        trips.Listening();
        var waiting = trips.Join()!;

        trips.Lost(taken: null);

        Assert.False(await waiting);
    }

    [Fact]
    public async Task A_round_trip_that_does_not_answer_within_the_patience_answers_false_and_one_that_did_answers_its_answer()
    {
        var silent = new TaskCompletionSource<bool>();
        Assert.False(await SyncRoundTrips.Within(silent.Task, TimeSpan.FromMilliseconds(50)));
        Assert.True(await SyncRoundTrips.Within(Task.FromResult(true), TimeSpan.Zero));
    }
}
