using CnsExchange.Application.Common;
using CnsExchange.Domain.Calendar;
using CnsExchange.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CnsExchange.Infrastructure.Clock;

/// <summary>Persists the sandbox offset so that a restart, and the background jobs, see the same time.</summary>
public sealed class SandboxClock(SandboxTimeProvider time, IServiceScopeFactory scopes) : ISandboxClock
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ClockState Read()
    {
        var now = time.GetUtcNow();
        return new ClockState(now, time.Inner.GetUtcNow(), time.Offset, LuxembourgCalendar.LocalDate(now));
    }

    public async Task<ClockState> SetAsync(DateTimeOffset target, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        DateTimeOffset from;
        try
        {
            from = time.GetUtcNow();
            if (target < from)
                throw new ConflictException("clock_backwards", "The sandbox clock only moves forward: payments, vouchers and due dates already issued would contradict an earlier time.");
            var offset = target - time.Inner.GetUtcNow();
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var row = await db.SandboxClock.SingleOrDefaultAsync(r => r.Id == 1, ct);
                if (row is null) db.SandboxClock.Add(row = new SandboxClockRow { Id = 1 });
                row.OffsetTicks = offset.Ticks;
                row.UpdatedAt = target.ToUniversalTime();
                await db.SaveChangesAsync(ct);
            }
            time.SetOffset(offset);
        }
        finally
        {
            _gate.Release();
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            foreach (var listener in scope.ServiceProvider.GetServices<IClockAdvanceListener>())
                await listener.OnClockAdvancedAsync(from, target, ct);
        }
        return Read();
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var row = await db.SandboxClock.AsNoTracking().SingleOrDefaultAsync(r => r.Id == 1, ct);
        time.SetOffset(TimeSpan.FromTicks(row?.OffsetTicks ?? 0));
    }
}
