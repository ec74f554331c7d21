using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Infrastructure.Payments.Files;

namespace CnsExchange.Infrastructure.Tests.PaymentFiles;

/// <summary>Free text and identifiers of SEPA credit transfers (pain.001): the SEPA Latin character set.</summary>
public sealed class SepaTextTests
{
    [Theory]
    [InlineData("Kiné Bascharage", 70, "Kine Bascharage")]
    [InlineData("Caisse nationale de santé", 70, "Caisse nationale de sante")]
    [InlineData("Müller Ärzte Öffnung Übung", 70, "Mueller Aerzte Oeffnung Uebung")]
    [InlineData("Straße", 70, "Strasse")]
    [InlineData("Noël Françoise Hélène Château", 70, "Noel Francoise Helene Chateau")]
    [InlineData("Kine\u0301 (combining accent)", 70, "Kine (combining accent)")]
    [InlineData("Smith & Søn", 70, "Smith + Son")]
    [InlineData("a_b \"quoted\"", 70, "a-b 'quoted'")]
    [InlineData("  spaces\t\tand\nlines  ", 70, "spaces and lines")]
    [InlineData("Prix: 10 € ; 5 %", 70, "Prix: 10 5")]
    [InlineData("abcdefghij", 5, "abcde")]
    [InlineData("abcd efghij", 5, "abcd")]
    public void Text_is_transliterated_and_cut(string text, int maxLength, string expected) =>
        Assert.Equal(expected, SepaText.Clean(text, maxLength));

    [Fact]
    public void Text_with_nothing_a_transfer_can_carry_is_refused() =>
        Assert.Throws<ArgumentException>(() => SepaText.Clean("€ ½ ☺", 70));

    [Theory]
    [InlineData("PR-2026-0047-PHY0001", 35, true)]
    [InlineData("A/B", 35, true)]
    [InlineData("/AB", 35, false)]
    [InlineData("AB/", 35, false)]
    [InlineData("A//B", 35, false)]
    [InlineData("PR-é", 35, false)]
    [InlineData(" PR", 35, false)]
    [InlineData("", 35, false)]
    [InlineData("12345678901234567890123456789012345", 35, true)]
    [InlineData("123456789012345678901234567890123456", 35, false)]
    public void Identifiers_are_checked_not_rewritten(string id, int maxLength, bool valid) =>
        Assert.Equal(valid, SepaIdentifier.IsValid(id, maxLength));

    [Theory]
    [InlineData("BCEELULL", true)]
    [InlineData("BCEELULLXXX", true)]
    [InlineData("BCEELUL", false)]
    [InlineData("bceelull", false)]
    [InlineData("BCEE1ULL", false)]
    public void Bic_follows_the_iso_9362_pattern(string bic, bool valid) => Assert.Equal(valid, Bic.IsValid(bic));
}
