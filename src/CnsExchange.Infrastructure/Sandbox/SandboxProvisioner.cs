using CnsExchange.Application.Behaviors;
using CnsExchange.Application.Features.Sandboxes;
using CnsExchange.Domain.Calendar;
using CnsExchange.Infrastructure.Clock;
using CnsExchange.Infrastructure.Persistence.Configurations;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CnsExchange.Infrastructure.Sandbox;

/// <summary>How a sandbox's rows are deleted: at most <see cref="BatchRows"/> rows of a table per statement (CnsExchange:Sandboxes:DeleteBatchRows).</summary>
public sealed class SandboxDeletionOptions
{
    public int BatchRows { get; set; } = 5000;
}

internal sealed class SandboxProvisioner(AppDbContext db, SandboxSeeder seeder, SandboxTimeProvider time, SandboxDirectory directory,
    SandboxDeletionOptions deletion, ILogger<SandboxProvisioner> logger) : ISandboxProvisioner
{
    private SandboxClockDto ClockOf(SandboxClockSetting clock)
    {
        var now = clock.Now(time.Inner);
        return new SandboxClockDto(clock.Mode, now, LuxembourgCalendar.LocalDate(now));
    }

    private SandboxDto Map(SandboxRecord s) => new(s.Id, s.Name, ClockOf(s.Clock), s.CreatedAt, s.LastUsedAt, s.DeletesAfter, s.BytesUsed);

    public async Task<SandboxCreated> CreateAsync(string name, ClockMode mode, DateTimeOffset? now, SandboxSeed seed, SandboxCreationKey? key, CancellationToken ct)
    {
        var real = time.Inner.GetUtcNow().ToUniversalTime();
        var start = (now ?? real).ToUniversalTime();
        var record = new SandboxRecord
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            ClockMode = mode,
            ClockFrozenAt = mode == ClockMode.Frozen ? start : null,
            ClockOffset = mode == ClockMode.Frozen ? TimeSpan.Zero : start - real,
            CreatedAt = real,
            LastUsedAt = real,
            DeletesAfter = real + directory.IdlePeriod,
            IdempotencyKey = key?.Key,
            RequestHash = key?.RequestHash,
        };
        if (key is not null) await ClaimKeyAsync(key, real, ct);
        db.Sandboxes.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (key is not null && e.IsUniqueViolation())
        {
            // A concurrent creation with the same key committed first: answer as its replay.
            db.ChangeTracker.Clear();
            await ClaimKeyAsync(key, real, ct);
            throw new LostRaceException(e);
        }

        IReadOnlyDictionary<string, string> keys;
        using (SandboxScope.Enter(record.Id, record.Clock))
            keys = await seeder.SeedAsync(seed == SandboxSeed.Standard, fileKey => ApiKeys.Generate(SandboxSeeder.RoleName(fileKey)), ct);
        logger.LogInformation("Sandbox {SandboxId} created ({Seed}, clock {Mode})", record.Id, seed, mode);
        return new SandboxCreated(record.Id, record.Name, ClockOf(record.Clock), record.DeletesAfter, keys);
    }

    /// <summary>
    /// The key's earlier sandbox, if any: within <see cref="IdempotencyKeys.Lifetime"/> (real time)
    /// it answers for this request (409 naming it, or 422 for another request); older, the key is freed for this one.
    /// </summary>
    private async Task ClaimKeyAsync(SandboxCreationKey key, DateTimeOffset real, CancellationToken ct)
    {
        var earlier = await db.Sandboxes.AsNoTracking().Where(s => s.IdempotencyKey == key.Key)
            .Select(s => new { s.Id, s.CreatedAt, s.RequestHash }).SingleOrDefaultAsync(ct);
        if (earlier is null) return;
        if (IdempotencyKeys.HasExpired(earlier.CreatedAt, real))
        {
            await db.Sandboxes.Where(s => s.Id == earlier.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.IdempotencyKey, (string?)null), ct);
            return;
        }
        if (earlier.RequestHash != key.RequestHash) throw new IdempotencyKeyReusedException();
        throw IdempotentReplay.WithoutSecret($"/api/v1/sandboxes/{earlier.Id}");
    }

    public async Task<Page<SandboxDto>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var (rows, next) = await db.Sandboxes.AsNoTracking().Where(s => s.DeletingAt == null).NewestFirstAsync(page, s => s.CreatedAt, s => s.Id, ct);
        return new Page<SandboxDto>((await WithBytesUsedAsync(rows, ct)).Select(Map).ToList(), next);
    }

    public async Task<SandboxDto?> FindAsync(Guid id, CancellationToken ct) =>
        await db.Sandboxes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.DeletingAt == null, ct) is { } s
            ? Map((await WithBytesUsedAsync([s], ct))[0])
            : null;

    /// <summary>The bytes each sandbox stores, summed over its storage stripes (<c>cns.sandbox_bytes_used</c>; columns snake_case, as the naming convention maps the record).</summary>
    private async Task<List<SandboxRecord>> WithBytesUsedAsync(List<SandboxRecord> sandboxes, CancellationToken ct)
    {
        if (sandboxes.Count == 0) return sandboxes;
        var ids = sandboxes.Select(s => s.Id).ToArray();
        var used = await db.Database.SqlQuery<SandboxBytes>($"SELECT sandbox_id, bytes_used FROM cns.sandbox_bytes_used({ids})")
            .ToDictionaryAsync(b => b.SandboxId, b => b.BytesUsed, ct);
        foreach (var s in sandboxes) s.BytesUsed = used.GetValueOrDefault(s.Id);
        return sandboxes;
    }

    private sealed record SandboxBytes(Guid SandboxId, long BytesUsed);

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct)
    {
        // First its keys stop working, in every process at once (authentication reads deleting_at on every request).
        var marked = await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE cns.sandboxes SET deleting_at = now() WHERE id = {id} AND deleting_at IS NULL", ct);
        if (marked == 0 && !await db.Sandboxes.AnyAsync(s => s.Id == id, ct)) return false;

        // Then its rows, dependents first, under its own row-level security setting: nothing of another sandbox can go.
        // Work still in flight in it (a job) may hold rows a delete needs: a deadlock is retried after that work ended.
        var (rows, batches) = (0L, 0);
        using (SandboxScope.Enter(id, SandboxClockSetting.RealTime))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await foreach (var deleted in DeleteRowsAsync(id, ct))
                        (rows, batches) = (rows + deleted, batches + 1);
                    break;
                }
                catch (Npgsql.PostgresException e) when (e.SqlState is Npgsql.PostgresErrorCodes.DeadlockDetected && attempt < 5)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
                }
            }
        }
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM cns.sandboxes WHERE id = {id}", ct);
        logger.LogInformation("Sandbox {SandboxId} deleted: {Rows} rows in {Batches} batches of at most {BatchRows}, besides the rows that went with them (SandboxDeletionOrder)", id, rows, batches, deletion.BatchRows);
        return true;
    }

    /// <summary>
    /// Deletes the sandbox's rows table by table, each in batches of at most <see cref="SandboxDeletionOptions.BatchRows"/>
    /// rows, each batch a transaction of its own (no single long transaction, no lock held on a whole table's rows);
    /// yields the rows of each non-empty batch.
    /// </summary>
    private async IAsyncEnumerable<int> DeleteRowsAsync(Guid id, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var table in SandboxDeletionOrder.Tables(db.Model))
        {
            var sql = $"DELETE FROM {AppDbContext.Schema}.{table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {AppDbContext.Schema}.{table} WHERE {SandboxModel.Column} = {{0}} LIMIT {{1}}))";
            while (true)
            {
                var deleted = await db.Database.ExecuteSqlRawAsync(sql, [id, deletion.BatchRows], ct);
                if (deleted == 0) break;
                yield return deleted;
                if (deleted < deletion.BatchRows) break;
            }
        }
    }
}

