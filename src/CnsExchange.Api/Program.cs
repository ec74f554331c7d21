using System.Reflection;
using CnsExchange.Api.Endpoints;
using CnsExchange.Application;
using CnsExchange.Application.Behaviors;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Infrastructure;
using CnsExchange.Infrastructure.Persistence;
using FluentValidation;
using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

if (args.Contains("--healthcheck")) Environment.Exit(await HealthProbe.RunAsync());

// --migrate: the start-up work only (migrations, application role, operator key, default sandbox), then exit. The launchers
// run it before the API, so that the API process itself finds nothing to migrate: applying the migrations of a fresh
// database builds every migration's target model, and the code and heap that takes stay in the process that did it
// (idle RSS 262 MB after migrating a fresh database against 220 MB when started on a migrated one; issue 24, P4).
// The API still does the same work at start when it is run alone (tests, `dotnet CnsExchange.Api.dll`): nothing pending, it is quick.
var migrateOnly = args.Contains("--migrate");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--migrate").ToArray());

// OpenAPI generators and EF tooling run Program.cs past Build(): they get the model, not the start-up work.
var entry = Assembly.GetEntryAssembly()?.GetName().Name;
var isTooling = entry is "dotnet-swagger" or "GetDocument.Insider" or "ef" || Microsoft.EntityFrameworkCore.EF.IsDesignTime;
var runBackgroundJobs = !isTooling && builder.Configuration.GetValue("CnsExchange:RunBackgroundJobs", true);

builder.Services.Configure<KestrelServerOptions>(o =>
{
    // The outer bound; each operation sets its own (RequestBodyLimits), billing files theirs (billing.file.max_bytes).
    o.Limits.MaxRequestBodySize = 200L * 1024 * 1024;
    o.AddServerHeader = false;
});
builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = 200L * 1024 * 1024);
builder.Services.ConfigureHttpJsonOptions(o => JsonDefaults.ConfigureInput(o.SerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddHttpContextAccessor();
builder.Services.AddMemoryCache();

builder.Services.AddInfrastructure(builder.Configuration, runBackgroundJobs);
builder.Services.AddScoped<ICurrentCaller, HttpCurrentCaller>();
builder.Services.AddScoped<IdempotencyContext>();
builder.Services.AddRequestPipeline();
// Validators hold no state and depend on singletons only (reference data, clock): built once, not per request.
builder.Services.AddValidatorsFromAssemblyContaining<SubmitFeeMemoir>(ServiceLifetime.Singleton, includeInternalTypes: true);
builder.Services.AddMediator(options =>
{
    options.ServiceLifetime = ServiceLifetime.Scoped;
    options.Assemblies = [typeof(SubmitFeeMemoir)];
    options.PipelineBehaviors = [typeof(DeadlockRetryBehavior<,>), typeof(LoggingBehavior<,>), typeof(ValidationBehavior<,>), typeof(ReadRetryBehavior<,>), typeof(IdempotencyBehavior<,>)];
});

builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorizationBuilder().AddCnsPolicies();

builder.AddCnsObservability();
builder.Services.AddCnsSwagger();
builder.Services.AddCnsRateLimiting(builder.Configuration);
builder.Services.AddSingleton(builder.Configuration.GetSection("CnsExchange:BillingFiles").Get<BillingEndpoints.UploadOptions>() ?? new BillingEndpoints.UploadOptions());

var app = builder.Build();

// The garbage collector's settings as the runtime took them (CnsExchange.Api.csproj's runtimeconfig.json, then the DOTNET_*
// variables of the launchers): the API's memory (bench P4) depends on them, and a launcher that lost one shows here.
var gc = GC.GetConfigurationVariables();
app.Logger.LogInformation("Garbage collector: server {Server}, concurrent {Concurrent}, gen0 budget {Gen0Budget} bytes, conserve memory {ConserveMemory}",
    gc.GetValueOrDefault("ServerGC"), gc.GetValueOrDefault("ConcurrentGC"), gc.GetValueOrDefault("GCGen0MaxBudget"), gc.GetValueOrDefault("GCConserveMem"));

if (!isTooling)
{
    await using var scope = app.Services.CreateAsyncScope();
    await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
}
if (migrateOnly)
{
    await app.DisposeAsync(); // the console logger writes what it queued
    return;
}

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages(async ctx =>
{
    var status = ctx.HttpContext.Response.StatusCode;
    var (code, title) = status switch
    {
        404 => ("not_found", "Not found"),
        405 => ("method_not_allowed", "Method not allowed"),
        415 => ("unsupported_media_type", "Unsupported media type"),
        413 => ("payload_too_large", "Payload too large"), // one code for every 413, whoever answered it
        _ => ("http_" + status, "HTTP " + status),
    };
    var detail = status == 415 ? ProblemExceptionHandler.UnsupportedMediaType(ctx.HttpContext) : $"The request failed with status {status}.";
    await Problems.WriteAsync(ctx.HttpContext, status, code, title, detail);
});
app.UseCnsRateLimiting();
app.UseRequestBodyLimits();
app.UseRequestCharset();
app.UseAuthentication();
app.UseMiddleware<SandboxMiddleware>();
app.UseAuthorization();

app.UseCnsSwagger();
if (!isTooling)
{
    app.MapDashboardLogin();
    app.UseHangfireDashboard("/hangfire", new DashboardOptions
    {
        AsyncAuthorization = [new OperatorDashboardAuthorization()],
        AppPath = "/swagger",
        DashboardTitle = "CnsExchange jobs",
    });
}

app.MapCnsMetrics();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).ExcludeFromDescription();
app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();

var api = app.MapGroup("/api/v1").WithIdempotentReplayHeader().WithBodyProblems();
api.MapReferenceEndpoints();
api.MapAdminEndpoints();
EndpointRegistry.MapFeatureEndpoints(api);

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
