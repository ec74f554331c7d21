using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>
/// Keeps every log line the API writes (message and exception), so tests can look for personal data; and, apart, the
/// trace id each line was written under (from the logging scopes, as the console formatter reads it).
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider? _scopes;

    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Lines written inside a span: (trace id, line).</summary>
    public ConcurrentQueue<(string TraceId, string Line)> Traced { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    private string? TraceId()
    {
        string? traceId = null;
        _scopes?.ForEachScope((scope, _) =>
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (key, value) in values)
                    if (key == "TraceId") traceId = value?.ToString();
        }, (object?)null);
        return traceId;
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)} {exception}";
            owner.Lines.Enqueue(line);
            if (owner.Lines.Count > 200_000) owner.Lines.TryDequeue(out _);
            if (owner.TraceId() is { } traceId)
            {
                owner.Traced.Enqueue((traceId, line));
                if (owner.Traced.Count > 20_000) owner.Traced.TryDequeue(out _);
            }
        }
    }
}
