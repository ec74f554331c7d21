using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using CnsExchange.Application.Features.Webhooks;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CnsExchange.Infrastructure.Events;

/// <summary>The Cns-Signature header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt;</c>.</summary>
public static class WebhookSignature
{
    public const string Header = "Cns-Signature";

    public static string Compute(string secret, long unixSeconds, string body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>What a receiver does: recompute, compare in constant time, and refuse a timestamp outside the tolerance.</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var t = parts.FirstOrDefault(p => p[0] == "t")?[1];
        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance) return false;
        var expected = Encoding.ASCII.GetBytes(Compute(secret, seconds, body).Split(",v1=")[1]);
        return parts.Where(p => p[0] == "v1").Any(p => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(p[1])));
    }
}

/// <summary>
/// Sends webhooks over HTTP: connections only to addresses the <see cref="WebhookNetworkPolicy"/> allows, no redirects,
/// a timeout per attempt, at most 1 KB of the answer read; Polly retries timeouts, network errors, 408, 429 and 5xx
/// with exponential backoff and jitter within a pass (the dispatcher stores the longer retries).
/// </summary>
public sealed class WebhookSender : IWebhookSender, IDisposable
{
    public const int MaxStoredBody = 1024;

    private static readonly ResiliencePropertyKey<List<WebhookAttempt>> AttemptsKey = new("cns.webhook.attempts");
    private readonly HttpClient _http;
    private readonly WebhookNetworkPolicy _policy;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _realTime;
    private readonly ResiliencePipeline<HttpResponseMessage> _once;
    private readonly ResiliencePipeline<HttpResponseMessage> _withRetries;

