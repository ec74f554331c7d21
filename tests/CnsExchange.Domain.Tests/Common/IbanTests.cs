using System.Globalization;
using CnsExchange.Domain.Common;

namespace CnsExchange.Domain.Tests.Common;

/// <summary>
/// The IBAN check against the SWIFT IBAN Registry (Release 100, iban-registry-100.tsv: each country's published length
/// and example): every example passes, and the same IBAN one character longer or shorter — with check digits
/// recomputed, so that only its length is wrong — fails.
/// </summary>
public sealed class IbanTests
{
    private static readonly IReadOnlyList<(string Code, int Length, string Example)> Registry =
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Common", "iban-registry-100.tsv"))
            .Where(l => !l.StartsWith('#') && !l.StartsWith("code\t", StringComparison.Ordinal) && l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(f => (f[0], int.Parse(f[1], CultureInfo.InvariantCulture), f[2]))
            .ToList();

    public static TheoryData<string> Examples => new(Registry.Select(r => r.Example));

    /// <summary>Sets the check digits so that mod-97 holds (ISO 13616: 98 − mod97(BBAN + country + "00")).</summary>
    private static string WithCheckDigits(string iban)
    {
        var check = 98 - Iban.Mod97(iban[4..] + iban[..2] + "00");
        return iban[..2] + check.ToString("00", CultureInfo.InvariantCulture) + iban[4..];
    }

    [Fact]
    public void The_length_table_is_the_registrys_one_code_for_one_code()
    {
        Assert.Equal(89, Registry.Count);
        Assert.Equal(Registry.ToDictionary(r => r.Code, r => r.Length), Iban.Lengths.ToDictionary());
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_registry_example_passes_and_fails_one_character_longer_or_shorter(string example)
    {
        Assert.True(Iban.IsValid(example));
        Assert.Equal(example, WithCheckDigits(example)); // the recomputation is right: it leaves a valid IBAN as it is

        var longer = WithCheckDigits(example + "0");
        var shorter = WithCheckDigits(example[..^1]);
        Assert.Equal(1, Iban.Mod97(longer[4..] + longer[..4]));
        Assert.Equal(1, Iban.Mod97(shorter[4..] + shorter[..4]));
        Assert.False(Iban.IsValid(longer));
        Assert.False(Iban.IsValid(shorter));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void A_registry_example_with_one_digit_changed_fails_mod_97(string example)
    {
        var i = example.Length - 1;
        var changed = example[..i] + (char.IsAsciiDigit(example[i]) ? (char)('0' + (example[i] - '0' + 1) % 10) : example[i] == 'Z' ? 'A' : (char)(example[i] + 1));
        Assert.False(Iban.IsValid(changed));
    }

    [Theory]
    [InlineData("LU28 0019 4006 4475 0000", true)]   // print format, spaces ignored
    [InlineData("lu280019400644750000", true)]       // lower case
    [InlineData("XX280019400644750000", false)]      // no such country in the registry
    [InlineData("LU2800194006447500", false)]        // too short for Luxembourg
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Print_format_and_case_are_accepted_unknown_countries_are_not(string? iban, bool valid) =>
        Assert.Equal(valid, Iban.IsValid(iban));
}
