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
    [InlineData("1994092874550")]
    public void Matricule_examples_of_RULES_md_are_valid(string text) => Assert.True(Matricule.IsValid(text));

    [Theory]
    [InlineData("1978031512369")]
    [InlineData("1965072021704")]
    public void Other_sandbox_identities_are_valid(string text) => Assert.True(Matricule.IsValid(text));

    [Theory]
    [InlineData("1983081246786", "Verhoeff digit wrong")]
    [InlineData("1983081246795", "Luhn digit wrong")]
    [InlineData("1994092874551", "the digit the wrong permutation row 4 gave for RULES.md's example")]
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

    [Fact]
    public void A_matricule_stored_under_the_wrong_Verhoeff_digit_is_repaired_to_the_valid_one()
    {
        Assert.Equal("1994092874550", Matricule.WithCorrectCheckDigits("1994092874551")!.Value.Value);
        Assert.Equal("1983081246785", Matricule.WithCorrectCheckDigits("1983081246785")!.Value.Value);
        Assert.Null(Matricule.WithCorrectCheckDigits("1983133146782"));
    }

    // The tests below check the Verhoeff tables against what defines them, not against numbers we computed.

    [Fact]
    public void Verhoeff_permutation_row_i_is_row_1_applied_i_times()
    {
        var row1 = Enumerable.Range(0, 10).Select(d => Matricule.VerhoeffPermute(1, d)).ToArray();
        var derived = Enumerable.Range(0, 10).ToArray(); // row 0: the identity
        for (var row = 0; row < 8; row++)
        {
            for (var d = 0; d < 10; d++) Assert.Equal(derived[d], Matricule.VerhoeffPermute(row, d));
            derived = derived.Select(x => row1[x]).ToArray();
        }
        Assert.Equal(Enumerable.Range(0, 10), derived); // p1 has order 8: the table repeats after 8 rows
    }

    [Fact]
    public void Verhoeff_multiplication_is_the_dihedral_group_D5()
    {
        // Digits 0–4 are the rotations r^k, 5–9 the reflections r^k·s of a regular pentagon (s r = r⁻¹ s).
        static (int Rotation, bool Reflect) Element(int digit) => (digit % 5, digit >= 5);
        static int Digit((int Rotation, bool Reflect) e) => e.Rotation + (e.Reflect ? 5 : 0);
        static (int, bool) Compose((int Rotation, bool Reflect) a, (int Rotation, bool Reflect) b) =>
            // (r^i s^a)(r^j s^b) = r^(i ± j) s^(a+b): a reflection on the left turns the rotation on its right around.
            ((a.Rotation + (a.Reflect ? -b.Rotation : b.Rotation) + 10) % 5, a.Reflect ^ b.Reflect);
        for (var j = 0; j < 10; j++)
        for (var k = 0; k < 10; k++)
            Assert.Equal(Digit(Compose(Element(j), Element(k))), Matricule.VerhoeffMultiply(j, k));
        for (var j = 0; j < 10; j++) Assert.Equal(0, Matricule.VerhoeffMultiply(j, Matricule.VerhoeffInverse(j)));
    }

    [Fact]
    public void Verhoeff_detects_every_single_digit_error_and_every_adjacent_transposition()
    {
        var random = new Random(20261202);
        var missed = new List<string>();
        for (var n = 0; n < 3000; n++)
        {
            var body = string.Concat(Enumerable.Range(0, 11).Select(_ => (char)('0' + random.Next(10))));
            var check = Matricule.VerhoeffDigit(body);
            var number = body + check;
            for (var position = 0; position < number.Length; position++)
            for (var digit = '0'; digit <= '9'; digit++)
            {
                if (digit == number[position]) continue;
                var wrong = number[..position] + digit + number[(position + 1)..];
                if (Checks(wrong)) missed.Add($"{number} → {wrong}");
            }
            for (var position = 0; position + 1 < number.Length; position++)
            {
                if (number[position] == number[position + 1]) continue;
                var swapped = number[..position] + number[position + 1] + number[position] + number[(position + 2)..];
                if (Checks(swapped)) missed.Add($"{number} → {swapped}");
            }
        }
        Assert.Empty(missed);

        static bool Checks(string numberWithCheckDigit) => Matricule.VerhoeffDigit(numberWithCheckDigit.AsSpan(0, numberWithCheckDigit.Length - 1)) == numberWithCheckDigit[^1] - '0';
    }
}
