using System.Net;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.Lifecycle;

/// <summary>Requests of the lifecycle tests (RULES.md §9).</summary>
internal static class LifecycleApi
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    private static HttpContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body, options: HttpAssertions.Json);

    public static Task<HttpResponseMessage> CancelVoucherAsync(HttpClient client, string number, string reason = "The patient never came.", string? key = null) =>
        PostAsync(client, $"/api/v1/vouchers/{number}/cancellation", new { reason }, key);

    public static Task<HttpResponseMessage> VoidAsync(HttpClient client, string memoirId, string reason = "Sent with a wrong date.", string? key = null) =>
        PostAsync(client, $"/api/v1/fee-memoirs/{memoirId}/cancellation", new { reason }, key);

    public static Task<HttpResponseMessage> ReverseAsync(HttpClient client, string memoirId, int line, string reason = "Billed twice by mistake.", string? key = null) =>
        PostAsync(client, $"/api/v1/fee-memoirs/{memoirId}/lines/{line}/reversal", new { reason }, key);

    public static Task<HttpResponseMessage> RecoverAsync(HttpClient client, string memoirId, int line, string code = "DOUBLE_FINANCING",
        string note = "Dependency insurance paid the same session.", string? key = null) =>
        PostAsync(client, "/api/v1/review/recoveries", new { memoirId, lineNumber = line, code, note }, key);

    /// <summary>GET expecting 200, read as the API's DTO (<see cref="HttpAssertions.Typed"/>).</summary>
    public static async Task<T> GetAsync<T>(HttpClient client, string url) => await (await client.GetAsync(url)).ExpectAsync<T>(HttpStatusCode.OK);
}
