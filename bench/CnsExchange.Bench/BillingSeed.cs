using CnsExchange.Domain.Vouchers;
using Npgsql;
using NpgsqlTypes;

namespace CnsExchange.Bench;

/// <summary>
/// Vouchers for billing benchmarks, written straight into the benchmark database with binary COPY: each voucher has
/// an insured of its own (affiliated since 2000) and one ZK11 service of <see cref="SessionsPerVoucher"/> sessions for
/// a physiotherapist (PHY0001 unless told), so that every line of a generated file is valid and accepted.
/// </summary>
public sealed class BillingSeed(string connectionString, DateOnly today)
{
    public const int SessionsPerVoucher = 8;
    public const string ActCode = "ZK11";
    public const decimal Tariff = 36.80m;

    /// <summary>Voucher sequence numbers of the bench start here (the API's own vouchers count up from 1000).</summary>
    private const int FirstSequence = 6_000_000;
    private int _next;

    public DateOnly Today { get; } = today;

    /// <summary>The session dates of every seeded voucher: before treatmentStartBy, within validity, not in the future.</summary>
    public DateOnly[] SessionDates { get; } = Enumerable.Range(0, SessionsPerVoucher).Select(i => today.AddDays(-38 + i)).ToArray();

    public sealed record Block(int First, int Count)
    {
        public string VoucherNumber(int i) => Domain.Vouchers.VoucherNumber.Format(VoucherKind.Physiotherapy, 2026, FirstSequence + First + i);

        /// <summary>Born in the 1930s with sequences below 500: never a sandbox insured nor one of P1's.</summary>
        public string Matricule(int i) => Domain.Common.Matricule.Create(BirthDate(i), (First + i) % 500).ToString();

        public DateOnly BirthDate(int i) => new DateOnly(1930, 1, 1).AddDays((First + i) / 500);
    }

    /// <summary>Seeds <paramref name="vouchers"/> new vouchers (and their insured) of the provider <paramref name="providerCode"/> and returns their block.</summary>
    public async Task<Block> SeedAsync(int vouchers, string providerCode = "PHY0001")
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        if (_next == 0)
        {
            // Continues after the bench vouchers of an earlier run on the same database, if any.
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM cns.vouchers WHERE number BETWEEN 'K26-6000000' AND 'K26-9999999-9'", conn);
            _next = (int)(long)(await cmd.ExecuteScalarAsync())!;
        }
        var block = new Block(_next, vouchers);
        _next += vouchers;
        Guid providerId;
        await using (var cmd = new NpgsqlCommand("SELECT id FROM cns.providers WHERE code = @code", conn))
        {
            cmd.Parameters.AddWithValue("code", providerCode);
            providerId = (Guid)(await cmd.ExecuteScalarAsync())!;
        }

        var insuredIds = new Guid[vouchers];
        var voucherIds = new Guid[vouchers];
        for (var i = 0; i < vouchers; i++)
        {
            insuredIds[i] = Guid.CreateVersion7();
            voucherIds[i] = Guid.CreateVersion7();
        }
        var now = DateTime.UtcNow;
        await using var tx = await conn.BeginTransactionAsync();
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY cns.insured (id, matricule, first_name, last_name, birth_date, sex, competent_fund, residence_country, municipality, cross_border_worker) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < vouchers; i++)
            {
                var matricule = block.Matricule(i);
                await w.StartRowAsync();
                await w.WriteAsync(insuredIds[i], NpgsqlDbType.Uuid);
                await w.WriteAsync(matricule, NpgsqlDbType.Varchar);
                await w.WriteAsync("Bench", NpgsqlDbType.Varchar);
                await w.WriteAsync($"Insured{block.First + i}", NpgsqlDbType.Varchar);
                await w.WriteAsync(block.BirthDate(i), NpgsqlDbType.Date);
                await w.WriteAsync("Female", NpgsqlDbType.Varchar);
                await w.WriteAsync("CNS", NpgsqlDbType.Varchar);
                await w.WriteAsync("LU", NpgsqlDbType.Varchar);
                await w.WriteNullAsync();
                await w.WriteAsync(false, NpgsqlDbType.Boolean);
            }
            await w.CompleteAsync();
        }
        await using (var w = await conn.BeginBinaryImportAsync("COPY cns.affiliation_periods (id, insured_id, \"from\", \"to\") FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < vouchers; i++)
            {
                await w.StartRowAsync();
                await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await w.WriteAsync(insuredIds[i], NpgsqlDbType.Uuid);
                await w.WriteAsync(new DateOnly(2000, 1, 1), NpgsqlDbType.Date);
                await w.WriteNullAsync();
            }
            await w.CompleteAsync();
        }
        var issued = Today.AddDays(-39);
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY cns.vouchers (id, number, kind, provider_id, insured_id, matricule, category, prescription_date, issued_on, treatment_start_by, valid_until, third_party_payment, accident_case, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < vouchers; i++)
            {
                await w.StartRowAsync();
                await w.WriteAsync(voucherIds[i], NpgsqlDbType.Uuid);
                await w.WriteAsync(block.VoucherNumber(i), NpgsqlDbType.Varchar);
                await w.WriteAsync("Physiotherapy", NpgsqlDbType.Varchar);
                await w.WriteAsync(providerId, NpgsqlDbType.Uuid);
                await w.WriteAsync(insuredIds[i], NpgsqlDbType.Uuid);
                await w.WriteAsync(block.Matricule(i), NpgsqlDbType.Varchar);
                await w.WriteAsync("common", NpgsqlDbType.Varchar);
                await w.WriteAsync(Today.AddDays(-40), NpgsqlDbType.Date);
                await w.WriteAsync(issued, NpgsqlDbType.Date);
                await w.WriteAsync(issued.AddDays(30), NpgsqlDbType.Date);
                await w.WriteAsync(issued.AddMonths(3), NpgsqlDbType.Date);
                await w.WriteAsync(true, NpgsqlDbType.Boolean);
                await w.WriteAsync(false, NpgsqlDbType.Boolean);
                await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync();
        }
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY cns.voucher_services (id, voucher_id, act_code, sessions_granted, sessions_billed, rate_percent, tariff_on_issue, travel_allowance_granted) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < vouchers; i++)
            {
                await w.StartRowAsync();
                await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await w.WriteAsync(voucherIds[i], NpgsqlDbType.Uuid);
                await w.WriteAsync(ActCode, NpgsqlDbType.Varchar);
                await w.WriteAsync(SessionsPerVoucher, NpgsqlDbType.Integer);
                await w.WriteAsync(0, NpgsqlDbType.Integer);
                await w.WriteAsync(70m, NpgsqlDbType.Numeric);
                await w.WriteAsync(Tariff, NpgsqlDbType.Numeric);
                await w.WriteAsync(false, NpgsqlDbType.Boolean);
            }
            await w.CompleteAsync();
        }
        await tx.CommitAsync();
        await using (var analyze = new NpgsqlCommand("ANALYZE cns.insured, cns.affiliation_periods, cns.vouchers, cns.voucher_services", conn))
            await analyze.ExecuteNonQueryAsync();
        return block;
    }
}
