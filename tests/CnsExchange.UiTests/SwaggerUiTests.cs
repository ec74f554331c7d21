using CnsExchange.IntegrationTests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CnsExchange.UiTests;

/// <summary>The API on Kestrel (a browser needs a socket), against real PostgreSQL, with the suite's fake clock.</summary>
public sealed class KestrelApiFactory : ApiFactory
{
    public KestrelApiFactory() => UseKestrel(0);

    public string Address =>
        Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "localhost");
}

[CollectionDefinition(ApiCollection.Name)]
public sealed class UiApiCollection : ICollectionFixture<KestrelApiFactory>;

/// <summary>
/// Issue 23 item 5: an integrator opens Swagger UI, sees the operations first (the reason codes collapsed), authorises
/// with a sandbox key, runs the validation example with "Try it out" and gets `agreed`.
/// </summary>
public sealed class SwaggerUiTests(KestrelApiFactory api) : ApiTest(api)
{
    /// <summary>Set by scripts/test.sh (the Debian package); the Debian path otherwise.</summary>
    private static string Chromium => Environment.GetEnvironmentVariable("CNSEXCHANGE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    [Fact]
    public async Task An_integrator_authorises_and_runs_the_validation_example_from_swagger_ui()
    {
        Assert.True(File.Exists(Chromium), $"Chromium not found at {Chromium}: scripts/test.sh installs the Debian package 'chromium'.");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000); // a loaded CI machine: the answer may take seconds
        await page.GotoAsync(((KestrelApiFactory)Api).Address + "/swagger/index.html");

        // Operations first: the reason-code table is a collapsed section, not a page of text above them.
        var validation = page.Locator(".opblock-post", new PageLocatorOptions { Has = page.Locator("[data-path='/api/v1/validation-requests']") });
        await Assertions.Expect(validation).ToBeVisibleAsync();
        var reasonCodes = page.Locator(".info details");
        await Assertions.Expect(reasonCodes.Locator("summary")).ToContainTextAsync("Reason codes");
        await Assertions.Expect(reasonCodes.Locator("table")).ToBeHiddenAsync();

        // Authorise with a sandbox key.
        await page.Locator(".auth-wrapper .authorize").ClickAsync();
        await page.Locator(".modal-ux input[type=text]").FillAsync(ApiTest.Physio1);
        await page.Locator(".modal-ux .auth-btn-wrapper .authorize").ClickAsync();
        await page.Locator(".modal-ux .auth-btn-wrapper .btn-done").ClickAsync();

        // The validation operation with its example request (today's dates) and a scan.
        await validation.Locator(".opblock-summary").First.ClickAsync();
        // "Try it out" is on by default (EnableTryItOutByDefault); pressed when a later Swagger UI shows it.
        var tryItOut = validation.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Try it out" });
        if (await tryItOut.CountAsync() > 0) await tryItOut.ClickAsync();
        await validation.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "rx.pdf",
            MimeType = "application/pdf",
            Buffer = "%PDF-1.4\n% swagger ui scan\n%%EOF\n"u8.ToArray(),
        });
        await validation.Locator(".execute").ClickAsync();

        // The server's answer (not the documented responses below it): 201 with the decision.
        var answer = validation.Locator(".live-responses-table tr.response");
        try
        {
            await Assertions.Expect(answer.Locator(".response-col_status")).ToHaveTextAsync("201");
            await Assertions.Expect(answer.Locator(".response-col_description pre").First).ToContainTextAsync("\"status\": \"agreed\"");
        }
        catch (PlaywrightException e)
        {
            throw new PlaywrightException(e.Message + "\nThe operation as shown:\n" + await validation.InnerTextAsync());
        }
    }
}
