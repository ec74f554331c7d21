#pragma warning disable CS0618 // OpenAPI 3.0.4 output: "example" is the field generators and Swagger UI read.
using System.Globalization;
using System.Text.Json.Nodes;
using CnsExchange.Domain.Calendar;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// The fee note's <c>sessions</c> (required): today's date of the sandbox, a session a fresh voucher may invoice as is; and
/// its printable page (text/html) beside the JSON answer.
/// </summary>
public sealed class InsuredRouteOpenApiFilter(TimeProvider clock) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId != "getFeeNote") return;
        foreach (var parameter in operation.Parameters ?? [])
            if (parameter is OpenApiParameter { Name: "sessions" } p)
            {
                p.Required = true;
                p.Description = "Sessions done, comma-separated: YYYY-MM-DD, or YYYY-MM-DD:ACT when the voucher has several services.";
                p.Example = JsonValue.Create(LuxembourgCalendar.LocalDate(clock.GetUtcNow()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
        {
            response.Content ??= new Dictionary<string, IOpenApiMediaType>();
            response.Content["text/html"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        }
    }
}
