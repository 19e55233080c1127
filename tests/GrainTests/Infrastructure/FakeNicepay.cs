using System.Globalization;
using Orchestrator.Nicepay;

namespace Orchestrator.GrainTests.Infrastructure;

/// <summary>The NICEPAY operations the fake answers.</summary>
public enum NicepayOperation
{
    /// <summary>Registration (issue a payment code).</summary>
    Register,

    /// <summary>Status inquiry, by tXid or (empty tXid) by reference.</summary>
    Inquire,

    /// <summary>Cancel of an unpaid payment code.</summary>
    Cancel,
}

/// <summary>What a scripted call does instead of answering normally.</summary>
public enum NicepayFaultKind
{
    /// <summary>NICEPAY answers with an error result code (outcome Rejected).</summary>
    Rejected,

    /// <summary>The request never left (outcome NotSent).</summary>
    NotSent,

    /// <summary>No answer in time and NICEPAY did nothing (outcome Unknown).</summary>
    Timeout,

    /// <summary>Registration and cancel: NICEPAY does it, but the answer is lost (outcome Unknown).</summary>
    TimeoutAfterApplying,

    /// <summary>The call hangs until a task completes, then its connection is lost (outcome Unknown); nothing is done.</summary>
    Hold,

    /// <summary>The call waits until a task completes, then is answered normally (a slow NICEPAY).</summary>
    AnswerLater,
}

/// <summary>A scripted fault for one call.</summary>
/// <param name="Kind">What happens.</param>
/// <param name="ResultCode">For <see cref="NicepayFaultKind.Rejected"/>: the result code.</param>
/// <param name="Release">For <see cref="NicepayFaultKind.Hold"/>: the task that ends the hold.</param>
public sealed record NicepayFault(NicepayFaultKind Kind, string? ResultCode = null, Task? Release = null)
{
    /// <summary>NICEPAY refuses with <paramref name="resultCode"/>.</summary>
    public static NicepayFault Rejected(string resultCode) => new(NicepayFaultKind.Rejected, resultCode);

    /// <summary>The request provably never reached NICEPAY.</summary>
    public static readonly NicepayFault NotSent = new(NicepayFaultKind.NotSent);

    /// <summary>No answer; NICEPAY did nothing.</summary>
    public static readonly NicepayFault Timeout = new(NicepayFaultKind.Timeout);

    /// <summary>The registration (or cancel) is done at NICEPAY but its answer is lost.</summary>
    public static readonly NicepayFault TimeoutAfterApplying = new(NicepayFaultKind.TimeoutAfterApplying);

    /// <summary>Hangs until <paramref name="release"/> completes; then the connection is lost.</summary>
    public static NicepayFault HoldUntil(Task release) => new(NicepayFaultKind.Hold, Release: release);

    /// <summary>Answers normally, but only once <paramref name="release"/> completes.</summary>
    public static NicepayFault AnswerAfter(Task release) => new(NicepayFaultKind.AnswerLater, Release: release);
}

/// <summary>One call the fake received, with what it answered.</summary>
public sealed record NicepayCall(
    NicepayOperation Operation,
    string IMid,
    string ReferenceNo,
    string? TransactionId,
    long Amount,
    DateTimeOffset At,
    string Answer,
    Uri? NotificationUrl = null,
    DateTimeOffset? RequestedValidUntil = null);

/// <summary>A transaction as the fake NICEPAY holds it.</summary>
public sealed record FakeTransaction(
    string TransactionId,
    string IMid,
    string ReferenceNo,
    long Amount,
    CvsPartner Partner,
    string PaymentCode,
    DateTimeOffset ValidUntil,
    string GoodsName,
    string BillingName,
    CvsTransactionStatus Status,
    DateTimeOffset? DepositedAt = null,
    string? ReceiptCode = null,
    bool Cancelled = false);

