using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Physio.Rules;
using NpgsqlTypes;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// The facts of a validation request in one batch of six index lookups on the context's connection (and transaction):
/// EF would send the insured person, the doctor and the fingerprints as three round trips. The rows are those EF maps
/// (tests compare both reads); children come in key order, as EF's single query returns them.
/// </summary>
internal sealed class PhysioFactsReader(AppDbContext db) : IPhysioFactsReader
{
    private const string IsScan = $"f.fingerprint LIKE '{DuplicatePrescription.ScanPrefix}%'";
    private const string InsuredOf = "(SELECT id FROM cns.insured WHERE matricule = $1)";

    private static readonly string[] Statements =
    [
        "SELECT id, matricule, first_name, last_name, birth_date, sex, competent_fund, residence_country, municipality, cross_border_worker, iban, bic FROM cns.insured WHERE matricule = $1",
        $"SELECT id, insured_id, \"from\", \"to\" FROM cns.affiliation_periods WHERE insured_id = {InsuredOf} ORDER BY id",
        $"SELECT id, insured_id, reference, opened_on, closed_on FROM cns.accident_cases WHERE insured_id = {InsuredOf} ORDER BY id",
        $"SELECT id, insured_id, \"from\", \"to\", includes_physiotherapy, physio_delivered_on FROM cns.care_plans WHERE insured_id = {InsuredOf} ORDER BY id",
        "SELECT code, name, country, specialty FROM cns.doctors WHERE code = $1",
    ];

    /// <summary>
    /// The earliest voucher holding one of <paramref name="count"/> fingerprints ($1…$count); of its fingerprints the scan's
    /// first, so a refusal says "same scan" when the bytes matched. One primary-key probe per fingerprint, each a branch
    /// of a UNION ALL with the fingerprint as a plain equality, and the voucher by its id. Written so that no estimate can
    /// turn the probes into a scan: a prepared statement's plan is made once per connection, with the estimate for the
    /// sandbox current then, and in a sandbox the statistics do not know yet that estimate is a row or two. As a join
    /// (VALUES × fingerprints) the planner then read every fingerprint of the sandbox through the key's sandbox prefix and
    /// filtered them, and kept that plan while the sandbox filled: 0.03 → 3.6 ms a lookup over 35 s of load in 10 new
    /// sandboxes (bench/results/2026-12-03-p1-new-sandboxes.md; the voucher index is not led by sandbox_id for the same
    /// reason). Parameters, not an array: an array parameter is estimated at 10 elements in the generic plan and at its
    /// real count in a custom one, which had the statement planned again at about every other execution.
    /// </summary>
    internal static string FingerprintLookup(int count) =>
        $"SELECT f.voucher_number, (SELECT v.provider_id FROM cns.vouchers v WHERE v.id = f.voucher_id), {IsScan} FROM (" +
        string.Join(" UNION ALL ", Enumerable.Range(1, count).Select(i => $"SELECT * FROM cns.prescription_fingerprints f WHERE f.fingerprint = ${i}")) +
        $") f ORDER BY f.created_at, {IsScan} DESC LIMIT 1";

    public async Task<PhysioFacts> ReadAsync(string matricule, string? doctorCode, IReadOnlyCollection<string> fingerprints, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection());
            for (var i = 0; i < Statements.Length; i++)
            {
                var command = new NpgsqlBatchCommand(Statements[i]);
                command.Parameters.Add(i switch
                {
                    4 => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)doctorCode ?? DBNull.Value },
                    _ => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = matricule },
                });
                batch.BatchCommands.Add(command);
            }
            // No fingerprint (never the case: a request has its content's and its scan's) is no earlier voucher.
            var lookup = new NpgsqlBatchCommand(fingerprints.Count == 0 ? "SELECT NULL::text, NULL::uuid, false WHERE false" : FingerprintLookup(fingerprints.Count));
            foreach (var fingerprint in fingerprints) lookup.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = fingerprint });
            batch.BatchCommands.Add(lookup);
            // The voucher number of an agreement at once, drawn here rather than in a round trip of its own before the save.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(AppDbContext.NextValueSql(Sequences.VoucherNumber)));

            await using var reader = await batch.ExecuteReaderAsync(ct);
            Insured? insured = null;
            if (await reader.ReadAsync(ct))
            {
                insured = new Insured
                {
                    Id = reader.GetGuid(0),
                    Matricule = reader.GetString(1),
                    FirstName = reader.GetString(2),
                    LastName = reader.GetString(3),
                    BirthDate = reader.GetFieldValue<DateOnly>(4),
                    Sex = Enum.Parse<Sex>(reader.GetString(5)),
                    CompetentFund = reader.GetString(6),
                    ResidenceCountry = reader.GetString(7),
                    Municipality = reader.IsDBNull(8) ? null : reader.GetString(8),
                    CrossBorderWorker = reader.GetBoolean(9),
                    Iban = reader.IsDBNull(10) ? null : reader.GetString(10),
                    Bic = reader.IsDBNull(11) ? null : reader.GetString(11),
                };
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                insured!.Affiliations.Add(new AffiliationPeriod
                {
                    Id = reader.GetGuid(0), InsuredId = reader.GetGuid(1), From = reader.GetFieldValue<DateOnly>(2),
                    To = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3),
                });
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                insured!.AccidentCases.Add(new AccidentCase
                {
                    Id = reader.GetGuid(0), InsuredId = reader.GetGuid(1), Reference = reader.GetString(2), OpenedOn = reader.GetFieldValue<DateOnly>(3),
                    ClosedOn = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4),
                });
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                insured!.CarePlans.Add(new CarePlan
                {
                    Id = reader.GetGuid(0), InsuredId = reader.GetGuid(1), From = reader.GetFieldValue<DateOnly>(2),
                    To = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3), IncludesPhysiotherapy = reader.GetBoolean(4),
                    PhysioDeliveredOn = [.. reader.GetFieldValue<DateOnly[]>(5)],
                });
            }

            await reader.NextResultAsync(ct);
            Doctor? doctor = null;
            if (await reader.ReadAsync(ct))
            {
                doctor = new Doctor
                {
                    Code = reader.GetString(0), Name = reader.GetString(1), Country = reader.GetString(2),
                    Specialty = reader.IsDBNull(3) ? null : reader.GetString(3),
                };
            }

            await reader.NextResultAsync(ct);
            var found = await reader.ReadAsync(ct);
            var existingNumber = found ? reader.GetString(0) : null;
            var existingProvider = found ? reader.GetGuid(1) : (Guid?)null;
            var matchedScan = found && reader.GetBoolean(2);

            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            return new PhysioFacts(insured, doctor, existingNumber, existingProvider, matchedScan, reader.GetInt64(0));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
