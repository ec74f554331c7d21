using CnsExchange.Application.Behaviors;

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
    /// <summary>The operator's Idempotency-Key header (not part of the body).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? IdempotencyKey { get; init; }

    public static object Example => new CreateSandbox("ci-run-4711", new SandboxClockInput(ClockMode.Frozen, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero)), SandboxSeed.Standard);
}

public sealed record SandboxClockDto(ClockMode Mode, DateTimeOffset Now, DateOnly LocalDate);

public sealed record SandboxDto(Guid Id, string Name, SandboxClockDto Clock, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt,
    DateTimeOffset? DeletesAfter, long BytesUsed);

/// <summary>The new sandbox and its keys by role (physio-1, …, reviewer, admin): shown this once, stored hashed.</summary>
public sealed record SandboxCreated(Guid Id, string Name, SandboxClockDto Clock, DateTimeOffset? DeletesAfter, IReadOnlyDictionary<string, string> Keys);

/// <summary>Every sandbox, newest first, a page at a time.</summary>
public sealed record ListSandboxes(string? Cursor = null, int? Limit = null) : IQuery<Page<SandboxDto>>;

public sealed record GetSandbox(Guid Id) : IQuery<SandboxDto>;

public sealed record DeleteSandbox(Guid Id) : ICommand<Unit>;

/// <summary>An Idempotency-Key of a sandbox creation and the fingerprint of the request it came with.</summary>
public sealed record SandboxCreationKey(string Key, string RequestHash);

/// <summary>Creates, reads and deletes sandboxes: work on the sandboxes table and on a sandbox's rows as a whole.</summary>
public interface ISandboxProvisioner
{
    /// <summary>
    /// A frozen clock stands at <paramref name="now"/>; a running one starts there (default: real time now). With a
    /// <paramref name="key"/> used in the last 24 hours (real time) for the same request, nothing is created: 409
    /// <c>idempotent_replay_without_secret</c> names the sandbox (its keys were shown once); for another request, 422.
    /// </summary>
    Task<SandboxCreated> CreateAsync(string name, ClockMode mode, DateTimeOffset? now, SandboxSeed seed, SandboxCreationKey? key, CancellationToken ct);
    Task<Page<SandboxDto>> ListAsync(PageRequest page, CancellationToken ct);
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
        RuleFor(x => x.IdempotencyKey).Must(k => k is null || IdempotencyKeys.HasValidLength(k)).OverridePropertyName("Idempotency-Key")
            .WithMessage(IdempotencyKeys.LengthMessage);
    }
}

public sealed class SandboxHandlers(ISandboxProvisioner provisioner, ICurrentCaller caller) :
    ICommandHandler<CreateSandbox, SandboxCreated>,
    IQueryHandler<ListSandboxes, Page<SandboxDto>>,
    IQueryHandler<GetSandbox, SandboxDto>,
    ICommandHandler<DeleteSandbox, Unit>
{
    public async ValueTask<SandboxCreated> Handle(CreateSandbox command, CancellationToken ct) =>
        await provisioner.CreateAsync(command.Name, command.Clock?.Mode ?? ClockMode.Running, command.Clock?.Now, command.Seed ?? SandboxSeed.Standard,
            command.IdempotencyKey is { } key ? new SandboxCreationKey(key, Fingerprint.Of(command)) : null, ct);

    public async ValueTask<Page<SandboxDto>> Handle(ListSandboxes query, CancellationToken ct) =>
        await provisioner.ListAsync(PageRequest.Of(query.Cursor, query.Limit), ct);

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
