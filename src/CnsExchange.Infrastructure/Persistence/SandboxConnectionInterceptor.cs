using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// Gives every connection the context opens the database setting of the unit of work's sandbox, which the row-level
/// security policies compare <c>sandbox_id</c> with. Session-level rather than transaction-local: EF runs most queries
/// outside an explicit transaction, and a connection is opened (and this runs) for each unit of work that uses it; the
/// pool's reset on return clears it, and an unset setting matches no row.
/// </summary>
public sealed class SandboxConnectionInterceptor : DbConnectionInterceptor
{
    public static readonly SandboxConnectionInterceptor Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = SetCommand((NpgsqlConnection)connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = SetCommand((NpgsqlConnection)connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Applies the current sandbox to a connection opened outside EF (bulk file storage, COPY).</summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = SetCommand(connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlCommand SetCommand(NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand("SELECT set_config('" + SandboxModel.Setting + "', $1, false)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = SandboxScope.Current?.Id.ToString() ?? "" });
        return command;
    }
}
