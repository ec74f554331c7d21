namespace CnsExchange.Bench;

/// <summary>What every scenario needs: the API under test (a separate process), its database, and run settings.</summary>
public sealed record BenchContext(Uri ApiUri, int ApiPid, string ConnectionString, int BaselinePort, TimeSpan Duration, DateOnly Today, string WorkDir);
