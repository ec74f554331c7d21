using CnsExchange.IntegrationTests.Support;
using Npgsql;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>
/// A fee memoir line's references, and a memoir's sandbox, provider and billing file, are kept by statement-level triggers
/// instead of foreign keys (migrations LineReferencesPerStatement, LineMemoirPerStatement and MemoirReferencesPerStatement,
/// for the bulk insert of billing files): what the foreign keys refused must still be refused, as a foreign-key violation
/// (23503) under the old constraint's name. Each case runs in a transaction that is rolled back, on rows of the default
/// sandbox made for it, except those that need a second transaction (their rows are committed and deleted after).
/// </summary>
public sealed class LineReferenceTests(ApiFactory api) : ApiTest(api)
{
    private const string Sandbox = "00000000-0000-0000-0000-000000000001";

    // Two providers, an insured person, voucher with one service, memoir and a second insured named by no voucher; line 1 is valid.
    private const string Setup = $"""
        CREATE TEMP TABLE ids ON COMMIT DROP AS SELECT gen_random_uuid() p, gen_random_uuid() p2, gen_random_uuid() i, gen_random_uuid() i2, gen_random_uuid() v,
          gen_random_uuid() s, gen_random_uuid() m, gen_random_uuid() f, '9' || lpad((random() * 1e11)::bigint::text, 12, '0') mat, lpad((random() * 1e8)::bigint::text, 9, '0') code;
        INSERT INTO cns.providers (id, code, kind, name, iban, bic, created_at, sandbox_id)
          SELECT x.id, x.code, 'Physiotherapist', 'Line references', 'LU280019400644750000', 'BCEELULL', now(), '{Sandbox}' FROM ids, LATERAL (VALUES (p, code), (p2, code || '2')) x(id, code);
        INSERT INTO cns.insured (id, matricule, first_name, last_name, birth_date, sex, competent_fund, residence_country, cross_border_worker, sandbox_id)
          SELECT x.id, x.mat, 'A', 'B', date '1935-01-01', 'F', 'CNS', 'LU', false, '{Sandbox}' FROM ids, LATERAL (VALUES (i, mat), (i2, '8' || substr(mat, 2))) x(id, mat);
        INSERT INTO cns.vouchers (id, number, kind, provider_id, insured_id, matricule, category, prescription_date, issued_on, treatment_start_by,
          valid_until, third_party_payment, accident_case, created_at, sandbox_id)
          SELECT v, 'T' || substr(mat, 2), 'Physiotherapy', p, i, mat, 'A', date '2026-01-01', date '2026-01-02', date '2026-03-01', date '2026-12-31', true, false, now(), '{Sandbox}' FROM ids;
        INSERT INTO cns.voucher_services (id, voucher_id, act_code, sessions_granted, sessions_billed, rate_percent, tariff_on_issue, travel_allowance_granted, sandbox_id)
          SELECT s, v, 'ZK11', 8, 1, 88, 30, false, '{Sandbox}' FROM ids;
        INSERT INTO cns.fee_memoirs (id, provider_id, reference, source, status, received_at, received_on, due_date, line_count, accepted_count, reduced_count,
          refused_count, claimed_total, tariff_total, cns_total, insured_share_total, sandbox_id)
          SELECT m, p, 'LR-' || code, 'Json', 'Adjudicated', now(), date '2026-03-01', date '2026-04-01', 1, 1, 0, 0, 30, 30, 26.4, 3.6, '{Sandbox}' FROM ids;
        CREATE TEMP TABLE line ON COMMIT DROP AS SELECT * FROM cns.fee_memoir_lines WITH NO DATA;
        INSERT INTO line (id, memoir_id, provider_id, line_number, voucher_number, voucher_id, voucher_service_id, matricule, insured_id, session_date,
          act_code, travel, claimed_amount, tariff_amount, rate_percent, cns_amount, insured_share, outcome, reasons, payable_amount, created_at,
          travel_allowance, sandbox_id)
          SELECT gen_random_uuid(), m, p, 1, 'T' || substr(mat, 2), v, s, mat, i, date '2026-02-02', 'ZK11', false, 30, 30, 88, 26.4, 3.6, 'Accepted', '[]',
            26.4, now(), false, '{Sandbox}' FROM ids;
        """;

    private const string InsertLine = "INSERT INTO cns.fee_memoir_lines SELECT * FROM line";

