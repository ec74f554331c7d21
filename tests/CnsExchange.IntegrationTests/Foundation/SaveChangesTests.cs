using CnsExchange.Application.Common;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Registry;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>
/// <see cref="AppDbContext"/>'s save detects changes once, then stamps new rows with the unit of work's sandbox and saves
/// with automatic detection off (issue 24: each detection pass reads every property of every tracked entry). What
/// EF Core's own save found before must still be found: property changes made on the objects, and rows reached only
/// through a navigation.
/// </summary>
public sealed class SaveChangesTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task A_save_finds_changes_made_on_the_objects_and_rows_added_through_a_navigation_and_stamps_their_sandbox()
    {
        var matricule = Matricule.Create(new DateOnly(1961, 4, 17), Random.Shared.Next(100, 999)).Value;
        var id = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var insured = new Insured
            {
                Id = Guid.CreateVersion7(), Matricule = matricule, FirstName = "Before", LastName = "Save", BirthDate = new DateOnly(1961, 4, 17),
                CompetentFund = "CNS", ResidenceCountry = "LU",
            };
            db.Insured.Add(insured);
            await db.SaveChangesAsync();
            return insured.Id;
        });

        var autoAfterSave = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var insured = await db.Insured.SingleAsync(i => i.Id == id);
            insured.FirstName = "After";                                            // on the object: no entry API
            insured.AccidentCases.Add(new AccidentCase { Reference = "AAA-SAVE-1", OpenedOn = new DateOnly(2026, 1, 5) });
            await db.SaveChangesAsync();
            return db.ChangeTracker.AutoDetectChangesEnabled;
        });
        Assert.True(autoAfterSave, "the save gives automatic change detection back");

        var (firstName, cases) = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var insured = await db.Insured.AsNoTracking().SingleAsync(i => i.Id == id);
            var stamped = await db.Set<AccidentCase>().AsNoTracking()
                .Where(c => c.InsuredId == id && EF.Property<Guid>(c, SandboxModel.Property) == SandboxIds.Default)
                .Select(c => c.Reference).ToListAsync();
            return (insured.FirstName, stamped);
        });
        Assert.Equal("After", firstName);
        Assert.Equal(["AAA-SAVE-1"], cases);

        // A caller that turned detection off keeps EF Core's meaning: changes made on the objects are not seen.
        var (saved, autoStaysOff) = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var insured = await db.Insured.SingleAsync(i => i.Id == id);
            insured.FirstName = "Unseen";
            return (await db.SaveChangesAsync(), db.ChangeTracker.AutoDetectChangesEnabled);
        });
        Assert.Equal(0, saved);
        Assert.False(autoStaysOff);
    }
}
