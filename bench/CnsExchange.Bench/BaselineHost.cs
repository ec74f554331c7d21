using Npgsql;
using NpgsqlTypes;

namespace CnsExchange.Bench;

/// <summary>
/// Bench-only HTTP host: one endpoint doing one raw INSERT of a payload equal to a validation request
/// (request JSON + scan bytes) into the same PostgreSQL. The lower bound the API is compared with.
/// </summary>
public sealed class BaselineHost : IAsyncDisposable
{
    private const string Table = "bench.raw_requests";
    private readonly WebApplication _app;
    public Uri BaseUri { get; }

    private BaselineHost(WebApplication app, Uri uri)
    {
        _app = app;
        BaseUri = uri;
    }

    public static async Task<BaselineHost> StartAsync(string connectionString, int port)
    {
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                $"CREATE SCHEMA IF NOT EXISTS bench; CREATE TABLE IF NOT EXISTS {Table} (id uuid PRIMARY KEY, received_at timestamptz NOT NULL, request jsonb NOT NULL, scan bytea NOT NULL)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var dataSource = NpgsqlDataSource.Create(connectionString);
        builder.Services.AddSingleton(dataSource);
        var app = builder.Build();
        app.MapPost("/baseline/insert", async (HttpRequest request, NpgsqlDataSource db) =>
        {
            var form = await request.ReadFormAsync();
            var json = form["request"].ToString();
            var file = form.Files["scan"]!;
            using var ms = new MemoryStream();
            await file.CopyToAsync(ms);
            await using var cmd = db.CreateCommand($"INSERT INTO {Table} (id, received_at, request, scan) VALUES ($1, now(), $2, $3)");
            cmd.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
            cmd.Parameters.Add(new NpgsqlParameter { Value = ms.ToArray() });
            await cmd.ExecuteNonQueryAsync();
            return Results.Created();
        }).DisableAntiforgery();
        await app.StartAsync();
        return new BaselineHost(app, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>
    /// Stops the host and empties its table: its 20 KiB rows would otherwise be vacuumed (their TOAST read through) beside
    /// the phases that follow.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await using (var truncate = _app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand($"TRUNCATE {Table}"))
            await truncate.ExecuteNonQueryAsync();
        await _app.DisposeAsync();
    }
}
