using System.Text.Json;
using System.Text.Json.Serialization;
using CnsExchange.Application.Common;

namespace CnsExchange.Reliability;

/// <summary>
/// Reads answers into the API's own DTOs with its conventions, strictly: a field the DTO lacks, a constructor field the
/// body lacks or a null where the DTO allows none fails the read. The integration tests read with the same options
/// (HttpAssertions.Typed).
/// </summary>
public static class TypedJson
{
    public static readonly JsonSerializerOptions Options = new(JsonDefaults.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidOperationException("null body");

    /// <summary>GET <paramref name="url"/>, expecting 200, read strictly as <typeparamref name="T"/>.</summary>
    public static async Task<T> GetAsync<T>(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != System.Net.HttpStatusCode.OK) throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {text}");
        return Read<T>(text);
    }
}