    public WebhookSender(WebhookNetworkPolicy policy, WebhookOptions options, TimeProvider realTime)
    {
        _policy = policy;
        _options = options;
        _realTime = realTime;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = policy.ConnectAsync,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.Timeout,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("CnsExchange-Webhooks/1.0");
        // Polly waits in real time (TimeProvider.System): a delay between two attempts is a duration, not a date.
        var timeout = new TimeoutStrategyOptions { Timeout = options.Timeout };
        _once = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = TimeProvider.System }.AddTimeout(timeout).Build();
        _withRetries = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = TimeProvider.System }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.QuickRetriesPerPass,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.QuickRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome.Result?.StatusCode, args.Outcome.Exception)),
            })
            .AddTimeout(timeout)
            .Build();
    }

    /// <summary>Timeouts, network errors, 408, 429 and 5xx are retried; a refused address and other answers are not.</summary>
    public static bool IsRetryable(HttpStatusCode? status, Exception? exception) => exception switch
    {
        null => status is { } s && ((int)s >= 500 || s is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests),
        _ when Refusal(exception) is not null => false,
        TimeoutRejectedException or HttpRequestException or OperationCanceledException or IOException => true,
        _ => false,
    };

    private static WebhookAddressRefusedException? Refusal(Exception? e) => e.AndInner().OfType<WebhookAddressRefusedException>().FirstOrDefault();

    public async Task CheckUrlAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UnprocessableException("webhook_url_refused", "Only http and https URLs are called.");
        if (_policy.Mode == WebhookNetworkMode.Local) return; // a local receiver may start after its registration
        try
        {
            await _policy.ResolveAsync(uri.IdnHost, ct);
        }
        catch (Exception e) when (e is WebhookAddressRefusedException or System.Net.Sockets.SocketException)
        {
            throw new UnprocessableException("webhook_url_refused", e.Message);
        }
    }

    public async Task<IReadOnlyList<WebhookAttempt>> SendAsync(string url, string secret, WebhookMessage message, bool quickRetries, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        var attempts = new List<WebhookAttempt>();
        context.Properties.Set(AttemptsKey, attempts);
        try
        {
            var outcome = await (quickRetries ? _withRetries : _once).ExecuteOutcomeAsync(async (ctx, state) =>
            {
                var watch = Stopwatch.StartNew();
                var at = state.Sender._realTime.GetUtcNow();
                try
                {
                    using var request = state.Sender.Request(state.Url, state.Secret, state.Message, at);
                    var response = await state.Sender._http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.CancellationToken);
                    await using var stream = await response.Content.ReadAsStreamAsync(ctx.CancellationToken);
                    var buffer = new byte[MaxStoredBody];
                    var read = 0;
                    for (int n; read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ctx.CancellationToken)) > 0;) read += n;
                    Record(ctx, Answered(response, buffer, read, watch, at));
                    return Outcome.FromResult(response);
                }
                catch (Exception e) when (e is not OperationCanceledException || !state.Cancelled.IsCancellationRequested)
                {
                    Record(ctx, state.Sender.Failed(e, watch, at));
                    return Outcome.FromException<HttpResponseMessage>(e);
                }
            }, context, (Sender: this, Url: url, Secret: secret, Message: message, Cancelled: ct));
            outcome.Result?.Dispose();
            ct.ThrowIfCancellationRequested();
            return attempts;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// The same pass with blocking I/O, for a thread of its own (the dispatcher's): its send and the answer's arrival wake that
    /// thread directly instead of waiting in the thread pool's queue behind the requests the process is serving (under request
    /// load that wait was most of a delivery's round trip; bench P7, issue 24).
    /// </summary>
    public IReadOnlyList<WebhookAttempt> Send(string url, string secret, WebhookMessage message, bool quickRetries, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        var attempts = new List<WebhookAttempt>();
        context.Properties.Set(AttemptsKey, attempts);
        try
        {
            (quickRetries ? _withRetries : _once).Execute(static (ctx, state) =>
            {
                var watch = Stopwatch.StartNew();
                var at = state.Sender._realTime.GetUtcNow();
                try
                {
                    using var request = state.Sender.Request(state.Url, state.Secret, state.Message, at);
                    var response = state.Sender._http.Send(request, HttpCompletionOption.ResponseHeadersRead, ctx.CancellationToken);
                    using var stream = response.Content.ReadAsStream(ctx.CancellationToken);
                    var buffer = new byte[MaxStoredBody];
                    var read = 0;
                    for (int n; read < buffer.Length && (n = stream.Read(buffer.AsSpan(read))) > 0;) read += n;
                    Record(ctx, Answered(response, buffer, read, watch, at));
                    return response;
                }
                catch (Exception e) when (e is not OperationCanceledException || !state.Cancelled.IsCancellationRequested)
                {
                    Record(ctx, state.Sender.Failed(e, watch, at));
                    throw;
                }
            }, context, (Sender: this, Url: url, Secret: secret, Message: message, Cancelled: ct))?.Dispose();
        }
        catch (Exception e) when (!ct.IsCancellationRequested && attempts.Count > 0 && e is not OutOfMemoryException)
        {
            // The last attempt failed; it is recorded with its error, as SendAsync returns it.
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
        ct.ThrowIfCancellationRequested();
        return attempts;
    }

    private HttpRequestMessage Request(string url, string secret, WebhookMessage message, DateTimeOffset at)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(message.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Cns-Event-Id", message.Id.ToString());
        request.Headers.Add("Cns-Event-Type", message.Type);
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Compute(secret, at.ToUnixTimeSeconds(), message.Body));
        return request;
    }

    private static void Record(ResilienceContext ctx, WebhookAttempt attempt) => ctx.Properties.GetValue(AttemptsKey, []).Add(attempt);

    private static WebhookAttempt Answered(HttpResponseMessage response, byte[] body, int read, Stopwatch watch, DateTimeOffset at)
    {
        var code = (int)response.StatusCode;
        return new WebhookAttempt(code is >= 200 and < 300, IsRetryable(response.StatusCode, null), code, Decode(body, read), null, Ms(watch), at);
    }

    private WebhookAttempt Failed(Exception e, Stopwatch watch, DateTimeOffset at)
    {
        var timedOut = e is OperationCanceledException;
        var error = timedOut ? $"No answer within {_options.Timeout.TotalSeconds:0} s." : Refusal(e)?.Message ?? Describe(e);
        return new WebhookAttempt(false, timedOut || IsRetryable(null, e), null, null, Truncate(error, 400), Ms(watch), at);
    }

    private static int Ms(Stopwatch watch) => (int)Math.Min(int.MaxValue, watch.ElapsedMilliseconds);

    private static string Describe(Exception e)
    {
        var inner = e.AndInner().Last();
        return ReferenceEquals(inner, e) ? e.Message : $"{e.Message} ({inner.Message})";
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    /// <summary>At most <see cref="MaxStoredBody"/> bytes of the answer are read and kept; the rest is never read.</summary>
    private static string? Decode(byte[] buffer, int read)
    {
        if (read == 0) return null;
        // Cut at a character boundary: a multi-byte character split at 1 KB is dropped rather than stored broken.
        var text = new UTF8Encoding(false, false).GetString(buffer, 0, read);
        while (Encoding.UTF8.GetByteCount(text) > MaxStoredBody) text = text[..^1];
        return text.TrimEnd('\uFFFD');
    }

    public void Dispose() => _http.Dispose();
}
