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
}
