using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// Traces and metrics through OpenTelemetry: exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (every other
/// OTEL_* variable applies), and scraped by Prometheus at /metrics (operators only). Logs carry the W3C trace id.
/// Spans are recorded only when an exporter is configured: otherwise the sampler drops them, and each request still has
/// its activity's trace and span ids (propagated from a traceparent), for the logs and problems, without recording its
/// tags and events (about 7 % of a validation's CPU, issue 24).
/// </summary>
public static class Observability
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddCnsObservability(this WebApplicationBuilder builder)
    {
        // Every log line written inside a span carries its ids (a scope: printed by the simple and JSON console formatters).
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        CnsConsoleFormatter.AddTo(builder.Logging, builder.Configuration);

        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r =>
            {
                if (string.IsNullOrEmpty(builder.Configuration["OTEL_SERVICE_NAME"])) r.AddService("cnsexchange");
            })
            .WithTracing(t =>
            {
                t.SetSampler(exporting ? new ParentBasedSampler(new AlwaysOnSampler()) : new AlwaysOffSampler())
                    .AddSource(Telemetry.Name)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsScrapeOrProbe(http.Request.Path));
                // Without an exporter nobody reads a database command's or an outgoing call's span, but a listened-to
                // source still creates an Activity for each (the sampler only stops their recording): 2–3 per validation.
                if (exporting) t.AddHttpClientInstrumentation().AddNpgsql();
            })
            .WithMetrics(m => m
                .AddMeter(Telemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter());
        if (exporting) otel.UseOtlpExporter();
        return builder;
    }

    /// <summary>The Prometheus scrape endpoint, for the operator role only (<see cref="Policies.Operator"/>).</summary>
    public static void MapCnsMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Policies.Operator).ExcludeFromDescription();

    private static bool IsScrapeOrProbe(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");
}