    // A billing file of the first provider, and a memoir (not stored yet) of the second provider in that file: the second
    // provider and the file are named by that memoir only.
    private const string FileSetup = $"""
        INSERT INTO cns.billing_file_contents (id, size_bytes, sha256, created_at, sandbox_id) SELECT f, 0, repeat('0', 64), now(), '{Sandbox}' FROM ids;
        INSERT INTO cns.billing_files (id, provider_id, format, content_id, size_bytes, sha256, status, received_at, attempts, memoir_count, line_count,
          accepted_count, reduced_count, refused_count, cns_total, errors, error_count, sandbox_id)
          SELECT f, p, 'Csv', f, 0, repeat('0', 64), 'Processed', now(), 1, 1, 0, 0, 0, 0, 0, '[]', 0, '{Sandbox}' FROM ids;
        CREATE TEMP TABLE memo ON COMMIT DROP AS SELECT * FROM cns.fee_memoirs WITH NO DATA;
        INSERT INTO memo (id, provider_id, reference, source, billing_file_id, status, received_at, received_on, due_date, line_count, accepted_count,
          reduced_count, refused_count, claimed_total, tariff_total, cns_total, insured_share_total, source_line, sandbox_id)
          SELECT gen_random_uuid(), p2, 'MR-' || code, 'File', f, 'Adjudicated', now(), date '2026-03-01', date '2026-04-01', 0, 0, 0, 0, 0, 0, 0, 0, 2,
            '{Sandbox}' FROM ids;
        """;

    private const string InsertMemoir = "INSERT INTO cns.fee_memoirs SELECT * FROM memo";

    private const string OtherSandbox = """
        INSERT INTO cns.sandboxes (id, name, clock_mode, clock_offset, created_at, last_used_at) VALUES ('00000000-0000-0000-0000-00000000abcd', 'other', 'running', interval '0', now(), now());
        """;

    [Fact]
    public Task A_line_naming_its_own_memoir_voucher_service_and_insured_is_stored_and_its_payment_may_change() =>
        // The payment columns are no reference: a payment run still writes them.
        StoredAsync(Setup + InsertLine, "SELECT count(*) FROM cns.fee_memoir_lines l JOIN ids ON l.memoir_id = ids.m",
            "UPDATE cns.fee_memoir_lines l SET paid_amount = 26.4 FROM ids WHERE l.memoir_id = ids.m");

    [Theory]
    [InlineData("UPDATE line SET insured_id = gen_random_uuid()", "fk_fee_memoir_lines_insured_insured_id")]
    [InlineData("UPDATE line SET voucher_service_id = gen_random_uuid()", "fk_fee_memoir_lines_voucher_service_voucher_service_id")]
    [InlineData("UPDATE line SET voucher_id = gen_random_uuid()", "fk_fee_memoir_lines_vouchers_voucher_id")]
    [InlineData("UPDATE line SET memoir_id = gen_random_uuid()", "fk_fee_memoir_lines_fee_memoirs_memoir_id")]
    // The memoir's provider and sandbox vouch for the line's: another provider (that exists) or sandbox is refused.
    [InlineData("UPDATE line SET provider_id = ids.p2 FROM ids", "fk_fee_memoir_lines_providers_provider_id")]
    [InlineData("""
        INSERT INTO cns.sandboxes (id, name, clock_mode, clock_offset, created_at, last_used_at) VALUES ('00000000-0000-0000-0000-00000000abcd', 'other', 'running', interval '0', now(), now());
        UPDATE line SET sandbox_id = '00000000-0000-0000-0000-00000000abcd'
        """, "fk_fee_memoir_lines_providers_provider_id")]
    // An insured person of another sandbox is no match, even when the id exists.
    [InlineData("""
        INSERT INTO cns.sandboxes (id, name, clock_mode, clock_offset, created_at, last_used_at) VALUES ('00000000-0000-0000-0000-00000000abcd', 'other', 'running', interval '0', now(), now());
        UPDATE cns.insured SET sandbox_id = '00000000-0000-0000-0000-00000000abcd' FROM ids WHERE id = ids.i2;
        UPDATE line SET insured_id = ids.i2, voucher_id = NULL, voucher_service_id = NULL, outcome = 'Refused' FROM ids
        """, "fk_fee_memoir_lines_insured_insured_id")]
    public Task A_line_naming_what_does_not_exist_in_its_memoirs_sandbox_and_provider_is_refused(string change, string constraint) =>
        RefusedAsync(Setup + change, InsertLine, constraint);

