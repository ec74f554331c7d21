using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CnsExchange.IntegrationTests.Events;

/// <summary>A real HTTP receiver (Kestrel on 127.0.0.1, a free port) that records every POST and answers from a script.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string EventId, string EventType, string Signature, string Body);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>While set, every request waits for it before it is answered (a receiver that hangs).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Answer when the script is empty.</summary>
    public int DefaultStatus { get; set; } = 200;

    public string Url { get; }

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver!.Requests.Enqueue(new Received(http.Request.Headers["Cns-Event-Id"].ToString(), http.Request.Headers["Cns-Event-Type"].ToString(),
                http.Request.Headers["Cns-Signature"].ToString(), body));
            if (receiver.Hold is { } hold) await hold.Task;
            var status = receiver._script.TryDequeue(out var scripted) ? scripted : receiver.DefaultStatus;
            return Results.Text(status >= 400 ? "receiver says no " + new string('x', 3000) : "ok", statusCode: status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new WebhookReceiver(app, address.TrimEnd('/') + "/hook");
        return receiver;
    }

    /// <summary>The next answers, in order (e.g. 500, 500, 200).</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var s in statuses) _script.Enqueue(s);
    }

    public async Task<List<Received>> WaitForAsync(Func<List<Received>, bool> done, TimeSpan? timeout = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var all = Requests.ToList();
            if (done(all)) return all;
            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(30))) throw new TimeoutException($"The receiver got {all.Count} request(s): {string.Join(", ", all.Select(r => r.EventType))}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