/// <summary>
/// A thread-safe model of NICEPAY's V2 CVS API behind <see cref="INicepayClient"/>, shared by every silo of a cluster.
/// It records every call, holds transactions (one per iMid + reference: the duplicate-reference check is on, 9009),
/// answers inquiries by tXid or by reference, cancels unpaid codes, and lets a test pay, reverse or re-status a
/// transaction, or script faults per reference and operation (queued one-shot faults, or a standing outage).
/// </summary>
public sealed class FakeNicepay(TimeProvider timeProvider) : INicepayClient
{
    private readonly Lock _lock = new();
    private readonly List<NicepayCall> _calls = [];
    private readonly Dictionary<(string IMid, string ReferenceNo), FakeTransaction> _transactions = [];
    private readonly Dictionary<(NicepayOperation, string ReferenceNo), Queue<NicepayFault>> _scripts = [];
    private readonly Dictionary<(NicepayOperation, string ReferenceNo), NicepayFault> _outages = [];
    private readonly Dictionary<string, int> _held = new(StringComparer.Ordinal);
    private readonly List<FakeTransaction> _issued = [];
    private readonly HashSet<string> _withoutDuplicateCheck = new(StringComparer.Ordinal);
    private long _sequence;

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    /// <summary>
    /// Turns NICEPAY's duplicate-reference check (<c>ORD_NO_DUP_CHK_FLG</c>) off for an iMid: a registration under a
    /// reference it already holds then issues another payment code instead of answering 9009.
    /// </summary>
    public void DisableDuplicateReferenceCheck(string iMid)
    {
        lock (_lock)
        {
            _withoutDuplicateCheck.Add(iMid);
        }
    }

    /// <summary>Queues one-shot faults for the next calls of an operation for a reference (any merchant).</summary>
    public void Script(NicepayOperation operation, string referenceNo, params NicepayFault[] faults)
    {
        lock (_lock)
        {
            if (!_scripts.TryGetValue((operation, referenceNo), out var queue))
            {
                _scripts[(operation, referenceNo)] = queue = new Queue<NicepayFault>();
            }

            foreach (var fault in faults)
            {
                queue.Enqueue(fault);
            }
        }
    }

    /// <summary>Every call of an operation for a reference fails this way until the outage is ended (null).</summary>
    public void SetOutage(NicepayOperation operation, string referenceNo, NicepayFault? fault)
    {
        lock (_lock)
        {
            if (fault is null)
            {
                _outages.Remove((operation, referenceNo));
            }
            else
            {
                _outages[(operation, referenceNo)] = fault;
            }
        }
    }

    /// <summary>How many calls for a reference are waiting on a scripted release right now.</summary>
    public int HeldCallsFor(string referenceNo)
    {
        lock (_lock)
        {
            return _held.GetValueOrDefault(referenceNo);
        }
    }

    /// <summary>The calls made for a reference, oldest first (a held call is logged when it ends).</summary>
    public IReadOnlyList<NicepayCall> CallsFor(string referenceNo, NicepayOperation? operation = null)
    {
        lock (_lock)
        {
            return [.. _calls.Where(call => call.ReferenceNo == referenceNo && (operation is null || call.Operation == operation))];
        }
    }

    /// <summary>Every payment code NICEPAY issued under a reference (any merchant), oldest first.</summary>
    public IReadOnlyList<FakeTransaction> TransactionsFor(string referenceNo)
    {
        lock (_lock)
        {
            return [.. _issued.Where(t => t.ReferenceNo == referenceNo)];
        }
    }

    /// <summary>The transaction under a merchant's reference; throws when there is none.</summary>
    public FakeTransaction Transaction(string iMid, string referenceNo)
    {
        lock (_lock)
        {
            return _transactions.TryGetValue((iMid, referenceNo), out var transaction)
                ? transaction
                : throw new InvalidOperationException($"NICEPAY holds no transaction {iMid}/{referenceNo}.");
        }
    }

