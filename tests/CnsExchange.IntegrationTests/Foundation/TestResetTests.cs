using CnsExchange.IntegrationTests.Support;
using Npgsql;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>The reset between tests (<see cref="ApiFactory.ResetAsync"/>) against background work the previous test left running.</summary>
public sealed class TestResetTests(ApiFactory api) : ApiTest(api)
{
    /// <summary>
    /// CI of stop 68: a test failed in its reset after 30 s, behind two billing files the previous test had not waited
    /// for. Each file's job held its file's row and a COPY on one connection and read the file's chunks on another; the
    /// reset's TRUNCATE held the chunks' table and waited for the file's row: a cycle through the job's process that
    /// PostgreSQL cannot see. This is that cycle, made to happen: a session holds the last table the TRUNCATE locks
    /// until it has read the first one.
    /// </summary>
    [Fact]
    public async Task The_reset_gives_way_to_work_that_must_read_a_table_it_locked_before_it_lets_go()
    {
        var tables = Api.ResetTables;
        var (first, last) = (tables[0], tables[^1]);
        await using var holder = new NpgsqlConnection(Api.ConnectionString);
        await holder.OpenAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"LOCK TABLE cns.{last} IN ROW SHARE MODE", holder, tx))
            await hold.ExecuteNonQueryAsync();

        var job = Task.Run(async () =>
        {
            await using var reader = new NpgsqlConnection(Api.ConnectionString);
            await reader.OpenAsync();
            // Once the TRUNCATE waits for the held table, it holds the first one: this read waits for it.
            while (!await TruncateWaitsAsync(reader)) await Task.Delay(20);
            await using (var read = new NpgsqlCommand($"SELECT count(*) FROM cns.{first}", reader))
                await read.ExecuteScalarAsync();
            await tx.CommitAsync();
        });

        var reset = Api.ResetAsync();
        Assert.Same(reset, await Task.WhenAny(reset, Task.Delay(TimeSpan.FromSeconds(25))));
        await reset;
        await job;
    }

    private static async Task<bool> TruncateWaitsAsync(NpgsqlConnection conn)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'truncate%')", conn);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }
}
