using System.Net;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.Foundation;

public sealed class RateLimitedApiFactory : ApiFactory
{
    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ("CnsExchange:RateLimit:TokenLimit", "5"),
        ("CnsExchange:RateLimit:TokensPerSecond", "1"),
        ("CnsExchange:RunBackgroundJobs", "false"),
    ];
}

public sealed class RateLimitTests(RateLimitedApiFactory api) : IClassFixture<RateLimitedApiFactory>
{
    [Fact]
    public async Task A_key_over_its_budget_gets_429_with_retry_after_and_other_keys_are_not_affected()
    {
        var client = api.ClientFor(ApiTest.Physio1);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10; i++)
        {
            var response = await client.GetAsync("/api/v1/reference/letter-key");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited ??= response;
        }
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.NotNull(limited);
        await limited!.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        var other = await api.ClientFor(ApiTest.Physio2).GetAsync("/api/v1/reference/letter-key");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
