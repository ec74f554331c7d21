#pragma warning disable CS0618 // OpenAPI 3.0.4 output: "example" is the field generators and Swagger UI read.
using System.Text.Json.Nodes;
using CnsExchange.Domain.Lifecycle;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// Examples that work as is for the eligibility question and its audit log (a sandbox identity), and the typed parts of
/// an attachment upload: the `file` (required, binary) and `purpose` (enum).
/// </summary>
public sealed class LifecycleOpenApiFilter : IOperationFilter
{
    private const string ExampleMatricule = "1983081246785";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId is "getEligibility" or "listEligibilityChecks")
        {
            foreach (var parameter in operation.Parameters ?? [])
                if (parameter is OpenApiParameter { Name: "matricule" } p)
                {
                    p.Required = true;
                    p.Example = JsonValue.Create(ExampleMatricule);
                }
            return;
        }
        if (operation.OperationId is not { } id || !id.StartsWith("create", StringComparison.Ordinal) || !id.EndsWith("Attachment", StringComparison.Ordinal)) return;
        if (operation.RequestBody?.Content is null || !operation.RequestBody.Content.TryGetValue("multipart/form-data", out var found) || found is not OpenApiMediaType media) return;
        media.Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "file" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["file"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String, Format = "binary",
                    Description = "The document: PDF, JPEG, PNG or TIFF (checked by its content), at most 10 MiB.",
                },
                ["purpose"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = EnumValues.Of<DocumentPurpose>().Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
                    Description = "What the document is; without it, the document the request waits for (DOCUMENT_MISSING), else other.",
                },
            },
        };
        media.Encoding = new Dictionary<string, OpenApiEncoding>
        {
            ["file"] = new() { ContentType = "application/pdf, image/jpeg, image/png, image/tiff" },
        };
    }
}
