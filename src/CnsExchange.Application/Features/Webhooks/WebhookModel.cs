using CnsExchange.Application.Features.Events;

namespace CnsExchange.Application.Features.Webhooks;

/// <summary>
/// A receiver of events: a provider's (its own events) or staff's (every event of the sandbox, <see cref="ProviderId"/>
/// null). Its cursor <see cref="DeliveredThrough"/> is the position of the last event it is done with (delivered, or
/// given up after the retry window): the outbox itself is the queue, read in commit order.
/// </summary>
public sealed class WebhookEndpoint
{
    public Guid Id { get; set; }
    /// <summary>The owner: a provider (its events), an insured-channel key (<see cref="ChannelKeyId"/>), or neither: CNS staff (every event of the sandbox).</summary>
    public Guid? ProviderId { get; set; }
    /// <summary>The insured-channel key that registered it: the events of the claims it submitted.</summary>
    public Guid? ChannelKeyId { get; set; }
    public required string Url { get; set; }
    /// <summary>Event types delivered; empty: every type.</summary>
    public List<string> Types { get; set; } = [];
    /// <summary>The signing secret (whsec_…): shown once when the endpoint is created.</summary>
    public required string Secret { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public long DeliveredThrough { get; set; }
    /// <summary>Attempts made so far on the event after <see cref="DeliveredThrough"/> (0 when none failed).</summary>
    public int Attempts { get; set; }
    /// <summary>When the first attempt on that event failed; retries stop <see cref="WebhookOptions.RetryWindow"/> later.</summary>
    public DateTimeOffset? HeadFailedSince { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>Since when every attempt failed (reset by a success); <see cref="WebhookOptions.DisableAfter"/> later the endpoint is disabled.</summary>
    public DateTimeOffset? FailingSince { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }
}

/// <summary>One HTTP attempt to deliver an event (or a ping) to an endpoint.</summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid EndpointId { get; set; }
    /// <summary>The delivered event; null for a ping.</summary>
    public Guid? EventId { get; set; }
    public required string EventType { get; set; }
    public int Attempt { get; set; }
    public WebhookDeliveryStatus Status { get; set; }
    public WebhookDeliveryTrigger Trigger { get; set; }
    public int? ResponseCode { get; set; }
    /// <summary>At most 1 KB of the response body.</summary>
    public string? ResponseBody { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }
    /// <summary>Real time of the attempt (the delivery clock, not the sandbox clock: receivers compare it with theirs).</summary>
    public DateTimeOffset AttemptedAt { get; set; }
    public DateTimeOffset? NextRetryAt { get; set; }
}

public enum WebhookDeliveryStatus
{
    /// <summary>The receiver answered 2xx.</summary>
    Succeeded,
    /// <summary>Failed; tried again at <c>nextRetryAt</c>.</summary>
    Retrying,
    /// <summary>Failed for good (not retryable, or the retry window ended).</summary>
    Failed,
}

public enum WebhookDeliveryTrigger
{
    Automatic,
    Redelivery,
    Test,
}

/// <summary>Delivery settings (CnsExchange:Webhooks).</summary>
public sealed class WebhookOptions
{
    /// <summary>Per attempt (connect, send, read up to 1 KB).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Quick retries inside one delivery pass (Polly, exponential with jitter from <see cref="QuickRetryDelay"/>).</summary>
    public int QuickRetries { get; set; } = 2;
    /// <summary>The quick retries a pass makes (<see cref="QuickRetries"/>, at least one): a pass is one try and these.</summary>
    public int QuickRetriesPerPass => Math.Max(1, QuickRetries);
    public TimeSpan QuickRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>First stored retry delay; doubles per pass up to <see cref="MaxRetryDelay"/>, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>An event is retried for this long after its first failure, then given up.</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(24);
    /// <summary>An endpoint failing for this long is disabled.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(3);
    /// <summary>Events older than this (sandbox clock) leave the feed and are deleted.</summary>
    public int EventRetentionDays { get; set; } = 30;
    /// <summary>Endpoints delivered to at the same time by one process.</summary>
    public int Workers { get; set; } = 8;
    /// <summary>How often the dispatcher looks for due retries without being woken by a commit.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// Least time between two looks for due endpoints: every commit with an event wakes the dispatcher, and at hundreds of
    /// events per second one look per interval serves them all (each look is a query across sandboxes; issue 24).
    /// </summary>
    public TimeSpan WakeCoalescing { get; set; } = TimeSpan.FromMilliseconds(20);
}

/// <summary>What an endpoint receives for a failed pass: retry at an instant, or give the event up; and whether to disable the endpoint.</summary>
public sealed record FailureOutcome(DateTimeOffset? RetryAt, bool GiveUp, bool Disable);

/// <summary>The retry schedule of stored retries: exponential backoff with jitter, for <see cref="WebhookOptions.RetryWindow"/>.</summary>
public static class WebhookRetrySchedule
{
    /// <summary>Delay before pass <paramref name="pass"/> + 1 (pass ≥ 1): base × 2^(pass−1), capped, times a jitter in [0.5, 1].</summary>
    public static TimeSpan Delay(WebhookOptions options, int pass, double jitter)
    {
        var exponential = options.RetryBaseDelay.TotalSeconds * Math.Pow(2, Math.Min(pass - 1, 30));
        var capped = Math.Min(exponential, options.MaxRetryDelay.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.5 + 0.5 * Math.Clamp(jitter, 0, 1)));
    }

