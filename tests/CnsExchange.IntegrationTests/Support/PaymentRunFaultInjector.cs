using CnsExchange.Application.Features.PaymentRuns;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>Thrown where a test interrupts a payment run: the step's transaction rolls back as a crash would leave it.</summary>
public sealed class SimulatedCrashException(string point) : Exception($"Simulated crash at {point}.")
{
    public string Point { get; } = point;
}

/// <summary>
/// The tests' <see cref="IPaymentRunFaults"/>: does nothing until armed, then throws once at the n-th time the run
/// passes the armed point. Armed with <see cref="ArmHere"/>, only the test's own async flow (the command it sends) counts
/// and fires: a Hangfire job passing the point meanwhile neither fires it nor uses up an occurrence. Disarmed by every reset.
/// </summary>
public sealed class PaymentRunFaultInjector : IPaymentRunFaults
{
    private readonly object _gate = new();
    private string? _point;
    private int _remaining;
    private object? _flow;
    private readonly AsyncLocal<object?> _currentFlow = new();
    private readonly List<string> _passed = [];

    /// <summary>Every point a run passed since the last reset, in order.</summary>
    public IReadOnlyList<string> Passed { get { lock (_gate) return _passed.ToList(); } }

    /// <summary>Arms the point for whichever flow passes it (e.g. a Hangfire job).</summary>
    public void Arm(string point, int occurrence = 1)
    {
        lock (_gate)
        {
            _point = point;
            _remaining = occurrence;
            _flow = null;
        }
    }

    /// <summary>
    /// Arms the point for the calling async flow only. A synchronous method: the flow marker it sets stays in the
    /// caller's execution context and flows into what the caller awaits next.
    /// </summary>
    public void ArmHere(string point, int occurrence = 1)
    {
        var flow = new object();
        _currentFlow.Value = flow;
        lock (_gate)
        {
            _point = point;
            _remaining = occurrence;
            _flow = flow;
        }
    }

    public bool Fired { get; private set; }

    public void Reset()
    {
        lock (_gate)
        {
            _point = null;
            _remaining = 0;
            Fired = false;
            _flow = null;
            _passed.Clear();
        }
    }

    public void At(string point, Guid runId)
    {
        lock (_gate)
        {
            _passed.Add(point);
            if (_point != point || (_flow is not null && !ReferenceEquals(_flow, _currentFlow.Value)) || --_remaining > 0) return;
            _point = null;
            Fired = true;
        }
        throw new SimulatedCrashException(point);
    }
}
