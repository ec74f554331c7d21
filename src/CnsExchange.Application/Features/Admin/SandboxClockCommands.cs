namespace CnsExchange.Application.Features.Admin;

/// <summary>The caller's sandbox clock: <c>frozen</c> (stands still until advanced) or <c>running</c> (real time + offset).</summary>
public sealed record ClockDto(DateTimeOffset Now, DateOnly LocalDate, string Offset, DateTimeOffset SystemNow, ClockMode Mode);

public sealed record GetSandboxClock : IQuery<ClockDto>;

/// <summary>Set the sandbox clock to <see cref="Now"/>, or advance it by days/hours. Jobs due in between run.</summary>
public sealed record SetSandboxClock(DateTimeOffset? Now, int? AdvanceDays, int? AdvanceHours) : ICommand<ClockSet>, IHasOpenApiExample
{
    public static object Example => new SetSandboxClock(null, 7, null);
}

/// <summary>The moved clock, and the status of its due work when that outlasted the wait budget (answered 202).</summary>
public sealed record ClockSet(ClockDto Clock, ClockAdvanceDto? Pending);

/// <summary>The status of a clock advance's due work (the Location of a 202 from PUT /admin/clock).</summary>
public sealed record GetClockAdvance(Guid Id) : IQuery<ClockAdvanceDto>;

public sealed class SetSandboxClockValidator : AbstractValidator<SetSandboxClock>
{
    public SetSandboxClockValidator()
    {
        RuleFor(x => x).Must(x => (x.Now is not null) ^ (x.AdvanceDays is not null || x.AdvanceHours is not null))
            .OverridePropertyName("now").WithMessage("Give either 'now' or 'advanceDays'/'advanceHours'.");
        RuleFor(x => x.AdvanceDays).InclusiveBetween(0, 3660);
        RuleFor(x => x.AdvanceHours).InclusiveBetween(0, 24 * 3660);
        RuleFor(x => x.Now).Must(n => n is null || (n.Value.Year >= 2000 && n.Value.Year <= 2100)).WithMessage("'now' must be between 2000 and 2100.");
    }
}

public sealed class SandboxClockHandlers(ISandboxClock clock, IClockAdvances advances) :
    IQueryHandler<GetSandboxClock, ClockDto>,
    IQueryHandler<GetClockAdvance, ClockAdvanceDto>,
    ICommandHandler<SetSandboxClock, ClockSet>
{
    private static ClockDto Map(ClockState s) => new(s.Now, s.LocalDate, System.Xml.XmlConvert.ToString(s.Offset), s.SystemNow, s.Mode);

    public ValueTask<ClockDto> Handle(GetSandboxClock query, CancellationToken ct) => ValueTask.FromResult(Map(clock.Read()));

    public async ValueTask<ClockSet> Handle(SetSandboxClock command, CancellationToken ct)
    {
        var moved = command.Now is { } target
            ? await clock.SetAsync(target, ct)
            : await clock.AdvanceAsync(TimeSpan.FromDays(command.AdvanceDays ?? 0) + TimeSpan.FromHours(command.AdvanceHours ?? 0), ct);
        return new ClockSet(Map(moved), moved.Pending);
    }

    public async ValueTask<ClockAdvanceDto> Handle(GetClockAdvance query, CancellationToken ct) =>
        await advances.FindAsync(query.Id, ct) ?? throw new NotFoundException("clock advance");
}
