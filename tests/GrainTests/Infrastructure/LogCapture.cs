using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orchestrator.GrainTests.Infrastructure;

/// <summary>
/// Keeps the orchestrator's own log lines (transitions, anomalies, webhook attempts) and Orleans errors in memory, so
/// a failing test can show what the grain did. Silent otherwise: nothing goes to the console or to files.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private const int Capacity = 20_000;
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>The captured lines that mention <paramref name="text"/>, oldest first (at most <paramref name="max"/>).</summary>
    public IReadOnlyList<string> Mentioning(string text, int max = 40) =>
        [.. _lines.Where(line => line.Contains(text, StringComparison.Ordinal)).TakeLast(max)];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class CapturingLogger(LogCapture capture, string category) : ILogger
    {
        private readonly bool _ours = category.StartsWith("Orchestrator", StringComparison.Ordinal);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => _ours ? logLevel >= LogLevel.Information : logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var error = exception is null ? "" : $" [{exception.GetType().Name}: {exception.Message}]";
            capture.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{error}");
        }
    }
}
