using System.Reflection;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Domain.Tests.Support;

public sealed class ReferenceDataTests
{
    public static TheoryData<string> ReasonCodesUsedByTheRules()
    {
        var data = new TheoryData<string>();
        foreach (var type in new[] { typeof(CureReasonCodes), typeof(RehabReasonCodes), typeof(HospitalReasonCodes) })
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            data.Add((string)field.GetValue(null)!);
        data.Add("REQUEST_AFTER_START");
        data.Add("INSURED_NOT_AFFILIATED");
        data.Add("COMPETENT_FUND_ABROAD");
        return data;
    }

    [Theory]
    [MemberData(nameof(ReasonCodesUsedByTheRules))]
    public void Every_reason_code_of_the_rules_has_texts_in_three_languages(string code)
    {
        var def = TestReference.Catalog.Reason(code);
        Assert.NotNull(def);
        Assert.False(string.IsNullOrWhiteSpace(def.Text.Fr));
        Assert.False(string.IsNullOrWhiteSpace(def.Text.De));
        Assert.False(string.IsNullOrWhiteSpace(def.Text.En));
    }

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