    // The stored line names the second insured (named by no voucher, so that only the line can refuse deleting them).
    [Theory]
    // A refused line naming the voucher only: the voucher's services go with it (cascade), the line refuses the voucher.
    [InlineData("UPDATE line SET voucher_service_id = NULL, outcome = 'Refused'", "DELETE FROM cns.vouchers USING ids WHERE id = ids.v",
        "fk_fee_memoir_lines_vouchers_voucher_id")]
    [InlineData("", "DELETE FROM cns.voucher_services USING ids WHERE id = ids.s", "fk_fee_memoir_lines_voucher_service_voucher_service_id")]
    [InlineData("", "DELETE FROM cns.insured USING ids WHERE id = ids.i2", "fk_fee_memoir_lines_insured_insured_id")]
    [InlineData("", "UPDATE cns.fee_memoir_lines l SET insured_id = ids.i FROM ids WHERE l.memoir_id = ids.m", "fee_memoir_line_references_fixed")]
    [InlineData("", "UPDATE cns.fee_memoir_lines l SET provider_id = ids.p2 FROM ids WHERE l.memoir_id = ids.m", "fee_memoir_line_references_fixed")]
    [InlineData("", "UPDATE cns.fee_memoirs m SET provider_id = ids.p2 FROM ids WHERE m.id = ids.m", "fee_memoir_line_references_fixed")]
    public Task What_a_stored_line_names_is_neither_deleted_nor_changed(string prepare, string change, string constraint) =>
        RefusedAsync(Setup + "UPDATE line SET insured_id = ids.i2 FROM ids;" + prepare + (prepare.Length > 0 ? ";" : "") + InsertLine, change, constraint);

    [Fact]
    public Task A_memoir_naming_its_own_provider_billing_file_and_sandbox_is_stored() =>
        // Its status and totals are no reference: adjudication and payment runs still write them.
        StoredAsync(Setup + FileSetup + InsertMemoir, "SELECT count(*) FROM cns.fee_memoirs m JOIN ids ON m.billing_file_id = ids.f",
            "UPDATE cns.fee_memoirs m SET status = 'Paid', cns_total = 1 FROM ids WHERE m.billing_file_id = ids.f");

    [Theory]
    [InlineData("UPDATE memo SET sandbox_id = gen_random_uuid()", "fk_fee_memoirs_sandboxes_sandbox_id")]
    [InlineData("UPDATE memo SET provider_id = gen_random_uuid()", "fk_fee_memoirs_providers_provider_id")]
    [InlineData("UPDATE memo SET billing_file_id = gen_random_uuid()", "fk_fee_memoirs_billing_files_billing_file_id")]
    // A provider or a billing file of another sandbox is no match, even when the id exists.
    [InlineData(OtherSandbox + "UPDATE cns.providers SET sandbox_id = '00000000-0000-0000-0000-00000000abcd' FROM ids WHERE id = ids.p2",
        "fk_fee_memoirs_providers_provider_id")]
    [InlineData(OtherSandbox + "UPDATE cns.billing_files SET sandbox_id = '00000000-0000-0000-0000-00000000abcd' FROM ids WHERE id = ids.f",
        "fk_fee_memoirs_billing_files_billing_file_id")]
    public Task A_memoir_naming_what_does_not_exist_in_its_sandbox_is_refused(string change, string constraint) =>
        RefusedAsync(Setup + FileSetup + change, InsertMemoir, constraint);

    // The stored memoir is the only row that names the second provider and the billing file.
    [Theory]
    [InlineData("DELETE FROM cns.providers USING ids WHERE id = ids.p2", "fk_fee_memoirs_providers_provider_id")]
    [InlineData("DELETE FROM cns.billing_files USING ids WHERE id = ids.f", "fk_fee_memoirs_billing_files_billing_file_id")]
    [InlineData("UPDATE cns.providers SET id = gen_random_uuid() FROM ids WHERE id = ids.p2", "fee_memoir_references_fixed")]
    [InlineData("UPDATE cns.billing_files SET id = gen_random_uuid() FROM ids WHERE id = ids.f", "fee_memoir_references_fixed")]
    [InlineData($"UPDATE cns.sandboxes SET id = gen_random_uuid() WHERE id = '{Sandbox}'", "fee_memoir_references_fixed")]
    [InlineData("UPDATE cns.fee_memoirs m SET billing_file_id = NULL FROM ids WHERE m.billing_file_id = ids.f", "fee_memoir_line_references_fixed")]
    public Task What_a_stored_memoir_names_is_neither_deleted_nor_changed(string change, string constraint) =>
        RefusedAsync(Setup + FileSetup + InsertMemoir, change, constraint);

