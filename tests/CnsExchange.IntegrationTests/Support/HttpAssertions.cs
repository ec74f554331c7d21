using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CnsExchange.Application.Common;

namespace CnsExchange.IntegrationTests.Support;

public static class HttpAssertions
{
    public static JsonSerializerOptions Json => JsonDefaults.Options;

    /// <summary>
    /// Reads answers into the API's own DTOs with its conventions, strictly: a field the DTO lacks, a constructor field
    /// the body lacks or a null where the DTO allows none fails the read, so the wire format cannot drift from the DTOs.
    /// </summary>
    /// <remarks>One definition with the chaos tool's reads (tests/CnsExchange.Reliability/TypedJson.cs).</remarks>
    public static JsonSerializerOptions Typed => CnsExchange.Reliability.TypedJson.Options;

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Typed) ?? throw new InvalidOperationException("null body");

    /// <summary>
    /// The body as raw JSON whatever the status. Kept untyped on purpose: it reads files whose JSON format is the subject
    /// (return files) and answers whose kind the test does not know in advance (races answered 201 or with a problem).
    /// </summary>
    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    /// <summary>The body as the API's DTO (<see cref="Typed"/>) whatever the status: for races where the test sorts the answers by status first.</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) => Read<T>(await response.Content.ReadAsStringAsync());

    /// <summary>Asserts the status and returns the body as JSON; shows the body when the status differs.</summary>
    public static async Task<JsonNode> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        return string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>Asserts the status and returns the body as the API's DTO (<see cref="Typed"/>); shows the body when the status differs.</summary>
    public static async Task<T> ExpectAsync<T>(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        return Read<T>(text);
    }

    /// <summary>
    /// Asserts an RFC 9457 problem with the given status and stable code. Returned as raw JSON on purpose: the problem's
    /// members on the wire (code, errors by field, extensions) are what the callers check.
    /// </summary>
    public static async Task<JsonNode> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.ExpectAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, body["code"]?.GetValue<string>());
        Assert.Equal((int)status, body["status"]?.GetValue<int>());
        return body;
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string url, T body) =>
        client.PostAsJsonAsync(url, body, Json);

    public static Task<HttpResponseMessage> PutJsonAsync<T>(this HttpClient client, string url, T body) =>
        client.PutAsJsonAsync(url, body, Json);
}
