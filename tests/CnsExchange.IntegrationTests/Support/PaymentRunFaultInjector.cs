using CnsExchange.Application.Features.PaymentRuns;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>Thrown where a test interrupts a payment run: the step's transaction rolls back as a crash would leave it.</summary>
public sealed class SimulatedCrashException(string point) : Exception($"Simulated crash at {point}.")
{
    public string Point { get; } = point;
}

/// <summary>
/// The tests' <see cref="IPaymentRunFaults"/>: does nothing until armed, then throws once at the n-th time the run
/// passes the armed point. Disarmed by every reset.
/// </summary>
public sealed class PaymentRunFaultInjector : IPaymentRunFaults
{
    private readonly object _gate = new();
    private string? _point;
    private int _remaining;
    private readonly List<string> _passed = [];

    /// <summary>Every point a run passed since the last reset, in order.</summary>
    public IReadOnlyList<string> Passed { get { lock (_gate) return _passed.ToList(); } }

    public void Arm(string point, int occurrence = 1)
    {
        lock (_gate)
        {
            _point = point;
            _remaining = occurrence;
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
            _passed.Clear();
        }
    }

    public void At(string point, Guid runId)
    {
        lock (_gate)
        {
            _passed.Add(point);
            if (_point != point || --_remaining > 0) return;
            _point = null;
            Fired = true;
        }
        throw new SimulatedCrashException(point);
    }
}
