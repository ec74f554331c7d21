using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Events;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Requests;
using CnsExchange.Domain.Vouchers;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>
/// A save that only adds rows is written by <see cref="NewRowsWriter"/> instead of EF Core's update pipeline (issue 24).
/// What EF Core's save did must still hold: a table-per-type entity's rows in both tables, principal rows before the
/// rows that reference them whatever the order they were added in, values the database generates read back (xmin), the
/// sandbox stamped, the entries accepted, one atomic batch, and a database error as a DbUpdateException.
/// </summary>
public sealed class NewRowsWriterTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_validation_request_with_its_scan_voucher_services_and_event_is_written_in_foreign_key_order_and_reads_back_xmin()
    {
        var ids = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var provider = await db.Providers.AsNoTracking().SingleAsync(p => p.Code == "PHY0001");
            var (request, scan, voucher) = NewValidation(sp, provider.Id, await InsuredIdAsync(db));
            // Added dependents first: the writer orders the rows by the model's foreign keys, not by the order of Add.
            db.Add(new EventRecord { Id = Guid.CreateVersion7(), Type = "test.new_rows", ResourceId = request.Id, ResourceUrl = "/test", Data = "{}" });
            db.Add(scan);
            db.Add(request);
            db.Add(voucher);
            var saved = await db.SaveChangesAsync();
            var version = db.Entry(request).Property<uint>("Version").CurrentValue;
            return (Id: request.Id, VoucherId: voucher.Id, saved, db.LastSaveByNewRowsWriter, version,
                States: db.ChangeTracker.Entries().Select(e => e.State).Distinct().ToList());
        });
        Assert.True(ids.LastSaveByNewRowsWriter, "a save of added rows only goes through the writer");
        Assert.Equal(6, ids.saved); // event, scan, request (two tables, one entry), voucher and its two services
        Assert.Equal([EntityState.Unchanged], ids.States);

        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand("""
            SELECT r.xmin::text::bigint, r.sandbox_id, v.act_code, s.size_bytes,
                   (SELECT count(*) FROM cns.voucher_services x WHERE x.voucher_id = @voucher),
                   (SELECT count(*) FROM cns.events e WHERE e.resource_id = @id AND e.sandbox_id = r.sandbox_id)
            FROM cns.care_requests r JOIN cns.validation_requests v ON v.id = r.id JOIN cns.prescription_scans s ON s.request_id = r.id
            WHERE r.id = @id
            """, connection);
        read.Parameters.AddWithValue("id", ids.Id);
        read.Parameters.AddWithValue("voucher", ids.VoucherId);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the request's rows in both tables of its type, with its scan");
        Assert.Equal((long)ids.version, reader.GetInt64(0));
        Assert.Equal(SandboxIds.Default, reader.GetGuid(1));
        Assert.Equal("ZK11", reader.GetString(2));
        Assert.Equal(3L, reader.GetInt64(3));
        Assert.Equal(2L, reader.GetInt64(4));
        Assert.Equal(1L, reader.GetInt64(5));
    }

    [Fact]
    public async Task A_save_that_fails_at_its_last_row_stores_none_of_its_rows_and_throws_a_DbUpdateException_naming_the_entries()
    {
        var (existing, fresh) = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var provider = await db.Providers.AsNoTracking().SingleAsync(p => p.Code == "PHY0001");
            var (_, _, voucher) = NewValidation(sp, provider.Id, await InsuredIdAsync(db));
            db.Add(voucher);
            await db.SaveChangesAsync();
            return (voucher.Number, (provider.Id, voucher.InsuredId));
        });

        var (error, requestId, byWriter) = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var (request, scan, voucher) = NewValidation(sp, fresh.Item1, fresh.InsuredId);
            voucher.Number = existing; // ix_vouchers_number: the voucher's INSERT fails after the request's were sent
            db.Add(request);
            db.Add(scan);
            db.Add(voucher);
            var thrown = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            return (thrown, request.Id, db.LastSaveByNewRowsWriter);
        });
        Assert.True(byWriter);
        Assert.True(error.IsUniqueViolation("ix_vouchers_number"), error.ToString());
        Assert.NotEmpty(error.Entries);

        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM cns.care_requests WHERE id = @id", connection);
        count.Parameters.AddWithValue("id", requestId);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_save_that_also_changes_a_row_goes_to_EF_Core()
    {
        var (voucherId, providerId, insuredId) = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var provider = await db.Providers.AsNoTracking().SingleAsync(p => p.Code == "PHY0001");
            var (_, _, voucher) = NewValidation(sp, provider.Id, await InsuredIdAsync(db));
            db.Add(voucher);
            await db.SaveChangesAsync();
            return (voucher.Id, provider.Id, voucher.InsuredId);
        });
        var (byWriter, addedId) = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var changed = await db.Vouchers.SingleAsync(v => v.Id == voucherId);
            changed.ValidUntil = changed.ValidUntil.AddDays(1);
            var (_, _, added) = NewValidation(sp, providerId, insuredId);
            db.Add(added);
            await db.SaveChangesAsync();
            return (db.LastSaveByNewRowsWriter, added.Id);
        });
        Assert.False(byWriter, "a change among the rows added: EF Core's save");
        var (validUntil, addedStored) = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            return ((await db.Vouchers.AsNoTracking().SingleAsync(v => v.Id == voucherId)).ValidUntil, await db.Vouchers.AnyAsync(v => v.Id == addedId));
        });
        Assert.Equal(new DateOnly(2027, 2, 4), validUntil);
        Assert.True(addedStored);
    }

    private static Task<Guid> InsuredIdAsync(AppDbContext db) =>
        db.Insured.AsNoTracking().IgnoreAutoIncludes().Where(i => i.Matricule == "1983081246785").Select(i => i.Id).SingleAsync();

    private static (ValidationRequest Request, PrescriptionScan Scan, Voucher Voucher) NewValidation(IServiceProvider sp, Guid providerId, Guid insuredId)
    {
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow(); // the sandbox clock, as the API stamps its own rows
        var voucherId = Guid.CreateVersion7();
        var request = new ValidationRequest
        {
            Id = Guid.CreateVersion7(), ProviderId = providerId, Matricule = "1983081246785", PrescriptionLanguage = "fr", ActCode = "ZK11",
            CareCountry = "LU", ScanSha256 = new string('a', 64), PrescriptionFingerprint = Guid.NewGuid().ToString("N"),
            PrescriptionDate = new DateOnly(2026, 11, 2), SessionsPrescribed = 2, Status = RequestStatus.Agreed, ReceivedAt = now,
            ReceivedOn = new DateOnly(2026, 11, 3), UpdatedAt = now, VoucherId = voucherId, InsuredId = insuredId,
        };
        var scan = new PrescriptionScan
        {
            Id = Guid.CreateVersion7(), RequestId = request.Id, ContentType = "application/pdf", Sha256 = new string('a', 64), SizeBytes = 3,
            Content = [1, 2, 3],
        };
        var number = $"P26{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}";
        request.VoucherNumber = number;
        var voucher = new Voucher
        {
            Id = voucherId, Number = number, Kind = VoucherKind.Physiotherapy, ProviderId = providerId, InsuredId = insuredId, Matricule = "1983081246785",
            Category = "common", PrescriptionDate = new DateOnly(2026, 11, 2), IssuedOn = new DateOnly(2026, 11, 3),
            TreatmentStartBy = new DateOnly(2026, 12, 3), ValidUntil = new DateOnly(2027, 2, 3), CreatedAt = now,
        };
        voucher.Services.Add(new VoucherService { Id = Guid.CreateVersion7(), VoucherId = voucherId, ActCode = "ZK11", SessionsGranted = 2, RatePercent = 70m });
        voucher.Services.Add(new VoucherService { Id = Guid.CreateVersion7(), VoucherId = voucherId, ActCode = "ZK12", SessionsGranted = 1, RatePercent = 70m });
        return (request, scan, voucher);
    }
}
