using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// Console log lines with a UTC timestamp and the W3C trace and span ids of the span they were written in, as text
/// (<see cref="TextName"/>) or one JSON object a line (<see cref="JsonName"/>, <c>CnsExchange:Logging:Format=json</c>).
/// Of the logging scopes only the trace and span ids are written: the framework's request scope carries the request
/// path, which can hold a matricule.
/// </summary>
public abstract class CnsConsoleFormatter(string name, bool json) : ConsoleFormatter(name)
{
    public const string TextName = "cns";
    public const string JsonName = "cns-json";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null) return;
        var (traceId, spanId) = TraceIds(scopeProvider);
        // The machine's time, not the sandbox clock: log lines are read beside other systems' logs.
        var timestamp = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        if (json) WriteJson(logEntry, message, timestamp, traceId, spanId, textWriter);
        else
        {
            textWriter.Write($"{timestamp} {Level(logEntry.LogLevel)} {logEntry.Category}[{logEntry.EventId.Id}]");
            if (traceId is not null) textWriter.Write($" trace_id={traceId} span_id={spanId}");
            textWriter.Write(": ");
            textWriter.Write(message.ReplaceLineEndings(" "));
            if (logEntry.Exception is { } e) textWriter.Write(" " + e.ToString().ReplaceLineEndings(" | "));
            textWriter.WriteLine();
        }
    }

    private static void WriteJson<TState>(in LogEntry<TState> entry, string message, string timestamp, string? traceId, string? spanId, TextWriter textWriter)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", timestamp);
            writer.WriteString("level", entry.LogLevel.ToString());
            writer.WriteString("category", entry.Category);
            writer.WriteNumber("eventId", entry.EventId.Id);
            writer.WriteString("message", message);
            if (entry.Exception is { } e) writer.WriteString("exception", e.ToString());
            if (traceId is not null)
            {
                writer.WriteString("traceId", traceId);
                writer.WriteString("spanId", spanId);
            }
            writer.WriteEndObject();
        }
        textWriter.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>The ids that <see cref="ActivityTrackingOptions"/> put in a scope (the innermost span's win).</summary>
    private static (string? TraceId, string? SpanId) TraceIds(IExternalScopeProvider? scopeProvider)
    {
        (string? TraceId, string? SpanId) ids = (null, null);
        scopeProvider?.ForEachScope((scope, _) =>
        {
            if (scope is not IEnumerable<KeyValuePair<string, object?>> values) return;
            foreach (var (key, value) in values)
            {
                if (key == "TraceId") ids.TraceId = value?.ToString();
                else if (key == "SpanId") ids.SpanId = value?.ToString();
            }
        }, (object?)null);
        return ids;
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    public static void AddTo(ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.AddConsoleFormatter<CnsTextConsoleFormatter, ConsoleFormatterOptions>();
        logging.AddConsoleFormatter<CnsJsonConsoleFormatter, ConsoleFormatterOptions>();
        var asJson = string.Equals(configuration["CnsExchange:Logging:Format"], "json", StringComparison.OrdinalIgnoreCase);
        logging.AddConsole(o => o.FormatterName = asJson ? JsonName : TextName);
    }
}

public sealed class CnsTextConsoleFormatter() : CnsConsoleFormatter(TextName, json: false);

public sealed class CnsJsonConsoleFormatter() : CnsConsoleFormatter(JsonName, json: true);
