using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Tests.Support;

namespace CnsExchange.Domain.Tests.Reference;

/// <summary>The catalog's indexed lookups answer what a scan of its dated rows answers (the rule of <see cref="DatedExtensions.On{T}"/>).</summary>
public sealed class ReferenceCatalogLookupTests
{
    private static readonly ReferenceCatalog Catalog = TestReference.Catalog;

    /// <summary>Every start and end of a row, the day before and after, and far past and future.</summary>
    private static IEnumerable<DateOnly> Edges(IEnumerable<IDated> rows) =>
        rows.SelectMany(r => new[] { r.ValidFrom.AddDays(-1), r.ValidFrom, r.ValidFrom.AddDays(1) }
                .Concat(r.ValidTo is { } to ? [to.AddDays(-1), to, to.AddDays(1)] : []))
            .Concat([new DateOnly(1990, 1, 1), new DateOnly(2100, 1, 1)]).Distinct();

    [Fact]
    public void Parameters_on_every_edge_date_are_those_a_scan_finds()
    {
        foreach (var name in Catalog.Parameters.Select(p => p.Name).Distinct())
        foreach (var date in Edges(Catalog.Parameters.Where(p => p.Name == name)))
        {
            var scanned = Catalog.Parameters.Where(p => p.Name == name).On(date);
            if (scanned is null) Assert.Throws<InvalidOperationException>(() => Catalog.Parameter(name, date));
            else Assert.Equal(scanned.Value, Catalog.Parameter(name, date));
        }
    }

    [Fact]
    public void Acts_annex_g_and_letter_key_on_every_edge_date_are_those_a_scan_finds()
    {
        foreach (var code in Catalog.Acts.Select(a => a.Code).Distinct())
        foreach (var date in Edges(Catalog.Acts.Where(a => a.Code == code)))
            Assert.Same(Catalog.Acts.Where(a => a.Code == code).On(date), Catalog.Act(code, date));
        foreach (var code in Catalog.AnnexG.Select(a => a.Code).Distinct())
        foreach (var date in Edges(Catalog.AnnexG.Where(a => a.Code == code)))
            Assert.Equal(Catalog.AnnexG.Where(a => a.Code == code).On(date) is not null, Catalog.IsAnnexG(code, date));
        foreach (var date in Edges(Catalog.LetterKey))
            Assert.Equal(Catalog.LetterKey.On(date)?.Value, Catalog.LetterKey.On(date) is null ? null : Catalog.LetterKeyOn(date));
        Assert.Null(Catalog.Act("NO-SUCH-ACT", new DateOnly(2026, 11, 23)));
    }

    [Fact]
    public void Among_rows_starting_the_same_day_the_first_listed_wins_and_unknown_reason_codes_are_null()
    {
        var day = new DateOnly(2026, 1, 1);
        var catalog = new ReferenceCatalog
        {
            Version = "t", Acts = [], LetterKey = [], AnnexG = [], ReasonCodes = Catalog.ReasonCodes,
            Parameters = [new RuleParameter("X", 1, null, day, null), new RuleParameter("X", 2, null, day, null), new RuleParameter("X", 3, null, day.AddDays(-5), null)],
        };
        Assert.Equal(1, catalog.Parameter("X", day));
        Assert.Equal(3, catalog.Parameter("X", day.AddDays(-1)));
        Assert.Null(catalog.Reason("NO_SUCH_CODE"));
        Assert.Same(Catalog.ReasonCodes.First(r => r.Code == "DUPLICATE_PRESCRIPTION"), catalog.Reason("DUPLICATE_PRESCRIPTION"));
    }
}
