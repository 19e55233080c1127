using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Search;
using Orchestrator.Grains.Search;
using Orchestrator.Storage.Hosting;

namespace Orchestrator.Storage.Search;

/// <summary>What a <see cref="PostgresCheckoutIndex"/> has done since it started.</summary>
/// <param name="Published">Rows published by grains.</param>
/// <param name="Coalesced">Rows that met a waiting row of the same checkout (the higher version stayed).</param>
/// <param name="Dropped">Rows dropped because the buffer was full.</param>
/// <param name="Pending">Checkouts waiting to be written now (including a batch being written).</param>
/// <param name="Batches">Batches written (one statement each).</param>
/// <param name="RowsWritten">Rows in the batches written (a row at a version the table already had changes nothing).</param>
/// <param name="FailedAttempts">Batches that failed and were put back to retry.</param>
public sealed record CheckoutIndexWriterStatistics(
    long Published, long Coalesced, long Dropped, int Pending, long Batches, long RowsWritten, long FailedAttempts);

/// <summary>
/// The operator read model in PostgreSQL (<c>checkout_index</c>). Grains publish without ever waiting on the database:
/// <see cref="PublishAsync"/> only puts the row in a bounded in-memory buffer that keeps one row per checkout (the
/// highest version), and a background writer writes the buffer in batches, one multi-row version-guarded upsert per
/// batch, retrying with back-off while PostgreSQL is unreachable. Operators query the table directly.
/// </summary>
/// <remarks>
/// <para>What can be lost: the buffer, if the process dies (and whatever did not fit while PostgreSQL was down for
/// long). A checkout republishes its row when its grain activates, which repairs it; the <c>reindex</c> command
/// rebuilds the whole table from grain state.</para>
/// <para>Lag: a row is written within <see cref="PostgresCheckoutIndexOptions.FlushInterval"/> of its publication
/// under light load, at once when a full batch waits.</para>
/// <para>Connections: its own small Npgsql pool (<c>Application Name=orchestrator-index</c>), separate from grain
/// state's, so searches and batches never hold up a grain's state write.</para>
/// <para>A hosted service: start it before the silo and stop it after (register it first), so that rows grains publish
/// while deactivating are still written.</para>
/// </remarks>
public sealed partial class PostgresCheckoutIndex : ICheckoutIndex, ICheckoutSearch, IHostedService, IAsyncDisposable
{
    /// <summary>The Application Name of the index's connections.</summary>
    public const string ApplicationName = "orchestrator-index";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresCheckoutIndexOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresCheckoutIndex> _logger;
    private readonly CheckoutIndexBuffer _buffer;

    // At most one wake-up pending: released (under _gate) only when its count is 0.
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abandon = new();
    private TaskCompletionSource _cycleDone = NewCycle();
    private Task? _writer;
    private int _inFlight;
    private int _disposed;
    private bool _flushNow;
    private bool _warnedFull;
    private long _batches;
    private long _rowsWritten;
    private long _failedAttempts;