    /// <summary>
    /// How many passes <paramref name="tries"/> HTTP tries of one event make: each pass is a try and Polly's quick retries
    /// (<see cref="WebhookOptions.QuickRetriesPerPass"/>). The stored retries back off by passes, not by tries: the first
    /// comes 30 s × 2⁰ after the first pass (audit s68: it came 30 s × 2², the second 30 s × 2⁵).
    /// </summary>
    public static int Passes(WebhookOptions options, int tries) => (int)Math.Ceiling(tries / (double)(1 + options.QuickRetriesPerPass));

    public static FailureOutcome AfterFailure(WebhookOptions options, bool retryable, int pass, DateTimeOffset headFailedSince,
        DateTimeOffset failingSince, DateTimeOffset now, double jitter)
    {
        var disable = now - failingSince >= options.DisableAfter;
        var retryAt = now + Delay(options, pass, jitter);
        if (!retryable || disable || retryAt - headFailedSince > options.RetryWindow) return new FailureOutcome(null, true, disable);
        return new FailureOutcome(retryAt, false, false);
    }
}

/// <summary>An event as the feed lists it and a webhook delivers it (the body of the POST).</summary>
public sealed record EventDto(Guid Id, string Type, DateTimeOffset OccurredAt, EventResource Resource, JsonElement Data)
{
    public static EventDto From(EventRecord e) =>
        new(e.Id, e.Type, e.OccurredAt, new EventResource(e.ResourceId, e.ResourceUrl), JsonDocument.Parse(e.Data).RootElement.Clone());

    public string ToJson() => JsonSerializer.Serialize(this, JsonDefaults.Options);
}

/// <summary>The message sent to a receiver: event id and type (headers) and the JSON body that is signed.</summary>
public sealed record WebhookMessage(Guid Id, string Type, string Body);

/// <summary>One HTTP attempt's outcome.</summary>
public sealed record WebhookAttempt(bool Succeeded, bool Retryable, int? StatusCode, string? ResponseBody, string? Error, int DurationMs, DateTimeOffset At);

/// <summary>Sends signed webhook messages under the network policy (Infrastructure: HTTP, Polly, SSRF checks).</summary>
public interface IWebhookSender
{
    /// <summary>Refuses (422 webhook_url_refused) a URL that is not http(s) or whose addresses the policy refuses.</summary>
    Task CheckUrlAsync(string url, CancellationToken ct);

    /// <summary>One pass: an attempt and, when <paramref name="quickRetries"/>, Polly's quick retries of a retryable failure. Every attempt is returned.</summary>
    Task<IReadOnlyList<WebhookAttempt>> SendAsync(string url, string secret, WebhookMessage message, bool quickRetries, CancellationToken ct);

    /// <summary>The same pass with blocking I/O, for a thread of its own (the webhook dispatcher's workers).</summary>
    IReadOnlyList<WebhookAttempt> Send(string url, string secret, WebhookMessage message, bool quickRetries, CancellationToken ct);
}
