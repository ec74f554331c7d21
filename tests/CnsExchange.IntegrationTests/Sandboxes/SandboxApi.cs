using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Sandboxes;
using CnsExchange.IntegrationTests.Support;
using Npgsql;

namespace CnsExchange.IntegrationTests.Sandboxes;

/// <summary>A sandbox created through the operator API (the answer as the API's DTO), with its keys by role.</summary>
public sealed record CreatedSandbox(SandboxCreated Body)
{
    public Guid Id => Body.Id;

    public IReadOnlyDictionary<string, string> Keys => Body.Keys;

    public string Key(string role) => Keys[role];
}

public static class SandboxApi
{
    public static readonly string[] Roles = ["physio-1", "physio-2", "hospital-1", "thermal-1", "rehab-1", "doctor-1", "cnrfr", "reviewer", "admin", "insured-app"];

    public static async Task<CreatedSandbox> CreateAsync(HttpClient operatorClient, string name = "test", string mode = "frozen",
        DateTimeOffset? now = null, string seed = "standard")
    {
        var body = await (await operatorClient.PostJsonAsync("/api/v1/sandboxes", new
        {
            name, clock = new { mode, now = now ?? ApiFactory.Start }, seed,
        })).ExpectAsync<SandboxCreated>(HttpStatusCode.Created);
        return new CreatedSandbox(body);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a sandbox of its own (<see cref="CreateAsync"/>, named <paramref name="name"/>), which
    /// is deleted afterwards whatever the work did; the deletion must answer 204 (unless the work threw: its exception is
    /// the one seen).
    /// </summary>
    public static async Task<T> InOwnSandboxAsync<T>(HttpClient operatorClient, string name, Func<CreatedSandbox, Task<T>> work)
    {
        var sandbox = await CreateAsync(operatorClient, name);
        T result;
        HttpStatusCode deleted;
        try
        {
            result = await work(sandbox);
        }
        finally
        {
            deleted = (await operatorClient.DeleteAsync($"/api/v1/sandboxes/{sandbox.Id}")).StatusCode;
        }
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        return result;
    }

    /// <inheritdoc cref="InOwnSandboxAsync{T}"/>
    public static Task InOwnSandboxAsync(HttpClient operatorClient, string name, Func<CreatedSandbox, Task> work) =>
        InOwnSandboxAsync(operatorClient, name, async sandbox =>
        {
            await work(sandbox);
            return true;
        });

    /// <summary>The application role's connection (not a superuser: row-level security binds it), as the API derives it.</summary>
    public static string AppRoleConnection(ApiFactory api) =>
        new NpgsqlConnectionStringBuilder(api.ConnectionString) { Username = "cns_app", Password = "cns-app-local", Pooling = false }.ConnectionString;

    public static async Task<NpgsqlConnection> OpenAsAppRoleAsync(ApiFactory api, Guid? sandbox)
    {
        var conn = new NpgsqlConnection(AppRoleConnection(api));
        await conn.OpenAsync();
        if (sandbox is { } id)
        {
            await using var set = new NpgsqlCommand("SELECT set_config('cns.sandbox', $1, false)", conn);
            set.Parameters.Add(new NpgsqlParameter { Value = id.ToString() });
            await set.ExecuteNonQueryAsync();
        }
        return conn;
    }

    /// <summary>Every row of every sandbox table holding this sandbox id (the owner reads past row-level security).</summary>
    public static async Task<long> RowsOfAsync(string connectionString, Guid sandbox)
    {
        await using var owner = new NpgsqlConnection(connectionString);
        await owner.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.columns WHERE table_schema = 'cns' AND column_name = 'sandbox_id' AND table_name <> 'sandboxes'", owner))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return await CountAsync(owner, "SELECT " + string.Join(" + ", tables.Select(t => $"(SELECT count(*) FROM cns.\"{t}\" WHERE sandbox_id = $1)")), sandbox);
    }

    public static async Task<long> CountAsync(NpgsqlConnection conn, string sql, params object[] args) =>
        Convert.ToInt64(await ScalarAsync<object>(conn, sql, args));

    public static Task<T> ScalarAsync<T>(NpgsqlConnection conn, string sql, params object[] args) => Sql.ScalarAsync<T>(conn, sql, args);

    public static Guid Default => SandboxIds.Default;
}