/// <summary>
/// The tables of sandbox data a sandbox's deletion searches by <c>sandbox_id</c>, each before the tables it references
/// (from the model's foreign keys); the others go with their parents (<see cref="GoesWithItsParent"/>).
/// </summary>
internal static class SandboxDeletionOrder
{
    private static IReadOnlyList<string>? _order;

    public static IReadOnlyList<string> Tables(Microsoft.EntityFrameworkCore.Metadata.IModel model) => _order ??= Compute(model);

    private static IReadOnlyList<string> Compute(Microsoft.EntityFrameworkCore.Metadata.IModel model)
    {
        var tables = model.GetRelationalModel().Tables
            .Where(t => t.Schema == AppDbContext.Schema && t.Name is not (SandboxConfiguration.Table or "operator_keys" or "__EFMigrationsHistory"))
            .ToList();
        var pending = tables.ToDictionary(t => t.Name, t => t.ForeignKeyConstraints
            .Select(fk => fk.PrincipalTable.Name)
            .Concat(LineReferences.ParentsByTable.GetValueOrDefault(t.Name, [])) // references kept by triggers, not foreign keys
            .Where(p => p != t.Name && p != SandboxConfiguration.Table).ToHashSet());
        // A table goes once nothing that references it is left.
        var order = new List<string>();
        while (pending.Count > 0)
        {
            var free = pending.Keys.Where(name => !pending.Any(p => p.Key != name && p.Value.Contains(name))).OrderBy(n => n, StringComparer.Ordinal).ToList();
            if (free.Count == 0) free = [pending.Keys.Order(StringComparer.Ordinal).First()]; // a cycle: the cascade of the last step takes the rest
            foreach (var name in free)
            {
                pending.Remove(name);
                if (!GoesWithItsParent(tables.Single(t => t.Name == name))) order.Add(name);
            }
        }
        return order;
    }

