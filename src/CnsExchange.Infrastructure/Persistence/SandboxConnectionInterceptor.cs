using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// Gives every connection the context opens the database setting of the unit of work's sandbox, which the row-level
/// security policies compare <c>sandbox_id</c> with. Session-level rather than transaction-local: EF runs most queries
/// outside an explicit transaction, and a connection is opened (and this runs) for each unit of work that uses it; the
/// pool's reset on return clears it, and an unset setting matches no row. With a <paramref name="quota"/>, the same
/// statement sets <c>cns.storage_quota</c>, which the scan's INSERT is charged under (<see cref="SandboxStorageQuota"/>).
/// </summary>
public sealed class SandboxConnectionInterceptor(Sandbox.SandboxStorageQuota? quota = null) : DbConnectionInterceptor
{
    public static readonly SandboxConnectionInterceptor Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = SetCommand((NpgsqlConnection)connection, quota);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = SetCommand((NpgsqlConnection)connection, quota);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Applies the current sandbox to a connection opened outside EF (bulk file storage, COPY).</summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = SetCommand(connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlCommand SetCommand(NpgsqlConnection connection, Sandbox.SandboxStorageQuota? quota = null)
    {
        var sandbox = SandboxScope.Current?.Id;
        var command = new NpgsqlCommand(quota is null
            ? "SELECT set_config('" + SandboxModel.Setting + "', $1, false)"
            : "SELECT set_config('" + SandboxModel.Setting + "', $1, false), set_config('" + Sandbox.SandboxStorageQuota.Setting + "', $2, false)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = sandbox?.ToString() ?? "" });
        if (quota is not null) command.Parameters.Add(new NpgsqlParameter { Value = sandbox is { } id ? quota.SettingFor(id) : "" });
        return command;
    }
}
