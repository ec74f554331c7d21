using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// A save that only adds rows, written without EF Core's update pipeline: one INSERT per row and table, made once per
/// table and set of columns from the EF model (its tables, columns, type mappings and value converters: the mapping stays
/// in the entity configurations), sent as one batch. EF Core's save sorts its commands topologically, builds every
/// INSERT's text and parameters again and checks each property of a derived entity type against the type hierarchy on
/// every read: 18.6 % of the API's CPU samples in a P1 validation went to its command batching alone (issue 24,
/// bench/results/2026-12-05-p1-new-rows-writer.md). What it keeps of EF Core's behaviour: rows in the order of the
/// model's foreign keys (principal tables first), the table per type rows of one entity base table first, values the
/// database generates (xmin, defaults) read back with RETURNING, one atomic batch (in the caller's transaction, or
/// PostgreSQL's implicit one), a database error as a <see cref="DbUpdateException"/> naming the entries, and the
/// entries accepted after success. Anything else (a change or a deletion, a savepoint EF Core would take, owned or
/// complex types, rows of a table that references itself or sits in a cycle of keys, a temporary key) goes to EF Core.
/// </summary>
internal static class NewRowsWriter
{
    private static readonly ConcurrentDictionary<IModel, TableOrder> Orders = new();
    private static readonly ConcurrentDictionary<(ITableMapping Mapping, ulong Written), Insert> Inserts = new();
    private static readonly ConcurrentDictionary<ITableMapping, IColumnMapping[]?> Columns = new();
    private static readonly NpgsqlCommand ParameterFactory = new();

