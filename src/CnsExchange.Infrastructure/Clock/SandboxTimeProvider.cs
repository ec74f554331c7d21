using CnsExchange.Domain.Calendar;

namespace CnsExchange.Infrastructure.Clock;

/// <summary>
/// The application clock: the clock of the current unit of work's sandbox (<see cref="SandboxScope"/>) over an inner
/// real-time clock (system time, or a fake one in tests). Outside any sandbox (start-up, operator work) it is real time.
/// </summary>
public sealed class SandboxTimeProvider(TimeProvider inner) : TimeProvider
{
    public TimeProvider Inner { get; } = inner;

    public override DateTimeOffset GetUtcNow() => SandboxScope.Current?.Clock.Now(Inner) ?? Inner.GetUtcNow().ToUniversalTime();

    public override TimeZoneInfo LocalTimeZone => LuxembourgCalendar.TimeZone;

    public override long GetTimestamp() => Inner.GetTimestamp();

    public override long TimestampFrequency => Inner.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Inner.CreateTimer(callback, state, dueTime, period);
}
