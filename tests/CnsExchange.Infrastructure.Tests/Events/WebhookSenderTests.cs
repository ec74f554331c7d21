using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CnsExchange.Application.Features.Webhooks;
using CnsExchange.Infrastructure.Events;

namespace CnsExchange.Infrastructure.Tests.Events;

/// <summary>
/// The sender's two passes, awaited (a ping from a request) and blocking (the dispatcher's own threads), against a real HTTP
/// receiver: the same attempts, statuses, retries, stored answers and errors from both.
/// </summary>
public sealed class WebhookSenderTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Func<HttpListenerResponse, Task>> _script = new();
    private readonly string _url;

    public WebhookSenderTests()
    {
        var port = FreePort();
        _url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(_url);
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext c;
                try { c = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                var answer = _script.TryDequeue(out var a) ? a : r => Answer(r, 200, "ok");
                _ = Task.Run(async () => // each request on its own: a slow answer does not hold up the next
                {
                    try { await answer(c.Response); c.Response.Close(); }
                    catch (Exception) { c.Response.Abort(); }
                });
            }
        });
    }

    public void Dispose() => _listener.Close();

    private static WebhookSender Sender(TimeSpan? timeout = null) =>
        new(new WebhookNetworkPolicy(WebhookNetworkMode.Local, []),
            new WebhookOptions { QuickRetries = 2, QuickRetryDelay = TimeSpan.FromMilliseconds(10), Timeout = timeout ?? TimeSpan.FromSeconds(10) },
            TimeProvider.System);

    private static WebhookMessage Message() => new(Guid.NewGuid(), "voucher.issued", """{"id":"x"}""");

    private static async Task Answer(HttpListenerResponse response, int status, string body)
    {
        response.StatusCode = status;
        var bytes = Encoding.UTF8.GetBytes(body);
        await response.OutputStream.WriteAsync(bytes);
    }

    private async Task<(IReadOnlyList<WebhookAttempt> Awaited, IReadOnlyList<WebhookAttempt> Blocking)> BothAsync(
        Func<HttpListenerResponse, Task>[] script, WebhookSender? sender = null, string? url = null)
    {
        sender ??= Sender();
        foreach (var step in script) _script.Enqueue(step);
        var awaited = await sender.SendAsync(url ?? _url, "whsec_test", Message(), quickRetries: true, CancellationToken.None);
        foreach (var step in script) _script.Enqueue(step);
        var blocking = await Task.Factory.StartNew(() => sender.Send(url ?? _url, "whsec_test", Message(), quickRetries: true, CancellationToken.None),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return (awaited, blocking);
    }

    private static (bool, bool, int?, string?, string?) Shape(WebhookAttempt a) => (a.Succeeded, a.Retryable, a.StatusCode, a.ResponseBody, a.Error?.Split(' ')[0]);

    [Fact]
    public async Task Both_passes_retry_500_twice_and_record_the_200_after_it()
    {
        var (awaited, blocking) = await BothAsync([r => Answer(r, 500, "down"), r => Answer(r, 503, "still down"), r => Answer(r, 200, "thanks")]);
        Assert.Equal([(false, true, (int?)500, (string?)"down", (string?)null), (false, true, 503, "still down", null), (true, false, 200, "thanks", null)],
            awaited.Select(Shape).ToArray());
        Assert.Equal(awaited.Select(Shape), blocking.Select(Shape));
    }

    [Fact]
    public async Task A_refusal_that_is_not_retryable_is_one_attempt_in_both()
    {
        var (awaited, blocking) = await BothAsync([r => Answer(r, 410, "gone")]);
        Assert.Equal([(false, false, (int?)410, (string?)"gone", (string?)null)], awaited.Select(Shape).ToArray());
        Assert.Equal(awaited.Select(Shape), blocking.Select(Shape));
    }

    [Fact]
    public async Task The_stored_answer_is_cut_at_1_KB_on_a_character_boundary_in_both()
    {
        var body = new string('é', 1000); // 2,000 bytes of two-byte characters
        var (awaited, blocking) = await BothAsync([r => Answer(r, 200, body)]);
        var stored = Assert.Single(awaited).ResponseBody!;
        Assert.Equal(new string('é', 512), stored);
        Assert.Equal(stored, Assert.Single(blocking).ResponseBody);
    }

    [Fact]
    public async Task A_closed_port_is_a_retryable_network_error_in_every_attempt_of_both()
    {
        var closed = $"http://127.0.0.1:{FreePort()}/hook/";
        var (awaited, blocking) = await BothAsync([], url: closed);
        Assert.Equal(3, awaited.Count);
        Assert.All(awaited.Concat(blocking), a => Assert.True(!a.Succeeded && a.Retryable && a.StatusCode is null && a.Error is { Length: > 0 }));
        Assert.Equal(awaited.Select(Shape), blocking.Select(Shape));
    }

    [Fact]
    public async Task A_receiver_slower_than_the_timeout_is_a_timed_out_attempt_in_both()
    {
        Func<HttpListenerResponse, Task> slow = async r => { await Task.Delay(1500); await Answer(r, 200, "late"); };
        var (awaited, blocking) = await BothAsync([slow, slow, slow], Sender(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(3, awaited.Count);
        Assert.All(awaited.Concat(blocking), a => Assert.Equal("No answer within 0 s.", a.Error));
        Assert.Equal(awaited.Select(Shape), blocking.Select(Shape));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
