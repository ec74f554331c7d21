using System.Diagnostics;
using System.Text.RegularExpressions;
using CnsExchange.IntegrationTests.Foundation;

namespace CnsExchange.ClientTests;

/// <summary>openapi/cnsexchange.json passes Redocly's recommended rules (redocly.yaml) with no error and no warning.</summary>
public sealed partial class OpenApiLintTests
{
    /// <summary>Pinned. 1.34.20 runs on Debian 12's Node.js 18 (what scripts/test.sh installs); 2.x needs Node 20.19+.</summary>
    public const string RedoclyCli = "@redocly/cli@1.34.20";

    [Fact]
    public async Task Document_lints_clean_with_redocly()
    {
        var root = Path.GetDirectoryName(OpenApiDocumentTests.RepositoryFile("CnsExchange.sln"))!;
        var start = new ProcessStartInfo("npx", ["--yes", RedoclyCli, "lint", "openapi/cnsexchange.json", "--config", "redocly.yaml", "--format", "stylish"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("npx did not start (scripts/test.sh installs Node.js and npm)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, $"redocly lint failed ({process.ExitCode}):\n{output}");
        Assert.Contains("cnsexchange.json", output);
        Assert.DoesNotMatch(Problems(), output);
    }

    /// <summary>A problem line of the stylish format: "12:3  warning  rule-id  message".</summary>
    [GeneratedRegex(@"\d+:\d+\s+(error|warning)\s")]
    private static partial Regex Problems();
}