    /// <summary>Creates the index; nothing connects until the first write or query.</summary>
    /// <param name="connectionString">The database; pool size, application name and command timeout are set from <paramref name="options"/>.</param>
    /// <param name="options">Service id, batching, pool.</param>
    /// <param name="time">The clock for the batching window and back-off.</param>
    /// <param name="logger">Where outages and recoveries are reported.</param>
    public PostgresCheckoutIndex(
        string connectionString, PostgresCheckoutIndexOptions options, TimeProvider time, ILogger<PostgresCheckoutIndex> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _options = options;
        _time = time;
        _logger = logger;
        _buffer = new CheckoutIndexBuffer(options.Capacity, options.BatchSize);
        var builder = new NpgsqlConnectionStringBuilder(
            PostgresSiloBuilderExtensions.CreateConnectionString(connectionString, ApplicationName, options.MaxPoolSize, maxAutoPrepare: 8))
        {
            CommandTimeout = options.CommandTimeoutSeconds,
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Counters since start, for logs, tests and diagnostics.</summary>
    public CheckoutIndexWriterStatistics Statistics
    {
        get
        {
            var (published, coalesced, dropped) = _buffer.Counters;
            return new CheckoutIndexWriterStatistics(
                published, coalesced, dropped, _buffer.Count + Volatile.Read(ref _inFlight),
                Interlocked.Read(ref _batches), Interlocked.Read(ref _rowsWritten), Interlocked.Read(ref _failedAttempts));
        }
    }

    /// <summary>Buffers the row and returns at once; never waits on PostgreSQL.</summary>
    public ValueTask PublishAsync(CheckoutIndexEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        switch (_buffer.Add(entry))
        {
            case CheckoutIndexBuffer.AddResult.First:
            case CheckoutIndexBuffer.AddResult.BatchFull:
                Wake();
                break;
            case CheckoutIndexBuffer.AddResult.Dropped:
                WarnBufferFull();
                break;
            default:
                break;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<CheckoutSearchPage> SearchAsync(CheckoutSearchQuery query, CancellationToken cancellationToken)
    {
        var after = CheckoutSearchRules.Validate(query);
        await using var command = CheckoutIndexSql.Search(_dataSource, _options.ServiceId, query, after);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<CheckoutIndexEntry>(Math.Min(query.Limit + 1, 64));
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(CheckoutIndexSql.Read(reader));
        }

        return CheckoutSearchRules.Page(query, rows);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<CheckoutStatus, long>> CountByStatusAsync(string? merchantId, CancellationToken cancellationToken)
    {
        await using var command = CheckoutIndexSql.CountByStatus(_dataSource, _options.ServiceId, merchantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<CheckoutStatus, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[CheckoutIndexNames.ParseStatus(reader.GetString(0))] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>
    /// Waits until every row published before the call has been written (or superseded), for tests and orderly
    /// hand-overs. While PostgreSQL is down this waits for it, until <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task cycle;
            lock (_gate)
            {
                if (_buffer.Count == 0 && _inFlight == 0)
                {
                    return;
                }

                cycle = _cycleDone.Task;
                _flushNow = true;
                ReleaseWake();
            }

            await cycle.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Starts the background writer.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer ??= Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the writer after writing what is buffered, for at most
    /// <see cref="PostgresCheckoutIndexOptions.ShutdownFlushTimeout"/> (or until the host gives up).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host may stop twice at once (its own shutdown and a test host's) and dispose in between: both are fine.
        if (_writer is null || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        _abandon.CancelAfter(_options.ShutdownFlushTimeout);
        await using var registration = cancellationToken.Register(_abandon.Cancel);
        await _stopping.CancelAsync();
        await _writer;
        var left = _buffer.Count;
        if (left > 0)
        {
            LogRowsLeftAtShutdown(left);
        }
    }

    /// <summary>
    /// Stops the writer (without a final flush: <see cref="StopAsync"/> does that) and closes the pool. Idempotent: the
    /// container disposes it once per interface it is registered under.
    /// </summary>
    /// <remarks>
    /// The cancellation sources and the semaphore are left to the garbage collector: a concurrent
    /// <see cref="StopAsync"/> may still touch them, and they hold no unmanaged resources once their timers are cancelled.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _abandon.CancelAsync();
        if (_writer is not null)
        {
            await _writer;
        }

        await _dataSource.DisposeAsync();
    }

    private static TaskCompletionSource NewCycle() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task WriteLoopAsync()
    {
        var failures = 0;
        while (!_abandon.IsCancellationRequested)
        {
            var stopping = _stopping.IsCancellationRequested;
            if (_buffer.Count == 0)
            {
                CompleteCycle();
                if (stopping)
                {
                    return;
                }

                await WaitForWakeAsync(Timeout.InfiniteTimeSpan);
                continue;
            }

            // Let a batch gather for the flush interval, unless one is full already, a flush was asked for, or the
            // last attempt failed (the back-off has waited already).
            if (!stopping && failures == 0 && _buffer.Count < _options.BatchSize && !TakeFlushRequest())
            {
                await WaitForWakeAsync(_options.FlushInterval);
            }

            var failure = await WriteOneBatchAsync();
            if (failure is null)
            {
                if (failures > 0)
                {
                    LogRecovered(failures, _buffer.Count);
                }

                failures = 0;
                continue;
            }

            if (_abandon.IsCancellationRequested)
            {
                break;
            }

            failures++;
            if (failures == 1)
            {
                LogWriteFailed(failure, _buffer.Count);
            }
            else
            {
                LogWriteStillFailing(failures, _buffer.Count, failure.Message);
            }

            try
            {
                // While running, stopping cuts the back-off short; while stopping, only the deadline does.
                await Task.Delay(RetryDelay(failures), _time, stopping ? _abandon.Token : _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping (final attempts follow) or out of time (the loop ends).
            }
        }

        CompleteCycle();
    }

    /// <summary>Writes one batch; returns null, or the failure after putting the batch back.</summary>
    private async Task<Exception?> WriteOneBatchAsync()
    {
        List<CheckoutIndexEntry> batch;
        lock (_gate)
        {
            batch = _buffer.Take();
            _inFlight = batch.Count;
        }

        try
        {
            if (batch.Count > 0)
            {
                // The same lock order in every batch and every silo: two batches touching the same checkouts cannot deadlock.
                batch.Sort(static (x, y) =>
                {
                    var byMerchant = string.CompareOrdinal(x.MerchantId, y.MerchantId);
                    return byMerchant != 0 ? byMerchant : string.CompareOrdinal(x.ReferenceNo, y.ReferenceNo);
                });
                await WriteAsync(batch);
            }

            lock (_gate)
            {
                _inFlight = 0;
                _warnedFull = false;
            }

            return null;
        }
        catch (PostgresException exception) when (IsBadData(exception))
        {
            // A row PostgreSQL will never accept (a constraint, a NUL in a text) must not block everything behind it:
            // write the batch row by row and drop only what is refused.
            await WriteRowByRowAsync(batch);
            lock (_gate)
            {
                _inFlight = 0;
            }

            return null;
        }
        catch (Exception exception)
        {
            // PostgreSQL down or restarting, a deadlock, a timeout, shutdown — or a bug: keep the rows and retry with
            // back-off (the first failure of an outage is logged with its exception).
            Interlocked.Increment(ref _failedAttempts);
            lock (_gate)
            {
                _buffer.Return(batch);
                _inFlight = 0;
            }

            return exception;
        }
        finally
        {
            CompleteCycle();
        }
    }

    private async Task WriteAsync(List<CheckoutIndexEntry> batch)
    {
        await using var command = CheckoutIndexSql.Upsert(_dataSource, _options.ServiceId, batch);
        await command.ExecuteNonQueryAsync(_abandon.Token);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _rowsWritten, batch.Count);
    }

    private async Task WriteRowByRowAsync(List<CheckoutIndexEntry> batch)
    {
        var unwritten = new List<CheckoutIndexEntry>();
        foreach (var entry in batch)
        {
            try
            {
                await WriteAsync([entry]);
            }
            catch (PostgresException exception) when (IsBadData(exception))
            {
                LogRowRefused(exception, entry.MerchantId, entry.ReferenceNo, entry.Version);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _failedAttempts);
                unwritten.Add(entry);
            }
        }

        lock (_gate)
        {
            _buffer.Return(unwritten);
        }
    }

    // Class 22 (data exception) and 23 (integrity constraint violation): retrying the same row cannot help.
    private static bool IsBadData(PostgresException exception) =>
        exception.SqlState.StartsWith("22", StringComparison.Ordinal) || exception.SqlState.StartsWith("23", StringComparison.Ordinal);

    private TimeSpan RetryDelay(int failures)
    {
        var exponent = Math.Min(failures - 1, 20);
        var delay = Math.Min(_options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, exponent), _options.MaxRetryDelay.TotalMilliseconds);

        // ±20 % so that silos which lost the same database do not retry in lockstep.
#pragma warning disable CA5394 // Jitter, not security.
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(delay * jitter);
    }

    private async Task WaitForWakeAsync(TimeSpan timeout)
    {
        try
        {
            await _wake.WaitAsync(timeout, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop drains what is left.
        }
    }

    private void Wake()
    {
        lock (_gate)
        {
            ReleaseWake();
        }
    }

    // Under _gate: publishers serialize here, so the count never exceeds 1.
    private void ReleaseWake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    private bool TakeFlushRequest()
    {
        lock (_gate)
        {
            var requested = _flushNow;
            _flushNow = false;
            return requested;
        }
    }

    private void CompleteCycle()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            done = _cycleDone;
            _cycleDone = NewCycle();
        }

        done.TrySetResult();
    }

    private void WarnBufferFull()
    {
        lock (_gate)
        {
            if (_warnedFull)
            {
                return;
            }

            _warnedFull = true;
        }

        LogBufferFull(_options.Capacity);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Checkout index: cannot write to PostgreSQL; {Pending} checkouts wait in memory and the writer retries with back-off. "
        + "Grains are not affected; operator search shows older data until it recovers.")]
    private partial void LogWriteFailed(Exception exception, int pending);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Checkout index: attempt {Failures} failed too ({Pending} checkouts waiting): {Error}")]
    private partial void LogWriteStillFailing(int failures, int pending, string error);

    [LoggerMessage(Level = LogLevel.Error, Message =
        "Checkout index: PostgreSQL refused the row of {MerchantId}/{ReferenceNo} at version {Version}; it is dropped (a bug in what the grain published).")]
    private partial void LogRowRefused(Exception exception, string merchantId, string referenceNo, int version);

    [LoggerMessage(Level = LogLevel.Information, Message =
        "Checkout index: PostgreSQL accepts writes again after {Failures} failed attempts; {Pending} checkouts still waiting.")]
    private partial void LogRecovered(int failures, int pending);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Checkout index: {Capacity} checkouts already wait to be written; rows of further checkouts are DROPPED until PostgreSQL "
        + "catches up. They are repaired when each checkout's grain next activates, or all at once by the silo's reindex command.")]
    private partial void LogBufferFull(int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Checkout index: stopped with {Left} checkouts not written. They are repaired when each checkout's grain next activates, "
        + "or all at once by the silo's reindex command.")]
    private partial void LogRowsLeftAtShutdown(int left);
}
