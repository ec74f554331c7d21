using CnsExchange.Domain.Reference;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CnsExchange.Application.Common;

/// <summary>The database as the use cases see it. Implemented by the EF Core context in Infrastructure.</summary>
public interface IAppDbContext
{
    DbSet<Provider> Providers { get; }
    DbSet<ApiKey> ApiKeys { get; }
    DbSet<Doctor> Doctors { get; }
    DbSet<Insured> Insured { get; }
    DbSet<IdempotencyRecord> IdempotencyRecords { get; }
    DbSet<Voucher> Vouchers { get; }
    /// <summary>Next value of a database sequence (voucher numbers and the like).</summary>
    Task<long> NextSequenceValueAsync(string sequence, CancellationToken ct);
    /// <summary>
    /// The highest event position of the current sandbox below which nothing more can commit (<c>cns.event_horizon</c>):
    /// a reader that reads positions up to it, after it, never misses an event that commits later with a smaller one.
    /// </summary>
    Task<long> CommittedEventHorizonAsync(CancellationToken ct);
    DatabaseFacade Database { get; }
    DbSet<T> Set<T>() where T : class;
    /// <summary>The row of <typeparamref name="T"/> with this key, tracked and locked (FOR UPDATE) until the transaction ends; null when there is none.</summary>
    Task<T?> LockForUpdateAsync<T>(Guid id, CancellationToken ct) where T : class;
    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);
    void ClearChangeTracker();
    /// <summary>The entity of <typeparamref name="T"/> with this key if this unit of work tracks it (no query, no change detection); else null.</summary>
    T? FindTracked<T>(Guid id) where T : class;
}

/// <summary>Who is calling: set by API-key authentication for HTTP, by the job for background work.</summary>
public interface ICurrentCaller
{
    Guid? KeyId { get; }
    CallerRole? Role { get; }
    Guid? ProviderId { get; }
    /// <summary>Kind and code of the calling provider (null for staff and jobs); a provider never changes them.</summary>
    ProviderKind? ProviderKind { get; }
    string? ProviderCode { get; }
    /// <summary>fr, de or en (from Accept-Language; default en).</summary>
    string Language { get; }
    string Actor { get; }
}

public static class CurrentCallerExtensions
{
    public static Guid RequireProvider(this ICurrentCaller caller) =>
        caller.ProviderId ?? throw new ForbiddenException("This operation is for providers.");

    public static bool IsStaff(this ICurrentCaller caller) => caller.Role is CallerRole.Reviewer or CallerRole.Admin;

    /// <summary>The insured channel's key, which owns what it submits (claims, INS-01 requests) and the events of them; null for other callers.</summary>
    public static Guid? InsuredChannelKey(this ICurrentCaller caller) => caller.Role == CallerRole.InsuredChannel ? caller.KeyId : null;
}

/// <summary>The reference data in force (versioned data files).</summary>
public interface IReferenceData
{
    ReferenceCatalog Catalog { get; }
}

public sealed record ClockState(DateTimeOffset Now, DateTimeOffset SystemNow, TimeSpan Offset, DateOnly LocalDate, ClockMode Mode)
{
    /// <summary>Set when the advance's due work outlasted the wait budget: it goes on, and this is its status.</summary>
    public ClockAdvanceDto? Pending { get; init; }
}

/// <summary>The clock of the caller's sandbox, stored in its row: moved forward only, by one atomic statement.</summary>
public interface ISandboxClock
{
    ClockState Read();
    Task<ClockState> SetAsync(DateTimeOffset target, CancellationToken ct);
    /// <summary>
    /// Moves the clock forward by <paramref name="by"/> from where it stands when the move takes the sandbox's row: two
    /// advances sent at once move it twice, one after the other (a relative move is not a retry of another).
    /// </summary>
    Task<ClockState> AdvanceAsync(TimeSpan by, CancellationToken ct);
    /// <summary>Reads the stored clock again into the current unit of work.</summary>
    Task RefreshAsync(CancellationToken ct);
}

/// <summary>Opens units of work in a sandbox outside a request (jobs, seeding): its setting and its clock.</summary>
public interface ISandboxUnits
{
    /// <summary>
    /// The sandbox's stored clock, to enter it with (<see cref="SandboxScope.Enter"/>, in the caller: an async local set
    /// inside an awaited method does not flow back out); null when it does not exist (any more) or is being deleted.
    /// </summary>
    Task<SandboxClockSetting?> ClockAsync(Guid sandboxId, CancellationToken ct);

    /// <summary>The sandboxes whose own work (due payment runs, recovery) a background pass must visit.</summary>
    Task<IReadOnlyList<Guid>> ActiveAsync(CancellationToken ct);
}

/// <summary>
/// Reacts when the sandbox clock moves forward (e.g. runs the jobs that fell due in between). An advance stops at every
/// instant a listener names in <see cref="DueInstantsAsync"/>: at each stop every listener does the work due since the
/// previous stop, under a clock standing at that stop, so the work (and the events it records) comes in time order and
/// carries its own instant, as if the clock had moved there step by step.
/// </summary>
public interface IClockAdvanceListener
{
    /// <summary>The instants after <paramref name="from"/> and up to <paramref name="to"/> at which this listener has work due.</summary>
    Task<IReadOnlyCollection<DateTimeOffset>> DueInstantsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    Task OnClockAdvancedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
}

/// <summary>
/// The due work of one clock advance: <c>running</c>, <c>done</c> or <c>failed</c>, between the two instants of the
/// sandbox clock; <see cref="FinishedAt"/> on real time.
/// </summary>
public sealed record ClockAdvanceDto(Guid Id, string Status, DateTimeOffset From, DateTimeOffset To, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Error);

/// <summary>The stored status of clock advances of the current sandbox (any process answers a poll).</summary>
public interface IClockAdvances
{
    Task<ClockAdvanceDto?> FindAsync(Guid id, CancellationToken ct);
}

/// <summary>Stored answer of a POST made with an Idempotency-Key.</summary>
public sealed class IdempotencyRecord
{
    public Guid Id { get; set; }
    public required string Scope { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public string? ResponseJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Marks a request or response type with an example that Swagger UI shows and "Try it out" sends as is.</summary>
public interface IHasOpenApiExample
{
    static abstract object Example { get; }
}

/// <summary>An example that depends on today's sandbox date (e.g. a prescription dated a few days ago).</summary>
public interface IHasDatedOpenApiExample
{
    static abstract object ExampleOn(DateOnly today);
}

/// <summary>Several named examples of one body (e.g. one per kind of claim), each dated by the sandbox's today.</summary>
public interface IHasNamedOpenApiExamples
{
    static abstract IReadOnlyDictionary<string, object> ExamplesOn(DateOnly today);
}
