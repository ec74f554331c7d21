using System.Text;
using CnsExchange.Infrastructure.Reference;
using Microsoft.OpenApi;

namespace CnsExchange.Api.Infrastructure;

public static class SwaggerSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddCnsSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "CnsExchange — CNS electronic data exchange simulator",
                Version = "v1",
                Description = Description(),
            });
            o.AddSecurityDefinition("ApiKey", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "Sandbox keys: sandbox-physio-1, sandbox-physio-2, sandbox-hospital-1, sandbox-doctor-1, sandbox-thermal-1, sandbox-rehab-1, sandbox-cnrfr, "
                              + "sandbox-insured-app, sandbox-reviewer, sandbox-admin (sandbox-operator: the sandboxes themselves).",
            });
            o.AddSecurityRequirement(doc => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", doc)] = [] });
            o.CustomSchemaIds(t => SchemaId(t));
            o.SupportNonNullableReferenceTypes();
            o.SchemaFilter<ExampleSchemaFilter>();
            o.OperationFilter<ExampleOperationFilter>();
            o.OperationFilter<InsuredRouteOpenApiFilter>();
            o.AddServer(new OpenApiServer { Url = "/", Description = "The API that serves this document (scripts/run.sh: http://localhost:8080)" });
            o.AddGeneratorSupport();
            o.DocumentFilter<WebhooksDocumentFilter>();
        });
        return services;
    }

    public static WebApplication UseCnsSwagger(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint($"/swagger/{DocumentName}/swagger.json", "CnsExchange v1");
            o.DocumentTitle = "CnsExchange API";
            o.EnablePersistAuthorization();
            o.EnableTryItOutByDefault();
        });
        return app;
    }

    private static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);

    private static string SchemaId(Type type)
    {
        if (!type.IsGenericType) return type.Name;
        var name = type.Name[..type.Name.IndexOf('`')];
        return name + "Of" + string.Concat(type.GetGenericArguments().Select(SchemaId));
    }

    private static string Description()
    {
        var catalog = new ReferenceDataLoader().Catalog;
        var sb = new StringBuilder();
        sb.AppendLine("Simulates the exchange between healthcare providers and the CNS (Caisse nationale de santé, Luxembourg): ");
        sb.AppendLine("prescription validation, fee memoirs under third-party payment, payment runs and return files.");
        sb.AppendLine();
        sb.AppendLine("Authenticate with **X-Api-Key** (button *Authorize*). Errors are RFC 9457 problem details with a stable `code`; ");
        sb.AppendLine("a refusal is not an error but a decision with `reasons`. Messages follow `Accept-Language` (fr, de, en).");
        sb.AppendLine();
        // Collapsed, so that the operations come first; the same table as JSON: GET /api/v1/reference/reason-codes.
        sb.AppendLine($"<details><summary>Reason codes ({catalog.ReasonCodes.Count}): every code a decision or a line can carry</summary>");
        sb.AppendLine("<table><thead><tr><th>code</th><th>severity</th><th>rule</th><th>text (en)</th></tr></thead><tbody>");
        foreach (var r in catalog.ReasonCodes)
            sb.AppendLine($"<tr><td><code>{Html(r.Code)}</code></td><td>{Html(r.Severity.ToString())}</td><td>{Html(r.Rule)}</td><td>{Html(r.Text.En)}</td></tr>");
        sb.AppendLine("</tbody></table></details>");
        return sb.ToString();
    }
}
