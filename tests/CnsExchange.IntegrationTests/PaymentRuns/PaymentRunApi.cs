using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Payments;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.PaymentRuns;

/// <summary>Helpers of the payment-run tests: the sandbox clock, runs through the API and straight through the application.</summary>
internal static class PaymentRunApi
{
    public static DateTimeOffset Local(string date, int hour, int minute = 0) =>
        LuxembourgCalendar.AtLocal(DateOnly.Parse(date), new TimeOnly(hour, minute)).ToUniversalTime();

    /// <summary>PUT /admin/clock to an absolute instant: the runs whose slots fell in between are executed before the answer.</summary>
    public static async Task SetClockAsync(HttpClient admin, DateTimeOffset now) =>
        await (await admin.PutJsonAsync("/api/v1/admin/clock", new { now })).ExpectAsync(HttpStatusCode.OK);

    /// <summary>Every item of a paged list, read as the API's DTOs (<see cref="HttpAssertions.Typed"/>), following its cursor <paramref name="limit"/> items a page.</summary>
    public static async Task<List<T>> AllAsync<T>(HttpClient client, string url, int limit = 200)
    {
        var items = new List<T>();
        string? cursor = null;
        do
        {
            var separator = url.Contains('?') ? '&' : '?';
            var page = await (await client.GetAsync($"{url}{separator}limit={limit}{(cursor is null ? "" : "&cursor=" + cursor)}")).ExpectAsync<Page<T>>(HttpStatusCode.OK);
            items.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        return items;
    }

    /// <summary>A closed weekly run paying PHY0001, PHY0002 and HOS0001; PHY0001 also has a reduced and a refused line.</summary>
    public static async Task<PaymentRunDto> AClosedRunAsync(ApiFactory api)
    {
        var v1 = await VoucherSeed.CreateAsync(api);
        var v2 = await VoucherSeed.CreateAsync(api, new VoucherSeed.Options { ProviderCode = "PHY0002", Matricule = "2012051469331", Category = "common", RatePercent = 100m });
        var v3 = await VoucherSeed.CreateAsync(api, new VoucherSeed.Options { ProviderCode = "HOS0001" });
        await SubmitAsync(api.ClientFor(ApiTest.Physio1), Memoir("F-1", Line(v1, "2026-11-16"), Line(v1, "2026-11-18", claimed: 40m), Line(v1, "2026-11-19", act: "ZKX9", claimed: 20m)));
        await SubmitAsync(api.ClientFor(ApiTest.Physio1), Memoir("F-2", Line(v1, "2026-11-20")));
        await SubmitAsync(api.ClientFor(ApiTest.Physio2), Memoir("F-3", Line(v2, "2026-11-16", matricule: "2012051469331"), Line(v2, "2026-11-17", matricule: "2012051469331")));
        await SubmitAsync(api.ClientFor(ApiTest.Hospital1), Memoir("F-4", Line(v3, "2026-11-16")));
        await SetClockAsync(api.ClientFor(ApiTest.Admin), Local("2026-11-30", 3));
        var summary = Assert.Single(await AllAsync<PaymentRunSummaryDto>(api.ClientFor(ApiTest.Admin), "/api/v1/payment-runs"));
        return await RunAsync(api.ClientFor(ApiTest.Admin), summary.Id);
    }

    /// <summary>GET /payment-runs/{id}, read as <see cref="PaymentRunDto"/> (<see cref="HttpAssertions.Typed"/>).</summary>
    public static async Task<PaymentRunDto> RunAsync(HttpClient client, string id) =>
        await (await client.GetAsync($"/api/v1/payment-runs/{id}")).ExpectAsync<PaymentRunDto>(HttpStatusCode.OK);

    public static Task<PaymentRunDto> RunAsync(HttpClient client, Guid id) => RunAsync(client, id.ToString());

    /// <summary>Polls the run's status resource until it is closed.</summary>
    public static async Task<PaymentRunDto> WaitForClosedAsync(HttpClient admin, string id, TimeSpan? timeout = null)
    {
        var run = await Eventually.PollAsync(() => RunAsync(admin, id), r => r.Status == PaymentRunStatus.Closed, timeout);
        return run.Status == PaymentRunStatus.Closed ? run : throw new TimeoutException($"Payment run {id} still {run.Status}: {run.LastError}");
    }

    public static Task<PaymentRunDto> WaitForClosedAsync(HttpClient admin, Guid id, TimeSpan? timeout = null) => WaitForClosedAsync(admin, id.ToString(), timeout);

    /// <summary>Sends ExecutePaymentRun as the Hangfire job does.</summary>
    public static Task<PaymentRunStatus> ExecuteAsync(ApiFactory api, Guid runId) =>
        api.WithScopeAsync(async sp => await sp.GetRequiredService<IMediator>().Send(new ExecutePaymentRun(runId)));

    /// <summary>Creates (or finds) the run of a slot, as the scheduler does, without executing it.</summary>
    public static Task<Guid> CreateSlotRunAsync(ApiFactory api, DateOnly date, PaymentRunTrigger trigger = PaymentRunTrigger.Weekly) =>
        api.WithScopeAsync(async sp =>
        {
            var settings = PaymentScheduleSettings.From(sp.GetRequiredService<CnsExchange.Application.Common.IReferenceData>().Catalog, date);
            var slot = new PaymentSlot(date, PaymentSchedule.SlotInstant(date, settings), trigger == PaymentRunTrigger.Weekly);
            return await sp.GetRequiredService<PaymentRunFactory>().ForSlotAsync(slot, trigger, CancellationToken.None);
        });

    /// <summary>A published XSD (as the API serves it) compiled for validation.</summary>
    public static System.Xml.Schema.XmlSchemaSet SchemaFrom(string xsd)
    {
        var set = new System.Xml.Schema.XmlSchemaSet { XmlResolver = null };
        using var reader = System.Xml.XmlReader.Create(new StringReader(xsd), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit });
        set.Add(null, reader);
        set.Compile();
        return set;
    }

    public static Task<T> DbAsync<T>(ApiFactory api, Func<AppDbContext, Task<T>> query) =>
        api.WithScopeAsync(sp => query(sp.GetRequiredService<AppDbContext>()));

    /// <summary>Runs SQL as the database owner with triggers off (session_replication_role = replica), to tamper or rewind on purpose.</summary>
    public static async Task RawSqlWithoutTriggersAsync(ApiFactory api, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var off = new NpgsqlCommand("SET LOCAL session_replication_role = replica", connection, tx)) await off.ExecuteNonQueryAsync();
        await using (var cmd = new NpgsqlCommand(sql, connection, tx))
        {
            foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
            await cmd.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    /// <summary>Runs SQL as the application would (triggers on); returns the PostgreSQL error, if any.</summary>
    public static async Task<PostgresException?> TrySqlAsync(ApiFactory api, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        try
        {
            await cmd.ExecuteNonQueryAsync();
            return null;
        }
        catch (PostgresException e)
        {
            return e;
        }
    }

    public static async Task<List<PaymentRun>> RunsInDbAsync(ApiFactory api) =>
        await DbAsync(api, db => db.Set<PaymentRun>().AsNoTracking().OrderBy(r => r.AsOf).ToListAsync());
}
