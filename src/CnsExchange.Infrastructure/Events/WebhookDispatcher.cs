using System.Threading.Channels;
using CnsExchange.Application.Features.Webhooks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NpgsqlTypes;

namespace CnsExchange.Infrastructure.Events;

/// <summary>
/// Delivers the outbox to webhook endpoints, in every process that runs background work. The events table is the queue
/// and each endpoint's <c>delivered_through</c> its cursor: an endpoint is drained by one worker at a time (each batch of
/// deliveries holds the endpoint's transaction-level advisory lock, tried without waiting, so other processes pass it by),
/// one event after the other in commit order, and the cursor moves in the transaction that records the attempts. A process
/// killed mid-batch rolls that transaction back (lock and all): another worker delivers the batch's events again (at least
/// once). The endpoint's row itself is locked only by the batch's closing update, never while a receiver is being waited
/// for: a DELETE of the endpoint, or a ping or redelivery recording its attempt, does not wait for a slow receiver, and a
/// batch whose endpoint was deleted meanwhile records nothing. Woken by the NOTIFY that follows event commits
/// (<see cref="EventCommitNotifier"/>), and every poll interval for retries that fell due.
/// </summary>
internal sealed class WebhookDispatcher(
    NpgsqlDataSource source, IWebhookSender sender, WebhookOptions options, TimeProvider realTime, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string Channel = "cns_events";

    /// <summary>
    /// First key of the endpoints' advisory locks ("WHKS"; the second is hashtext of the endpoint id): a key space of its own,
    /// apart from the single-key locks of payment runs, clock advances and registries.
    /// </summary>
    public const int EndpointLockSpace = 0x57484B53;

    /// <summary>Events delivered to one endpoint before its worker gives the slot to the others.</summary>
    private const int EventsPerTurn = 200;

    /// <summary>Most events delivered in one transaction (sent again after a crash before its COMMIT).</summary>
    public const int EventsPerTransaction = 50;

    /// <summary>A transaction stops taking events after this much sending, so a slow receiver keeps its batches short.</summary>
    public static readonly TimeSpan TransactionBudget = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HashSet<Guid> _inFlight = [];

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var listening = ListenAsync(ct);
        var running = new List<Task>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                int free;
                lock (_inFlight) free = options.Workers - _inFlight.Count;
                if (free > 0)
                {
                    foreach (var (sandboxId, endpointId) in await DueAsync(options.Workers * 2, ct))
                    {
                        if (free == 0) break;
                        lock (_inFlight)
                            if (!_inFlight.Add(endpointId)) continue;
                        free--;
                        // A thread of its own, blocking I/O: see Drain.
                        running.Add(Task.Factory.StartNew(() => Drain(sandboxId, endpointId, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).ContinueWith(_ =>
                        {
                            lock (_inFlight) _inFlight.Remove(endpointId);
                            _wake.Writer.TryWrite(true);
                        }, TaskScheduler.Default));
                    }
                }
                running.RemoveAll(t => t.IsCompleted);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Webhook dispatcher could not look for due endpoints; trying again");
            }
            // Wakes from the commits of the next few milliseconds stay in the channel and are served by one look.
            if (options.WakeCoalescing > TimeSpan.Zero)
            {
                try { await Task.Delay(options.WakeCoalescing, ct); } // a wall-clock pause, as the poll interval below
                catch (OperationCanceledException) { break; }
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(options.PollInterval);
            try
            {
                await _wake.Reader.WaitToReadAsync(wait.Token);
                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }
        try { await Task.WhenAll(running.Append(listening)); }
        catch (OperationCanceledException) { }
    }

    /// <summary>LISTEN on a connection of its own; reconnects after a failure (the poll interval covers the gap).</summary>
    private async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await source.OpenConnectionAsync(ct);
                connection.Notification += (_, _) => _wake.Writer.TryWrite(true);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(ct);
                while (!ct.IsCancellationRequested) await connection.WaitAsync(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogDebug(e, "Webhook dispatcher lost its LISTEN connection; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    /// <summary>Endpoints of every sandbox with events past their cursor and no retry waiting (cns.webhook_due_endpoints, run as the owner).</summary>
    private async Task<List<(Guid SandboxId, Guid EndpointId)>> DueAsync(int limit, CancellationToken ct)
    {
        await using var cmd = source.CreateCommand("SELECT sandbox_id, endpoint_id FROM cns.webhook_due_endpoints($1, $2)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = realTime.GetUtcNow() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var due = new List<(Guid, Guid)>();
        while (await reader.ReadAsync(ct)) due.Add((reader.GetGuid(0), reader.GetGuid(1)));
        lock (_inFlight) return due.Where(d => !_inFlight.Contains(d.Item2)).ToList();
    }

    /// <summary>
    /// One turn of an endpoint, on a thread of its own with blocking I/O (database and HTTP): the answers to its sends and
    /// queries wake this thread directly. Awaited, each would wait in the thread pool's queue behind the requests the process
    /// serves; under request load that wait was most of a delivery (bench P7: 33 of a 40 ms send, 21 deliveries/s while
    /// 190 validations/s were answered; issue 24).
    /// </summary>
    private void Drain(Guid sandboxId, Guid endpointId, CancellationToken ct)
    {
        try
        {
            using var connection = source.OpenConnection();
            // Each batch reads its own horizon (DeliverBatch), so the turn goes on while events keep committing, up to
            // EventsPerTurn: ending it at the horizon it began with sent every few events back through the wake-up pause and
            // the due-endpoints query (~25 ms a transaction, half of the time at 200 events/s; bench P7, issue 24).
            for (var handled = 0; handled < EventsPerTurn;)
            {
                ct.ThrowIfCancellationRequested();
                var (more, events) = DeliverBatch(connection, sandboxId, endpointId, ct);
                if (!more) break;
                handled += events;
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Webhook delivery to endpoint {EndpointId} (sandbox {SandboxId}) failed; it is tried again", endpointId, sandboxId);
        }
    }

    private sealed record Endpoint(Guid? ProviderId, string Url, string[] Types, string Secret, long DeliveredThrough, int Attempts,
        DateTimeOffset? HeadFailedSince, DateTimeOffset? FailingSince, Guid? ChannelKeyId);

    /// <summary>
    /// The events an endpoint receives, as SQL on the events aliased <c>e</c>, given the numbers of the parameters that
    /// hold its owner and types: a provider's endpoint its own events, an insured-channel key's those of the claims it
    /// submitted, staff's (neither) every event of the sandbox; of its types (none: every type).
    /// </summary>
    private static string ForTheEndpoint(int provider, int channelKey, int types) =>
        $"(((${provider}::uuid IS NULL AND ${channelKey}::uuid IS NULL) OR e.provider_id = ${provider} OR e.channel_key_id = ${channelKey})" +
        $" AND (cardinality(${types}::text[]) = 0 OR e.type = ANY(${types})))";

    private sealed record Pending(Guid Id, long Position, string Type, DateTimeOffset OccurredAt, Guid ResourceId, string ResourceUrl, string Data);

    /// <summary>
    /// Delivers the endpoint's next events, one after the other, in one transaction: the endpoint's row is locked once,
    /// up to <see cref="EventsPerTransaction"/> events are read in one query, each is sent, and then every attempt is
    /// recorded in one INSERT and the cursor moves once, at COMMIT. The batch ends early at the first event that fails
    /// (its retry state is stored as for a single event) and after <see cref="TransactionBudget"/> of sending. A process
    /// killed before the COMMIT sends the batch's events again (at least once, in order); one a PostgreSQL round trip,
    /// a delivery row insert and a WAL flush per event kept the dispatcher below ~100 events/s per endpoint (issue 24, P7).
    /// More is false when there is nothing more to do now; Events counts the batch's attempts (an event retried at once
    /// counts once per attempt), which is what the turn's limit is measured in.
    /// </summary>
    private (bool More, int Events) DeliverBatch(NpgsqlConnection connection, Guid sandboxId, Guid endpointId, CancellationToken ct)
    {
        using var tx = connection.BeginTransaction();
        // The commit does not wait for its WAL flush: a commit lost in a PostgreSQL crash only moves the cursor back, and its
        // events are sent again (at least once is the contract; receivers de-duplicate by Cns-Event-Id).
        // The horizon: every event of the sandbox up to it is committed (or never will be), so the cursor may move up to it.
        // The endpoint's lock first, in a statement of its own: the read of its row below then starts after the lock was
        // taken, so it sees the cursor the previous holder committed.
        long horizon;
        using (var cmd = Command(connection, tx, """
                   SELECT CASE WHEN pg_try_advisory_xact_lock($3, hashtext($4)) THEN cns.event_horizon($1::uuid) END,
                          set_config('cns.sandbox', $2, true), set_config('synchronous_commit', 'off', true)
                   """, sandboxId, sandboxId.ToString(), EndpointLockSpace, endpointId.ToString()))
        {
            if (cmd.ExecuteScalar() is not long read) return (false, 0); // another worker has it
            horizon = read;
        }
        Endpoint? endpoint = null;
        using (var cmd = Command(connection, tx, """
            SELECT provider_id, url, types, secret, delivered_through, attempts, head_failed_since, failing_since, channel_key_id
            FROM cns.webhook_endpoints
            WHERE sandbox_id = $1 AND id = $2 AND disabled_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= $3)
            """, sandboxId, endpointId, realTime.GetUtcNow()))
        using (var reader = cmd.ExecuteReader())
        {
            if (reader.Read())
                endpoint = new Endpoint(reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<string[]>(2),
                    reader.GetString(3), reader.GetInt64(4), reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                    reader.IsDBNull(8) ? null : reader.GetGuid(8));
        }
        if (endpoint is null) return (false, 0); // gone, disabled or waiting for a retry

        var batch = new List<Pending>(EventsPerTransaction);
        using (var cmd = Command(connection, tx, $"""
            SELECT id, position, type, occurred_at, resource_id, resource_url, data::text FROM cns.events e
            WHERE sandbox_id = $1 AND position > $2 AND position <= $5 AND {ForTheEndpoint(provider: 3, channelKey: 7, types: 4)}
            ORDER BY position LIMIT $6
            """, sandboxId, endpoint.DeliveredThrough, (object?)endpoint.ProviderId ?? DBNull.Value, endpoint.Types, horizon, EventsPerTransaction,
                   (object?)endpoint.ChannelKeyId ?? DBNull.Value))
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
                batch.Add(new Pending(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetGuid(4),
                    reader.GetString(5), reader.GetString(6)));
        }
        if (batch.Count == 0)
        {
            // Nothing for this endpoint up to the horizon: its cursor passes the events it does not receive. Every position up
            // to the horizon was committed before the horizon was read (or never will be), so the cursor never passes an event
            // that commits later; the NOT EXISTS keeps it from passing one a concurrent change to the endpoint let through.
            Execute(connection, tx, $"""
                UPDATE cns.webhook_endpoints w SET delivered_through = GREATEST(w.delivered_through, $5)
                WHERE w.sandbox_id = $1 AND w.id = $2
                  AND NOT EXISTS (SELECT 1 FROM cns.events e WHERE e.sandbox_id = $1 AND e.position > w.delivered_through AND e.position <= $5
                                  AND {ForTheEndpoint(provider: 3, channelKey: 6, types: 4)})
                """, sandboxId, endpointId, (object?)endpoint.ProviderId ?? DBNull.Value, endpoint.Types, horizon,
                (object?)endpoint.ChannelKeyId ?? DBNull.Value);
            tx.Commit();
            return (false, 0);
        }

        var deliveries = new Deliveries();
        var deliveredThrough = endpoint.DeliveredThrough;
        var (priorAttempts, headFailedSince, failingSince) = (endpoint.Attempts, endpoint.HeadFailedSince, endpoint.FailingSince);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        FailureOutcome? failure = null;
        WebhookAttempt? lastFailed = null;
        Pending? failed = null;
        foreach (var next in batch)
        {
            var dto = EventDto.From(new Application.Features.Events.EventRecord
            {
                Id = next.Id, Type = next.Type, OccurredAt = next.OccurredAt, ResourceId = next.ResourceId, ResourceUrl = next.ResourceUrl, Data = next.Data,
            });
            var attempts = sender.Send(endpoint.Url, endpoint.Secret, new WebhookMessage(dto.Id, dto.Type, dto.ToJson()), quickRetries: true, ct);
            var last = attempts[^1];
            if (!last.Succeeded)
            {
                failure = WebhookRetrySchedule.AfterFailure(options, last.Retryable, WebhookRetrySchedule.Passes(options, priorAttempts + attempts.Count),
                    headFailedSince ?? attempts[0].At, failingSince ?? attempts[0].At, realTime.GetUtcNow(), Random.Shared.NextDouble());
            }
            for (var i = 0; i < attempts.Count; i++)
            {
                var isLast = i == attempts.Count - 1;
                var status = attempts[i].Succeeded ? WebhookDeliveryStatus.Succeeded
                    : !isLast ? WebhookDeliveryStatus.Retrying
                    : failure!.GiveUp ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Retrying;
                deliveries.Add(attempts[i], next, priorAttempts + i + 1, status, isLast ? failure?.RetryAt : attempts[i + 1].At);
            }
            if (failure is not null)
            {
                (failed, lastFailed) = (next, last);
                failingSince ??= attempts[0].At;
                headFailedSince ??= attempts[0].At;
                priorAttempts += attempts.Count;
                break;
            }
            (deliveredThrough, priorAttempts, headFailedSince, failingSince) = (next.Position, 0, null, null);
            if (System.Diagnostics.Stopwatch.GetElapsedTime(started) >= TransactionBudget) break;
        }
        // The cursor moves first: the update locks the endpoint's row (briefly), and finds none when the endpoint was deleted
        // while its receiver was being waited for; nothing is then recorded.
        int updated;
        if (failure is null)
        {
            updated = Execute(connection, tx, """
                UPDATE cns.webhook_endpoints SET delivered_through = $3, attempts = 0, head_failed_since = NULL, next_attempt_at = NULL, failing_since = NULL
                WHERE sandbox_id = $1 AND id = $2
                """, sandboxId, endpointId, deliveredThrough);
        }
        else
        {
            // A given-up event is passed by the cursor and its endpoint starts afresh with the next one; otherwise the cursor
            // stays on the last event delivered and the failing one is tried again at RetryAt.
            updated = Execute(connection, tx, """
                UPDATE cns.webhook_endpoints SET
                  delivered_through = $3,
                  attempts = CASE WHEN $4 THEN 0 ELSE $5 END,
                  head_failed_since = CASE WHEN $4 THEN NULL ELSE $6 END,
                  next_attempt_at = $7, failing_since = $8,
                  disabled_at = CASE WHEN $9 THEN $10 ELSE disabled_at END,
                  disabled_reason = CASE WHEN $9 THEN $11 ELSE disabled_reason END
                WHERE sandbox_id = $1 AND id = $2
                """, sandboxId, endpointId, failure.GiveUp ? failed!.Position : deliveredThrough, failure.GiveUp, priorAttempts,
                headFailedSince, (object?)failure.RetryAt ?? DBNull.Value, failingSince, failure.Disable, realTime.GetUtcNow(),
                DisabledReason(failingSince!.Value, lastFailed!));
        }
        if (updated == 0)
        {
            logger.LogDebug("Webhook endpoint {EndpointId} was deleted during a batch; its attempts are not recorded", endpointId);
            return (false, 0);
        }
        deliveries.Insert(connection, tx, sandboxId, endpointId);
        tx.Commit();
        if (failure is { Disable: true }) logger.LogWarning("Webhook endpoint {EndpointId} disabled after failing since {FailingSince}", endpointId, failingSince);
        return (failure is null || (failure.GiveUp && !failure.Disable), deliveries.Count);
    }

    /// <summary>The attempts of one transaction, written as one INSERT of arrays.</summary>
    private sealed class Deliveries
    {
        private readonly List<Guid> _ids = [], _eventIds = [];
        private readonly List<string> _types = [], _statuses = [];
        private readonly List<int> _attempts = [], _durations = [];
        private readonly List<int?> _codes = [];
        private readonly List<string?> _bodies = [], _errors = [];
        private readonly List<DateTimeOffset> _at = [];
        private readonly List<DateTimeOffset?> _nextRetries = [];

        public int Count => _ids.Count;

        public void Add(WebhookAttempt attempt, Pending e, int number, WebhookDeliveryStatus status, DateTimeOffset? nextRetry)
        {
            _ids.Add(Guid.CreateVersion7(attempt.At));
            _eventIds.Add(e.Id);
            _types.Add(e.Type);
            _attempts.Add(number);
            _statuses.Add(status.ToString());
            _codes.Add(attempt.StatusCode);
            _bodies.Add(attempt.ResponseBody);
            _errors.Add(attempt.Error);
            _durations.Add(attempt.DurationMs);
            _at.Add(attempt.At);
            _nextRetries.Add(nextRetry);
        }

        public void Insert(NpgsqlConnection connection, NpgsqlTransaction tx, Guid sandboxId, Guid endpointId)
        {
            using var cmd = new NpgsqlCommand("""
                INSERT INTO cns.webhook_deliveries (id, sandbox_id, endpoint_id, event_id, event_type, attempt, status, trigger, response_code,
                  response_body, error, duration_ms, attempted_at, next_retry_at)
                SELECT d.id, $1, $2, d.event_id, d.event_type, d.attempt, d.status, 'Automatic', d.response_code, d.response_body, d.error,
                  d.duration_ms, d.attempted_at, d.next_retry_at
                FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::text[], $8::int[], $9::text[], $10::text[], $11::int[],
                  $12::timestamptz[], $13::timestamptz[])
                  AS d(id, event_id, event_type, attempt, status, response_code, response_body, error, duration_ms, attempted_at, next_retry_at)
                """, connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sandboxId });
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = endpointId });
            cmd.Parameters.Add(new NpgsqlParameter<List<Guid>> { TypedValue = _ids });
            cmd.Parameters.Add(new NpgsqlParameter<List<Guid>> { TypedValue = _eventIds });
            cmd.Parameters.Add(new NpgsqlParameter<List<string>> { TypedValue = _types });
            cmd.Parameters.Add(new NpgsqlParameter<List<int>> { TypedValue = _attempts });
            cmd.Parameters.Add(new NpgsqlParameter<List<string>> { TypedValue = _statuses });
            cmd.Parameters.Add(new NpgsqlParameter<List<int?>> { TypedValue = _codes });
            cmd.Parameters.Add(new NpgsqlParameter<List<string?>> { TypedValue = _bodies });
            cmd.Parameters.Add(new NpgsqlParameter<List<string?>> { TypedValue = _errors });
            cmd.Parameters.Add(new NpgsqlParameter<List<int>> { TypedValue = _durations });
            cmd.Parameters.Add(new NpgsqlParameter<List<DateTimeOffset>> { TypedValue = _at });
            cmd.Parameters.Add(new NpgsqlParameter<List<DateTimeOffset?>> { TypedValue = _nextRetries });
            cmd.ExecuteNonQuery();
        }
    }

    private string DisabledReason(DateTimeOffset failingSince, WebhookAttempt last)
    {
        var reason = $"Disabled: every delivery failed since {failingSince:yyyy-MM-dd HH:mm:ss} UTC ({options.DisableAfter.TotalDays:0.#} days); last error: {last.Error ?? "HTTP " + last.StatusCode}";
        return reason.Length <= 400 ? reason : reason[..400];
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, params object?[] values)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var value in values)
            cmd.Parameters.Add(value switch
            {
                string[] array => new NpgsqlParameter { Value = array, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                _ => new NpgsqlParameter { Value = value ?? DBNull.Value },
            });
        return cmd;
    }

    private static int Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, params object?[] values)
    {
        using var cmd = Command(connection, tx, sql, values);
        return cmd.ExecuteNonQuery();
    }
}
