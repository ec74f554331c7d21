using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CnsExchange.Infrastructure.Tests;

/// <summary>What the API adds to the connection strings it is given, and that what is given explicitly wins.</summary>
public sealed class ConnectionTuningTests
{
    private static NpgsqlConnectionStringBuilder Owner(string connectionString) =>
        new(DependencyInjection.OwnerConnectionString(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Cns"] = connectionString }).Build()));

    [Fact]
    public void A_bare_connection_string_fails_fast_prepares_hot_statements_and_tries_no_gss_encryption()
    {
        var tuned = Owner("Host=db;Username=cns;Database=cns");
        Assert.Equal(3, tuned.Timeout);
        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.Equal(GssEncryptionMode.Disable, tuned.GssEncryptionMode);
    }

    [Fact]
    public void What_the_connection_string_sets_is_kept()
    {
        var tuned = Owner("Host=db;Username=cns;Database=cns;Timeout=7;Max Auto Prepare=5;Gss Encryption Mode=Prefer");
        Assert.Equal(7, tuned.Timeout);
        Assert.Equal(5, tuned.MaxAutoPrepare);
        Assert.Equal(GssEncryptionMode.Prefer, tuned.GssEncryptionMode);
    }

    [Fact]
    public void The_application_role_gets_the_owners_tuning()
    {
        var app = new NpgsqlConnectionStringBuilder(DependencyInjection.ConnectionString(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Cns"] = "Host=db;Username=owner;Database=cns" }).Build()));
        Assert.Equal("cns_app", app.Username);
        Assert.Equal(GssEncryptionMode.Disable, app.GssEncryptionMode);
        Assert.Equal(3, app.Timeout);
    }
}
