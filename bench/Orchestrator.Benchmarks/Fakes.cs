using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Search;
using Orchestrator.Nicepay;
using Orchestrator.Storage.Search;

namespace Orchestrator.Benchmarks;

/// <summary>
/// NICEPAY made free: every registration is issued at once, every inquiry says paid for the amount asked. No I/O, no
/// lock, so the benchmark measures Orchestrator and PostgreSQL, not a gateway.
/// </summary>
internal sealed class InstantNicepay(TimeProvider timeProvider) : INicepayClient
{
    private long _sequence;

    public Task<NicepayResult<CvsRegistration>> RegisterAsync(
        NicepayCredentials credentials, CvsRegistrationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sequence = Interlocked.Increment(ref _sequence);
        return Task.FromResult(NicepayResult<CvsRegistration>.Success(new CvsRegistration
        {
            TransactionId = string.Create(CultureInfo.InvariantCulture, $"BENCH{sequence:D15}"),
            ReferenceNo = request.ReferenceNo,
            Amount = request.Amount,
            Partner = request.Partner,
            PaymentCode = string.Create(CultureInfo.InvariantCulture, $"{sequence % 10_000_000_000_000_000:D16}"),
            ValidUntil = request.ValidUntil,
            Currency = "IDR",
        }));
    }

    public Task<NicepayResult<CvsStatus>> InquireAsync(
        NicepayCredentials credentials, CvsInquiryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = timeProvider.GetUtcNow();
        return Task.FromResult(NicepayResult<CvsStatus>.Success(new CvsStatus
        {
            TransactionId = request.TransactionId ?? "",
            ReferenceNo = request.ReferenceNo,
            Amount = request.Amount,
            Status = CvsTransactionStatus.Paid,
            RawStatus = "0",
            TransactionTime = now,
            DepositedAt = now,
            ReceiptCode = "RCPT" + request.ReferenceNo,
        }));
    }

    public Task<NicepayResult<CvsCancellation>> CancelAsync(
        NicepayCredentials credentials, CvsCancelRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The benchmark lifecycle never cancels.");
}

/// <summary>The merchant's webhook endpoint, answering 200 at once; the real dispatcher, signer and HttpClient run.</summary>
internal sealed class InstantMerchantEndpoint : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
}

/// <summary>
/// The production read model (<see cref="PostgresCheckoutIndex"/>) with a tap: every row still goes to it, and a caller
/// waiting for a checkout to be fulfilled hears of it the moment the grain publishes — right after the Fulfilled state
/// is durable (the grain publishes only after a successful write).
/// </summary>
internal sealed class LifecycleTracker(PostgresCheckoutIndex index) : ICheckoutIndex
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CheckoutIndexEntry>> _waiting = new(StringComparer.Ordinal);

    /// <summary>A task that completes when the checkout publishes its Fulfilled row.</summary>
    public Task<CheckoutIndexEntry> FulfilledAsync(string checkoutKey)
    {
        // Continuations must not run on the grain's scheduler, inside its turn.
        var waiter = new TaskCompletionSource<CheckoutIndexEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[checkoutKey] = waiter;
        return waiter.Task;
    }

    public ValueTask PublishAsync(CheckoutIndexEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Status == CheckoutStatus.Fulfilled
            && _waiting.TryRemove(CheckoutKey.Format(entry.MerchantId, entry.ReferenceNo), out var waiter))
        {
            waiter.TrySetResult(entry);
        }

        return index.PublishAsync(entry);
    }
}