    /// <summary>
    /// The customer pays the exact amount at the store. Refused (throws) unless the code is payable: unpaid (or ready to
    /// commit) and still valid, or <paramref name="evenAfterValidity"/> for a store that settles late.
    /// </summary>
    public FakeTransaction Pay(string iMid, string referenceNo, bool evenAfterValidity = false)
    {
        lock (_lock)
        {
            var transaction = Transaction(iMid, referenceNo);
            var payable = transaction.Status is CvsTransactionStatus.Unpaid or CvsTransactionStatus.ReadyToCommit && !transaction.Cancelled;
            if (!payable || (!evenAfterValidity && Now >= transaction.ValidUntil))
            {
                throw new InvalidOperationException($"{iMid}/{referenceNo} is not payable: {transaction.Status}, cancelled {transaction.Cancelled}, valid until {transaction.ValidUntil:O}.");
            }

            var paid = transaction with
            {
                Status = CvsTransactionStatus.Paid,
                DepositedAt = Now,
                ReceiptCode = "RCPT" + Interlocked.Increment(ref _sequence).ToString("D8", CultureInfo.InvariantCulture),
            };
            Update(paid);
            return paid;
        }
    }

    /// <summary>Sets the status NICEPAY reports (e.g. reversed, or ready to commit).</summary>
    public void SetStatus(string iMid, string referenceNo, CvsTransactionStatus status)
    {
        lock (_lock)
        {
            Update(Transaction(iMid, referenceNo) with { Status = status });
        }
    }

    /// <inheritdoc />
    public async Task<NicepayResult<CvsRegistration>> RegisterAsync(
        NicepayCredentials credentials, CvsRegistrationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(request);
        var fault = NextFault(NicepayOperation.Register, request.ReferenceNo);
        fault = await HoldAsync(fault, request.ReferenceNo);

        lock (_lock)
        {
            NicepayResult<CvsRegistration> result;
            if (fault is { Kind: not NicepayFaultKind.TimeoutAfterApplying })
            {
                result = Failed<CvsRegistration>(fault);
            }
            else if (_transactions.ContainsKey((credentials.IMid, request.ReferenceNo)) && !_withoutDuplicateCheck.Contains(credentials.IMid))
            {
                result = NicepayResult<CvsRegistration>.Rejected(NicepayRejection.FromResultCode("9009", "Reference Number already exist"));
            }
            else
            {
                var transaction = Issue(credentials.IMid, request);
                result = fault is null
                    ? NicepayResult<CvsRegistration>.Success(new CvsRegistration
                    {
                        TransactionId = transaction.TransactionId,
                        ReferenceNo = transaction.ReferenceNo,
                        Amount = transaction.Amount,
                        Partner = transaction.Partner,
                        PaymentCode = transaction.PaymentCode,
                        ValidUntil = transaction.ValidUntil,
                        TransactionTime = Now,
                        Currency = "IDR",
                        ResultMessage = "SUCCESS",
                    })
                    : Unknown<CvsRegistration>("the registration landed but its answer was lost");
            }

            _calls.Add(new NicepayCall(NicepayOperation.Register, credentials.IMid, request.ReferenceNo, null, request.Amount, Now,
                result.ToString(), request.NotificationUrl, request.ValidUntil));
            return result;
        }
    }

