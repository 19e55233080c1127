using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Orchestrator.NicepaySandbox.Nicepay;
using Orchestrator.NicepaySandbox.Notifications;
using Orchestrator.NicepaySandbox.Stores;

namespace Orchestrator.NicepaySandbox.Ledger;

/// <summary>
/// The sandbox's in-memory truth: every transaction, payment and notification. One lock guards it all; a simulator's
/// throughput does not need more, and one lock makes "check, then change" atomic (20 identical registrations in
/// parallel create one transaction).
/// </summary>
internal sealed class TransactionLedger(
    TimeProvider time,
    IOptionsMonitor<SandboxOptions> options,
    NotificationPlanner planner,
    NotificationOutbox outbox) : IDisposable
{
    private const string Digits = "0123456789";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, SandboxTransaction> _byTXid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxTransaction> _byPayNo = new(StringComparer.Ordinal);
    private readonly Dictionary<(string IMid, string ReferenceNo), List<SandboxTransaction>> _byReference = [];
    private readonly Dictionary<(string IMid, string ReferenceNo), RegistrationCounter> _registrations = [];
    private long _sequence;

    /// <summary>Creates the transaction unless the merchant's duplicate check finds its referenceNo; counts the request.</summary>
    public (TransactionView? Created, NicepayError? Error) Register(RegistrationCommand command)
    {
        var settings = options.CurrentValue;
        var merchant = settings.Merchants[command.IMid];
        var key = (command.IMid, command.ReferenceNo);
        lock (_gate)
        {
            var now = Now();
            if (merchant.DuplicateReferenceCheck && _byReference.ContainsKey(key))
            {
                CountLocked(key, NicepayError.DuplicateReference.ResultCd, null, now);
                return (null, NicepayError.DuplicateReference);
            }

            var tXid = NewTXidLocked(command.IMid, now);
            if (tXid is null)
            {
                CountLocked(key, NicepayError.TransactionNumberError.ResultCd, null, now);
                return (null, NicepayError.TransactionNumberError);
            }

            string payNo;
            do
            {
                // 16 digits from a cryptographic RNG: unique, and not guessable from tXid or time.
                payNo = RandomNumberGenerator.GetString("123456789", 1) + RandomNumberGenerator.GetString(Digits, 15);
            }
            while (_byPayNo.ContainsKey(payNo));

            var tx = new SandboxTransaction
            {
                Sequence = ++_sequence,
                TXid = tXid,
                IMid = command.IMid,
                MerchantName = merchant.Name.Length > 0 ? merchant.Name : command.IMid,
                ReferenceNo = command.ReferenceNo,
                Amount = command.Amount,
                Currency = command.Currency,
                GoodsNm = command.GoodsNm,
                BillingNm = command.BillingNm,
                Description = command.Description,
                MitraCd = command.MitraCd,
                PayNo = payNo,
                ValidUntil = JakartaTime.ToJakarta(command.ValidUntil ?? now + command.DefaultValidity),
                CreatedAt = now,
                DbProcessUrl = command.DbProcessUrl,
            };
            _byTXid.Add(tXid, tx);
            _byPayNo.Add(payNo, tx);
            if (!_byReference.TryGetValue(key, out var sameReference))
            {
                _byReference[key] = sameReference = [];
            }

            sameReference.Add(tx);
            CountLocked(key, "0000", tXid, now);
            return (ViewLocked(tx, now), null);
        }
    }

    /// <summary>Counts a registration request that never reached <see cref="Register"/> (rejected, or taken by a fault).</summary>
    public void CountRegistration(string iMid, string referenceNo, string outcome)
    {
        lock (_gate)
        {
            CountLocked((iMid, referenceNo), outcome, null, Now());
        }
    }

    public IReadOnlyList<RegistrationView> Registrations(string? iMid, string? referenceNo)
    {
        lock (_gate)
        {
            return [.. _registrations
                .Where(r => (iMid is null || r.Key.IMid == iMid) && (referenceNo is null || r.Key.ReferenceNo == referenceNo))
                .OrderByDescending(r => r.Value.LastAt)
                .Select(r => r.Value.View(r.Key.IMid, r.Key.ReferenceNo))];
        }
    }

    public TransactionView? Find(string tXid)
    {
        lock (_gate)
        {
            var now = Now();
            return _byTXid.TryGetValue(tXid, out var tx) ? RefreshedViewLocked(tx, now) : null;
        }
    }

    /// <summary>The newest transaction of the merchant with this referenceNo (inquiry without tXid).</summary>
    public TransactionView? FindNewest(string iMid, string referenceNo)
    {
        lock (_gate)
        {
            var now = Now();
            return _byReference.TryGetValue((iMid, referenceNo), out var list) ? RefreshedViewLocked(list[^1], now) : null;
        }
    }

    /// <summary>Newest first; <paramref name="status"/> is an inquiry code ("0") or a ledger name ("paid").</summary>
    public IReadOnlyList<TransactionView> List(string? iMid, string? referenceNo, string? status)
    {
        lock (_gate)
        {
            var now = Now();
            return [.. _byTXid.Values
                .Where(tx => (iMid is null || tx.IMid == iMid) && (referenceNo is null || tx.ReferenceNo == referenceNo))
                .OrderByDescending(tx => tx.Sequence)
                .Select(tx => RefreshedViewLocked(tx, now))
                .Where(v => status is null || v.Status == status || string.Equals(v.StatusName, status, StringComparison.OrdinalIgnoreCase))];
        }
    }

    /// <summary>Cancels an unpaid, unexpired number (contract §6.4): afterwards it cannot be paid.</summary>
    public (TransactionView? Cancelled, NicepayError? Error) Cancel(string iMid, string tXid, long amount)
    {
        lock (_gate)
        {
            var now = Now();
            if (!_byTXid.TryGetValue(tXid, out var tx) || tx.IMid != iMid)
            {
                return (null, NicepayError.NotFound);
            }

            RefreshLocked(tx, now);
            var error = tx.StatusAt(now) switch
            {
                TransactionStatus.Cancelled => NicepayError.AlreadyCancelled,
                TransactionStatus.Expired => NicepayError.CancelExpired,
                TransactionStatus.Paid or TransactionStatus.ReadyToCommit or TransactionStatus.Reversed => NicepayError.CancelAfterPurchase,
                _ when amount == 0 => NicepayError.CancelAmountZero,
                _ when amount != tx.Amount => NicepayError.CancelAmountDiffers,
                _ => null,
            };
            if (error is not null)
            {
                return (null, error);
            }

            tx.State = TransactionStatus.Cancelled;
            tx.CancelledAt = now;
            tx.CancelAmount = amount;
            tx.CancelTXid = NewTXidLocked(tx.IMid, now) ?? tx.TXid;
            return (ViewLocked(tx, now), null);
        }
    }

    /// <summary>What the cashier sees after typing the number.</summary>
    public StoreInquiryView? StoreInquiry(StoreChain store, string payNo)
    {
        lock (_gate)
        {
            var now = Now();
            if (!_byPayNo.TryGetValue(payNo, out var tx))
            {
                return null;
            }

            RefreshLocked(tx, now);
            var refusal = StoreClosedProblem(store, now) ?? RefusalLocked(store, tx, now);
            var status = tx.StatusAt(now);
            return new StoreInquiryView(
                store.Name, tx.PayNo, tx.Amount, tx.Currency, tx.MerchantName, tx.IMid, tx.MitraCd, tx.GoodsNm, tx.ValidUntil,
                JakartaTime.Date(tx.ValidUntil), JakartaTime.Time(tx.ValidUntil), status.InquiryCode(options.CurrentValue),
                status.LedgerName(), refusal is null, refusal?.Reason);
        }
    }

    /// <summary>
    /// Takes the cash. Indomaret commits at once; the Alfa group holds the payment in "ready to commit" (status 5) for
    /// <see cref="SandboxOptions.ReadyToCommitWindow"/>. The deposit notification is planned on commit.
    /// </summary>
    public (StoreReceipt? Receipt, LedgerProblem? Problem) Pay(StoreChain store, string payNo, long amount)
    {
        var settings = options.CurrentValue;
        lock (_gate)
        {
            var now = Now();
            if (StoreClosedProblem(store, now) is { } closed)
            {
                return (null, closed);
            }

            if (!_byPayNo.TryGetValue(payNo, out var tx))
            {
                return (null, UnknownPayNo(payNo));
            }

            RefreshLocked(tx, now);
            if (RefusalLocked(store, tx, now) is { } refusal)
            {
                return (null, refusal);
            }

            if (amount != tx.Amount)
            {
                return (null, new LedgerProblem(
                    StatusCodes.Status422UnprocessableEntity, "amount-mismatch", "The amount is not the amount due",
                    $"CVS takes the exact amount only: {tx.Amount} is due, {amount} was offered."));
            }

            var window = store.MitraCd == "ALMA" ? settings.ReadyToCommitWindow : TimeSpan.Zero;
            var receipt = new StoreReceipt(
                tx.MitraCd + RandomNumberGenerator.GetString(Digits, 12), tx.TXid, tx.PayNo, amount, store.Name, tx.MitraCd, now,
                window > TimeSpan.Zero ? "5" : "0", window > TimeSpan.Zero ? now + window : null);
            tx.Payments.Add(receipt);
            if (window > TimeSpan.Zero)
            {
                tx.State = TransactionStatus.ReadyToCommit;
                tx.ReadyToCommitUntil = now + window;
                var tXid = tx.TXid;
                tx.CommitTimer = time.CreateTimer(_ => Commit(tXid), null, window, Timeout.InfiniteTimeSpan);
            }
            else
            {
                CommitLocked(tx, now);
            }

            return (receipt, null);
        }
    }

    /// <summary>Commits a ready-to-commit payment when its window ends (timer callback).</summary>
    public void Commit(string tXid)
    {
        lock (_gate)
        {
            if (_byTXid.TryGetValue(tXid, out var tx) && tx.State == TransactionStatus.ReadyToCommit)
            {
                CommitLocked(tx, tx.ReadyToCommitUntil ?? Now());
            }
        }
    }

    /// <summary>Reverses a paid transaction (the store took the payment back) and notifies with status=1.</summary>
    public (TransactionView? Reversed, LedgerProblem? Problem) Reverse(string tXid, bool applyFaults)
    {
        lock (_gate)
        {
            var now = Now();
            if (!_byTXid.TryGetValue(tXid, out var tx))
            {
                return (null, UnknownTXid(tXid));
            }

            RefreshLocked(tx, now);
            if (tx.State != TransactionStatus.Paid)
            {
                return (null, new LedgerProblem(
                    StatusCodes.Status409Conflict, "not-paid", "Only a committed payment can be reversed",
                    $"Transaction {tXid} is {tx.StatusAt(now).LedgerName()}."));
            }

            tx.State = TransactionStatus.Reversed;
            tx.ReversedAt = now;
            NotifyLocked(tx, NotificationKind.Reversal, applyFaults, now);
            return (ViewLocked(tx, now), null);
        }
    }

    /// <summary>Sends the deposit notification of a paid (or since reversed) transaction again, now, with no faults.</summary>
    public (IReadOnlyList<NotificationView>? Queued, LedgerProblem? Problem) ResendDeposit(string tXid)
    {
        lock (_gate)
        {
            var now = Now();
            if (!_byTXid.TryGetValue(tXid, out var tx))
            {
                return (null, UnknownTXid(tXid));
            }

            RefreshLocked(tx, now);
            if (tx.PaidAt is null)
            {
                return (null, new LedgerProblem(
                    StatusCodes.Status409Conflict, "not-paid", "Nothing was deposited yet",
                    $"Transaction {tXid} is {tx.StatusAt(now).LedgerName()}; a deposit notification follows a committed payment."));
            }

            return ([.. NotifyLocked(tx, NotificationKind.Deposit, applyFaults: false, now).Select(ViewOf)], null);
        }
    }

    /// <summary>Changes a notification's delivery state (dispatcher).</summary>
    public void SetDeliveryState(NotificationRecord record, DeliveryState state)
    {
        lock (_gate)
        {
            record.State = state;
        }
    }

    /// <summary>Records one delivery attempt (dispatcher).</summary>
    public void RecordAttempt(NotificationRecord record, NotificationAttempt attempt, DeliveryState state)
    {
        lock (_gate)
        {
            record.Attempts.Add(attempt);
            record.State = state;
        }
    }

    /// <summary>Stops the commit timers of payments still in their window (the state dies with the host anyway).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var tx in _byTXid.Values)
            {
                tx.CommitTimer?.Dispose();
                tx.CommitTimer = null;
            }
        }
    }

    /// <summary>The payment becomes final: status 0, deposit time set, deposit notification planned.</summary>
    private void CommitLocked(SandboxTransaction tx, DateTimeOffset paidAt)
    {
        tx.State = TransactionStatus.Paid;
        tx.PaidAt = paidAt;
        tx.CommitTimer?.Dispose();
        tx.CommitTimer = null;
        NotifyLocked(tx, NotificationKind.Deposit, applyFaults: true, paidAt);
    }

    /// <summary>The sandbox clock, shown in Jakarta's offset so the ledger reads like NICEPAY's dates.</summary>
    private DateTimeOffset Now() => JakartaTime.ToJakarta(time.GetUtcNow());

    /// <summary>Reads never see a payment whose window has passed as still "ready to commit", even before the timer runs.</summary>
    private void RefreshLocked(SandboxTransaction tx, DateTimeOffset now)
    {
        if (tx.State == TransactionStatus.ReadyToCommit && tx.ReadyToCommitUntil is { } due && now >= due)
        {
            CommitLocked(tx, due);
        }
    }

    private List<NotificationRecord> NotifyLocked(SandboxTransaction tx, NotificationKind kind, bool applyFaults, DateTimeOffset now)
    {
        var records = planner.Plan(tx, kind, applyFaults, now);
        tx.Notifications.AddRange(records);
        foreach (var record in records.Where(r => r.State != DeliveryState.Suppressed))
        {
            outbox.Enqueue(record);
        }

        return [.. records];
    }

    private LedgerProblem? StoreClosedProblem(StoreChain store, DateTimeOffset now) =>
        options.CurrentValue.EnforceStoreHours && store.IsClosedAt(now)
            ? new LedgerProblem(
                StatusCodes.Status409Conflict, "store-closed", $"{store.DisplayName} is closed for CVS payments",
                $"{store.DisplayName} takes no CVS payments from {store.ClosesAtHour:00}:00 to {store.OpensAtHour:00}:00 Jakarta time; it is {JakartaTime.ToJakarta(now):HH:mm} now.")
            : null;

    /// <summary>Why this store cannot take this number now, apart from the amount (and store hours).</summary>
    private static LedgerProblem? RefusalLocked(StoreChain store, SandboxTransaction tx, DateTimeOffset now)
    {
        if (tx.MitraCd != store.MitraCd)
        {
            var where = tx.MitraCd == "INDO" ? "Indomaret" : "an Alfa-group store (Alfamart, Alfamidi, Lawson, Dan+Dan)";
            return new LedgerProblem(
                StatusCodes.Status422UnprocessableEntity, "wrong-store", "This number is for another store network",
                $"Payment number {tx.PayNo} is registered for {tx.MitraCd} and can only be paid at {where}, not at {store.DisplayName}.");
        }

        return tx.StatusAt(now) switch
        {
            TransactionStatus.Paid or TransactionStatus.ReadyToCommit => new LedgerProblem(
                StatusCodes.Status409Conflict, "already-paid", "Already paid", $"Payment number {tx.PayNo} was paid at {tx.Payments[^1].PaidAt:O}."),
            TransactionStatus.Reversed => new LedgerProblem(
                StatusCodes.Status409Conflict, "reversed", "Payment was reversed", $"Payment number {tx.PayNo} was paid and then reversed; it cannot be paid again."),
            TransactionStatus.Cancelled => new LedgerProblem(
                StatusCodes.Status409Conflict, "cancelled", "Cancelled by the merchant", $"Payment number {tx.PayNo} was cancelled at {tx.CancelledAt:O}."),
            TransactionStatus.Expired => new LedgerProblem(
                StatusCodes.Status409Conflict, "expired", "Payment number expired", $"Payment number {tx.PayNo} was valid until {JakartaTime.ToJakarta(tx.ValidUntil):O}."),
            _ => null,
        };
    }

    private static LedgerProblem UnknownPayNo(string payNo) => new(
        StatusCodes.Status404NotFound, "unknown-pay-no", "Unknown payment number", $"No transaction has payment number '{payNo}'.");

    private static LedgerProblem UnknownTXid(string tXid) => new(
        StatusCodes.Status404NotFound, "unknown-txid", "Unknown transaction", $"No transaction has tXid '{tXid}'.");

    /// <summary>iMid + "03" + yyyyMMddHHmmss (Jakarta) + 4 random digits, unique in the sandbox.</summary>
    private string? NewTXidLocked(string iMid, DateTimeOffset now)
    {
        var prefix = iMid + "03" + JakartaTime.Stamp(now);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var candidate = prefix + RandomNumberGenerator.GetString(Digits, 4);
            if (!_byTXid.ContainsKey(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private void CountLocked((string IMid, string ReferenceNo) key, string outcome, string? tXid, DateTimeOffset now)
    {
        if (!_registrations.TryGetValue(key, out var counter))
        {
            _registrations[key] = counter = new RegistrationCounter(now);
        }

        counter.Add(outcome, tXid, now);
    }

    private TransactionView RefreshedViewLocked(SandboxTransaction tx, DateTimeOffset now)
    {
        RefreshLocked(tx, now);
        return ViewLocked(tx, now);
    }

    private TransactionView ViewLocked(SandboxTransaction tx, DateTimeOffset now)
    {
        var status = tx.StatusAt(now);
        var requests = _registrations.TryGetValue((tx.IMid, tx.ReferenceNo), out var counter) ? counter.Received : 0;
        return new TransactionView(
            tx.TXid, tx.IMid, tx.MerchantName, tx.ReferenceNo, tx.Amount, tx.Currency, tx.MitraCd, tx.PayNo, tx.GoodsNm, tx.BillingNm,
            tx.Description, tx.DbProcessUrl.ToString(), status.InquiryCode(options.CurrentValue), status.LedgerName(), tx.ValidUntil,
            JakartaTime.Date(tx.ValidUntil), JakartaTime.Time(tx.ValidUntil), tx.CreatedAt, tx.ReadyToCommitUntil, tx.PaidAt,
            tx.CancelledAt, tx.CancelAmount, tx.ReversedAt, requests, [.. tx.Payments], [.. tx.Notifications.Select(ViewOf)])
        {
            State = status,
            CancelTXid = tx.CancelTXid,
        };
    }

    private static NotificationView ViewOf(NotificationRecord record) => new(
        record.Id,
        record.TXid,
        record.Kind == NotificationKind.Deposit ? "deposit" : "reversal",
        record.Url.ToString(),
        record.State switch
        {
            DeliveryState.RetryScheduled => "retry-scheduled",
            var state => state.ToString().ToLowerInvariant(),
        },
        record.State == DeliveryState.Delivered,
        record.Fault,
        record.FaultId,
        record.CreatedAt,
        record.Fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal),
        [.. record.Attempts.Select(a => new AttemptView(a.At, a.HttpStatus, a.Error, a.ElapsedMs))]);

    private sealed class RegistrationCounter(DateTimeOffset firstAt)
    {
        private readonly SortedDictionary<string, int> _results = new(StringComparer.Ordinal);
        private readonly List<string> _tXids = [];
        private readonly DateTimeOffset _firstAt = firstAt;
        private int _received;
        private DateTimeOffset _lastAt = firstAt;

        public int Received => _received;

        public DateTimeOffset LastAt => _lastAt;

        public void Add(string outcome, string? tXid, DateTimeOffset now)
        {
            _received++;
            _results[outcome] = _results.GetValueOrDefault(outcome) + 1;
            if (tXid is not null)
            {
                _tXids.Add(tXid);
            }

            _lastAt = now;
        }

        public RegistrationView View(string iMid, string referenceNo) => new(
            iMid, referenceNo, _received, _tXids.Count, new Dictionary<string, int>(_results), [.. _tXids], _firstAt, _lastAt);
    }
}
