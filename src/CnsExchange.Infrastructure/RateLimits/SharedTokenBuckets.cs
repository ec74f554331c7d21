using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.RateLimits;

/// <summary>
/// Token buckets shared by every API process: the bucket is a row of an unlogged PostgreSQL table, refilled from the
/// database's clock by <c>cns.take_rate_tokens</c>. A process takes tokens in leases of 1 % of the bucket (at most 50)
/// and spends them locally, so the database is asked once per lease, not per request. What N processes can admit beyond
/// the limit is the tokens leased but not yet spent (N leases) plus those spent after their lease's second ended — at
/// most N × 1 % of the bucket; a lease unused for a second is dropped. When the database cannot be asked, requests are
/// admitted (they fail on their own queries, with 503, and a limiter must not turn an outage into 429s).
/// The buckets have a small pool of their own, without automatic preparation: the limiter's one statement, run on every
/// lease, neither waits behind the requests' connections nor takes a place in their prepared-statement cache.
/// </summary>
public sealed class SharedTokenBuckets(string connectionString, ILogger<SharedTokenBuckets> logger) : IAsyncDisposable
{
    private readonly NpgsqlDataSource source = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 0, MaxPoolSize = 16 }.ConnectionString);

    private static readonly long LeaseTicks = Stopwatch.Frequency; // one second
    private readonly ConcurrentDictionary<string, Lease> _leases = new(StringComparer.Ordinal);

    public readonly record struct Taken(bool Allowed, TimeSpan RetryAfter);

    /// <summary>Tokens taken from the database per lease for a bucket of <paramref name="limit"/>.</summary>
    public static int LeaseSize(int limit) => Math.Clamp(limit / 100, 1, 50);

    /// <summary>Database round trips so far (for the bench and the tests' cost figures).</summary>
    public long DatabaseCalls => Interlocked.Read(ref _databaseCalls);
    private long _databaseCalls;

    public async ValueTask<Taken> TryTakeAsync(string partition, int limit, int perSecond, CancellationToken ct)
    {
        if (_leases.Count > 100_000) _leases.Clear(); // a flood of client addresses does not grow this without bound
        var lease = _leases.GetOrAdd(partition, _ => new Lease());
        if (lease.TryTakeLocal(out var wait)) return new Taken(true, TimeSpan.Zero);
        if (wait is { } deniedFor) return new Taken(false, deniedFor);

        await lease.Gate.WaitAsync(ct);
        try
        {
            if (lease.TryTakeLocal(out wait)) return new Taken(true, TimeSpan.Zero);
            if (wait is { } stillDenied) return new Taken(false, stillDenied);
            var size = LeaseSize(limit);
            int granted;
            double retryAfterSeconds;
            try
            {
                (granted, retryAfterSeconds) = await TakeFromDatabaseAsync(partition, size, limit, Math.Max(1, perSecond), ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
            {
                logger.LogWarning("Rate limit bucket unavailable ({Message}); request admitted", e.Message);
                return new Taken(true, TimeSpan.Zero);
            }
            if (granted == 0)
            {
                // Nothing to lease until the bucket holds a lease's worth again: this process stops asking until then.
                var retryAfter = TimeSpan.FromSeconds(Math.Clamp(retryAfterSeconds, 0.001, 1));
                lease.Deny(retryAfter);
                return new Taken(false, retryAfter);
            }
            lease.Grant(granted - 1);
            return new Taken(true, TimeSpan.Zero);
        }
        finally
        {
            lease.Gate.Release();
        }
    }

    private async Task<(int Granted, double RetryAfterSeconds)> TakeFromDatabaseAsync(string partition, int want, int limit, int perSecond, CancellationToken ct)
    {
        Interlocked.Increment(ref _databaseCalls);
        await using var cmd = source.CreateCommand("SELECT granted, retry_after_seconds FROM cns.take_rate_tokens($1, $2, $3, $4)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = partition });
        cmd.Parameters.Add(new NpgsqlParameter { Value = want });
        cmd.Parameters.Add(new NpgsqlParameter { Value = limit });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (double)perSecond });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt32(0), reader.GetDouble(1));
    }

    private sealed class Lease
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        private int _tokens;
        private long _expiresAt;
        private long _deniedUntil;

        /// <summary>Spends a leased token; otherwise says how long this process knows the bucket is empty (null: ask the database).</summary>
        public bool TryTakeLocal(out TimeSpan? deniedFor)
        {
            lock (this)
            {
                var now = Stopwatch.GetTimestamp();
                deniedFor = null;
                if (_tokens > 0 && now < _expiresAt)
                {
                    _tokens--;
                    return true;
                }
                if (now < _deniedUntil) deniedFor = Stopwatch.GetElapsedTime(now, _deniedUntil);
                return false;
            }
        }

        public void Grant(int tokens)
        {
            lock (this) (_tokens, _expiresAt, _deniedUntil) = (tokens, Stopwatch.GetTimestamp() + LeaseTicks, 0);
        }

        public void Deny(TimeSpan retryAfter)
        {
            lock (this) (_tokens, _deniedUntil) = (0, Stopwatch.GetTimestamp() + (long)(retryAfter.TotalSeconds * Stopwatch.Frequency));
        }
    }

    public ValueTask DisposeAsync() => source.DisposeAsync();
}
