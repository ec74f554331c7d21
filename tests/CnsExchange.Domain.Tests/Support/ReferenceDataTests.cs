namespace CnsExchange.Domain.Tests.Support;

public sealed class ReferenceDataTests
{
    [Theory]
    [InlineData("T180", 80)]
    [InlineData("T190", 80)]
    [InlineData("T192", 80)]
    [InlineData("T200", 80)]
    [InlineData("T203", 80)]
    [InlineData("T206", 80)]
    [InlineData("T260", 70)]
    [InlineData("T261", 70)]
    public void Cure_kinds_carry_their_rate_and_a_billable_act(string code, int rate)
    {
        var date = TestReference.D("2026-11-23");
        var kind = TestReference.Catalog.CureKind(code, date);
        Assert.NotNull(kind);
        Assert.Equal(rate, kind.RatePercent);
        Assert.Equal("cure", TestReference.Catalog.Act(code, date)?.Domain);
    }

    [Fact]
    public void S2_list_has_the_eu_without_luxembourg_the_eea_switzerland_and_the_seven_agreement_states()
    {
        var codes = TestReference.Catalog.S2Countries.Select(c => c.Code).ToList();
        Assert.Equal(26 + 3 + 1 + 7, codes.Count);
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.DoesNotContain("LU", codes);
        Assert.DoesNotContain("GB", codes);
    }
}
