using CnsExchange.Domain.Common;

namespace CnsExchange.Domain.Tests.Common;

public sealed class MatriculeTests
{
    [Theory]
    [InlineData("1893120105732")]
    [InlineData("1983081246785")]
    [InlineData("2003042581939")]
    [InlineData("1971110258749")]
    [InlineData("2012051469331")]
    [InlineData("1994092874551")]
    [InlineData("1978031512369")]
    public void Valid_matricules_pass_both_check_digits(string text) => Assert.True(Matricule.IsValid(text));

    [Theory]
    [InlineData("1983081246786", "Verhoeff digit wrong")]
    [InlineData("1983081246795", "Luhn digit wrong")]
    [InlineData("1994092874550", "RULES.md example whose Verhoeff digit is 1, not 0")]
    [InlineData("198308124678", "12 digits")]
    [InlineData("19830812467850", "14 digits")]
    [InlineData("19830812467a5", "a letter")]
    [InlineData("1983133146782", "month 13")]
    [InlineData("", "empty")]
    [InlineData(null, "null")]
    public void Invalid_matricules_fail(string? text, string why) => Assert.False(Matricule.IsValid(text), why);

    [Fact]
    public void Birth_date_and_age_come_from_the_matricule()
    {
        Assert.True(Matricule.TryParse("2012051469331", out var m));
        Assert.Equal(new DateOnly(2012, 5, 14), m!.Value.BirthDate);
        Assert.Equal(17, m.Value.AgeOn(new DateOnly(2030, 5, 13)));
        Assert.Equal(18, m.Value.AgeOn(new DateOnly(2030, 5, 14)));
    }

    [Fact]
    public void Created_matricules_are_valid() =>
        Assert.True(Matricule.IsValid(Matricule.Create(new DateOnly(1990, 1, 1), 123).Value));
}
