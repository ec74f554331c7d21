using CnsExchange.Api.Infrastructure;
using CnsExchange.Infrastructure;
using CnsExchange.IntegrationTests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Time.Testing;

namespace CnsExchange.IntegrationTests.ScaleOut;

/// <summary>
/// Two API hosts on one database, each also a Hangfire server (as every process of scripts/scale-out.sh is): what
/// must hold with N processes is shown with two, inside the test process.
/// </summary>
public sealed class TwoHostsWithJobs : IAsyncLifetime
{
    public FakeTimeProvider RealTime { get; } = new(ApiFactory.Start);
    public Host A { get; private set; } = null!;
    public Host B { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public IEnumerable<Host> Both => [A, B];

    public sealed class Host(string connectionString, TimeProvider realTime) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:Cns", connectionString);
            builder.UseSetting("CnsExchange:RunBackgroundJobs", "true");
            builder.UseSetting("CnsExchange:RateLimit:TokenLimit", "1000000");
            builder.UseSetting("CnsExchange:RateLimit:TokensPerSecond", "1000000");
            builder.UseSetting("CnsExchange:RateLimit:UnverifiedTokenLimit", "1000000");
            builder.UseSetting("CnsExchange:RateLimit:UnverifiedTokensPerSecond", "1000000");
            builder.ConfigureTestServices(services => services.AddKeyedSingleton(DependencyInjection.InnerClockKey, realTime));
        }

        public HttpClient As(string key)
        {
            var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            return client;
        }

        public RateLimiting.Options RateLimits => Services.GetRequiredService<RateLimiting.Options>();
    }

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("cnsx_scale");
        // Built on the thread pool: starting a host blocks its thread, and xUnit's own threads are few (one per core).
        A = new Host(ConnectionString, RealTime);
        await Task.Run(() => A.Services); // the first migrates and seeds
        B = new Host(ConnectionString, RealTime);
        await Task.Run(() => B.Services);
    }

    public async Task DisposeAsync()
    {
        if (A is not null) await A.DisposeAsync();
        if (B is not null) await B.DisposeAsync();
    }
}
