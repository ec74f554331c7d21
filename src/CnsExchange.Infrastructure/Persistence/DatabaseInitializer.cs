using System.Text.RegularExpressions;
using CnsExchange.Infrastructure.Sandbox;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// Start-up work, in order: migrations (as the owner), the application role and its grants, the operator key, then the
/// default sandbox's identities (as the application role, in that sandbox). Hangfire is touched only after this.
/// </summary>
public sealed partial class DatabaseInitializer(
    string ownerConnectionString, (string Name, string Password) appRole, string operatorKey,
    SandboxSeeder seeder, ISandboxUnits sandboxes, IConfiguration configuration, ILogger<DatabaseInitializer> logger)
{
    public const string SeedSandboxKey = "CnsExchange:SeedSandbox";

    private bool seedSandbox => configuration.GetValue(SeedSandboxKey, true);

    /// <summary>Serialises the grants of two processes starting on one database ("CNSGRANT").</summary>
    private const long GrantLockKey = 0x434E_5347_5241_4E54;

    /// <summary>Serialises the start-up (migrations, grants, seed) of processes starting on one database ("CNSMIGRA").</summary>
    private const long StartUpLockKey = 0x434E_534D_4947_5241;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();

    public async Task InitializeAsync(CancellationToken ct)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DependencyInjection.ConfigureDbContext(options, ownerConnectionString);
        await using var owner = new AppDbContext(options.Options);
        await CreateDatabaseAsync(owner, ct);

        // Then one process at a time: EF's own migration lock does not keep two processes from applying the same migration
        // here (the second failed with "column … already exists"), nor would anything keep two from seeding the default
        // sandbox twice. A session-level advisory lock on an unpooled connection holds the rest of the start-up (it ends
        // with the session), and the next process finds nothing left to do.
        await using var serialised = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ownerConnectionString) { Pooling = false }.ConnectionString);
        await serialised.OpenAsync(ct);
        // Waits as long as the holder works (migrations of a fresh database take minutes on a busy machine): no command
        // timeout, the lock is released when the holder's session ends, crash included.
        await using (var wait = new NpgsqlCommand($"SELECT pg_advisory_lock({StartUpLockKey})", serialised) { CommandTimeout = 0 })
            await wait.ExecuteNonQueryAsync(ct);

        // The history table first, which the pending-migrations check reads before migrations would create it.
        await owner.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>().CreateIfNotExistsAsync(ct);
        var pending = (await owner.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0) logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        await owner.Database.MigrateAsync(ct);
        await using (var connection = new NpgsqlConnection(ownerConnectionString))
        {
            await connection.OpenAsync(ct);
            await EnsureAppRoleAsync(connection, ct);
            await EnsureOperatorKeyAsync(connection, ct);
        }
        // A production-like run starts without the default sandbox's providers, keys and insured (CnsExchange:SeedSandbox=false).
        if (!seedSandbox) return;
        var clock = await sandboxes.ClockAsync(SandboxIds.Default, ct) ?? throw new InvalidOperationException("The default sandbox is missing.");
        using (SandboxScope.Enter(SandboxIds.Default, clock)) await seeder.SeedAsync(ct);
    }

    /// <summary>
    /// Creates the database when missing, through the creator's check that expects it may be: otherwise the first start
    /// logs "An error occurred using the connection" (fail) twice before migrations create it. Several processes may start
    /// at once on a database that does not exist yet (scripts/scale-out.sh, bench p8): one that loses the race goes on with
    /// the winner's.
    /// </summary>
    private async Task CreateDatabaseAsync(AppDbContext owner, CancellationToken ct)
    {
        var creator = owner.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>();
        try
        {
            if (!await creator.ExistsAsync(ct)) await creator.CreateAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            logger.LogInformation("Another process created the database first");
        }
    }

    /// <summary>
    /// The login role the application connects as: no superuser, no BYPASSRLS, owner of nothing, so that row-level
    /// security binds it. Roles belong to the cluster, grants to this database.
    /// </summary>
    private async Task EnsureAppRoleAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var (role, password) = appRole;
        if (!RoleName().IsMatch(role)) throw new InvalidOperationException("CnsExchange:AppRole:Name must be a plain lower-case identifier.");
        var literal = "'" + password.Replace("'", "''") + "'";
        await CreateRoleIfMissingAsync(connection, role, $"LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD {literal}", ct);
        await using (var check = new NpgsqlCommand("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = $1", connection))
        {
            check.Parameters.Add(new NpgsqlParameter { Value = role });
            if (await check.ExecuteScalarAsync(ct) is true)
                throw new InvalidOperationException($"The application role {role} is a superuser or bypasses row-level security: sandboxes would not be isolated.");
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, $"""
            SELECT pg_advisory_xact_lock({GrantLockKey});
            DO $$ BEGIN EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO {role}', current_database()); END $$;
            GRANT USAGE ON SCHEMA {AppDbContext.Schema} TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {AppDbContext.Schema} TO {role};
            REVOKE INSERT, UPDATE, DELETE ON {AppDbContext.Schema}.operator_keys, {AppDbContext.Schema}."__EFMigrationsHistory" FROM {role};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {AppDbContext.Schema} TO {role};
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {AppDbContext.Schema} TO {role};
            """, ct, tx);
        await tx.CommitAsync(ct);
        await EnsureBulkRoleAsync(connection, role, ct);
    }

    /// <summary>
    /// The application role's bulk role (<c>&lt;role&gt;_bulk</c>), which a billing file's import takes for the COPY of its
    /// lines only (PostgreSQL refuses COPY FROM into a table under row-level security, see <c>BillingLedger</c>): no login,
    /// BYPASSRLS, INSERT on <c>fee_memoir_lines</c> and nothing else; a statement trigger holds it to the session's sandbox
    /// (migration BillingLinesCopiedInTheirSandbox). Making a role that bypasses row-level security takes a superuser: with
    /// an owner that is none, the role is not made and the import inserts its lines from a staging table, as before.
    /// </summary>
    private async Task EnsureBulkRoleAsync(NpgsqlConnection connection, string role, CancellationToken ct)
    {
        var bulk = BulkRole(role);
        if (bulk is null) return;
        // An owner that may not make the role, or not grant it (made earlier by a superuser): the import stages its lines.
        try
        {
            await MakeBulkRoleAsync(connection, role, bulk, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            logger.LogWarning("The owner may not make or grant the bulk role {Role} ({Message}): billing files' lines are inserted from a staging table", bulk, e.MessageText);
        }
    }

    private static async Task MakeBulkRoleAsync(NpgsqlConnection connection, string role, string bulk, CancellationToken ct)
    {
        await CreateRoleIfMissingAsync(connection, bulk, "NOLOGIN NOSUPERUSER BYPASSRLS NOINHERIT NOCREATEDB NOCREATEROLE", ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, $"""
            SELECT pg_advisory_xact_lock({GrantLockKey});
            GRANT USAGE ON SCHEMA {AppDbContext.Schema} TO {bulk};
            GRANT INSERT ON {AppDbContext.Schema}.fee_memoir_lines TO {bulk};
            DO $$ BEGIN
              IF NOT pg_has_role('{role}', '{bulk}', 'MEMBER') THEN GRANT {bulk} TO {role}; END IF;
            EXCEPTION WHEN unique_violation OR internal_error THEN NULL; -- granted at the same moment for another database of this cluster
            END $$;
            """, ct, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>Makes the role when it is missing. Roles belong to the cluster: another database's start-up may make it at the same moment.</summary>
    private static Task CreateRoleIfMissingAsync(NpgsqlConnection connection, string name, string attributes, CancellationToken ct) =>
        ExecuteAsync(connection, $"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN
                CREATE ROLE {name} {attributes};
              END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another database of this cluster made it first
            END $$;
            """, ct);

    /// <summary>The bulk role's name, or null when the application role's name leaves no room for the suffix.</summary>
    private static string? BulkRole(string appRole) => appRole.Length <= 58 ? appRole + "_bulk" : null;

    private async Task EnsureOperatorKeyAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO cns.operator_keys (id, key_hash, name, created_at) VALUES ($1, $2, 'operator', now())
            ON CONFLICT (key_hash) DO NOTHING
            """, connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ApiKeys.Hash(operatorKey) });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
