using System.Net;
using System.Net.Http.Json;
using System.Text;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Billing;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>Small helpers for the billing tests: memoir lines and file polling.</summary>
internal static class BillingApi
{
    public const string Adult = "1983081246785";

    public static object Line(string voucher, string date, string act = "ZK11", decimal claimed = 36.80m, bool travel = false, string matricule = Adult) =>
        new { voucherNumber = voucher, matricule, sessionDate = date, actCode = act, travel, claimedAmount = claimed };

    public static object Memoir(string reference, params object[] lines) => new { memoirReference = reference, lines };

    public static async Task<FeeMemoirDto> SubmitAsync(HttpClient client, object memoir, HttpStatusCode expected = HttpStatusCode.Created) =>
        await (await client.PostJsonAsync("/api/v1/fee-memoirs", memoir)).ExpectAsync<FeeMemoirDto>(expected);

    /// <summary>Moves the sandbox clock forward (the test clock itself never goes back between tests).</summary>
    public static async Task AdvanceDaysAsync(HttpClient admin, int days) =>
        await (await admin.PutJsonAsync("/api/v1/admin/clock", new { advanceDays = days })).ExpectAsync(HttpStatusCode.OK);

    /// <summary>GET /fee-memoirs (<paramref name="query"/> e.g. "?status=paid"), one page of the caller's memoirs, newest first.</summary>
    public static async Task<Page<FeeMemoirSummaryDto>> MemoirsAsync(HttpClient client, string query = "") =>
        await (await client.GetAsync($"/api/v1/fee-memoirs{query}")).ExpectAsync<Page<FeeMemoirSummaryDto>>(HttpStatusCode.OK);

    /// <summary>A contestation that is taken (201, BIL-15): POST /fee-memoirs/{id}/lines/{line}/contestation with <paramref name="body"/> (code, text).</summary>
    public static async Task<ContestationDto> ContestLineAsync(HttpClient provider, object memoirId, int line, object body) =>
        await (await provider.PostJsonAsync($"/api/v1/fee-memoirs/{memoirId}/lines/{line}/contestation", body)).ExpectAsync<ContestationDto>(HttpStatusCode.Created);

    /// <summary>A reviewer's decision on a contestation that is taken (200): the contestation as decided.</summary>
    public static async Task<ContestationDto> DecideContestationAsync(HttpClient reviewer, object contestationId, object decision) =>
        await (await reviewer.PostJsonAsync($"/api/v1/review/contestations/{contestationId}/decision", decision)).ExpectAsync<ContestationDto>(HttpStatusCode.OK);

    /// <summary>GET /review/contestations (the reviewer's queue; <paramref name="query"/> e.g. "?status=lapsed"), one page.</summary>
    public static async Task<Page<ContestationDto>> ContestationsAsync(HttpClient reviewer, string query = "") =>
        await (await reviewer.GetAsync($"/api/v1/review/contestations{query}")).ExpectAsync<Page<ContestationDto>>(HttpStatusCode.OK);

    public static FeeMemoirLineDto LineOf(FeeMemoirDto memoir, int number) => memoir.Lines.Single(l => l.LineNumber == number);

    public static FeeMemoirLineDto LineOf(FeeMemoirSimulationDto simulation, int number) => simulation.Lines.Single(l => l.LineNumber == number);

    public static IReadOnlyList<string> Codes(FeeMemoirLineDto line) => line.Reasons.Select(r => r.Code).ToList();

    public static async Task<BillingFileDto> UploadAsync(HttpClient client, string content, string contentType, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing-files")
        {
            Content = new StringContent(content, Encoding.UTF8, contentType),
        };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await client.SendAsync(request);
        var body = await response.ExpectAsync<BillingFileDto>(HttpStatusCode.Accepted);
        Assert.Equal($"/api/v1/billing-files/{body.Id}", response.Headers.Location?.OriginalString);
        return body;
    }

    /// <summary>
    /// A CSV billing file of PHY0001 stored and registered as the endpoint does, without queueing its job: it stays received
    /// until the test processes it (<c>ProcessBillingFile</c>), so that no background run races the test's own.
    /// </summary>
    public static Task<(Guid FileId, Guid ProviderId)> RegisterWithoutJobAsync(ApiFactory api, string csv) => api.WithScopeAsync(async sp =>
    {
        var provider = await sp.GetRequiredService<AppDbContext>().Providers.SingleAsync(p => p.Code == "PHY0001");
        var stored = await sp.GetRequiredService<IBillingFileStore>().SaveAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), long.MaxValue, default);
        return ((await sp.GetRequiredService<IMediator>().Send(new SubmitBillingFile(provider.Id, stored, BillingFileFormat.Csv, null, null))).Id, provider.Id);
    });

    /// <summary>Polls the status resource until the job has finished with the file.</summary>
    public static async Task<BillingFileDto> WaitForFileAsync(HttpClient client, string id, TimeSpan? timeout = null)
    {
        var body = await Eventually.PollAsync(async () => await (await client.GetAsync($"/api/v1/billing-files/{id}")).ExpectAsync<BillingFileDto>(HttpStatusCode.OK),
            b => Finished(b.Status), timeout, intervalMs: 100);
        return Finished(body.Status) ? body : throw new TimeoutException($"Billing file {id} still {body.Status}.");
    }

    public static Task<BillingFileDto> WaitForFileAsync(HttpClient client, Guid id, TimeSpan? timeout = null) => WaitForFileAsync(client, id.ToString(), timeout);

    private static bool Finished(BillingFileStatus status) => status is BillingFileStatus.Processed or BillingFileStatus.Rejected;
}
