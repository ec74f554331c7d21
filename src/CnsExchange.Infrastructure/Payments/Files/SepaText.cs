using System.Globalization;
using System.Text;
using CnsExchange.Application.Features.PaymentRuns.Files;

namespace CnsExchange.Infrastructure.Payments.Files;

/// <summary>
/// Free text of a SEPA credit transfer (names, remittance information) in the SEPA Latin character set
/// (a-z A-Z 0-9 / - ? : ( ) . , ' + space), which every bank of the scheme must carry: accents are
/// dropped (é→e), German umlauts and ligatures spelled out (ü→ue, ß→ss, æ→ae), a few signs mapped
/// (&amp;→+, _→-, quotes→'), anything else becomes a space; spaces are collapsed and the text is cut
/// to the field's length.
/// </summary>
public static class SepaText
{
    /// <summary>EPC usage rule: names are limited to 70 characters (ISO allows 140).</summary>
    public const int NameLength = 70;

    /// <summary>Unstructured remittance information: Max140Text.</summary>
    public const int RemittanceLength = 140;

    private static readonly Dictionary<char, string> Spelled = new()
    {
        ['ä'] = "ae", ['ö'] = "oe", ['ü'] = "ue", ['Ä'] = "Ae", ['Ö'] = "Oe", ['Ü'] = "Ue",
        ['ß'] = "ss", ['ẞ'] = "SS", ['æ'] = "ae", ['Æ'] = "AE", ['œ'] = "oe", ['Œ'] = "OE",
        ['ø'] = "o", ['Ø'] = "O", ['ł'] = "l", ['Ł'] = "L", ['đ'] = "d", ['Đ'] = "D",
        ['ð'] = "d", ['Ð'] = "D", ['þ'] = "th", ['Þ'] = "Th", ['ı'] = "i",
        ['&'] = "+", ['_'] = "-", ['"'] = "'", ['‘'] = "'", ['’'] = "'", ['‚'] = "'",
        ['“'] = "'", ['”'] = "'", ['„'] = "'", ['«'] = "'", ['»'] = "'", ['`'] = "'", ['´'] = "'",
        ['–'] = "-", ['—'] = "-", ['‐'] = "-", ['‑'] = "-", ['…'] = "...",
    };

    /// <summary>The text in the SEPA character set, at most <paramref name="maxLength"/> characters.</summary>
    /// <exception cref="ArgumentException">Nothing is left of the text.</exception>
    public static string Clean(string text, int maxLength)
    {
        var clean = Transliterate(text, maxLength);
        if (clean.Length == 0)
            throw new ArgumentException($"'{text}' has no character that a SEPA transfer can carry.", nameof(text));
        return clean;
    }

    /// <summary>
    /// <see cref="Clean"/>, or <paramref name="fallback"/> cleaned when nothing of <paramref name="text"/> is left (a name
    /// written only in Greek or Cyrillic, or only in symbols): one party's name must not stop a whole payment file.
    /// </summary>
    public static string CleanOr(string text, int maxLength, string fallback) =>
        Transliterate(text, maxLength) is { Length: > 0 } clean ? clean : Clean(fallback, maxLength);

    /// <summary>The text in the SEPA character set, at most <paramref name="maxLength"/> characters; empty when nothing is left.</summary>
    private static string Transliterate(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);

        var spelled = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (Spelled.TryGetValue(c, out var replacement)) spelled.Append(replacement);
            else spelled.Append(c);
        }

        var result = new StringBuilder(spelled.Length);
        var pendingSpace = false;
        foreach (var c in spelled.ToString().Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
                continue;
            if (c == ' ' || !SepaIdentifier.Characters.Contains(c))
            {
                pendingSpace = result.Length > 0;
                continue;
            }
            if (pendingSpace) result.Append(' ');
            pendingSpace = false;
            result.Append(c);
        }

        return result.Length > maxLength ? result.ToString(0, maxLength).TrimEnd() : result.ToString();
    }

    public static bool IsClean(string text) => text.Length > 0 && text.All(c => SepaIdentifier.Characters.Contains(c)) && text.Trim() == text;
}
