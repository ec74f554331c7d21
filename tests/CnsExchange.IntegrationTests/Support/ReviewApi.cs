using System.Net;
using CnsExchange.Application.Features.Requests;
using CnsExchange.Application.Features.Review;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>The reviewer's side of every kind of request (VAL-17, one queue and one decision endpoint), read as the API's DTOs.</summary>
public static class ReviewApi
{
    /// <summary>A decision that is taken (200): the request as its lifecycle then shows it.</summary>
    public static async Task<RequestDto> ReviewAsync(this HttpClient reviewer, object requestId, object decision) =>
        await (await reviewer.PostJsonAsync($"/api/v1/review/{requestId}/decision", decision)).ExpectAsync<RequestDto>(HttpStatusCode.OK);

    /// <summary>The pending requests of every kind, the most urgent first.</summary>
    public static async Task<ReviewQueue> ReviewQueueAsync(this HttpClient reviewer) =>
        await (await reviewer.GetAsync("/api/v1/review/queue")).ExpectAsync<ReviewQueue>(HttpStatusCode.OK);
}
