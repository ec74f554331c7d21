using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CnsExchange.Application.Common;

/// <summary>Marks a free-text property that may span lines: tab, CR and LF are allowed in it (other C0 controls never).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class MultiLineTextAttribute : Attribute;

/// <summary>
/// The one rule for text coming in (issue 15): no NUL nor other C0 control character (U+0000–U+001F, U+007F), except
/// tab, CR and LF in multi-line text. PostgreSQL refuses NUL in text (SQLSTATE 22021) and the others have no business in
/// names, codes or notes. Every channel applies it: JSON bodies (<see cref="JsonDefaults"/>, the multipart
/// <c>request</c> part included), multipart file names, query values stored as text, and billing file contents.
/// </summary>
public static class TextInput
{
    public const string Code = "control_character";

    /// <summary>Index of the first character the rule refuses, or -1.</summary>
    public static int FirstForbidden(ReadOnlySpan<char> text, bool multiLine = false)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= ' ' && c != '\u007f') continue;
            if (multiLine && c is '\t' or '\r' or '\n') continue;
            return i;
        }
        return -1;
    }

    public static string Message(string field, char c, int index, bool multiLine) =>
        string.Create(CultureInfo.InvariantCulture,
            $"'{field}' contains the control character U+{(int)c:X4} at position {index + 1}; {(multiLine ? "only tab, CR and LF are allowed in this text" : "no control character is allowed in this field")}.");

    /// <summary>Refuses <paramref name="value"/> as a 400 naming <paramref name="field"/> when it breaks the rule.</summary>
    public static void Check(string field, string? value, bool multiLine = false)
    {
        if (value is null) return;
        var i = FirstForbidden(value, multiLine);
        if (i >= 0) throw new BadInputException(field, Message(field, value[i], i, multiLine), Code);
    }

    /// <summary>The text with every refused character shown as U+FFFD: for echoing input back in an error message.</summary>
    public static string Printable(string text)
    {
        if (FirstForbidden(text) < 0) return text;
        return string.Create(text.Length, text, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++) span[i] = s[i] < ' ' || s[i] == '\u007f' ? '\uFFFD' : s[i];
        });
    }
}

/// <summary>A JSON string refused by <see cref="TextInput"/>; System.Text.Json sets its <see cref="JsonException.Path"/>.</summary>
public sealed class ControlCharacterException(char character, int index, bool multiLine)
    : JsonException(TextInput.Message("value", character, index, multiLine))
{
    public string MessageFor(string field) => TextInput.Message(field, character, index, multiLine);
}

/// <summary>Reads JSON strings under <see cref="TextInput"/>'s rule; writes them as usual.</summary>
public sealed class CheckedStringConverter(bool multiLine) : JsonConverter<string>
{
    public static readonly CheckedStringConverter SingleLine = new(false);
    public static readonly CheckedStringConverter MultiLine = new(true);

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException();
        var value = reader.GetString()!;
        var i = TextInput.FirstForbidden(value, multiLine);
        if (i >= 0) throw new ControlCharacterException(value[i], i, multiLine);
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    /// <summary>Puts <see cref="MultiLine"/> on the string properties marked <see cref="MultiLineTextAttribute"/>.</summary>
    public static void MarkMultiLine(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in type.Properties)
        {
            if (property.PropertyType == typeof(string) && property.AttributeProvider is { } attributes
                && (attributes.IsDefined(typeof(MultiLineTextAttribute), true) || IsMultiLineParameter(type.Type, property.Name)))
                property.CustomConverter = MultiLine;
        }
    }

    /// <summary>A positional record's attribute sits on its constructor parameter unless written [property: …].</summary>
    private static bool IsMultiLineParameter(Type type, string jsonName) =>
        type.GetConstructors().SelectMany(c => c.GetParameters())
            .Any(p => string.Equals(p.Name, jsonName, StringComparison.OrdinalIgnoreCase) && p.IsDefined(typeof(MultiLineTextAttribute), true));
}
