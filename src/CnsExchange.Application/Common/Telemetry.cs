using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CnsExchange.Application.Common;

/// <summary>
/// The application's own spans and metrics (OpenTelemetry picks them up by <see cref="Name"/>). Metric names follow the
/// OpenTelemetry conventions; the Prometheus exporter turns dots into underscores and adds unit suffixes.
/// </summary>
public static class Telemetry
{
    public const string Name = "CnsExchange";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Decisions = Meter.CreateCounter<long>(
        "cnsexchange.decisions", "{decision}", "Decisions on receipt of a request, by kind and outcome.");

    private static readonly Counter<long> DecisionReasons = Meter.CreateCounter<long>(
        "cnsexchange.decision.reasons", "{reason}", "Reason codes given with decisions, by kind, outcome and reason code.");

    private static readonly Counter<long> LinesAdjudicated = Meter.CreateCounter<long>(
        "cnsexchange.lines.adjudicated", "{line}", "Fee memoir lines adjudicated, by outcome.");

    private static readonly Histogram<double> PaymentRunStepDuration = Meter.CreateHistogram<double>(
        "cnsexchange.payment_run.step.duration", "s", "Duration of a payment-run step, by step and result.");

    public static void RecordDecision(string kind, string outcome, IEnumerable<Reason> reasons)
    {
        var kindTag = new KeyValuePair<string, object?>("kind", kind);
        var outcomeTag = new KeyValuePair<string, object?>("outcome", outcome);
        Decisions.Add(1, kindTag, outcomeTag);
        foreach (var code in reasons.Select(r => r.Code).Distinct())
            DecisionReasons.Add(1, kindTag, outcomeTag, new KeyValuePair<string, object?>("reason_code", code));
    }

    public static void RecordLines(IEnumerable<FeeMemoir> memoirs)
    {
        foreach (var group in memoirs.SelectMany(m => m.Lines).GroupBy(l => l.Outcome))
            LinesAdjudicated.Add(group.Count(), new KeyValuePair<string, object?>("outcome", Snake(group.Key)));
    }

    /// <summary>Runs one payment-run step as a span and records its duration (also when it fails).</summary>
    public static async Task StepAsync(string step, Guid runId, Func<Task> body)
    {
        using var activity = Source.StartActivity("payment_run." + step);
        activity?.SetTag("cnsexchange.payment_run.id", runId.ToString());
        var started = Stopwatch.GetTimestamp();
        var result = "ok";
        try
        {
            await body();
        }
        catch (Exception e)
        {
            result = "error";
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            PaymentRunStepDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("step", step), new KeyValuePair<string, object?>("result", result));
        }
    }

    /// <summary>An enum value as the API writes it (<c>NotRequired</c> → <c>not_required</c>).</summary>
    public static string Snake<TEnum>(TEnum value) where TEnum : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
