using System.Text.Json;
using CnsExchange.Application.Common;
using CnsExchange.Domain.Requests;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>
/// Issue 24: a request's history moved from cns.request_events onto the request (jsonb). A database holding histories in
/// the table keeps every entry, in order, readable by the application as it serialises them; and the way back restores the table.
/// </summary>
public sealed class RequestHistoryMigrationTests
{
    private const string BeforeFold = "20261202064351_DropUnusedScanHashIndex";
    private const string DefaultSandbox = "00000000-0000-0000-0000-000000000001";
    private const string Overlap = """[{"code":"DEPENDENCY_INSURANCE_OVERLAP"}]""";

    [Fact]
    public async Task Histories_stored_as_rows_become_the_requests_ordered_arrays_and_come_back_as_rows()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await TestDatabase.CreateAsync("cnsx_history"))
        {
            Options = $"-c cns.sandbox={DefaultSandbox}",
        }.ConnectionString;
        var options = new DbContextOptionsBuilder<AppDbContext>()
            .UseNpgsql(connectionString, n => n.MigrationsHistoryTable("__EFMigrationsHistory", AppDbContext.Schema))
            .UseSnakeCaseNamingConvention().Options;
        await using var db = new AppDbContext(options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(BeforeFold);

        var provider = Guid.NewGuid();
        var request = Guid.NewGuid();
        var other = Guid.NewGuid();
        await ExecuteAsync(connectionString, $"""
            INSERT INTO cns.providers (id, code, kind, name, iban, bic, created_at)
            VALUES ('{provider}', 'PHYX', 'Physiotherapist', 'P', 'LU280019400644750000', 'BCEELULL', now());
            INSERT INTO cns.care_requests (id, kind, matricule, provider_id, reasons, received_at, received_on, status, updated_at)
            VALUES ('{request}', 'CureAuthorisation', '1983081246785', '{provider}', '[]', now(), current_date, 'Agreed', now()),
                   ('{other}', 'CureAuthorisation', '1983081246785', '{provider}', '[]', now(), current_date, 'Pending', now());
            INSERT INTO cns.request_events (id, request_id, sequence, at, actor, action, status, note, reasons) VALUES
              (gen_random_uuid(), '{request}', 2, '2026-12-01T10:00:05Z', 'reviewer:r1', 'agreed', 'Agreed', 'ok', '{Overlap}'),
              (gen_random_uuid(), '{request}', 1, '2026-12-01T10:00:00Z', 'system', 'submitted', 'InformationRequested', null, '[]');
            """);

        await migrator.MigrateAsync();

        var history = JsonSerializer.Deserialize<List<RequestEvent>>(await ScalarAsync(connectionString, $"SELECT history::text FROM cns.care_requests WHERE id = '{request}'"),
            JsonDefaults.Options)!;
        Assert.Equal([1, 2], history.Select(e => e.Sequence));
        Assert.Equal(("submitted", "system", RequestStatus.InformationRequested, (string?)null), (history[0].Action, history[0].Actor, history[0].Status, history[0].Note));
        Assert.Equal(("agreed", "reviewer:r1", RequestStatus.Agreed, "ok"), (history[1].Action, history[1].Actor, history[1].Status, history[1].Note));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 5, TimeSpan.Zero), history[1].At);
        Assert.Equal("DEPENDENCY_INSURANCE_OVERLAP", Assert.Single(history[1].Reasons).Code);
        Assert.Equal("[]", await ScalarAsync(connectionString, $"SELECT history::text FROM cns.care_requests WHERE id = '{other}'"));
        Assert.Equal("0", await ScalarAsync(connectionString, "SELECT count(*)::text FROM pg_tables WHERE schemaname = 'cns' AND tablename = 'request_events'"));

        await migrator.MigrateAsync(BeforeFold);

        Assert.Equal("1 system submitted InformationRequested;2 reviewer:r1 agreed Agreed", await ScalarAsync(connectionString,
            $"SELECT string_agg(concat_ws(' ', sequence, actor, action, status), ';' ORDER BY sequence) FROM cns.request_events WHERE request_id = '{request}'"));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
