using CnsExchange.Application.Common;
using CnsExchange.Domain.Calendar;
using CnsExchange.Infrastructure.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CnsExchange.Infrastructure.Clock;

/// <summary>
/// The clock of the unit of work's sandbox. It lives in the sandbox's row, read at the start of each unit of work, so
/// every process sees a move at once; a move is one UPDATE that cannot go back, whatever a stale process believes.
/// </summary>
public sealed class SandboxClock(SandboxTimeProvider time, SandboxDirectory directory, NpgsqlDataSource source,
    ClockAdvanceRunner runner, ClockAdvanceOptions options) : ISandboxClock
{
    // The old values come from a locked sub-select: a concurrent move waits, then compares with the value it wrote.
    private const string MoveSql = """
        UPDATE cns.sandboxes s
        SET clock_frozen_at = CASE WHEN old.clock_mode = 'frozen' THEN $2 END,
            clock_offset = CASE WHEN old.clock_mode = 'frozen' THEN old.clock_offset ELSE $2 - $3 END
        FROM (SELECT id, clock_mode, clock_frozen_at, clock_offset FROM cns.sandboxes WHERE id = $1 AND deleting_at IS NULL FOR UPDATE) old
        WHERE s.id = old.id
          AND $2 >= CASE WHEN old.clock_mode = 'frozen' THEN old.clock_frozen_at ELSE $3 + old.clock_offset END
        RETURNING old.clock_mode, old.clock_frozen_at, old.clock_offset, s.clock_mode, s.clock_frozen_at, s.clock_offset
        """;

    private static SandboxScope Scope => SandboxScope.Current ?? throw new ForbiddenException("The clock belongs to a sandbox: use a key of that sandbox.");

    public ClockState Read() => State(Scope.Clock);

    private ClockState State(SandboxClockSetting clock)
    {
        var real = time.Inner.GetUtcNow().ToUniversalTime();
        var now = clock.Now(time.Inner);
        return new ClockState(now, real, now - real, LuxembourgCalendar.LocalDate(now), clock.Mode);
    }

    public async Task<ClockState> SetAsync(DateTimeOffset target, CancellationToken ct)
    {
        var scope = Scope;
        var real = time.Inner.GetUtcNow().ToUniversalTime();
        SandboxClockSetting? from = null, to = null;
        await using (var cmd = source.CreateCommand(MoveSql))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = scope.Id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = target.ToUniversalTime() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = real });
            // Disposed once, here: Npgsql hands the same reader object to the connection's next command, so a second
            // dispose after the connection went back to the pool closed another request's reader (both then hung).
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                from = SandboxDirectory.ReadClock(reader, 0);
                to = SandboxDirectory.ReadClock(reader, 3);
            }
        }
        if (from is null || to is null)
        {
            if (await directory.ReadClockAsync(scope.Id, ct) is null) throw new NotFoundException("sandbox");
            throw new ConflictException("clock_backwards", "The sandbox clock only moves forward: payments, vouchers and due dates already issued would contradict an earlier time.");
        }
        scope.Clock = to;

        // The work that fell due in between runs now, in this sandbox only, in order; the answer waits for it at most the
        // budget, then says 202 with the advance's status while it goes on (not cancelled with the request).
        var (advance, work) = await runner.StartAsync(scope.Id, to, from.Now(real), to.Now(real), ct);
        var finished = await Task.WhenAny(work, Task.Delay(options.Wait, time.Inner, ct)) == work;
        return State(to) with { Pending = finished ? null : advance };
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        var scope = Scope;
        scope.Clock = await directory.ReadClockAsync(scope.Id, ct) ?? throw new NotFoundException("sandbox");
    }
}
