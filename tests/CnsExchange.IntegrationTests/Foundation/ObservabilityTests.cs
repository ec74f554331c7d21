using CnsExchange.Domain.Requests;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace CnsExchange.IntegrationTests.Foundation;

/// <summary>Issue 23 item 3: metrics at /metrics, the W3C trace id in problems and log lines, timestamped console logs.</summary>
public sealed class ObservabilityTests(ApiFactory api) : ApiTest(api)
{
    private static (string TraceParent, string TraceId) NewTraceParent()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        return ($"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01", traceId);
    }

    [Fact]
    public async Task Metrics_endpoint_lists_decisions_lines_and_request_durations_after_a_validation()
    {
        var decision = await Client(Physio1).DecideAsync(ValidationTestSupport.Rx(), ValidationTestSupport.Pdf());
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        var voucher = decision.Voucher!.Number;
        await Billing.BillingApi.SubmitAsync(Client(Physio1), Billing.BillingApi.Memoir("OBS-1", Billing.BillingApi.Line(voucher, "2026-11-20")));

        var response = await Client(Operator).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Matches(new Regex("""cnsexchange_decisions_total\{[^}]*kind="physio_validation"[^}]*outcome="agreed"[^}]*\} [1-9]"""), text);
        Assert.Matches(new Regex("""cnsexchange_lines_adjudicated_total\{[^}]*outcome="[a-z]+"[^}]*\} [1-9]"""), text);
        Assert.Contains("http_server_request_duration_seconds_bucket", text);
    }

    [Fact]
    public async Task Metrics_endpoint_is_for_operators_only()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(null).GetAsync("/metrics")).StatusCode);
        var problem = await (await Client(Physio1).GetAsync("/metrics")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("for the operator role", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Problem_trace_id_is_the_W3C_trace_id_of_the_traceparent_sent_in()
    {
        var (traceParent, traceId) = NewTraceParent();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nothing-here");
        request.Headers.Add("traceparent", traceParent);
        var problem = await (await Client(Admin).SendAsync(request)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(traceId, problem["traceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_traceparent_the_problem_still_carries_a_W3C_trace_id()
    {
        var problem = await (await Client(Admin).GetAsync("/api/v1/nothing-here")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Matches("^[0-9a-f]{32}$", problem["traceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Log_lines_of_a_request_carry_its_trace_id()
    {
        var (traceParent, traceId) = NewTraceParent();
        var request = new HttpRequestMessage(HttpMethod.Post, ValidationTestSupport.Url)
        {
            Content = ValidationTestSupport.Form(ValidationTestSupport.Json(ValidationTestSupport.Rx()), ValidationTestSupport.Pdf()),
        };
        request.Headers.Add("traceparent", traceParent);
        Assert.Equal(HttpStatusCode.Created, (await Client(Physio1).SendAsync(request)).StatusCode);

        var lines = Api.Logs.Traced.Where(l => l.TraceId == traceId).Select(l => l.Line).ToList();
        Assert.Contains(lines, l => l.Contains("SubmitValidationRequest handled in", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Console_lines_have_a_utc_timestamp_and_the_trace_id_but_no_other_scope(bool json)
    {
        var name = json ? "cns-json" : "cns";
        var formatter = Api.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == name);
        var scopes = new LoggerExternalScopeProvider();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        // The framework's request scope holds the path, which may hold a matricule: never written.
        using var request = scopes.Push(new Dictionary<string, object?> { ["RequestPath"] = "/api/v1/admin/insured/1983081246785" });
        using var span = scopes.Push(new Dictionary<string, object?> { ["TraceId"] = traceId, ["SpanId"] = "00f067aa0ba902b7" });
        var writer = new StringWriter();
        formatter.Write(new LogEntry<string>(LogLevel.Information, "Cat", new EventId(7), "hello", null, (s, _) => s), scopes, writer);
        var line = writer.ToString().TrimEnd();

        Assert.DoesNotContain("1983081246785", line);
        if (json)
        {
            var doc = JsonDocument.Parse(line).RootElement;
            Assert.Equal(traceId, doc.GetProperty("traceId").GetString());
            Assert.Equal("hello", doc.GetProperty("message").GetString());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", doc.GetProperty("timestamp").GetString());
        }
        else Assert.Matches($@"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z info Cat\[7\] trace_id={traceId} span_id=00f067aa0ba902b7: hello$", line);
    }

    [Fact]
    public async Task A_payment_run_started_by_hand_traces_its_job_and_each_step_and_times_the_steps()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == CnsExchange.Application.Common.Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var accepted = await (await Client(Admin).PostAsync("/api/v1/admin/payment-runs", null)).ExpectAsync<PaymentRunDto>(HttpStatusCode.Accepted);
        var runId = accepted.Id.ToString();
        await PaymentRuns.PaymentRunApi.WaitForClosedAsync(Client(Admin), runId);

        var mine = spans.Where(a => (string?)a.GetTagItem("cnsexchange.payment_run.id") == runId).ToList();
        Assert.Equal(["payment_run.claim_lines", "payment_run.build_orders", "payment_run.write_files", "payment_run.mark_paid"],
            mine.OrderBy(a => a.StartTimeUtc).Select(a => a.OperationName));
        // The steps ran inside the Hangfire job's span.
        var job = Assert.Single(spans, a => a.SpanId == mine[0].ParentSpanId);
        Assert.StartsWith("job ", job.OperationName);

        var text = await (await Client(Operator).GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Matches(new Regex("""cnsexchange_payment_run_step_duration_seconds_count\{[^}]*step="mark_paid"[^}]*\} [1-9]"""), text);
    }
}