    /// <summary>
    /// A table no index of which (partial ones aside) starts with <c>sandbox_id</c> is not searched by sandbox: that would
    /// scan it whole, once per batch. Its rows go with their parent rows, by the cascading foreign key, which finds them
    /// through the index its key leads (see <c>SandboxModel.LeadsWithReference</c>). Today: a voucher's services, a
    /// validation request's scan, and the care-request subtype tables (their sandbox column is the database's alone, not in
    /// the model; their key is their care request's). Such a table stays in the order's graph, so that what references it
    /// goes first.
    /// </summary>
    private static bool GoesWithItsParent(Microsoft.EntityFrameworkCore.Metadata.ITable table)
    {
        if (table.Indexes.Where(i => i.Filter is null).Select(i => i.Columns).Concat(table.UniqueConstraints.Select(u => u.Columns))
            .Any(c => c[0].Name == SandboxModel.Column))
            return false;
        if (!table.ForeignKeyConstraints.Any(fk => fk.OnDeleteAction == Microsoft.EntityFrameworkCore.Migrations.ReferentialAction.Cascade
                                                   && fk.PrincipalTable.Name != SandboxConfiguration.Table && fk.Columns.All(c => !c.IsNullable)))
            throw new InvalidOperationException($"{table.Name}: no index starts with {SandboxModel.Column}, and no cascading foreign key takes its rows with their parents.");
        return true;
    }
}

/// <summary>The recurring job that deletes sandboxes idle past their deletesAfter (operator work, in real time).</summary>
public sealed class SandboxJanitor(ISandboxProvisioner provisioner, AppDbContext db, SandboxTimeProvider time)
{
    public const string JobId = "sandbox-janitor";

    [AutomaticRetry(Attempts = 0)] // the next pass is the retry
    [JobDisplayName("Delete idle sandboxes")]
    public async Task DeleteIdleAsync(CancellationToken ct)
    {
        var real = time.Inner.GetUtcNow().ToUniversalTime();
        var idle = await db.Sandboxes.AsNoTracking().Where(s => s.DeletesAfter != null && s.DeletesAfter < real).Select(s => s.Id).ToListAsync(ct);
        foreach (var id in idle.Where(id => id != SandboxIds.Default)) await provisioner.DeleteAsync(id, ct);
    }
}

internal sealed class SandboxJanitorSchedule(IRecurringJobManager jobs, ILogger<SandboxJanitorSchedule> logger) : RecurringJobSchedule(jobs, logger)
{
    protected override string JobId => SandboxJanitor.JobId;

    protected override void Register(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<SandboxJanitor>(JobId, j => j.DeleteIdleAsync(CancellationToken.None), Cron.Hourly(),
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
}
