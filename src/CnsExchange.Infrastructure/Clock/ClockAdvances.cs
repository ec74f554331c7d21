using CnsExchange.Application.Common;
using CnsExchange.Infrastructure.Persistence;
using Npgsql;

namespace CnsExchange.Infrastructure.Clock;

/// <summary>How long PUT /admin/clock waits for the due work before answering 202 (CnsExchange:Sandboxes:AdvanceWaitSeconds).</summary>
public sealed class ClockAdvanceOptions(TimeSpan wait)
{
    /// <summary>Settable: the test suite runs one host and tries a zero budget on it.</summary>
    public TimeSpan Wait { get; set; } = wait;
}

/// <summary>
/// cns.clock_advances through raw SQL, each statement under the current sandbox's setting (row-level security): the
/// status of an advance's due work, readable by any process.
/// </summary>
public sealed class ClockAdvanceStore(NpgsqlDataSource source) : IClockAdvances
{
    public async Task<ClockAdvanceDto?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT id, status, from_instant, to_instant, started_at, finished_at, error FROM cns.clock_advances WHERE id = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new ClockAdvanceDto(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6));
    }

    public async Task<ClockAdvanceDto> StartAsync(DateTimeOffset from, DateTimeOffset to, DateTimeOffset startedAt, CancellationToken ct)
    {
        var advance = new ClockAdvanceDto(Guid.NewGuid(), "running", from.ToUniversalTime(), to.ToUniversalTime(), startedAt.ToUniversalTime(), null, null);
        await ExecuteAsync("INSERT INTO cns.clock_advances (id, status, from_instant, to_instant, started_at) VALUES ($1, 'running', $2, $3, $4)", ct,
            advance.Id, advance.From, advance.To, advance.StartedAt);
        return advance;
    }

    public Task FinishAsync(Guid id, DateTimeOffset finishedAt, string? error, CancellationToken ct) =>
        ExecuteAsync("UPDATE cns.clock_advances SET status = $2, finished_at = $3, error = $4 WHERE id = $1 AND status = 'running'", ct,
            id, error is null ? "done" : "failed", finishedAt.ToUniversalTime(), (object?)error ?? DBNull.Value);

    private async Task ExecuteAsync(string sql, CancellationToken ct, params object[] values)
    {
        await using var connection = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var value in values) cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = await source.OpenConnectionAsync(ct);
        await SandboxConnectionInterceptor.ApplyAsync(connection, ct);
        return connection;
    }
}
