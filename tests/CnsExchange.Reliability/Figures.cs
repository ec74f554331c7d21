namespace CnsExchange.Reliability;

/// <summary>The figures a scenario reports, printed one per line as `name: value`.</summary>
public sealed class Figures
{
    private readonly List<(string Name, string Value, bool MustBeZero, bool Failed)> _items = [];

    /// <summary>A count that must be zero (lost, double paid, 5xx, leaks...).</summary>
    public void Zero(string name, long value) => _items.Add((name, value.ToString(System.Globalization.CultureInfo.InvariantCulture), true, value != 0));

    /// <summary>A figure with a bound (e.g. recovery seconds ≤ 5).</summary>
    public void AtMost(string name, double value, double max) =>
        _items.Add((name, value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), false, value > max));

    /// <summary>A figure that must reach a minimum (e.g. kills survived ≥ 10).</summary>
    public void AtLeast(string name, long value, long min) =>
        _items.Add((name, value.ToString(System.Globalization.CultureInfo.InvariantCulture), false, value < min));

    public void Info(string name, object value) => _items.Add((name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "", false, false));

    public bool AnyFailed => _items.Any(i => i.Failed);

    /// <summary>The printed value of a figure and whether it is out of bounds (tests read the figures back).</summary>
    public (string Value, bool Failed) this[string name] =>
        _items.Where(i => i.Name == name).Select(i => (i.Value, i.Failed)).DefaultIfEmpty(("(not printed)", true)).Single();

    public void Print(TextWriter writer)
    {
        foreach (var (name, value, _, failed) in _items) writer.WriteLine($"{name}: {value}{(failed ? "   <-- FAILED" : "")}");
    }
}