    /// <inheritdoc />
    public async Task<NicepayResult<CvsStatus>> InquireAsync(
        NicepayCredentials credentials, CvsInquiryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(request);
        var fault = NextFault(NicepayOperation.Inquire, request.ReferenceNo);
        fault = await HoldAsync(fault, request.ReferenceNo);

        lock (_lock)
        {
            NicepayResult<CvsStatus> result;
            var transaction = Find(credentials.IMid, request.ReferenceNo, request.TransactionId);
            if (fault is not null)
            {
                result = Failed<CvsStatus>(fault);
            }
            else if (transaction is null)
            {
                result = NicepayResult<CvsStatus>.Rejected(NicepayRejection.FromResultCode("9528", "Transaction not found"));
            }
            else
            {
                var status = ReportedStatus(transaction);
                result = NicepayResult<CvsStatus>.Success(new CvsStatus
                {
                    TransactionId = transaction.TransactionId,
                    ReferenceNo = transaction.ReferenceNo,
                    Amount = transaction.Amount,
                    Status = status,
                    RawStatus = ((int)status).ToString(CultureInfo.InvariantCulture),
                    ResultMessage = status.ToString().ToLowerInvariant(),
                    PaymentCode = transaction.PaymentCode,
                    Partner = transaction.Partner,
                    ValidUntil = transaction.ValidUntil,
                    DepositedAt = transaction.DepositedAt,
                    TransactionTime = transaction.DepositedAt,
                    ReceiptCode = transaction.ReceiptCode,
                    Currency = "IDR",
                    GoodsName = transaction.GoodsName,
                    BillingName = transaction.BillingName,
                });
            }

            _calls.Add(new NicepayCall(NicepayOperation.Inquire, credentials.IMid, request.ReferenceNo, request.TransactionId, request.Amount, Now, result.ToString()));
            return result;
        }
    }

    /// <inheritdoc />
    public async Task<NicepayResult<CvsCancellation>> CancelAsync(
        NicepayCredentials credentials, CvsCancelRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(request);
        var referenceNo = request.ReferenceNo ?? "";
        var fault = NextFault(NicepayOperation.Cancel, referenceNo);
        fault = await HoldAsync(fault, referenceNo);

        lock (_lock)
        {
            NicepayResult<CvsCancellation> result;
            var transaction = _issued.FirstOrDefault(t => t.TransactionId == request.TransactionId && t.IMid == credentials.IMid);
            if (fault is { Kind: not NicepayFaultKind.TimeoutAfterApplying })
            {
                result = Failed<CvsCancellation>(fault);
            }
            else if (transaction is null)
            {
                result = NicepayResult<CvsCancellation>.Rejected(NicepayRejection.FromResultCode("9528", "Transaction not found"));
            }
            else if (transaction.Status == CvsTransactionStatus.Paid)
            {
                result = NicepayResult<CvsCancellation>.Rejected(NicepayRejection.FromResultCode("9326", "Cannot be cancelled after purchase"));
            }
            else if (transaction.Cancelled || ReportedStatus(transaction) != CvsTransactionStatus.Unpaid)
            {
                result = NicepayResult<CvsCancellation>.Rejected(NicepayRejection.FromResultCode("9314", "Cannot cancel this transaction number"));
            }
            else
            {
                Update(transaction with { Cancelled = true, Status = CvsTransactionStatus.Expired });
                result = fault is not null
                    ? Unknown<CvsCancellation>("the cancel was done but its answer was lost")
                    : NicepayResult<CvsCancellation>.Success(new CvsCancellation
                {
                    TransactionId = transaction.TransactionId,
                    ReferenceNo = transaction.ReferenceNo,
                    Amount = transaction.Amount,
                    TransactionTime = Now,
                    Description = request.Reason,
                        ResultMessage = "SUCCESS",
                    });
            }

            _calls.Add(new NicepayCall(NicepayOperation.Cancel, credentials.IMid, transaction?.ReferenceNo ?? referenceNo, request.TransactionId, request.Amount, Now, result.ToString()));
            return result;
        }
    }

