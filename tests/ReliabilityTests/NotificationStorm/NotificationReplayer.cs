using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Web;
using Orchestrator.ReliabilityTests.Infrastructure;
using Orchestrator.TestSupport.Secrets;

namespace Orchestrator.ReliabilityTests.NotificationStorm;

/// <summary>A forged notification the storm posted, and what the callback answered.</summary>
/// <param name="Kind"><c>payment-of-unpaid</c>, <c>reversal-of-unreversed</c> or <c>wrong-amount</c>.</param>
/// <param name="Reference">The real checkout it names.</param>
/// <param name="Amount">The <c>amt</c> it claims.</param>
/// <param name="At">When it was posted.</param>
/// <param name="Answer">The callback's HTTP status (must be 401).</param>
public sealed record ForgedPost(string Kind, string Reference, long Amount, DateTimeOffset At, int Answer);

/// <summary>
/// Makes NICEPAY's notifications arrive three times each, in random order, with forgeries mixed in. Every notification
/// the sandbox sends (it delivers the original itself) is taken twice into a pool; replay workers post items picked
/// at random from the pool once it holds enough of them, so copies arrive seconds apart, interleaved with other
/// checkouts' notifications, sometimes before the original is processed and sometimes after a later notification of the
/// same checkout (a deposit after its reversal). For every notification taken, a forgery joins the pool with a
/// probability that makes forgeries 1 % of everything posted to the callback: a notification for a real checkout
/// signed with a wrong key.
/// </summary>
public sealed class NotificationReplayer(StormHost host, int seed, Func<Random, StormCheckout?> pickUnpaid, Func<Random, StormCheckout?> pickAny)
{
    /// <summary>Each notification arrives this many times: the original and the replays.</summary>
    public const int Deliveries = 3;

    /// <summary>The share of forgeries among all posts to the callback.</summary>
    public const double ForgedShare = 0.01;

    private const int Workers = 6;
    private const int PoolToShuffle = 64;

    private readonly Lock _gate = new();
    private readonly List<CapturedNotification?> _pool = [];
    private readonly Random _random = new(seed);
    private readonly ConcurrentBag<ForgedPost> _forged = [];
    private readonly ConcurrentDictionary<int, int> _replayAnswers = new();
    private int _captured;
    private int _capturedReversals;
    private int _replayed;
    private int _forgeries;
    private volatile bool _producersDone;

    /// <summary>Notifications the sandbox sent (the originals).</summary>
    public int Captured => Volatile.Read(ref _captured);

    /// <summary>Of those, reversal notifications (status 1).</summary>
    public int CapturedReversals => Volatile.Read(ref _capturedReversals);

    /// <summary>Replays posted.</summary>
    public int Replayed => Volatile.Read(ref _replayed);

    /// <summary>The forgeries posted.</summary>
    public IReadOnlyList<ForgedPost> Forged => [.. _forged];

    /// <summary>Answers to replays of genuine notifications, by HTTP status.</summary>
    public IReadOnlyDictionary<int, int> ReplayAnswers => _replayAnswers;

    /// <summary>Takes a notification the sandbox is sending: two replays, and now and then a forgery.</summary>
    public void Take(CapturedNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var status = HttpUtility.ParseQueryString(Encoding.UTF8.GetString(notification.Body))["status"];
        lock (_gate)
        {
            _captured++;
            if (status == "1")
            {
                _capturedReversals++;
            }

            for (var copy = 1; copy < Deliveries; copy++)
            {
                _pool.Add(notification);
            }

            // Each notification means Deliveries genuine posts; a forgery with this probability makes them 1 % of all.
            if (_random.NextDouble() < Deliveries * ForgedShare / (1 - ForgedShare))
            {
                _pool.Add(null);
            }
        }
    }

    /// <summary>Posts from the pool until <paramref name="done"/> says nothing more will come and the pool is empty.</summary>
    public async Task RunAsync(Func<bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var finished = _producersDone || done();
                if (finished)
                {
                    _producersDone = true;
                }

                (bool Got, CapturedNotification? Item) next;
                lock (_gate)
                {
                    next = _pool.Count > 0 && (finished || _pool.Count >= PoolToShuffle) ? (true, TakeAtRandom()) : (false, null);
                }

                if (next.Got)
                {
                    await PostAsync(next.Item);
                    continue;
                }

                if (finished)
                {
                    return;
                }

                if (clock.Elapsed > timeout)
                {
                    throw new TimeoutException($"the storm's notifications did not all arrive within {timeout}: {Captured} taken so far");
                }

                // Nothing to shuffle yet: look again shortly (this paces a consumer, it waits for no result).
                await Task.Delay(TimeSpan.FromMilliseconds(20));
            }
        })));
    }

    private CapturedNotification? TakeAtRandom()
    {
        var index = _random.Next(_pool.Count);
        var item = _pool[index];
        _pool[index] = _pool[^1];
        _pool.RemoveAt(_pool.Count - 1);
        return item;
    }

    private async Task PostAsync(CapturedNotification? genuine)
    {
        await Task.Yield();
        if (genuine is not null)
        {
            var status = await host.ReplayAsync(genuine);
            Interlocked.Increment(ref _replayed);
            _replayAnswers.AddOrUpdate((int)status, 1, (_, count) => count + 1);
            return;
        }

        await ForgeAsync();
    }

    /// <summary>
    /// A forgery for a real checkout, of a kind whose acceptance the journal would show: a payment for a checkout that is
    /// never paid, a reversal of one that is never reversed, or a payment of an amount nobody pays.
    /// </summary>
    private async Task ForgeAsync()
    {
        int number;
        string kind;
        StormCheckout? target;
        lock (_gate)
        {
            number = ++_forgeries;
            kind = (number % 3) switch { 0 => "payment-of-unpaid", 1 => "reversal-of-unreversed", _ => "wrong-amount" };
            target = kind == "payment-of-unpaid" ? pickUnpaid(_random) : pickAny(_random);
            if (kind == "reversal-of-unreversed" && target?.Category == StormCategory.Reversed)
            {
                kind = "wrong-amount";
            }
        }

        if (target is null)
        {
            return;
        }

        var checkout = target.Checkout;
        var amount = kind == "wrong-amount" ? checkout.Amount + 7 : checkout.Amount;
        var token = NicepayNotifications.Token(target.Merchant.IMid, checkout.TransactionId!, amount.ToString(CultureInfo.InvariantCulture), $"forged-key-{number}");
        SecretLedger.AddToken(token, "a forgery posted by the storm");
        var fields = NicepayNotifications.Fields(checkout, token, amount,
            status: kind == "reversal-of-unreversed" ? "1" : "0", matchCl: kind == "wrong-amount" ? "2" : "1");
        var at = DateTimeOffset.UtcNow;
        var answer = await host.PostNotificationAsync(target.Merchant.Id, fields);
        _forged.Add(new ForgedPost(kind, checkout.ReferenceNo, amount, at, (int)answer.StatusCode));
    }

    /// <summary>Whether a forged post's answer was the refusal it must be.</summary>
    public static bool Refused(ForgedPost post) => post.Answer == (int)HttpStatusCode.Unauthorized;
}
