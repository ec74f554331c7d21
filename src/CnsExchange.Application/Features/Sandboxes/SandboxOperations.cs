namespace CnsExchange.Application.Features.Sandboxes;

public enum SandboxSeed
{
    /// <summary>The README's providers, doctors and scenario identities, and one key per role.</summary>
    Standard,
    /// <summary>Providers and one key per role only.</summary>
    Empty,
}

public sealed record SandboxClockInput(ClockMode Mode, DateTimeOffset? Now);

public sealed record CreateSandbox(string Name, SandboxClockInput? Clock, SandboxSeed? Seed) : ICommand<SandboxCreated>, IHasOpenApiExample
{
    public static object Example => new CreateSandbox("ci-run-4711", new SandboxClockInput(ClockMode.Frozen, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero)), SandboxSeed.Standard);
}

public sealed record SandboxClockDto(ClockMode Mode, DateTimeOffset Now, DateOnly LocalDate);

public sealed record SandboxDto(Guid Id, string Name, SandboxClockDto Clock, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt,
    DateTimeOffset? DeletesAfter, long BytesUsed);

/// <summary>The new sandbox and its keys by role (physio-1, …, reviewer, admin): shown this once, stored hashed.</summary>
public sealed record SandboxCreated(Guid Id, string Name, SandboxClockDto Clock, DateTimeOffset? DeletesAfter, IReadOnlyDictionary<string, string> Keys);

public sealed record ListSandboxes : IQuery<IReadOnlyList<SandboxDto>>;

public sealed record GetSandbox(Guid Id) : IQuery<SandboxDto>;

public sealed record DeleteSandbox(Guid Id) : ICommand<Unit>;

/// <summary>Creates, reads and deletes sandboxes: work on the sandboxes table and on a sandbox's rows as a whole.</summary>
public interface ISandboxProvisioner
{
    /// <summary>A frozen clock stands at <paramref name="now"/>; a running one starts there (default: real time now).</summary>
    Task<SandboxCreated> CreateAsync(string name, ClockMode mode, DateTimeOffset? now, SandboxSeed seed, CancellationToken ct);
    Task<IReadOnlyList<SandboxDto>> ListAsync(CancellationToken ct);
    Task<SandboxDto?> FindAsync(Guid id, CancellationToken ct);
    /// <summary>Revokes its keys at once (one short statement), then removes every row of it; false when there is none.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken ct);
}

public sealed class CreateSandboxValidator : AbstractValidator<CreateSandbox>
{
    public CreateSandboxValidator()
    {
        RuleFor(x => x.Name).NotEmpty().MaximumLength(100).Matches("^[A-Za-z0-9 ._:-]+$").OverridePropertyName("name")
            .WithMessage("A sandbox name has 1 to 100 letters, digits, spaces or . _ : -");
        RuleFor(x => x.Clock!.Now).Must(n => n is null || (n.Value.Year >= 2000 && n.Value.Year <= 2100)).When(x => x.Clock is not null)
            .OverridePropertyName("clock.now").WithMessage("'clock.now' must be between 2000 and 2100.");
    }
}

public sealed class SandboxHandlers(ISandboxProvisioner provisioner, ICurrentCaller caller) :
    ICommandHandler<CreateSandbox, SandboxCreated>,
    IQueryHandler<ListSandboxes, IReadOnlyList<SandboxDto>>,
    IQueryHandler<GetSandbox, SandboxDto>,
    ICommandHandler<DeleteSandbox, Unit>
{
    public async ValueTask<SandboxCreated> Handle(CreateSandbox command, CancellationToken ct) =>
        await provisioner.CreateAsync(command.Name, command.Clock?.Mode ?? ClockMode.Running, command.Clock?.Now, command.Seed ?? SandboxSeed.Standard, ct);

    public async ValueTask<IReadOnlyList<SandboxDto>> Handle(ListSandboxes query, CancellationToken ct) =>
        await provisioner.ListAsync(ct);

    public async ValueTask<SandboxDto> Handle(GetSandbox query, CancellationToken ct)
    {
        RequireOperatorOrOwnAdmin(query.Id);
        return await provisioner.FindAsync(query.Id, ct) ?? throw new NotFoundException("Sandbox");
    }

    public async ValueTask<Unit> Handle(DeleteSandbox command, CancellationToken ct)
    {
        RequireOperatorOrOwnAdmin(command.Id);
        if (command.Id == SandboxIds.Default) throw new ConflictException("default_sandbox", "The default sandbox (the README's keys) cannot be deleted.");
        if (!await provisioner.DeleteAsync(command.Id, ct)) throw new NotFoundException("Sandbox");
        return Unit.Value;
    }

    /// <summary>A sandbox's admin may read and delete its own sandbox; another sandbox is not found for it.</summary>
    private void RequireOperatorOrOwnAdmin(Guid id)
    {
        if (caller.Role == CallerRole.Operator) return;
        if (caller.Role == CallerRole.Admin && SandboxScope.Current?.Id == id) return;
        throw new NotFoundException("Sandbox");
    }
}
