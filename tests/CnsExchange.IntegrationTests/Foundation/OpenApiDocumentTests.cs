using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>openapi/cnsexchange.json must be what the code generates.</summary>
public sealed class OpenApiDocumentTests(ApiFactory api) : ApiTest(api)
{
    public const string RefreshCommand = "UPDATE_OPENAPI=1 scripts/test.sh --filter FullyQualifiedName~OpenApiDocumentTests";

    public static string RepositoryFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CnsExchange.sln"))) dir = dir.Parent;
        return Path.Combine([dir?.FullName ?? throw new InvalidOperationException("Repository root not found"), .. parts]);
    }

    [Fact]
    public async Task Checked_in_document_matches_the_generated_one()
    {
        var body = await (await Client(null).GetAsync("/swagger/v1/swagger.json")).ExpectAsync(HttpStatusCode.OK);
        var generated = body.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var path = RepositoryFile("openapi", "cnsexchange.json");

        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, generated);
            return;
        }

        Assert.True(File.Exists(path), $"openapi/cnsexchange.json is missing. Create it with: {RefreshCommand}");
        var stored = await File.ReadAllTextAsync(path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored), JsonNode.Parse(generated)),
            $"openapi/cnsexchange.json differs from what the code generates. Refresh it with: {RefreshCommand}");
    }

    [Fact]
    public async Task Swagger_ui_loads()
    {
        var response = await Client(null).GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync());
    }
}
