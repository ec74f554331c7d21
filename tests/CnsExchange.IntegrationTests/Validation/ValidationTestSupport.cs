using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Physio;
using CnsExchange.IntegrationTests.Support;
using Npgsql;

namespace CnsExchange.IntegrationTests.Validation;

/// <summary>Builds validation requests like a practice software would send them.</summary>
public static class ValidationTestSupport
{
    public const string Url = "/api/v1/validation-requests";

    public static readonly DateOnly Today = new(2026, 11, 23);

    public const string Adult = "1983081246785";
    public const string Minor = "2012051469331";
    public const string CrossBorderFr = "1971110258749";
    public const string AccidentCase = "1994092874550";
    public const string DependencyPlan = "2003042581939";
    public const string NotAffiliated = "1893120105732";

    /// <summary>A common prescription of 3 days ago by a Luxembourg doctor: agreed as is.</summary>
    public static ValidationRequestInput Rx(string matricule = Adult) => new(
        matricule, new DoctorReference("90000001", null, null), Today.AddDays(-3), "fr", PhysioCategory.Common, null, null,
        "ZK11", 6, "2 per week", "Low back pain", false, false, "LU", null);

    public static ValidationRequestInput Foreign(this ValidationRequestInput rx, string country = "DE", string language = "de") =>
        rx with { Doctor = new DoctorReference(null, "Dr Hans Müller", country), PrescriptionLanguage = language };

    /// <summary>A small, unique PDF (the scan hash is one of the duplicate keys, so each test prescription gets its own).</summary>
    public static byte[] Pdf(string? marker = null) => Encoding.ASCII.GetBytes($"%PDF-1.4\n% {marker ?? Guid.NewGuid().ToString()}\n%%EOF\n");

    public static string Json(ValidationRequestInput rx) => JsonSerializer.Serialize(rx, JsonDefaults.Options);

    public static MultipartFormDataContent Form(string? requestJson, byte[]? scan, string scanName = "prescription.pdf", string scanType = "application/pdf")
    {
        var form = new MultipartFormDataContent();
        if (requestJson is not null) form.Add(new StringContent(requestJson, Encoding.UTF8, "application/json"), "request");
        if (scan is not null)
        {
            var file = new ByteArrayContent(scan);
            file.Headers.ContentType = new MediaTypeHeaderValue(scanType);
            form.Add(file, "scan", scanName);
        }
        return form;
    }

    public static Task<HttpResponseMessage> SubmitAsync(this HttpClient client, ValidationRequestInput rx, byte[]? scan = null, string? idempotencyKey = null) =>
        client.SubmitRawAsync(Json(rx), scan ?? Pdf(), idempotencyKey);

    public static Task<HttpResponseMessage> SubmitRawAsync(this HttpClient client, string? requestJson, byte[]? scan, string? idempotencyKey = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Url) { Content = Form(requestJson, scan) };
        if (idempotencyKey is not null) message.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(message);
    }

    /// <summary>Submits and expects 201 with a Location pointing at the stored request.</summary>
    public static async Task<ValidationRequestDto> DecideAsync(this HttpClient client, ValidationRequestInput rx, byte[]? scan = null, string? idempotencyKey = null)
    {
        var response = await client.SubmitAsync(rx, scan, idempotencyKey);
        var body = await response.ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created);
        Assert.Equal($"{Url}/{body.Id}", response.Headers.Location?.ToString());
        return body;
    }

    /// <summary>
    /// <paramref name="count"/> agreed vouchers (ZK11, 6 sessions each) of the adult, one for each prescription from 3 days
    /// before <see cref="Today"/> back (distinct dates, so that none is the duplicate of another, VAL-14): their numbers.
    /// </summary>
    public static async Task<List<string>> AgreedVouchersAsync(this HttpClient physio, int count)
    {
        var vouchers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var decision = await physio.DecideAsync(Rx() with { PrescriptionDate = Today.AddDays(-3 - i) });
            Assert.True(decision.Voucher is not null, $"prescription {i}: {string.Join(", ", decision.Codes())}");
            vouchers.Add(decision.Voucher!.Number);
        }
        return vouchers;
    }

    public static IReadOnlyList<string> Codes(this ValidationRequestDto decision) => decision.Reasons.Select(r => r.Code).ToList();

    public static VoucherServiceDto Service(this ValidationRequestDto decision) => decision.Voucher!.Services.Single();

    /// <summary>
    /// Moves the sandbox clock forward through the admin API. (The factory's fake inner clock cannot be put back to
    /// the start by the next test's reset once advanced; the sandbox offset is reset with the database.)
    /// </summary>
    public static async Task AdvanceAsync(this ApiFactory api, TimeSpan by)
    {
        var response = await api.ClientFor(ApiTest.Admin).PutJsonAsync("/api/v1/admin/clock", new { advanceHours = (int)by.TotalHours });
        await response.ExpectAsync(HttpStatusCode.OK);
    }

    public static async Task<long> CountAsync(this ApiFactory api, string table)
    {
        await using var conn = new NpgsqlConnection(api.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM cns.{table}", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
