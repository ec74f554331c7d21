using System.Diagnostics.CodeAnalysis;

namespace CnsExchange.Domain.Common;

/// <summary>
/// Luxembourg national identification number: YYYYMMDD + 3-digit sequence + Luhn digit over the
/// first 11 digits + Verhoeff digit over the first 11 digits (RULES.md §1).
/// </summary>
public readonly record struct Matricule
{
    public string Value { get; }

    private Matricule(string value) => Value = value;

    public DateOnly BirthDate => new(int.Parse(Value[..4]), int.Parse(Value[4..6]), int.Parse(Value[6..8]));

    public override string ToString() => Value;

    public static bool TryParse(string? text, [NotNullWhen(true)] out Matricule? matricule)
    {
        matricule = null;
        if (!IsDigitsFromABirthDate(text)) return false;
        var body = text.AsSpan(0, 11);
        if (LuhnDigit(body) != text[11] - '0') return false;
        if (VerhoeffDigit(body) != text[12] - '0') return false;
        matricule = new Matricule(text);
        return true;
    }

    public static bool IsValid(string? text) => TryParse(text, out _);

    /// <summary>13 digits, the first 8 a valid date (yyyyMMdd); in place, not through substrings: billing checks the matricule of every line of a file.</summary>
    private static bool IsDigitsFromABirthDate([NotNullWhen(true)] string? text) =>
        text is not null && text.Length == 13 && !text.AsSpan().ContainsAnyExceptInRange('0', '9')
        && DateOnly.TryParseExact(text.AsSpan(0, 8), "yyyyMMdd", out _);

    /// <summary>The 11 digits of birth date and sequence, followed by their Luhn and Verhoeff check digits.</summary>
    private static Matricule WithCheckDigits(string body) => new(body + LuhnDigit(body) + VerhoeffDigit(body));

    /// <summary>Builds a valid matricule from birth date and sequence (used for sandbox identities).</summary>
    public static Matricule Create(DateOnly birthDate, int sequence)
    {
        return WithCheckDigits(birthDate.ToString("yyyyMMdd") + sequence.ToString("000"));
    }

    public static int LuhnDigit(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return (10 - sum % 10) % 10;
    }

    // Verhoeff's published tables (Verhoeff 1969; the same in every reference implementation): the multiplication
    // table of the dihedral group D5, the permutation p(i) = p1 applied i times, and the inverse in D5.
    private static readonly int[,] VerhoeffD =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 }, { 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 },
        { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 }, { 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 }, { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
        { 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 }, { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 }, { 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 },
        { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
    };

    private static readonly int[,] VerhoeffP =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 }, { 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 },
        { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 }, { 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 }, { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
        { 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 }, { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
    };

    private static readonly int[] VerhoeffInv = { 0, 4, 3, 2, 1, 5, 6, 7, 8, 9 };

    /// <summary>Verhoeff's D5 multiplication table, read by the tests that check it against the group itself.</summary>
    public static int VerhoeffMultiply(int j, int k) => VerhoeffD[j, k];

    /// <summary>Verhoeff's permutation table (rows 0…7), read by the tests that derive it from its first row.</summary>
    public static int VerhoeffPermute(int row, int digit) => VerhoeffP[row, digit];

    /// <summary>The inverse of a digit in D5.</summary>
    public static int VerhoeffInverse(int digit) => VerhoeffInv[digit];

    public static int VerhoeffDigit(ReadOnlySpan<char> digits)
    {
        var c = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            c = VerhoeffD[c, VerhoeffP[(i + 1) % 8, d]];
        }
        return VerhoeffInv[c];
    }

    /// <summary>
    /// The matricule with the right check digits for its first 11 digits: how an identity stored under a wrong Verhoeff
    /// digit is repaired. Null when the text is not 13 digits with a valid birth date.
    /// </summary>
    public static Matricule? WithCorrectCheckDigits(string text)
    {
        return IsDigitsFromABirthDate(text) ? WithCheckDigits(text[..11]) : null;
    }

    /// <summary>Age in whole years on a date.</summary>
    public int AgeOn(DateOnly date)
    {
        var birth = BirthDate;
        var age = date.Year - birth.Year;
        if (date < birth.AddYears(age)) age--;
        return age;
    }
}
