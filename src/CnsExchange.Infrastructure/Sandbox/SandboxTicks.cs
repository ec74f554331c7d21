using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Sandbox;

/// <summary>The body of a recurring tick: the same work in each sandbox whose clock runs (a frozen one works when advanced).</summary>
internal static class SandboxTicks
{
    /// <summary>Runs <paramref name="work"/> in each running sandbox, in a DI scope (a context) of its own; one sandbox's failure does not hold the others back.</summary>
    public static async Task InRunningSandboxesAsync(ISandboxUnits sandboxes, IServiceScopeFactory scopes, ILogger logger, string what,
        Func<IMediator, CancellationToken, Task> work, CancellationToken ct)
    {
        foreach (var sandboxId in await sandboxes.ActiveAsync(ct))
        {
            if (await sandboxes.ClockAsync(sandboxId, ct) is not { Mode: ClockMode.Running } clock) continue;
            using var sandbox = SandboxScope.Enter(sandboxId, clock);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await work(scope.ServiceProvider.GetRequiredService<IMediator>(), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Its next tick resumes it.
                logger.LogError(e, "{Tick} failed in sandbox {SandboxId}", what, sandboxId);
            }
        }
    }
}
