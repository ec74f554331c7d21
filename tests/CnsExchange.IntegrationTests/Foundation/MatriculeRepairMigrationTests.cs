using CnsExchange.Domain.Common;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>
/// A database created while the Verhoeff table was wrong holds identities with the wrong check digit: migrating it
/// leaves no stored matricule invalid (RepairMatriculeCheckDigits), on a database of its own.
/// </summary>
public sealed class MatriculeRepairMigrationTests
{
    private const string BeforeRepair = "20261123192509_PaymentRunThroughput";

    [Fact]
    public async Task Identities_stored_under_the_wrong_Verhoeff_digit_are_rewritten_and_valid_ones_kept()
    {
        var connectionString = await TestDatabase.CreateAsync("cnsx_repair");
        var options = new DbContextOptionsBuilder<AppDbContext>()
            .UseNpgsql(connectionString, n => n.MigrationsHistoryTable("__EFMigrationsHistory", AppDbContext.Schema))
            .UseSnakeCaseNamingConvention().Options;
        await using var db = new AppDbContext(options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(BeforeRepair);

        // 1994092874551: what the wrong permutation row 4 made of RULES.md's 1994092874550; 1983081246785 was always valid.
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO cns.insured (id, matricule, first_name, last_name, birth_date, sex, competent_fund, residence_country, cross_border_worker)
                VALUES (gen_random_uuid(), '1994092874551', 'A', 'B', '1994-09-28', 'female', 'CNS', 'LU', false),
                       (gen_random_uuid(), '1983081246785', 'C', 'D', '1983-08-12', 'female', 'CNS', 'LU', false)
                """, conn);
            await cmd.ExecuteNonQueryAsync();
        }

        await migrator.MigrateAsync();

        var stored = await db.Insured.Select(i => i.Matricule).OrderBy(m => m).ToListAsync();
        Assert.Equal(["1983081246785", "1994092874550"], stored);
        Assert.All(stored, m => Assert.True(Matricule.IsValid(m), m));
    }
}
