using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CnsExchange.Infrastructure.Tests;

/// <summary>What the API adds to the connection strings it is given, and that what is given explicitly wins.</summary>
public sealed class ConnectionTuningTests
{
    private static IConfiguration Configuration(string owner) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Cns"] = owner }).Build();

    [Theory]
    // Bare: fail fast when the database is gone, prepare the hot statements, try no GSS encryption.
    [InlineData("Host=db;Username=cns;Database=cns", 3, 64, GssEncryptionMode.Disable)]
    // What the connection string sets is kept.
    [InlineData("Host=db;Username=cns;Database=cns;Timeout=7;Max Auto Prepare=5;Gss Encryption Mode=Prefer", 7, 5, GssEncryptionMode.Prefer)]
    public void The_owners_connection_gets_the_defaults_it_does_not_set(string given, int timeout, int maxAutoPrepare, GssEncryptionMode gss)
    {
        var tuned = new NpgsqlConnectionStringBuilder(DependencyInjection.OwnerConnectionString(Configuration(given)));
        Assert.Equal((timeout, maxAutoPrepare, gss), (tuned.Timeout, tuned.MaxAutoPrepare, tuned.GssEncryptionMode));
    }

    [Fact]
    public void The_application_role_gets_the_owners_tuning()
    {
        var app = new NpgsqlConnectionStringBuilder(DependencyInjection.ConnectionString(Configuration("Host=db;Username=owner;Database=cns")));
        Assert.Equal(("cns_app", 3, GssEncryptionMode.Disable), (app.Username, app.Timeout, app.GssEncryptionMode));
    }
}
