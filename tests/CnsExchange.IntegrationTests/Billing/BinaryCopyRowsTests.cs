using System.Text;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Npgsql;
using NpgsqlTypes;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>
/// <see cref="BinaryCopyRows"/> writes PostgreSQL's binary COPY format by hand (the billing file's lines are made ahead of
/// their COPY). Checked against an independent writer: the same values sent through Npgsql's own binary importer into a
/// twin table, and every row of both read back by PostgreSQL as text — random values of every type it writes, and their
/// edges (zero and negative numerics, every scale a decimal has, the largest decimals, instants below the microsecond,
/// text outside ASCII, nulls).
/// </summary>
public sealed class BinaryCopyRowsTests(ApiFactory api) : ApiTest(api)
{
    private sealed record Row(int N, Guid? Id, int? Number, string? Text, string? Code, DateOnly Date, bool Flag, decimal? Any, decimal Money,
        string Json, DateTimeOffset? At);

    private const string Columns = "n int, id uuid, number int, text text, code varchar(20), date date, flag boolean, free numeric, money numeric(14,2), json jsonb, at timestamptz";

    [Fact]
    public async Task Rows_made_by_hand_read_back_as_the_same_values_sent_by_Npgsqls_binary_importer()
    {
        var rows = Rows().ToList();
        await using var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        await Sql.ExecuteAsync(conn, $"CREATE TEMP TABLE by_npgsql ({Columns}); CREATE TEMP TABLE by_hand ({Columns})");

        await using (var w = await conn.BeginBinaryImportAsync("COPY by_npgsql FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in rows)
            {
                await w.StartRowAsync();
                await w.WriteAsync(r.N, NpgsqlDbType.Integer);
                await Nullable(w, r.Id, NpgsqlDbType.Uuid);
                await Nullable(w, r.Number, NpgsqlDbType.Integer);
                if (r.Text is null) await w.WriteNullAsync(); else await w.WriteAsync(r.Text, NpgsqlDbType.Text);
                if (r.Code is null) await w.WriteNullAsync(); else await w.WriteAsync(r.Code, NpgsqlDbType.Varchar);
                await w.WriteAsync(r.Date, NpgsqlDbType.Date);
                await w.WriteAsync(r.Flag, NpgsqlDbType.Boolean);
                await Nullable(w, r.Any, NpgsqlDbType.Numeric);
                await w.WriteAsync(r.Money, NpgsqlDbType.Numeric);
                await w.WriteAsync(r.Json, NpgsqlDbType.Jsonb);
                await Nullable(w, r.At?.ToUniversalTime(), NpgsqlDbType.TimestampTz); // Npgsql takes UTC only; the hand-made rows take any offset
            }
            await w.CompleteAsync();
        }

        using (var made = new BinaryCopyRows(capacity: 64)) // small: the buffer grows many times on the way
        {
            foreach (var r in rows)
            {
                made.StartRow(11);
                made.Int(r.N);
                made.Uuid(r.Id);
                made.Int(r.Number);
                made.Text(r.Text);
                made.Text(r.Code);
                made.Date(r.Date);
                made.Bool(r.Flag);
                made.Numeric(r.Any);
                made.Numeric(r.Money);
                made.Jsonb(Encoding.UTF8.GetBytes(r.Json));
                made.TimestampTz(r.At);
            }
            Assert.Equal(rows.Count, made.Rows);
            await using var copy = await conn.BeginRawBinaryCopyAsync("COPY by_hand FROM STDIN (FORMAT BINARY)");
            await made.WriteToAsync(copy, default);
        }

        Assert.Equal(rows.Count, await Sql.ScalarAsync<long>(conn, "SELECT count(*) FROM by_hand"));
        // Each row's text (every column as PostgreSQL prints it: numerics with their display scale, instants in UTC).
        await Sql.ExecuteAsync(conn, "SET TIME ZONE 'UTC'");
        await using var differ = new NpgsqlCommand("""
            SELECT n, a::text, b::text FROM by_npgsql a FULL JOIN by_hand b USING (n)
            WHERE a::text IS DISTINCT FROM b::text ORDER BY n LIMIT 5
            """, conn);
        var differences = new List<string>();
        await using (var reader = await differ.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                differences.Add($"{reader.GetInt32(0)}: {(reader.IsDBNull(1) ? "-" : reader.GetString(1))} / {(reader.IsDBNull(2) ? "-" : reader.GetString(2))}");
        Assert.Empty(differences);
    }

    private static IEnumerable<Row> Rows()
    {
        decimal[] edges =
        [
            0m, 0.00m, -0m, -0.00m, 1m, -1m, 0.01m, -0.01m, 36.80m, 36.8m, 9999m, 10000m, 10001m, 99999999m, 100000000m, 0.0001m, 0.00001m,
            0.1m, 0.12345m, 1234.5678m, 12345.67891m, decimal.MaxValue, decimal.MinValue, 0.0000000000000000000000000001m,
            -0.0000000000000000000000000001m, 7.9228162514264337593543950335m, 79228162514264337593543.950335m, 1e20m, 100.000000m,
        ];
        decimal[] money = [0m, 0.00m, 0.01m, -0.01m, 36.80m, 36.8m, 25.76m, 11.04m, 999999999999.99m, -999999999999.99m, 1.005m, 1.004m, 2.5m];
        var random = new Random(20261207);
        var n = 0;
        foreach (var d in edges) yield return Sample(random, n++) with { Any = d };
        foreach (var d in money) yield return Sample(random, n++) with { Money = d };
        yield return Sample(random, n++) with { Id = null, Number = null, Text = null, Code = null, Any = null, At = null };
        yield return Sample(random, n++) with { Text = "", Code = "", Json = "[]" };
        yield return Sample(random, n++) with { Text = "Schäfer-Müller 日本 😀 \u00a0", Json = """[{"code": "É", "text": "日本 😀"}]""" };
        yield return Sample(random, n++) with { Id = Guid.Empty, Number = int.MinValue };
        yield return Sample(random, n++) with { Number = int.MaxValue, Date = new DateOnly(1999, 12, 31) };
        yield return Sample(random, n++) with { Date = new DateOnly(2000, 1, 1), At = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        yield return Sample(random, n++) with { At = new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999) };
        yield return Sample(random, n++) with { At = new DateTimeOffset(2026, 12, 7, 1, 2, 3, TimeSpan.FromHours(1)).AddTicks(1234567) };
        while (n < 20_000) yield return Sample(random, n++);
    }

    private static Row Sample(Random random, int n)
    {
        // Mantissas of every size a decimal holds (up to 96 bits), at every scale from 0 to 28, of either sign.
        var mantissa = new decimal(random.Next(), random.Next() >> random.Next(0, 32), random.Next() >> random.Next(0, 32), random.Next(2) == 0, (byte)random.Next(0, 29));
        var cents = random.NextInt64(-99_999_999_999_999, 100_000_000_000_000);
        return new Row(n, random.Next(4) == 0 ? Guid.CreateVersion7() : Guid.NewGuid(), random.Next(int.MinValue, int.MaxValue),
            RandomText(random), "ZK" + random.Next(100), DateOnly.FromDayNumber(random.Next(new DateOnly(1900, 1, 1).DayNumber, new DateOnly(2100, 1, 1).DayNumber)),
            random.Next(2) == 0, mantissa, new decimal(cents) / (random.Next(3) == 0 ? 1000m : 100m),
            $$"""[{"code": "C{{random.Next(1000)}}", "amount": {{random.Next()}}}]""",
            new DateTimeOffset(random.NextInt64(new DateTime(1950, 1, 1).Ticks, new DateTime(2090, 1, 1).Ticks), TimeSpan.FromMinutes(15 * random.Next(-48, 57))));
    }

    private static string RandomText(Random random)
    {
        const string letters = "abcXYZ019 -_.'éüßæ€日本";
        var chars = new char[random.Next(0, 40)];
        for (var i = 0; i < chars.Length; i++) chars[i] = letters[random.Next(letters.Length)];
        return new string(chars);
    }

    private static Task Nullable<T>(NpgsqlBinaryImporter w, T? value, NpgsqlDbType type) where T : struct =>
        value is { } v ? w.WriteAsync(v, type) : w.WriteNullAsync();
}
