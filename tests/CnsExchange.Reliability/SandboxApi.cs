using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CnsExchange.Application.Features.Billing;
using Npgsql;

namespace CnsExchange.Reliability;

/// <summary>Calls of the scenarios against the API process: identities, validation requests, fee memoirs, SQL counts.</summary>
public static class SandboxApi
{
    public static HttpClient Client(ApiProcess api, string key, int timeoutSeconds = 20)
    {
        var client = new HttpClient { BaseAddress = new Uri(api.BaseUrl), Timeout = TimeSpan.FromSeconds(timeoutSeconds) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public static async Task<long> ScalarAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public static async Task<List<string>> SeedInsuredAsync(HttpClient admin, int count)
    {
        var list = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var matricule = Matricules.Create(new DateOnly(1960, 3, 1).AddDays(i * 91), 700 + i);
            var response = await admin.PutAsJsonAsync($"/api/v1/admin/insured/{matricule}", new
            {
                firstName = "Kill", lastName = $"Test{i}", sex = "male", competentFund = "CNS", residenceCountry = "LU", crossBorderWorker = false,
                affiliations = new[] { new { from = "2000-01-01", to = (string?)null } },
            });
            response.EnsureSuccessStatusCode();
            list.Add(matricule);
        }
        return list;
    }

    public static string ValidationJson(string matricule, string doctor, DateOnly date, string diagnosis) => JsonSerializer.Serialize(new
    {
        matricule, doctor = new { code = doctor }, prescriptionDate = date.ToString("yyyy-MM-dd"), prescriptionLanguage = "fr", category = "common",
        actCode = "ZK11", sessions = 8, homeVisitMedicallyNecessary = false, careCountry = "LU", diagnosis,
    });

    public static string MemoirJson(string reference, string voucher, string matricule, DateOnly date) => JsonSerializer.Serialize(new
    {
        memoirReference = reference,
        lines = new[] { new { voucherNumber = voucher, matricule, sessionDate = date.ToString("yyyy-MM-dd"), actCode = "ZK11", travel = false, claimedAmount = 36.80m } },
    });

    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SubmitValidationAsync(HttpClient client, string matricule, string doctor, DateOnly date, string diagnosis, string key) =>
        await PostValidationAsync(client, ValidationJson(matricule, doctor, date, diagnosis), key);

    public static async Task<(HttpStatusCode Status, JsonNode? Body)> PostValidationAsync(HttpClient client, string json, string key)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(json, Encoding.UTF8, "application/json"), "request" },
            { new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4\n% " + key + "\n%%EOF\n")), "scan", "rx.pdf" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/validation-requests") { Content = form };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await ReadAsync(response));
    }

    public static async Task<(HttpStatusCode Status, JsonNode? Body)> PostMemoirAsync(HttpClient client, string json, string key)
    {
        var (status, text) = await SendMemoirAsync(client, json, key);
        return (status, Parse(text));
    }

    /// <summary>POST /fee-memoirs expecting 201, the answer read strictly as <see cref="FeeMemoirDto"/> (<see cref="TypedJson"/>).</summary>
    public static async Task<FeeMemoirDto> SubmitMemoirAsync(HttpClient client, string json, string key)
    {
        var (status, text) = await SendMemoirAsync(client, json, key);
        if (status != HttpStatusCode.Created) throw new InvalidOperationException($"memoir not stored ({(int)status}): {text}");
        return TypedJson.Read<FeeMemoirDto>(text);
    }

    private static async Task<(HttpStatusCode Status, string Text)> SendMemoirAsync(HttpClient client, string json, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/fee-memoirs") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Whatever a process answered, as raw JSON, or null when the body is empty or not JSON. Kept untyped on purpose: the
    /// scenarios send while processes are killed and restarted and take one member (an id, a status, a problem code) from
    /// answers of several kinds (validation decisions, memoirs, problems, a proxy's error page) without knowing which came
    /// back; a strict read would end the scenario on the first problem instead of counting it.
    /// </summary>
    public static async Task<JsonNode?> ReadAsync(HttpResponseMessage response) => Parse(await response.Content.ReadAsStringAsync());

    private static JsonNode? Parse(string text)
    {
        try { return string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text); }
        catch (JsonException) { return null; }
    }
}
