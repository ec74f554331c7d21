using CnsExchange.Domain.Requests;
using System.Net;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Npgsql;
using NpgsqlTypes;

namespace CnsExchange.IntegrationTests.Sandboxes;

/// <summary>Isolation enforced in PostgreSQL: row-level security binds the application role, whatever its SQL says.</summary>
public sealed class SandboxIsolationTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task The_application_role_is_neither_superuser_nor_owner_and_bypasses_nothing()
    {
        await using var conn = await SandboxApi.OpenAsAppRoleAsync(Api, null);
        Assert.Equal(0, await SandboxApi.CountAsync(conn, "SELECT count(*) FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolbypassrls)"));
        Assert.Equal(0, await SandboxApi.CountAsync(conn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'cns' AND tableowner = current_user"));
        // Every table with sandbox_id has its policy forced.
        Assert.Equal(0, await SandboxApi.CountAsync(conn, """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'cns' AND c.relkind = 'r' AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'sandbox_id')
            """));
    }

    [Fact]
    public async Task A_raw_query_without_filter_under_Bs_setting_returns_none_of_As_rows()
    {
        await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        var b = await SandboxApi.CreateAsync(Client(Operator), seed: "empty");

        await using (var underB = await SandboxApi.OpenAsAppRoleAsync(Api, b.Id))
        {
            foreach (var table in new[] { "insured", "doctors", "care_requests", "validation_requests", "vouchers", "prescription_scans" })
                Assert.Equal(0, await SandboxApi.CountAsync(underB, $"SELECT count(*) FROM cns.{table}"));
            Assert.Equal(0, await SandboxApi.CountAsync(underB, "SELECT count(*) FROM cns.providers WHERE sandbox_id = $1", SandboxApi.Default));
            Assert.Equal(7, await SandboxApi.CountAsync(underB, "SELECT count(*) FROM cns.providers")); // B's own, seeded empty
        }
        await using (var unset = await SandboxApi.OpenAsAppRoleAsync(Api, null))
            Assert.Equal(0, await SandboxApi.CountAsync(unset, "SELECT count(*) FROM cns.insured"));
        await using (var underA = await SandboxApi.OpenAsAppRoleAsync(Api, SandboxApi.Default))
            Assert.Equal(1, await SandboxApi.CountAsync(underA, "SELECT count(*) FROM cns.validation_requests"));
    }

    [Fact]
    public async Task A_write_under_Bs_setting_cannot_name_As_id_neither_by_COPY_nor_by_UPDATE()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator), seed: "empty");
        await using var underB = await SandboxApi.OpenAsAppRoleAsync(Api, b.Id);

        // PostgreSQL refuses COPY FROM into a table under row-level security outright (the API stages its COPY in a temp
        // table and inserts from there); the insert that follows the staging cannot name A's id.
        var copy = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var writer = await underB.BeginBinaryImportAsync("COPY cns.idempotency_records (id, scope, key, request_hash, created_at) FROM STDIN (FORMAT BINARY)");
            await writer.CompleteAsync();
        });
        Assert.Equal(PostgresErrorCodes.FeatureNotSupported, copy.SqlState);
        await using (var stage = new NpgsqlCommand("CREATE TEMP TABLE staged (LIKE cns.idempotency_records INCLUDING DEFAULTS)", underB))
            await stage.ExecuteNonQueryAsync();
        await using (var writer = await underB.BeginBinaryImportAsync("COPY pg_temp.staged (id, scope, key, request_hash, created_at, sandbox_id) FROM STDIN (FORMAT BINARY)"))
        {
            await writer.StartRowAsync();
            await writer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
            await writer.WriteAsync("test", NpgsqlDbType.Varchar);
            await writer.WriteAsync("k1", NpgsqlDbType.Varchar);
            await writer.WriteAsync("h", NpgsqlDbType.Varchar);
            await writer.WriteAsync(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), NpgsqlDbType.TimestampTz); // any instant: the row is refused for its sandbox
            await writer.WriteAsync(SandboxApi.Default, NpgsqlDbType.Uuid);
            await writer.CompleteAsync();
        }
        var staged = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var cmd = new NpgsqlCommand("INSERT INTO cns.idempotency_records SELECT * FROM pg_temp.staged", underB);
            await cmd.ExecuteNonQueryAsync();
        });
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, staged.SqlState); // 42501: new row violates row-level security policy

        // Without naming sandbox_id, the column's default is B's setting: the row lands in B.
        await using (var insert = new NpgsqlCommand("INSERT INTO cns.idempotency_records (id, scope, key, request_hash, created_at) VALUES ($1, 'test', 'k2', 'h', now())", underB))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
            await insert.ExecuteNonQueryAsync();
        }
        Assert.Equal(1, await SandboxApi.CountAsync(underB, "SELECT count(*) FROM cns.idempotency_records WHERE sandbox_id = $1", b.Id));

        // Neither can an UPDATE move B's rows into A, nor touch A's.
        var move = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var cmd = new NpgsqlCommand("UPDATE cns.providers SET sandbox_id = $1", underB);
            cmd.Parameters.Add(new NpgsqlParameter { Value = SandboxApi.Default });
            await cmd.ExecuteNonQueryAsync();
        });
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, move.SqlState);
        await using (var touch = new NpgsqlCommand("UPDATE cns.insured SET first_name = 'X'", underB))
            Assert.Equal(0, await touch.ExecuteNonQueryAsync()); // B has no insured (empty seed) and A's are invisible
    }

    [Fact]
    public async Task The_same_matricule_doctor_and_memoir_reference_exist_in_two_sandboxes()
    {
        var b = await SandboxApi.CreateAsync(Client(Operator));
        var inA = await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        var inB = await Client(b.Key("physio-1")).DecideAsync(ValidationTestSupport.Rx());
        Assert.Equal(RequestStatus.Agreed, inA.Status);
        Assert.Equal(RequestStatus.Agreed, inB.Status);
        Assert.NotEqual(inA.Voucher!.Number, inB.Voucher!.Number); // one global sequence

        var memoirA = await Billing.BillingApi.SubmitAsync(Client(Physio1), Billing.BillingApi.Memoir("SAME-1", Billing.BillingApi.Line(inA.Voucher!.Number, "2026-11-20")));
        var memoirB = await Billing.BillingApi.SubmitAsync(Client(b.Key("physio-1")), Billing.BillingApi.Memoir("SAME-1", Billing.BillingApi.Line(inB.Voucher!.Number, "2026-11-20")));
        Assert.NotEqual(memoirA.Id.ToString(), memoirB.Id.ToString());
    }

    /// <summary>
    /// A billing file's lines are copied as the application role's bulk role (COPY FROM is refused under row-level
    /// security): the role may insert into fee_memoir_lines and nothing else, and a statement trigger holds it to the
    /// session's sandbox. The line copied here is a real line of A, re-keyed: under B's setting the copy is refused with the
    /// policy's error (without the trigger it would land: its memoir, voucher and insured are A's, as its sandbox says);
    /// under A's own setting the same copy is written.
    /// </summary>
    [Fact]
    public async Task The_bulk_role_inserts_only_billing_lines_and_only_into_the_sessions_sandbox()
    {
        var inA = await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        await Billing.BillingApi.SubmitAsync(Client(Physio1), Billing.BillingApi.Memoir("BULK-1", Billing.BillingApi.Line(inA.Voucher!.Number, "2026-11-20")));
        var b = await SandboxApi.CreateAsync(Client(Operator), seed: "empty");

        await using var conn = await SandboxApi.OpenAsAppRoleAsync(Api, SandboxApi.Default);
        var bulk = await SandboxApi.ScalarAsync<string>(conn, "SELECT current_user || '_bulk'");
        Assert.Equal(1, await SandboxApi.CountAsync(conn, "SELECT count(*) FROM pg_roles WHERE rolname = $1 AND rolbypassrls AND NOT rolsuper AND NOT rolcanlogin", bulk));
        Assert.Equal("fee_memoir_lines:INSERT", await SandboxApi.ScalarAsync<string>(conn,
            "SELECT string_agg(table_name || ':' || privilege_type, ',') FROM information_schema.role_table_grants WHERE grantee = $1", bulk));

        // One of A's lines as COPY's binary rows, with a new id and line number (refused: no paid-line index takes it).
        await using (var stage = new NpgsqlCommand("""
            CREATE TEMP TABLE one_line AS SELECT * FROM cns.fee_memoir_lines LIMIT 1;
            UPDATE pg_temp.one_line SET id = gen_random_uuid(), line_number = line_number + 1000, outcome = 'Refused'
            """, conn))
            await stage.ExecuteNonQueryAsync();
        byte[] rows;
        await using (var copyOut = await conn.BeginRawBinaryCopyAsync("COPY pg_temp.one_line TO STDOUT (FORMAT BINARY)"))
        {
            using var buffer = new MemoryStream();
            await copyOut.CopyToAsync(buffer);
            rows = buffer.ToArray();
        }

        // A transaction as the bulk role under a sandbox's setting, as the import takes it.
        async Task<NpgsqlTransaction> BeginAsBulkAsync(Guid sandbox)
        {
            var tx = await conn.BeginTransactionAsync();
            await SandboxApi.ScalarAsync<object>(conn, "SELECT set_config('cns.sandbox', $1, true), set_config('role', $2, true)", sandbox.ToString(), bulk);
            return tx;
        }

        async Task CopyAsBulkUnder(Guid sandbox)
        {
            await using var tx = await BeginAsBulkAsync(sandbox);
            await using (var copyIn = await conn.BeginRawBinaryCopyAsync("COPY cns.fee_memoir_lines FROM STDIN (FORMAT BINARY)"))
                await copyIn.WriteAsync(rows);
            await tx.RollbackAsync();
        }

        var refused = await Assert.ThrowsAsync<PostgresException>(() => CopyAsBulkUnder(b.Id));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Contains("row-level security", refused.MessageText);
        await CopyAsBulkUnder(SandboxApi.Default);

        // The bulk role reads nothing, row-level security or not.
        var read = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var tx = await BeginAsBulkAsync(SandboxApi.Default);
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM cns.fee_memoir_lines", conn, tx);
            await cmd.ExecuteScalarAsync();
        });
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, read.SqlState);
    }

    [Theory]
    [InlineData("validation_requests")]
    [InlineData("cure_authorisations")]
    [InlineData("rehabilitation_authorisations")]
    public async Task A_request_subtype_row_is_checked_by_its_own_sandbox_column_whatever_sandbox_its_statement_was_planned_in(string table)
    {
        // A prepared statement is planned once per connection, with the estimate for the sandbox current then. The subtype's
        // policy used to look its care_requests row up under care_requests' own policy; planned in a sandbox the statistics
        // did not know, that look-up read every care request of the sandbox through an index led by sandbox_id, for each row
        // read or written (issue 24: 536 buffers per validation INSERT in new sandboxes). Its own column has no such plan.
        var full = Guid.NewGuid();
        var fresh = Guid.NewGuid();
        var known = Guid.NewGuid();
        await using var session = await RolledBackSession.OpenAsync(Api); // rolled back: the rows and the statistics
        Func<string, Task<List<string>>> Run = session.RunAsync;
        var role = session.AppRole;

        await Run("SET LOCAL session_replication_role = replica"); // the providers, insured and vouchers they name need not exist
        await Run($"""
            INSERT INTO cns.care_requests (id, kind, provider_id, insured_id, matricule, status, received_at, received_on, updated_at, reasons, voucher_id, history, sandbox_id)
            SELECT CASE WHEN g = 1 THEN '{known}'::uuid ELSE gen_random_uuid() END, 'PhysioValidation', gen_random_uuid(), gen_random_uuid(),
                   '1983081246785', 'Agreed', now(), current_date, now(), '[]', gen_random_uuid(), '[]', '{full}'
            FROM generate_series(1, 5000) g
            """);
        await Run("ANALYZE cns.care_requests");
        await Run($"SET LOCAL ROLE {role}");
        await Run("SET LOCAL plan_cache_mode = force_generic_plan");
        await Run($"SELECT set_config('cns.sandbox', '{fresh}', true)");
        await Run($"PREPARE subtype_read(uuid) AS SELECT id FROM cns.{table} WHERE id = $1");
        Assert.Empty(await Run($"EXECUTE subtype_read('{known}')")); // the generic plan is made here, in the fresh sandbox

        await Run($"SELECT set_config('cns.sandbox', '{full}', true)");
        var plan = await Run($"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE subtype_read('{known}')");
        Assert.DoesNotContain(plan, l => l.Contains(" on care_requests"));
        Assert.DoesNotContain(plan, l => l.Contains("Rows Removed by"));
        if (table != "validation_requests") return;

        // The hot path: the validation's own INSERT, whose WITH CHECK ran the same look-up.
        await Run($"SELECT set_config('cns.sandbox', '{fresh}', true)");
        await Run("""
            PREPARE subtype_write(uuid) AS INSERT INTO cns.validation_requests (id, prescription_date, prescription_language, category, act_code,
              sessions_prescribed, home_visit_medically_necessary, travel_allowance_requested, care_country, foreign_prescription,
              grant_travel_allowance, grant_third_party_payment, grant_accident_case, scan_sha256, prescription_fingerprint)
            VALUES ($1, current_date, 'fr', 'Common', 'ZK11', 6, false, false, 'LU', false, false, false, false, 'x', 'x')
            """);
        await Run($"EXECUTE subtype_write('{Guid.NewGuid()}')"); // planned in the fresh sandbox (a row of its own, rolled back)
        await Run($"SELECT set_config('cns.sandbox', '{full}', true)");
        var write = await Run($"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE subtype_write('{known}')");
        Assert.DoesNotContain(write, l => l.Contains(" on care_requests"));
        Assert.Equal([full.ToString()], await Run($"SELECT sandbox_id FROM cns.validation_requests WHERE id = '{known}'"));
    }
}