    /// <summary>Waits out a Hold or AnswerLater fault; returns the fault still to apply (none after AnswerLater).</summary>
    private async Task<NicepayFault?> HoldAsync(NicepayFault? fault, string referenceNo)
    {
        if (fault?.Kind is not (NicepayFaultKind.Hold or NicepayFaultKind.AnswerLater))
        {
            return fault;
        }

        lock (_lock)
        {
            _held[referenceNo] = _held.GetValueOrDefault(referenceNo) + 1;
        }

        try
        {
            // Ends however the release ends (a faulted release is just the end of the hold).
            await fault.Release!.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
        finally
        {
            lock (_lock)
            {
                _held[referenceNo]--;
            }
        }

        return fault.Kind == NicepayFaultKind.AnswerLater ? null : fault;
    }

    private NicepayFault? NextFault(NicepayOperation operation, string referenceNo)
    {
        lock (_lock)
        {
            if (_scripts.TryGetValue((operation, referenceNo), out var queue) && queue.TryDequeue(out var fault))
            {
                return fault;
            }

            return _outages.GetValueOrDefault((operation, referenceNo));
        }
    }

    private FakeTransaction Issue(string iMid, CvsRegistrationRequest request)
    {
        var now = Now;
        var sequence = Interlocked.Increment(ref _sequence);
        // NICEPAY keeps validity at seconds precision (payValidDt/payValidTm, Jakarta time).
        var validUntil = request.ValidUntil is { } asked
            ? new DateTimeOffset(asked.UtcTicks - (asked.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero).ToOffset(JakartaTime.Offset)
            : (now + TimeSpan.FromDays(7)).ToOffset(JakartaTime.Offset);
        var transaction = new FakeTransaction(
            TransactionId: string.Concat(iMid, "03", JakartaTime.ToTimeStamp(now), (sequence % 10_000).ToString("D4", CultureInfo.InvariantCulture)),
            IMid: iMid,
            ReferenceNo: request.ReferenceNo,
            Amount: request.Amount,
            Partner: request.Partner,
            PaymentCode: (880_000_000_000 + sequence).ToString(CultureInfo.InvariantCulture),
            ValidUntil: validUntil,
            GoodsName: request.GoodsName,
            BillingName: request.Billing.Name,
            Status: CvsTransactionStatus.Unpaid);
        // Look-ups by reference find the first code; a second one (duplicate check off) is payable all the same.
        _transactions.TryAdd((iMid, request.ReferenceNo), transaction);
        _issued.Add(transaction);
        return transaction;
    }

    private FakeTransaction? Find(string iMid, string referenceNo, string? transactionId) =>
        string.IsNullOrEmpty(transactionId)
            ? _transactions.GetValueOrDefault((iMid, referenceNo))
            : _issued.FirstOrDefault(t => t.IMid == iMid && t.ReferenceNo == referenceNo && t.TransactionId == transactionId);

    private void Update(FakeTransaction transaction)
    {
        _issued[_issued.FindIndex(t => t.TransactionId == transaction.TransactionId)] = transaction;
        if (_transactions[(transaction.IMid, transaction.ReferenceNo)].TransactionId == transaction.TransactionId)
        {
            _transactions[(transaction.IMid, transaction.ReferenceNo)] = transaction;
        }
    }

    /// <summary>What an inquiry says: an unpaid code past its validity reads as expired (4).</summary>
    private CvsTransactionStatus ReportedStatus(FakeTransaction transaction) =>
        transaction.Status == CvsTransactionStatus.Unpaid && Now >= transaction.ValidUntil ? CvsTransactionStatus.Expired : transaction.Status;

    private static NicepayResult<T> Failed<T>(NicepayFault fault)
        where T : class => fault.Kind switch
        {
            NicepayFaultKind.Rejected => NicepayResult<T>.Rejected(NicepayRejection.FromResultCode(fault.ResultCode!, "scripted rejection")),
            NicepayFaultKind.NotSent => NicepayResult<T>.NotSent(new NicepayFailure(NicepayFailureKind.ConnectionRefused, "scripted: connection refused")),
            NicepayFaultKind.Hold => NicepayResult<T>.Unknown(new NicepayFailure(NicepayFailureKind.ConnectionLost, "scripted: held, then the connection was lost")),
            _ => Unknown<T>("scripted: no answer in time"),
        };

    private static NicepayResult<T> Unknown<T>(string detail)
        where T : class => NicepayResult<T>.Unknown(new NicepayFailure(NicepayFailureKind.Timeout, detail));
}
