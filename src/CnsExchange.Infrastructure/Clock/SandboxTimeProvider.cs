using CnsExchange.Domain.Calendar;

namespace CnsExchange.Infrastructure.Clock;

/// <summary>
/// The application clock: an inner clock (system time, or a fake one in tests) plus the sandbox offset that
/// integrators move through <c>/admin/clock</c>. Every rule and job reads time from here.
/// </summary>
public sealed class SandboxTimeProvider(TimeProvider inner) : TimeProvider
{
    private long _offsetTicks;

    public TimeProvider Inner { get; } = inner;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    internal void SetOffset(TimeSpan offset) => Interlocked.Exchange(ref _offsetTicks, offset.Ticks);

    public override DateTimeOffset GetUtcNow() => (Inner.GetUtcNow() + Offset).ToUniversalTime();

    public override TimeZoneInfo LocalTimeZone => LuxembourgCalendar.TimeZone;

    public override long GetTimestamp() => Inner.GetTimestamp();

    public override long TimestampFrequency => Inner.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Inner.CreateTimer(callback, state, dueTime, period);
}