    /// <summary>The rows to add, in writing order, when this save can be written here; otherwise null (EF Core saves it).</summary>
    public static List<Row>? Plan(DbContext db)
    {
        var database = db.Database;
        if (database.CurrentTransaction is not null && database.AutoSavepointsEnabled) return null;
        var order = Orders.GetOrAdd(db.Model, static model => TableOrder.Of(model));
        List<Row>? rows = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            switch (entry.State)
            {
                case EntityState.Unchanged or EntityState.Detached:
                    continue;
                case EntityState.Added:
                    break;
                default:
                    return null;
            }
            var type = entry.Metadata;
            if (type.IsOwned() || type.GetComplexProperties().Any()) return null;
            if (type.FindPrimaryKey()?.Properties.Any(p => entry.Property(p).IsTemporary) != false) return null;
            var mapped = false;
            foreach (var mapping in type.GetTableMappings())
            {
                mapped = true;
                var columns = Columns.GetOrAdd(mapping, static m => ColumnsOf(m));
                if (columns is null || !order.Rank.TryGetValue(mapping.Table, out var rank)) return null;
                (rows ??= []).Add(new Row(entry, mapping, columns, rank));
            }
            if (!mapped) return null; // a view, a query or no table at all: EF Core says what it does with it
        }
        if (rows is null) return null;
        // Stable: rows of one table keep the order they were added in.
        return [.. rows.OrderBy(r => r.Rank)];
    }

    /// <summary>Writes <paramref name="rows"/> (from <see cref="Plan"/>) in one batch; returns the number of entries saved.</summary>
    public static async Task<int> WriteAsync(DbContext db, List<Row> rows, bool acceptAllChanges, CancellationToken ct)
    {
        var database = db.Database;
        var connection = (NpgsqlConnection)database.GetDbConnection();
        var sql = db.GetService<ISqlGenerationHelper>();
        var entries = rows.Select(r => r.Entry).Distinct().ToList();
        var reads = new List<(Row Row, IColumnMapping[] Columns)>();
        await database.OpenConnectionAsync(ct);
        try
        {
            await using var batch = new NpgsqlBatch(connection)
            {
                Transaction = (NpgsqlTransaction?)database.CurrentTransaction?.GetDbTransaction(),
            };
            if (database.GetCommandTimeout() is { } timeout) batch.Timeout = timeout;
            foreach (var row in rows)
            {
                var values = row.Entry.CurrentValues;
                ulong written = 0;
                for (var i = 0; i < row.Columns.Length; i++)
                    if (IsWritten(row.Columns[i].Property, values[row.Columns[i].Property])) written |= 1UL << i;
                var insert = Inserts.GetOrAdd((row.Mapping, written), static (key, arg) => Insert.Of(key.Mapping.Table, arg.Columns, key.Written, arg.Sql), (row.Columns, Sql: sql));
                var command = new NpgsqlBatchCommand(insert.Sql);
                foreach (var column in insert.Written)
                    command.Parameters.Add((NpgsqlParameter)column.TypeMapping.CreateParameter(ParameterFactory, "", values[column.Property], column.Column.IsNullable));
                batch.BatchCommands.Add(command);
                if (insert.Returned.Length > 0) reads.Add((row, insert.Returned));
            }
            await using (var reader = await batch.ExecuteReaderAsync(ct))
            {
                // Statements without RETURNING have no result set: the reader steps over them.
                for (var r = 0; r < reads.Count; r++)
                {
                    if (r > 0 && !await reader.NextResultAsync(ct) || !await reader.ReadAsync(ct))
                        throw new DbUpdateException("A row added returned none of the values the database generates.", null, [reads[r].Row.Entry]);
                    var (row, returned) = reads[r];
                    for (var i = 0; i < returned.Length; i++)
                    {
                        var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                        if (value is not null && returned[i].TypeMapping.Converter is { } converter) value = converter.ConvertFromProvider(value);
                        row.Entry.CurrentValues[returned[i].Property] = value;
                    }
                }
                while (await reader.NextResultAsync(ct)) { }
            }
            for (var i = 0; i < batch.BatchCommands.Count; i++)
                if (batch.BatchCommands[i].RecordsAffected != 1)
                    throw new DbUpdateException($"An INSERT of the save wrote {batch.BatchCommands[i].RecordsAffected} rows instead of 1.", null, [rows[i].Entry]);
        }
        catch (DbException e)
        {
            throw new DbUpdateException("An error occurred while saving the entity changes. See the inner exception for details.", e, entries);
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
        if (acceptAllChanges) db.ChangeTracker.AcceptAllChanges();
        return entries.Count;
    }

    /// <summary>As EF Core decides: a value the database generates is read back unless the entry holds one of its own.</summary>
    private static bool IsWritten(IProperty property, object? value) =>
        property.ValueGenerated == ValueGenerated.Never
        || (property.GetBeforeSaveBehavior() == PropertySaveBehavior.Save && !Equals(value, property.Sentinel));

    /// <summary>The column mappings of a table mapping, or null when a row of it is not one entry's alone (table splitting) or has more than 64 columns.</summary>
    private static IColumnMapping[]? ColumnsOf(ITableMapping mapping)
    {
        if (mapping.Table.GetRowInternalForeignKeys((IEntityType)mapping.TypeBase).Any()) return null;
        var columns = mapping.ColumnMappings.ToArray();
        return columns.Length is > 0 and <= 64 ? columns : null;
    }

    public sealed record Row(EntityEntry Entry, ITableMapping Mapping, IColumnMapping[] Columns, int Rank);

    private sealed record Insert(string Sql, IColumnMapping[] Written, IColumnMapping[] Returned)
    {
        public static Insert Of(ITable table, IColumnMapping[] columns, ulong written, ISqlGenerationHelper helper)
        {
            var write = columns.Where((_, i) => (written & (1UL << i)) != 0).ToArray();
            var read = columns.Where((c, i) => (written & (1UL << i)) == 0 && c.Property.ValueGenerated != ValueGenerated.Never).ToArray();
            var sql = new System.Text.StringBuilder("INSERT INTO ").Append(helper.DelimitIdentifier(table.Name, table.Schema));
            sql.Append(write.Length == 0 ? " DEFAULT VALUES" : $" ({string.Join(", ", write.Select(c => helper.DelimitIdentifier(c.Column.Name)))}) VALUES ({string.Join(", ", write.Select((_, i) => $"${i + 1}"))})");
            if (read.Length > 0) sql.Append(" RETURNING ").Append(string.Join(", ", read.Select(c => helper.DelimitIdentifier(c.Column.Name))));
            return new Insert(sql.ToString(), write, read);
        }
    }

    /// <summary>
    /// The model's tables ranked so that every table comes after the tables its foreign keys reference. A table that
    /// references itself or sits in a cycle has no rank (its rows go to EF Core, which orders them row by row).
    /// </summary>
    private sealed class TableOrder
    {
        public required Dictionary<ITable, int> Rank { get; init; }

        public static TableOrder Of(IModel model)
        {
            var tables = model.GetRelationalModel().Tables.ToList();
            var principals = tables.ToDictionary(t => t, t => t.ForeignKeyConstraints.Select(f => f.PrincipalTable).ToHashSet());
            var rank = new Dictionary<ITable, int>();
            var next = 0;
            // Kahn's algorithm: a table is ranked once every table it references is; in a cycle, none ever is.
            var remaining = tables.Where(t => !principals[t].Contains(t)).ToList();
            for (var progress = true; progress;)
            {
                progress = false;
                foreach (var table in remaining.ToList())
                {
                    if (!principals[table].All(rank.ContainsKey)) continue;
                    rank[table] = next++;
                    remaining.Remove(table);
                    progress = true;
                }
            }
            return new TableOrder { Rank = rank };
        }
    }
}
