namespace CnsExchange.Domain.Common;

/// <summary>IBAN check (ISO 13616 mod-97) for provider bank accounts used in payment orders.</summary>
public static class Iban
{
    public static bool IsValid(string? iban)
    {
        if (string.IsNullOrWhiteSpace(iban)) return false;
        var s = iban.Replace(" ", "").ToUpperInvariant();
        if (s.Length is < 15 or > 34 || !char.IsAsciiLetter(s[0]) || !char.IsAsciiLetter(s[1]) || !char.IsAsciiDigit(s[2]) || !char.IsAsciiDigit(s[3])) return false;
        if (!s.All(char.IsAsciiLetterOrDigit)) return false;
        var rearranged = s[4..] + s[..4];
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }
        return remainder == 1;
    }
}
