#pragma warning disable CS0618 // OpenAPI 3.0.4 output: "example" is the field Swagger UI reads.
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using CnsExchange.Domain.Calendar;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CnsExchange.Api.Infrastructure;

/// <summary>Puts the example of a request or response type on its schema (dated examples use the sandbox date).</summary>
public sealed class ExampleSchemaFilter(TimeProvider clock) : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete) return;
        var example = Examples.For(context.Type, LuxembourgCalendar.LocalDate(clock.GetUtcNow()));
        if (example is not null) concrete.Example = example;
    }
}

/// <summary>Multipart bodies have no schema type to hang an example on; this puts it on the media type, by part.</summary>
public sealed class ExampleOperationFilter(TimeProvider clock) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var today = LuxembourgCalendar.LocalDate(clock.GetUtcNow());
        var attributes = context.MethodInfo.GetCustomAttributes<OpenApiFormExampleAttribute>()
            .Concat(context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<OpenApiFormExampleAttribute>());
        foreach (var attr in attributes)
        {
            if (operation.RequestBody?.Content is null || !operation.RequestBody.Content.TryGetValue(attr.ContentType, out var found) || found is not OpenApiMediaType media) continue;
            if (Examples.Named(attr.ExampleType, today) is { } named)
            {
                // One example per variant of the body (e.g. per kind of claim): "examples", which Swagger UI offers in a list.
                media.Examples = named.ToDictionary(kv => kv.Key,
                    kv => (IOpenApiExample)new OpenApiExample { Summary = kv.Key, Value = new JsonObject { [attr.Property] = kv.Value } });
                continue;
            }
            var node = Examples.For(attr.ExampleType, today);
            if (node is not null) media.Example = new JsonObject { [attr.Property] = node };
        }
    }
}

/// <summary>Example for a multipart form field that carries JSON (e.g. the <c>request</c> part of a validation request).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenApiFormExampleAttribute(string contentType, string property, Type exampleType) : Attribute
{
    public string ContentType { get; } = contentType;
    public string Property { get; } = property;
    public Type ExampleType { get; } = exampleType;
}

public static class Examples
{
    /// <summary>The named examples of a type that has several (<see cref="IHasNamedOpenApiExamples"/>), serialized; null otherwise.</summary>
    public static IReadOnlyDictionary<string, JsonNode?>? Named(Type type, DateOnly today)
    {
        if (!type.GetInterfaces().Contains(typeof(IHasNamedOpenApiExamples))) return null;
        var values = (IReadOnlyDictionary<string, object>)type.GetMethod(nameof(IHasNamedOpenApiExamples.ExamplesOn), BindingFlags.Public | BindingFlags.Static)!
            .Invoke(null, [today])!;
        return values.ToDictionary(kv => kv.Key, kv => JsonSerializer.SerializeToNode(kv.Value, kv.Value.GetType(), WithoutNulls));
    }

    /// <summary>A variant leaves out the fields of the other variants (null), which the schema does not allow as null.</summary>
    private static readonly JsonSerializerOptions WithoutNulls = new(JsonDefaults.Options)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static JsonNode? For(Type type, DateOnly today)
    {
        object? value = null;
        var interfaces = type.GetInterfaces();
        if (interfaces.Contains(typeof(IHasDatedOpenApiExample)))
            value = type.GetMethod(nameof(IHasDatedOpenApiExample.ExampleOn), BindingFlags.Public | BindingFlags.Static)?.Invoke(null, [today]);
        else if (interfaces.Contains(typeof(IHasOpenApiExample)))
            value = type.GetProperty(nameof(IHasOpenApiExample.Example), BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        return value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), JsonDefaults.Options);
    }
}
