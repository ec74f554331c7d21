using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Billing;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>
/// A billing file's lines without the bulk role (an owner that may not make it, see <c>DatabaseInitializer</c>): they are
/// copied into a temp table of the session and inserted from it under row-level security (<c>BillingLedger</c>). The suite's
/// application role always has the bulk role, so these tests act as a role without one: <c>cns_app_staged</c>, with the
/// application role's grants and no <c>cns_app_staged_bulk</c>, which the application role may take.
/// </summary>
public sealed class BillingLinesWithoutBulkRoleTests(ApiFactory api) : ApiTest(api)
{
    private const string StagedRole = "cns_app_staged";

    /// <summary>
    /// The same memoirs, decided against the same data, written once with the bulk role and once without it, each in a
    /// transaction rolled back afterwards: every column of every line is the same (but the lines' and memoirs' ids).
    /// </summary>
    [Fact]
    public async Task Lines_staged_without_the_bulk_role_are_stored_as_the_bulk_copy_stores_them()
    {
        await EnsureStagedRoleAsync();
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 24, Travel = true });
        var unknown = Domain.Vouchers.VoucherNumber.Format(Domain.Vouchers.VoucherKind.Physiotherapy, 2026, 999_001);
        var providerId = await Api.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Providers.Where(p => p.Code == "PHY0001").Select(p => p.Id).SingleAsync());
        var at = Api.Clock.GetUtcNow();
        MemoirToAdjudicate Memoir(string reference, int firstLine, params FeeMemoirLineInput[] lines) =>
            new(providerId, reference, FeeMemoirSource.File, at, lines)
            {
                SourceLine = firstLine,
                SourceLines = [.. Enumerable.Range(firstLine, lines.Length)],
            };
        FeeMemoirLineInput Line(string? number, int day, bool travel = false, decimal claimed = 36.80m) =>
            new(number, Adult, new DateOnly(2026, 11, day), "ZK11", travel, claimed);
        IReadOnlyList<MemoirToAdjudicate> memoirs =
        [
            Memoir("STAGED-1", 2, Line(voucher, 10), Line(voucher, 11, travel: true), Line(voucher, 10), Line(voucher, 12, claimed: 30.00m)),
            Memoir("STAGED-2", 6, Line(unknown, 13), Line(voucher, 13), Line(voucher, 14, claimed: 99.99m)),
        ];

        var bulk = await WriteAndReadBackAsync(memoirs, withoutBulkRole: false);
        var staged = await WriteAndReadBackAsync(memoirs, withoutBulkRole: true);

        Assert.False(bulk.Staged);
        Assert.Equal("cns_app", bulk.UserAfter);
        Assert.True(staged.Staged);
        Assert.Equal(StagedRole, staged.UserAfter);
        Assert.Equal(7, bulk.Lines.Count);
        // Not vacuous: accepted, refused and reduced lines with their reasons, travel and the session's sandbox are compared.
        foreach (var (outcome, code) in new[] { ("Accepted", "INSURED_SHARE"), ("Refused", "ONE_ACT_PER_SESSION"), ("Refused", "VOUCHER_UNKNOWN"), ("Reduced", "AMOUNT_ABOVE_TARIFF") })
            Assert.Contains(bulk.Lines, l => l.Contains($"\"outcome\": \"{outcome}\"", StringComparison.Ordinal) && l.Contains($"\"code\": \"{code}\"", StringComparison.Ordinal));
        Assert.Contains(bulk.Lines, l => l.Contains("\"travel\": true", StringComparison.Ordinal));
        Assert.All(bulk.Lines, l => Assert.Contains($"\"sandbox_id\": \"{SandboxIds.Default}\"", l, StringComparison.Ordinal));
        Assert.Equal(bulk.Lines, staged.Lines);
    }

    /// <summary>A whole file processed by the job's handler as a role without the bulk role: processed, its lines stored staged.</summary>
    [Fact]
    public async Task A_file_processed_without_the_bulk_role_stores_its_lines()
    {
        await EnsureStagedRoleAsync();
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 24 });
        var csv = "memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount\n" +
            string.Concat(Enumerable.Range(0, 12).Select(i => $"NOBULK-{i / 4},{voucher},{Adult},2026-11-{10 + i},ZK11,36.80\n"));
        var (fileId, _) = await RegisterWithoutJobAsync(Api, csv);

        using (Api.EnterDefaultSandbox())
        {
            await using var scope = Api.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Database.OpenConnectionAsync();
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            await Sql.ExecuteAsync(conn, $"SET ROLE {StagedRole}");
            try
            {
                Assert.Equal(BillingFileStatus.Processed, await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ProcessBillingFile(fileId)));
                Assert.True(await Sql.ScalarAsync<bool>(conn, "SELECT to_regclass('pg_temp.staged_fee_memoir_lines') IS NOT NULL"));
                Assert.Equal(StagedRole, await Sql.ScalarAsync<string>(conn, "SELECT current_user::text"));
            }
            finally
            {
                await Sql.ExecuteAsync(conn, "RESET ROLE; DISCARD TEMP");
                // Opened here, so closed here. Left open, it went back to the pool with the context, and the suite's sandbox
                // creations that leased that context next failed on row-level security: the connection kept the default
                // sandbox's setting, which is given to a connection when it opens.
                await db.Database.CloseConnectionAsync();
            }
        }

        var file = await WaitForFileAsync(Client(Physio1), fileId);
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        Assert.Equal((3, 12, 12), (file.Counts.Memoirs, file.Counts.Lines, file.Counts.Accepted));
        Assert.Equal(12, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        var lines = await Api.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Set<FeeMemoirLine>().AsNoTracking()
            .Where(l => l.VoucherNumber == voucher).OrderBy(l => l.SessionDate).ToListAsync());
        Assert.Equal(12, lines.Count);
        Assert.All(lines, l => Assert.Equal(LineOutcome.Accepted, l.Outcome));
        Assert.Equal(Enumerable.Range(2, 12), lines.Select(l => l.SourceLine ?? 0));
    }

    private sealed record Written(List<string> Lines, bool Staged, string UserAfter);

    private async Task<Written> WriteAndReadBackAsync(IReadOnlyList<MemoirToAdjudicate> memoirs, bool withoutBulkRole)
    {
        using var sandbox = Api.EnterDefaultSandbox();
        await using var scope = Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync();
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        if (withoutBulkRole) await Sql.ExecuteAsync(conn, $"SELECT set_config('role', '{StagedRole}', true)");
        var adjudicator = new FeeMemoirAdjudicator(db, scope.ServiceProvider.GetRequiredService<IBillingLedger>(),
            scope.ServiceProvider.GetRequiredService<IReferenceData>().Catalog, Api.Clock);
        await adjudicator.AdjudicateBatchAsync(memoirs, default);
        Assert.Equal(memoirs.Count, (await adjudicator.FlushAsync(default)).Count);

        var lines = new List<string>();
        await using (var read = new NpgsqlCommand("""
            SELECT jsonb_pretty(to_jsonb(l) - 'id' - 'memoir_id') FROM cns.fee_memoir_lines l JOIN cns.fee_memoirs m ON m.id = l.memoir_id
            WHERE m.reference LIKE 'STAGED-%' ORDER BY m.reference, l.line_number
            """, conn))
        await using (var reader = await read.ExecuteReaderAsync())
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        var staged = await Sql.ScalarAsync<bool>(conn, "SELECT to_regclass('pg_temp.staged_fee_memoir_lines') IS NOT NULL");
        var user = await Sql.ScalarAsync<string>(conn, "SELECT current_user::text");
        await tx.RollbackAsync();
        return new Written(lines, staged, user);
    }

    /// <summary>
    /// A role with the application role's grants (as <c>DatabaseInitializer</c> gives them) and no bulk role of its own, which
    /// the application role may take. The application role inherits its grants: they must not exceed its own.
    /// </summary>
    private async Task EnsureStagedRoleAsync()
    {
        await using var owner = new NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync();
        await Sql.ExecuteAsync(owner, $"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{StagedRole}') THEN
                CREATE ROLE {StagedRole} NOLOGIN NOSUPERUSER NOBYPASSRLS;
              END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another test database of this cluster made it first
            END $$;
            DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO {StagedRole}', current_database()); END $$;
            GRANT USAGE ON SCHEMA cns TO {StagedRole};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA cns TO {StagedRole};
            REVOKE INSERT, UPDATE, DELETE ON cns.operator_keys, cns."__EFMigrationsHistory" FROM {StagedRole};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA cns TO {StagedRole};
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA cns TO {StagedRole};
            DO $$ BEGIN
              IF NOT pg_has_role('cns_app', '{StagedRole}', 'MEMBER') THEN GRANT {StagedRole} TO cns_app; END IF;
            EXCEPTION WHEN unique_violation OR internal_error THEN NULL; -- granted at the same moment for another test database
            END $$;
            """);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(owner, $"SELECT count(*) FROM pg_roles WHERE rolname = '{StagedRole}_bulk'"));
    }
}
