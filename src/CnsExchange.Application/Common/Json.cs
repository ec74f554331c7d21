using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CnsExchange.Application.Common;

/// <summary>The JSON conventions of the API: camelCase names, snake_case enum values, ISO dates.</summary>
public static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return options;
    }

    /// <summary>
    /// The conventions plus what request bodies must also meet (issue 15): numbers as JSON numbers only, every string
    /// under <see cref="TextInput"/>'s rule, and no field the body's type does not have. Not for reading back what the API stored itself (its notes may span lines).
    /// </summary>
    public static JsonSerializerOptions ConfigureInput(JsonSerializerOptions options)
    {
        Configure(options);
        options.NumberHandling = JsonNumberHandling.Strict;
        // Every request schema says additionalProperties: false (BIL-14: unknown fields are bad input, 400).
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        if (!options.Converters.OfType<CheckedStringConverter>().Any()) options.Converters.Add(CheckedStringConverter.SingleLine);
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(CheckedStringConverter.MarkMultiLine);
        return options;
    }

    /// <summary>Options for reading request bodies outside minimal-API binding (the multipart JSON part).</summary>
    public static readonly JsonSerializerOptions Input = ConfigureInput(new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
