#pragma warning disable CS0618 // OpenAPI 3.0.4 output: "example" is the field Swagger UI reads.
using System.Text.Json;
using System.Text.Json.Nodes;
using CnsExchange.Application.Common;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CnsExchange.Api.Infrastructure;

/// <summary>Puts the example of a request or response type on its schema.</summary>
public sealed class ExampleSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete) return;
        var example = Examples.For(context.Type);
        if (example is not null) concrete.Example = example;
    }
}

/// <summary>Multipart and text bodies have no schema type to hang an example on; this puts the example on the operation.</summary>
public sealed class ExampleOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var attr in context.MethodInfo.GetCustomAttributes(typeof(OpenApiFormExampleAttribute), false).Cast<OpenApiFormExampleAttribute>())
        {
            if (operation.RequestBody?.Content is null || !operation.RequestBody.Content.TryGetValue(attr.ContentType, out var media)) continue;
            if (media.Schema is OpenApiSchema schema && schema.Properties is not null && schema.Properties.TryGetValue(attr.Property, out var prop) && prop is OpenApiSchema p)
                p.Example = JsonValue.Create(attr.Value);
        }
    }
}

[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class OpenApiFormExampleAttribute(string contentType, string property, string value) : Attribute
{
    public string ContentType { get; } = contentType;
    public string Property { get; } = property;
    public string Value { get; } = value;
}

public static class Examples
{
    public static JsonNode? For(Type type)
    {
        var prop = type.GetInterfaces().Contains(typeof(IHasOpenApiExample))
            ? type.GetProperty(nameof(IHasOpenApiExample.Example), System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            : null;
        var value = prop?.GetValue(null);
        return value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), JsonDefaults.Options);
    }
}
