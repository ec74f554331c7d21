namespace CnsExchange.Domain.Common;

/// <summary>
/// IBAN check (ISO 13616): the country's length from the SWIFT IBAN Registry, then ISO 7064 mod-97-10.
/// Lengths: SWIFT IBAN Registry, Release 100 (https://www.swift.com/standards/data-standards/iban, field "IBAN length"
/// of each of its 89 country codes); the territories the registry lists under a country (AX, GF, IM, JE, …) use that
/// country's prefix. IbanNet, which keeps this table up to date, is not served by our package feed.
/// </summary>
public static class Iban
{
    /// <summary>IBAN length by ISO 3166 country prefix (SWIFT IBAN Registry, Release 100).</summary>
    public static readonly IReadOnlyDictionary<string, int> Lengths = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BI"] = 27, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24,
        ["DE"] = 22, ["DJ"] = 27, ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18,
        ["FK"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27,
        ["GT"] = 28, ["HN"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26,
        ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20,
        ["LU"] = 20, ["LV"] = 21, ["LY"] = 25, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MN"] = 20,
        ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NI"] = 28, ["NL"] = 18, ["NO"] = 15, ["OM"] = 23, ["PK"] = 24,
        ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["RU"] = 33, ["SA"] = 24,
        ["SC"] = 31, ["SD"] = 18, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["SO"] = 23, ["ST"] = 25,
        ["SV"] = 28, ["TL"] = 23, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
        ["YE"] = 30,
    };

    /// <summary>The IBAN without spaces, in capitals (the electronic format).</summary>
    public static string Electronic(string iban) => iban.Replace(" ", "").ToUpperInvariant();

    public static bool IsValid(string? iban)
    {
        if (string.IsNullOrWhiteSpace(iban)) return false;
        var s = Electronic(iban);
        if (s.Length < 4 || !Lengths.TryGetValue(s[..2], out var length) || s.Length != length) return false;
        if (!char.IsAsciiDigit(s[2]) || !char.IsAsciiDigit(s[3]) || !s.All(char.IsAsciiLetterOrDigit)) return false;
        return Mod97(s[4..] + s[..4]) == 1;
    }

    /// <summary>ISO 7064 mod-97-10 of an IBAN rearranged (BBAN + country + check digits), letters as 10…35.</summary>
    public static int Mod97(string rearranged)
    {
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }
        return remainder;
    }
}