    /// <summary>
    /// In a sandbox of its own (committed: another transaction must see its rows): while a memoir is being inserted, its
    /// provider, billing file and sandbox are locked FOR KEY SHARE until the transaction ends, as the foreign keys' checks
    /// did; deleting the sandbox deletes its memoirs and their lines (the sandbox key's cascade).
    /// </summary>
    [Fact]
    public async Task A_memoir_being_inserted_keeps_its_parents_and_its_sandbox_takes_it_when_deleted()
    {
        const string Own = "00000000-0000-0000-0000-00000000abce";
        const string Memoir = """
            INSERT INTO cns.fee_memoirs (id, provider_id, reference, source, billing_file_id, status, received_at, received_on, due_date, line_count,
              accepted_count, reduced_count, refused_count, claimed_total, tariff_total, cns_total, insured_share_total, sandbox_id)
            """;
        await using var conn = await OpenAsync();
        await Sql.ExecuteAsync(conn, $"""
            CREATE TEMP TABLE own AS SELECT gen_random_uuid() p, gen_random_uuid() f, gen_random_uuid() m, gen_random_uuid() m2;
            INSERT INTO cns.sandboxes (id, name, clock_mode, clock_offset, created_at, last_used_at) VALUES ('{Own}', 'memoir references', 'running', interval '0', now(), now());
            INSERT INTO cns.providers (id, code, kind, name, iban, bic, created_at, sandbox_id)
              SELECT p, '000000001', 'Physiotherapist', 'Memoir references', 'LU280019400644750000', 'BCEELULL', now(), '{Own}' FROM own;
            INSERT INTO cns.billing_file_contents (id, size_bytes, sha256, created_at, sandbox_id) SELECT f, 0, repeat('0', 64), now(), '{Own}' FROM own;
            INSERT INTO cns.billing_files (id, provider_id, format, content_id, size_bytes, sha256, status, received_at, attempts, memoir_count, line_count,
              accepted_count, reduced_count, refused_count, cns_total, errors, error_count, sandbox_id)
              SELECT f, p, 'Csv', f, 0, repeat('0', 64), 'Processed', now(), 1, 1, 0, 0, 0, 0, 0, '[]', 0, '{Own}' FROM own;
            """);
        try
        {
            await using var other = await OpenAsync();
            var parents = new[] { "cns.providers WHERE id = '{0}'", "cns.billing_files WHERE id = '{1}'", $"cns.sandboxes WHERE id = '{Own}'" };
            var (provider, file) = (await Sql.ScalarAsync<Guid>(conn, "SELECT p FROM own"), await Sql.ScalarAsync<Guid>(conn, "SELECT f FROM own"));
            await using (var insert = await conn.BeginTransactionAsync())
            {
                await Sql.ExecuteAsync(conn, Memoir + $" SELECT m, p, 'MR-1', 'File', f, 'Adjudicated', now(), date '2026-03-01', date '2026-04-01', 0, 0, 0, 0, 0, 0, 0, 0, '{Own}' FROM own");
                foreach (var parent in parents)
                {
                    var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.ScalarAsync<object?>(other, $"SELECT id FROM {string.Format(parent, provider, file)} FOR UPDATE NOWAIT"));
                    Assert.Equal(PostgresErrorCodes.LockNotAvailable, e.SqlState);
                }
            }
            // Rolled back: the locks are gone with the transaction.
            foreach (var parent in parents)
                Assert.NotNull(await Sql.ScalarAsync<object?>(other, $"SELECT id FROM {string.Format(parent, provider, file)} FOR UPDATE NOWAIT"));

            // A memoir outside any file, with one refused line naming nothing but its memoir and provider.
            await Sql.ExecuteAsync(conn, Memoir + $"""
                 SELECT m2, p, 'MR-2', 'Api', NULL, 'Adjudicated', now(), date '2026-03-01', date '2026-04-01', 1, 0, 0, 1, 30, 30, 0, 0, '{Own}' FROM own;
                INSERT INTO cns.fee_memoir_lines (id, memoir_id, provider_id, line_number, voucher_number, matricule, session_date, act_code, travel,
                  claimed_amount, tariff_amount, rate_percent, cns_amount, insured_share, outcome, reasons, payable_amount, created_at, travel_allowance, sandbox_id)
                  SELECT gen_random_uuid(), m2, p, 1, 'T1', '1935010100000', date '2026-02-02', 'ZK11', false, 30, 30, 88, 0, 0, 'Refused', '[]', 0, now(), false, '{Own}' FROM own;
                DELETE FROM cns.billing_files WHERE id = '{file}';
                DELETE FROM cns.billing_file_contents WHERE id = '{file}';
                DELETE FROM cns.sandboxes WHERE id = '{Own}';
                """);
            Assert.Equal((0L, 0L), (await Sql.ScalarAsync<long>(conn, $"SELECT count(*) FROM cns.fee_memoirs WHERE sandbox_id = '{Own}'"),
                await Sql.ScalarAsync<long>(conn, $"SELECT count(*) FROM cns.fee_memoir_lines WHERE sandbox_id = '{Own}'")));
        }
        finally
        {
            await Sql.ExecuteAsync(conn, $"""
                DELETE FROM cns.fee_memoirs WHERE sandbox_id = '{Own}';
                DELETE FROM cns.billing_files WHERE sandbox_id = '{Own}';
                DELETE FROM cns.billing_file_contents WHERE sandbox_id = '{Own}';
                DELETE FROM cns.sandboxes WHERE id = '{Own}';
                DROP TABLE own;
                """);
        }
    }

    [Fact]
    public async Task Deleting_a_memoir_deletes_its_lines()
    {
        await using var conn = await OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Sql.ExecuteAsync(conn, Setup + InsertLine);
        await Sql.ExecuteAsync(conn, "DELETE FROM cns.fee_memoirs USING ids WHERE id = ids.m");
        Assert.Equal(0L, await Sql.ScalarAsync<long>(conn, "SELECT count(*) FROM cns.fee_memoir_lines l JOIN ids ON l.memoir_id = ids.m"));
    }

    [Fact]
    public Task A_memoir_cannot_change_its_id() =>
        RefusedAsync(Setup + InsertLine, "UPDATE cns.fee_memoirs m SET id = gen_random_uuid() FROM ids WHERE m.id = ids.m", "fee_memoir_line_references_fixed");

    /// <summary>
    /// As the foreign key's check did, inserting a line locks its memoir FOR KEY SHARE until the transaction ends: another
    /// transaction cannot delete it (nor lock it for that) meanwhile.
    /// </summary>
    [Fact]
    public async Task A_line_being_inserted_keeps_its_memoir_from_being_deleted()
    {
        await using var conn = await OpenAsync();
        Guid memoir;
        await using (var setup = await conn.BeginTransactionAsync())
        {
            await Sql.ExecuteAsync(conn, Setup.Replace("ON COMMIT DROP", "", StringComparison.Ordinal));
            memoir = await Sql.ScalarAsync<Guid>(conn, "SELECT m FROM ids");
            await setup.CommitAsync();
        }
        try
        {
            await using var other = await OpenAsync();
            await using (var insert = await conn.BeginTransactionAsync())
            {
                await Sql.ExecuteAsync(conn, InsertLine);
                var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.ScalarAsync<object?>(other, $"SELECT id FROM cns.fee_memoirs WHERE id = '{memoir}' FOR UPDATE NOWAIT"));
                Assert.Equal(PostgresErrorCodes.LockNotAvailable, e.SqlState);
            }
            Assert.Equal(memoir, await Sql.ScalarAsync<Guid>(other, $"SELECT id FROM cns.fee_memoirs WHERE id = '{memoir}' FOR UPDATE NOWAIT"));
        }
        finally
        {
            await Sql.ExecuteAsync(conn, """
                DELETE FROM cns.fee_memoirs USING ids WHERE id = ids.m;
                DELETE FROM cns.vouchers USING ids WHERE id = ids.v;
                DELETE FROM cns.insured USING ids WHERE id IN (ids.i, ids.i2);
                DELETE FROM cns.providers USING ids WHERE id IN (ids.p, ids.p2);
                DROP TABLE ids, line;
                """);
        }
    }

    /// <summary>In a transaction rolled back after: <paramref name="insert"/> stores one row (<paramref name="count"/>), which <paramref name="update"/> may change.</summary>
    private async Task StoredAsync(string insert, string count, string update)
    {
        await using var conn = await OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Sql.ExecuteAsync(conn, insert);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(conn, count));
        await Sql.ExecuteAsync(conn, update);
    }

    /// <summary>In a transaction rolled back after: <paramref name="before"/> succeeds, then <paramref name="refused"/> fails as a foreign-key violation under <paramref name="constraint"/>.</summary>
    private async Task RefusedAsync(string before, string refused, string constraint)
    {
        await using var conn = await OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await Sql.ExecuteAsync(conn, before);
        var e = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(conn, refused));
        Assert.Equal((PostgresErrorCodes.ForeignKeyViolation, constraint), (e.SqlState, e.ConstraintName));
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }
}
