using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>
/// Writes every log line of one host to one file, one line per entry: UTC time, level, category, event id, message,
/// scopes (<c>=&gt; …</c>) and the exception, if any, on the lines after. Lines are queued and written by one
/// background task, so a storm of logging costs the host a string and an enqueue, not a disk write. The secrets scan
/// reads these files; <see cref="FlushAllAsync"/> makes sure everything queued so far is on disk.
/// </summary>
public sealed class FileLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private static readonly ConcurrentDictionary<FileLoggerProvider, byte> Open = new();

    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly Lock _flushGate = new();
    private TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IExternalScopeProvider? _scopes;
    private long _written;
    private long _queued;

    public FileLoggerProvider(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _writer = Task.Run(WriteAsync);
        Open[this] = 0;
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <summary>Lines written so far.</summary>
    public long LinesWritten => Interlocked.Read(ref _written);

    /// <summary>
    /// The logging set-up every host of this assembly uses: no other provider (nothing to the console), this file,
    /// and every category at Information except <c>Orchestrator.*</c> at Debug, whatever the host's appsettings say.
    /// </summary>
    public static void Configure(ILoggingBuilder logging, FileLoggerProvider provider)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddProvider(provider);

        // PostConfigure runs after the rules bound from "Logging:LogLevel", so appsettings cannot quieten a category.
        logging.Services.PostConfigure<LoggerFilterOptions>(options =>
        {
            options.Rules.Clear();
            options.MinLevel = LogLevel.Information;
            options.Rules.Add(new LoggerFilterRule(providerName: null, categoryName: null, LogLevel.Information, filter: null));
            options.Rules.Add(new LoggerFilterRule(providerName: null, categoryName: "Orchestrator", LogLevel.Debug, filter: null));
        });
    }

    /// <summary>Waits until every line queued so far, in every open provider, is written and flushed.</summary>
    public static async Task FlushAllAsync(TimeSpan timeout)
    {
        await Task.WhenAll(Open.Keys.Select(provider => provider.FlushAsync(timeout)));
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        Open.TryRemove(this, out _);
        _lines.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
    }

    /// <summary>Waits until the lines queued before the call are on disk (or the writer has stopped).</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var target = Interlocked.Read(ref _queued);
        var deadline = DateTime.UtcNow + timeout;
        while (Interlocked.Read(ref _written) < target && !_writer.IsCompleted && DateTime.UtcNow < deadline)
        {
            Task next;
            lock (_flushGate)
            {
                next = _flushed.Task;
            }

            await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(100)));
        }
    }

    private void Enqueue(string line)
    {
        Interlocked.Increment(ref _queued);
        if (!_lines.Writer.TryWrite(line))
        {
            // Written after the host was disposed (a late background task): not lost silently, but not worth a crash.
            Interlocked.Increment(ref _written);
        }
    }

    private async Task WriteAsync()
    {
        await using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        var reader = _lines.Reader;
        while (await reader.WaitToReadAsync())
        {
            var count = 0;
            while (reader.TryRead(out var line))
            {
                await writer.WriteAsync(line);
                count++;
            }

            await writer.FlushAsync();
            Interlocked.Add(ref _written, count);
            TaskCompletionSource flushed;
            lock (_flushGate)
            {
                flushed = _flushed;
                _flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            flushed.TrySetResult();
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes?.Push(state);

        // The logger factory applies the filter rules; whatever reaches this logger is wanted.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = new StringBuilder(256)
                .Append(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
                .Append(' ').Append(Level(logLevel))
                .Append(' ').Append(category)
                .Append('[').Append(eventId.Id.ToString(CultureInfo.InvariantCulture)).Append("] ")
                .Append(formatter(state, exception));
            provider._scopes?.ForEachScope(static (scope, builder) => builder.Append(" => ").Append(scope), line);
            if (exception is not null)
            {
                line.Append('\n').Append(exception);
            }

            provider.Enqueue(line.Append('\n').ToString());
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
    }
}
