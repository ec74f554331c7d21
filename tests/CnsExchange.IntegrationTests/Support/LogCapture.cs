using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>Keeps every log line the API writes (message and exception), so tests can look for personal data.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            if (owner.Lines.Count > 200_000) owner.Lines.TryDequeue(out _);
        }
    }
}
