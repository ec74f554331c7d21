using CnsExchange.Application.Features.Admin;
using System.Net;
using CnsExchange.Api.Infrastructure;
using CnsExchange.IntegrationTests.Reliability;
using CnsExchange.IntegrationTests.Support;
using Xunit.Abstractions;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>Rate limiting per API key (issue 10, item 7).</summary>
public sealed class RateLimitTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    [Fact]
    [Trait("Category", "Reliability")]
    public async Task A_key_over_its_budget_gets_429_with_retry_after_and_other_keys_are_not_affected()
    {
        var options = Api.Services.GetRequiredService<RateLimiting.Options>();
        var (limit, perSecond) = (options.TokenLimit, options.TokensPerSecond);
        // A key seen for the first time gets a bucket with the settings of that moment: the keys used here besides the
        // new one get theirs before the limits are lowered (the buckets outlive this test).
        var created = await (await Client(Admin).PostAsync("/api/v1/admin/providers/PHY0002/keys", null)).ExpectAsync<ProviderCreated>(HttpStatusCode.Created);
        // Twice: a key's first request (before it is known valid) counts in its address's bucket; the second makes its own.
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await Client(Physio1).GetAsync("/api/v1/reference/letter-key")).StatusCode);
        try
        {
            options.TokenLimit = 5;
            options.TokensPerSecond = 1;
            var client = Client(created.ApiKey);
            var responses = new List<HttpResponseMessage>();
            for (var i = 0; i < 10; i++) responses.Add(await client.GetAsync("/api/v1/reference/letter-key"));
            var other = await Client(Physio1).GetAsync("/api/v1/reference/letter-key");
            // The figures first: an assertion below must not stop them from being printed.
            ReliabilityFigures.Report(output, Figures(responses, other));

            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
            var limited = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.NotNull(limited);
            await limited!.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        finally
        {
            (options.TokenLimit, options.TokensPerSecond) = (limit, perSecond);
        }
    }

    /// <summary>The rate-limit figures: 429s, those of them without a Retry-After, and whether another key was limited too.</summary>
    public static (string Name, long Value)[] Figures(IReadOnlyList<HttpResponseMessage> limitedKey, HttpResponseMessage otherKey) =>
    [
        ("rate limit answers 429", limitedKey.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests)),
        ("rate limit 429 without Retry-After", limitedKey.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests && r.Headers.RetryAfter is null)),
        ("rate limit spilling onto other keys (other key not answered 200)", otherKey.StatusCode == HttpStatusCode.OK ? 0 : 1),
    ];
}
