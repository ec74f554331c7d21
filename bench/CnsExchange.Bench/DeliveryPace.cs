using Npgsql;

namespace CnsExchange.Bench;

/// <summary>
/// How the webhook dispatcher spent a window of real time on one endpoint, read back from the delivery rows it wrote: how many
/// events it delivered, in how many transactions, the pace of its sends inside a transaction (one HTTP round trip each, as
/// the sender timed it, plus building and signing the next message), and the time it spent outside sending (reading the
/// events, recording the attempts, committing, waiting to be woken, taking the next turn). The measured reason the P7
/// latency is what it is: a dispatcher slower than the events arrive keeps a backlog, and every event waits behind it.
/// </summary>
public sealed record DeliveryPace(long Deliveries, long Transactions, double WindowSeconds, double SendingSeconds, double MsBetweenSends, double HttpMs)
{
    public double PerSecond => Deliveries / WindowSeconds;

    /// <summary>Time outside sending per transaction (ms): the database work, the wake-up and the turn of the endpoint.</summary>
    public double MsOutsidePerTransaction => Transactions == 0 ? double.NaN : (WindowSeconds - SendingSeconds) * 1000 / Transactions;

    /// <summary>A query over one endpoint's delivery rows in [from, to): $1 endpoint, $2 from, $3 to, then <paramref name="more"/>.</summary>
    private static async Task<NpgsqlDataReader> QueryAsync(string connectionString, string sql, Guid endpointId, DateTimeOffset from, DateTimeOffset to,
        params object[] more)
    {
        var conn = new NpgsqlConnection(connectionString);
        try
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, conn);
            foreach (var value in new object[] { endpointId, from, to }.Concat(more)) cmd.Parameters.Add(new NpgsqlParameter { Value = value });
            return await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.CloseConnection); // the connection closes with the reader
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public static async Task<DeliveryPace> ReadAsync(string connectionString, Guid endpointId, DateTimeOffset from, DateTimeOffset to)
    {
        // The attempts of one dispatcher transaction share its xmin; inside it they are sent one after the other, so the time
        // from its first attempt to the end of its last is its sending.
        await using var reader = await QueryAsync(connectionString, """
            WITH d AS (
              SELECT xmin::text AS tx, attempted_at, duration_ms FROM cns.webhook_deliveries
              WHERE endpoint_id = $1 AND attempted_at >= $2 AND attempted_at < $3),
            t AS (
              SELECT tx, count(*) AS n,
                     extract(epoch FROM max(attempted_at) - min(attempted_at)) AS between_sends,
                     (array_agg(duration_ms ORDER BY attempted_at DESC))[1] / 1000.0 AS last_send
              FROM d GROUP BY tx)
            SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM t),
                   coalesce((SELECT sum(between_sends + last_send) FROM t), 0)::float8,
                   coalesce((SELECT sum(between_sends) * 1000 / nullif(sum(n - 1), 0) FROM t), 0)::float8,
                   coalesce((SELECT avg(duration_ms) FROM d), 0)::float8
            """, endpointId, from, to);
        await reader.ReadAsync();
        return new DeliveryPace(reader.GetInt64(0), reader.GetInt64(1), (to - from).TotalSeconds, reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4));
    }

    /// <summary>
    /// Where a send's round trip went, from both ends' real-time clocks (one machine): from the sender starting the attempt to
    /// the receiver holding the request, the receiver's handling, and from its answer to the sender's end of the attempt
    /// (the sender's duration is in whole ms, so the last leg reads up to 1 ms short). Each leg is mostly waiting for a thread:
    /// on a busy machine a continuation queues behind the other work of its process.
    /// </summary>
    public static async Task<string> LegsAsync(string connectionString, Guid endpointId, DateTimeOffset from, DateTimeOffset to,
        IReadOnlyDictionary<Guid, (DateTimeOffset Got, DateTimeOffset Answered)> receipts)
    {
        await using var reader = await QueryAsync(connectionString, """
            SELECT event_id, attempted_at, duration_ms FROM cns.webhook_deliveries
            WHERE endpoint_id = $1 AND attempted_at >= $2 AND attempted_at < $3 AND status = 'Succeeded'
            """, endpointId, from, to);
        var (n, toReceiver, handling, back) = (0, 0.0, 0.0, 0.0);
        while (await reader.ReadAsync())
        {
            if (!receipts.TryGetValue(reader.GetGuid(0), out var r)) continue;
            var at = reader.GetFieldValue<DateTimeOffset>(1);
            n++;
            toReceiver += (r.Got - at).TotalMilliseconds;
            handling += (r.Answered - r.Got).TotalMilliseconds;
            back += (at.AddMilliseconds(reader.GetInt32(2)) - r.Answered).TotalMilliseconds;
        }
        return n == 0 ? "no delivery matched" :
            $"sender → receiver {F(toReceiver / n)} ms, receiver's handling {F(handling / n)} ms, receiver's answer → sender {F(back / n)} ms (mean of {n})";
    }

    /// <summary>Deliveries, transactions and how late they were, per slot of the window: where the dispatcher fell behind and caught up.</summary>
    public static async Task<string> TimelineAsync(string connectionString, Guid endpointId, DateTimeOffset from, DateTimeOffset to, TimeSpan slot, TimeSpan sandboxOffset)
    {
        await using var reader = await QueryAsync(connectionString, """
            SELECT floor(extract(epoch FROM d.attempted_at - $2) / $4)::int AS slot, count(*), count(DISTINCT d.xmin::text),
                   round(avg(extract(epoch FROM d.attempted_at - (e.occurred_at - $5)) * 1000)::numeric, 0)::float8
            FROM cns.webhook_deliveries d JOIN cns.events e ON e.id = d.event_id
            WHERE d.endpoint_id = $1 AND d.attempted_at >= $2 AND d.attempted_at < $3
            GROUP BY 1 ORDER BY 1
            """, endpointId, from, to, slot.TotalSeconds, sandboxOffset); // $5: occurred_at is on the sandbox's clock
        var parts = new List<string>();
        while (await reader.ReadAsync())
            parts.Add($"{F(reader.GetInt32(0) * slot.TotalSeconds, "0")} s: {reader.GetInt64(1)} in {reader.GetInt64(2)} tx, {F(reader.GetDouble(3), "0")} ms");
        return string.Join("; ", parts);
    }

    public string Describe() =>
        $"{F(PerSecond)} deliveries/s ({Deliveries} in {Transactions} transactions over {F(WindowSeconds)} s); inside a transaction one send every " +
        $"{F(MsBetweenSends)} ms (HTTP round trip {F(HttpMs)} ms as the sender timed it, whole ms); outside sending {F(WindowSeconds - SendingSeconds)} s, " +
        $"{F(MsOutsidePerTransaction)} ms per transaction";

    /// <summary>Why events wait: the pace against the offered rate, and the backlog the window started with.</summary>
    public string Why(double offeredPerSecond, long backlogAtStart, CpuUse? cpu)
    {
        var pace = $"the dispatcher delivered {Describe()}";
        var keepsUp = PerSecond >= offeredPerSecond
            ? $"; {backlogAtStart} events of the warm-up were still to deliver when the phase began, so the phase's first events waited behind them " +
              $"(it gained {F(PerSecond - offeredPerSecond)}/s on the {F(offeredPerSecond, "0")}/s arriving)"
            : $": slower than the {F(offeredPerSecond, "0")}/s arriving, so the queue grew all phase long ({backlogAtStart} warm-up events still to deliver at its start)";
        var cores = cpu is null ? "" : $"; {F(cpu.CoresBusy)} of {cpu.Cores} cores busy (API {F(cpu.Api / cpu.Wall.TotalSeconds)}, PostgreSQL " +
                                       $"{F(cpu.Postgres / cpu.Wall.TotalSeconds)}, bench {F(cpu.Bench / cpu.Wall.TotalSeconds)})";
        return pace + keepsUp + cores;
    }

    private static string F(double v, string format = "0.##") => Report.F(v, format);
}
