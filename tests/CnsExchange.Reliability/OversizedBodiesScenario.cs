using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace CnsExchange.Reliability;

/// <summary>
/// Oversized bodies (issue 15, item 3): six at a time, 100 MB each, as a fee memoir with or without a Content-Length, as
/// a validation request whose <c>request</c> part is a plain form field, and as a declared-length multipart body. Every
/// one is refused 413 (or cut off) without its bytes reaching memory: the API's RSS stays within P4's bound (an
/// increase under 100 MB). No 5xx, no Server header.
/// </summary>
public static class OversizedBodiesScenario
{
    private const long Size = 100L * 1024 * 1024;
    private const int Concurrent = 6;
    private const int Rounds = 3;

    public static async Task RunAsync(ApiProcess api, Figures figures)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60), BaseAddress = new Uri(api.BaseUrl) };
        await RunAsync(http, api.ResidentMegabytes, figures, Size, Rounds);
    }

    /// <summary>
    /// The scenario against <paramref name="http"/> (the API process, or in the tests of the figures the API in-process
    /// or a deliberately broken stand-in), bodies of <paramref name="size"/> bytes, memory read by <paramref name="residentMegabytes"/>.
    /// </summary>
    public static async Task RunAsync(HttpClient http, Func<double> residentMegabytes, Figures figures, long size, int rounds)
    {
        // Warm up: the code paths and the key cache, so that the baseline is the API at work, not at start.
        for (var i = 0; i < 20; i++) (await http.SendAsync(Keyed(HttpMethod.Get, "/api/v1/fee-memoirs", null))).Dispose();
        var baseline = residentMegabytes();
        var peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, residentMegabytes());
                await Task.Delay(100);
            }
        });

        var kinds = new Func<HttpContent>[]
        {
            () => Body("application/json", "{\"memoirReference\":\"", size, chunked: false),
            () => Body("application/json", "{\"memoirReference\":\"", size, chunked: true),
            () => Body("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n", size, chunked: true),
            () => Body("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n", size, chunked: false),
        };
        var urls = new[] { "/api/v1/fee-memoirs", "/api/v1/fee-memoirs/simulations", "/api/v1/validation-requests", "/api/v1/validation-requests" };
        int refused = 0, closed = 0, accepted = 0, serverErrors = 0, serverHeaders = 0;
        var sent = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < kinds.Length; k++)
            {
                var results = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(async _ =>
                {
                    try
                    {
                        using var response = await http.SendAsync(Keyed(HttpMethod.Post, urls[k], kinds[k]()));
                        return ((int)response.StatusCode, response.Headers.Contains("Server"));
                    }
                    catch (HttpRequestException)
                    {
                        return (0, false); // the API closed the connection on a body it would not read
                    }
                }));
                foreach (var (status, server) in results)
                {
                    if (status == 413) refused++;
                    else if (status == 0) closed++;
                    else if (status >= 500) serverErrors++;
                    else accepted++;
                    if (server) serverHeaders++;
                }
            }
        }
        await Task.Delay(500);
        await stop.CancelAsync();
        await sampler;

        figures.Info($"oversized bodies sent ({size / (1024 * 1024)} MB each, {Concurrent} at a time)", rounds * kinds.Length * Concurrent);
        figures.Info("oversized bodies answered 413", refused);
        figures.Info("oversized bodies cut off (connection closed)", closed);
        figures.Zero("oversized bodies accepted", accepted);
        figures.Zero("oversized bodies 5xx", serverErrors);
        figures.Zero("responses with a Server header", serverHeaders);
        figures.Info("oversized bodies seconds", Math.Round(sent.Elapsed.TotalSeconds, 1));
        figures.Info("RSS before oversized bodies (MB)", Math.Round(baseline));
        figures.AtMost("RSS increase under 6 concurrent oversized bodies (MB, P4 bound 100)", peak - baseline, 100);
    }

    private static HttpRequestMessage Keyed(HttpMethod method, string url, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("X-Api-Key", "sandbox-physio-1");
        return request;
    }

    /// <summary>A body of <paramref name="size"/> bytes made as it is sent: <paramref name="prefix"/> then filler, with or without a Content-Length.</summary>
    private static HttpContent Body(string contentType, string prefix, long size, bool chunked)
    {
        var content = new FillerContent(Encoding.ASCII.GetBytes(prefix), size, chunked);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private sealed class FillerContent(byte[] prefix, long length, bool chunked) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(prefix);
            var piece = new byte[64 * 1024];
            Array.Fill(piece, (byte)'1');
            for (var sent = (long)prefix.Length; sent < length; sent += piece.Length)
                await stream.WriteAsync(piece.AsMemory(0, (int)Math.Min(piece.Length, length - sent)));
        }

        protected override bool TryComputeLength(out long size)
        {
            size = length;
            return !chunked;
        }
    }
}
