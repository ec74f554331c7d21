using Xunit.Abstractions;

namespace CnsExchange.IntegrationTests.Reliability;

/// <summary>Reliability tests print `name: value` figures; scripts/reliability.sh collects them from RELIABILITY_FIGURES.</summary>
public static class ReliabilityFigures
{
    private static readonly Lock Gate = new();

    public static void Report(ITestOutputHelper output, params (string Name, long Value)[] figures)
    {
        var file = Environment.GetEnvironmentVariable("RELIABILITY_FIGURES");
        lock (Gate)
        {
            foreach (var (name, value) in figures)
            {
                output.WriteLine($"{name}: {value}");
                if (!string.IsNullOrEmpty(file)) File.AppendAllText(file, $"{name}: {value}\n");
            }
        }
    }
}
