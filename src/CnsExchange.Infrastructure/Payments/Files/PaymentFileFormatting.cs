using System.Globalization;
using System.Text;
using System.Xml;
using CnsExchange.Domain.Calendar;

namespace CnsExchange.Infrastructure.Payments.Files;

/// <summary>How every payment file writes amounts, dates and instants, so that the same model gives the same bytes.</summary>
internal static class PaymentFileFormatting
{
    public static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>EUR amount with exactly two decimals, invariant culture ("1234.50").</summary>
    public static string Amount(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The same value with scale 2 (36.8 → 36.80), so every serializer writes two decimals.</summary>
    public static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero) + 0.00m;

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// An instant as Luxembourg local time with its offset, to the second ("2026-11-23T09:00:00+01:00"): the
    /// database keeps microseconds only, so writing ticks would change the bytes of a file rebuilt from it.
    /// </summary>
    public static string Instant(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        var seconds = new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var local = TimeZoneInfo.ConvertTime(seconds, LuxembourgCalendar.TimeZone);
        return local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    /// <summary>A run number or provider code as part of a file name: letters, digits, '.', '-' and '_' only.</summary>
    public static string FileNamePart(string value) =>
        string.Concat(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-'));

    public static XmlWriterSettings XmlSettings() => new()
    {
        Encoding = Utf8NoBom,
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        NewLineHandling = NewLineHandling.Replace,
        OmitXmlDeclaration = false,
        CloseOutput = false,
    };
}
