using CnsExchange.Domain.Calendar;
using CnsExchange.Infrastructure.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace CnsExchange.Infrastructure.Clock;

/// <summary>
/// The clock of the unit of work's sandbox. It lives in the sandbox's row, read at the start of each unit of work, so
/// every process sees a move at once; a move is one UPDATE that cannot go back, whatever a stale process believes.
/// </summary>
public sealed class SandboxClock(SandboxTimeProvider time, SandboxDirectory directory, ClockAdvanceStore store,
    ClockAdvanceRunner runner, ClockAdvanceOptions options) : ISandboxClock
{
    // The old values come from a locked select: a concurrent move waits, then reads the value the other one wrote. The
    // target is an instant ($2) or a step from the clock as it then stands ($5): two advances sent at once move it twice.
    // The advance's row is written by the same statement, so a move never exists without the record of its due work (a
    // crash right after the move leaves a running advance for the sweep) and a repeated move can find the first one.
    private const string MoveSql = """
        WITH old AS (
            SELECT id, clock_mode, clock_offset,
                   CASE WHEN clock_mode = 'frozen' THEN clock_frozen_at ELSE $3 + clock_offset END AS from_instant
            FROM cns.sandboxes WHERE id = $1 AND deleting_at IS NULL FOR UPDATE),
        target AS (
            SELECT old.*, COALESCE($2, old.from_instant + $5) AS to_instant FROM old),
        moved AS (
            UPDATE cns.sandboxes s
            SET clock_frozen_at = CASE WHEN t.clock_mode = 'frozen' THEN t.to_instant END,
                clock_offset = CASE WHEN t.clock_mode = 'frozen' THEN t.clock_offset ELSE t.to_instant - $3 END
            FROM target t
            WHERE s.id = t.id AND t.to_instant >= t.from_instant
            RETURNING s.clock_mode, s.clock_frozen_at, s.clock_offset, t.from_instant, t.to_instant),
        noted AS (
            INSERT INTO cns.clock_advances (id, status, from_instant, to_instant, started_at)
            SELECT $4, 'running', from_instant, to_instant, $3 FROM moved)
        SELECT clock_mode, clock_frozen_at, clock_offset, from_instant, to_instant FROM moved
        """;

    private static SandboxScope Scope => SandboxScope.Current ?? throw new ForbiddenException("The clock belongs to a sandbox: use a key of that sandbox.");

    public ClockState Read() => State(Scope.Clock);

    private ClockState State(SandboxClockSetting clock)
    {
        var real = time.Inner.GetUtcNow().ToUniversalTime();
        var now = clock.Now(time.Inner);
        return new ClockState(now, real, now - real, LuxembourgCalendar.LocalDate(now), clock.Mode);
    }

    public Task<ClockState> SetAsync(DateTimeOffset target, CancellationToken ct) => MoveAsync(target.ToUniversalTime(), null, ct);

    public Task<ClockState> AdvanceAsync(TimeSpan by, CancellationToken ct) =>
        by < TimeSpan.Zero ? throw new ArgumentOutOfRangeException(nameof(by)) : MoveAsync(null, by, ct);

    private async Task<ClockState> MoveAsync(DateTimeOffset? to, TimeSpan? by, CancellationToken ct)
    {
        var scope = Scope;
        var real = time.Inner.GetUtcNow().ToUniversalTime();
        var target = to ?? DateTimeOffset.MinValue;
        var (id, lockConnection) = await runner.LockNewAsync();
        NpgsqlConnection? held = lockConnection; // released here unless handed to the advance's work
        try
        {
            SandboxClockSetting? moved = null;
            var from = DateTimeOffset.MinValue;
            await using (var connection = await store.OpenAsync(ct))
            await using (var cmd = new NpgsqlCommand(MoveSql, connection))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = scope.Id });
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)to ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
                cmd.Parameters.Add(new NpgsqlParameter { Value = real });
                cmd.Parameters.Add(new NpgsqlParameter { Value = id });
                cmd.Parameters.Add(new NpgsqlParameter { Value = by ?? TimeSpan.Zero, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Interval });
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    moved = SandboxDirectory.ReadClock(reader, 0);
                    from = reader.GetFieldValue<DateTimeOffset>(3);
                    target = reader.GetFieldValue<DateTimeOffset>(4);
                }
            }
            if (moved is null) return await RepeatedAsync(scope, target, ct);
            scope.Clock = moved;

            // The work that fell due in between runs now, in this sandbox only, in order; the answer waits for it at most the
            // budget, then says 202 with the advance's status while it goes on (not cancelled with the request).
            var advance = new ClockAdvanceDto(id, "running", from.ToUniversalTime(), target, real, null, null);
            var work = runner.Start(scope.Id, moved, advance, held);
            held = null; // the work releases it
            var finished = await Task.WhenAny(work, Task.Delay(options.Wait, time.Inner, ct)) == work;
            return State(moved) with { Pending = finished ? null : advance };
        }
        finally
        {
            if (held is not null) await held.DisposeAsync();
        }
    }

    /// <summary>
    /// A move the clock has already passed: when an earlier move went to this very instant, it is the same request sent
    /// again (a client's or a proxy's retry after a lost answer) and is answered with the clock as it now is, and the
    /// first move's advance while its work still runs; otherwise the clock would go back.
    /// </summary>
    private async Task<ClockState> RepeatedAsync(SandboxScope scope, DateTimeOffset target, CancellationToken ct)
    {
        var current = await directory.ReadClockAsync(scope.Id, ct) ?? throw new NotFoundException("sandbox");
        if (await store.LatestToAsync(target, ct) is not { } first)
            throw new ConflictException("clock_backwards", "The sandbox clock only moves forward: payments, vouchers and due dates already issued would contradict an earlier time.");
        scope.Clock = current;
        return State(current) with { Pending = first.Status == "running" ? first : null };
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        var scope = Scope;
        scope.Clock = await directory.ReadClockAsync(scope.Id, ct) ?? throw new NotFoundException("sandbox");
    }
}
