using System.Globalization;
using System.Net;
using Orchestrator.ClusterHarness;
using Orchestrator.DurabilityTests.Infrastructure;

namespace Orchestrator.DurabilityTests.Chaos;

/// <summary>
/// The drill's open-model load: checkout <c>i</c> arrives at <c>i / rate</c> whatever became of the earlier ones, and
/// lives its own life — the merchant creates it through a random silo in service (retrying the same body after a 503 or
/// no answer: creates are idempotent), the customer pays at the sandbox's store counter a moment later (or never), and
/// the merchant fulfils the order once its webhook endpoint is told <c>checkout.confirmed</c> (an acknowledged event
/// fulfils the checkout too, so the merchant's call often finds it fulfilled already; an endpoint that answers the first
/// delivery 500, as some do, makes the call do it while the event is retried). The merchant retries a
/// request sooner than <c>Retry-After</c> asks (after at most a second), through another random silo, for
/// <see cref="ChaosKnobs.RetryWindow"/>: impatience that keeps the pressure on.
/// </summary>
internal sealed class ChaosLoad(ProcessCluster cluster, ChaosMonkey monkey, ChaosTraffic traffic)
{
    private static readonly TimeSpan RetryAfterNoAnswer = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestWalkToTheStore = TimeSpan.FromSeconds(3);

    /// <summary>Starts arrivals until <paramref name="duration"/> on the drill's clock; returns every flow (still running).</summary>
    public async Task<IReadOnlyList<Task>> RunArrivalsAsync(TimeSpan duration, double rate)
    {
        var flows = new List<Task>();
        for (var i = 0; ; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            if (due >= duration)
            {
                return flows;
            }

            var early = due - traffic.Clock.Elapsed;
            if (early > TimeSpan.Zero)
            {
                await Task.Delay(early);
            }

            traffic.Arrived(due);
            flows.Add(RunCheckoutAsync(i));
        }
    }

    private async Task RunCheckoutAsync(int index)
    {
        // Never run a flow's first steps on the driver's turn: arrivals stay on schedule.
        await Task.Yield();
        traffic.Started();
        try
        {
            await LiveCheckoutAsync(new Random(unchecked(ChaosKnobs.Seed + index)));
        }
        finally
        {
            traffic.Ended();
        }
    }

    private async Task LiveCheckoutAsync(Random random)
    {
        var merchant = cluster.Merchants[random.Next(cluster.Merchants.Count)];
        var store = random.Next(2) == 0 ? "indomaret" : "alfamart";
        var amount = 10_000L + (random.Next(0, 1_981) * 500L);
        var pays = random.Next(100) >= ChaosKnobs.UnpaidPercent;
        var walk = TimeSpan.FromMilliseconds(random.Next(0, (int)LongestWalkToTheStore.TotalMilliseconds));
        var reference = DurabilityCluster.NewReference("chaos");
        var body = CreateCheckoutBody.For(reference, amount, store);
        traffic.Attempted[reference] = merchant;
        if (random.Next(100) < ChaosKnobs.WebhookFailPercent)
        {
            cluster.Webhooks.Script(reference, 500);
        }

        // The merchant creates the checkout; the same body again after a failure.
        var created = await SendUntilTakenAsync("create", reference, random,
            silo => silo.CreateAsync(merchant, body, DurabilityKnobs.RequestBound, CancellationToken.None),
            answer => answer.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK);
        if (created is null)
        {
            return;
        }

        var driven = traffic.Add(merchant, reference, pays);
        if (!pays)
        {
            return;
        }

        // The customer walks to the store with the payment code (asking the merchant's page for it if the create
        // answered before NICEPAY had registered the checkout).
        await Task.Delay(walk);
        var checkout = created.As<CheckoutJson>();
        if (checkout.PaymentCode is null)
        {
            var read = await SendUntilTakenAsync("read", reference, random,
                silo => silo.GetAsync(merchant, reference, DurabilityKnobs.RequestBound, CancellationToken.None),
                answer => answer.StatusCode == HttpStatusCode.OK && answer.As<CheckoutJson>().PaymentCode is not null);
            if (read is null)
            {
                return;
            }

            checkout = read.As<CheckoutJson>();
        }

        var paying = traffic.Clock.Elapsed;
        var payment = await cluster.Sandbox.PayAsync(store, checkout.PaymentCode!, amount);
        traffic.Requests.Enqueue(new ChaosRequest("pay", reference, "sandbox", paying, payment));
        if (payment.StatusCode != HttpStatusCode.OK)
        {
            traffic.Problems.Enqueue((reference, $"the store refused to take the payment of {checkout}: {payment}"));
            return;
        }

        driven.Paid = true;

        // The merchant fulfils the order when told it is paid. Not told by the deadline: the audit tells that story.
        try
        {
            await cluster.Webhooks.WaitForAsync(reference, received => received.Any(webhook => webhook.Type == "checkout.confirmed"),
                "checkout.confirmed", traffic.SettleDeadline - traffic.Clock.Elapsed);
        }
        catch (TimeoutException)
        {
            return;
        }

        await SendUntilTakenAsync("fulfil", reference, random,
            silo => silo.Http.SendAsync(HttpMethod.Post, $"v1/checkouts/{reference}/fulfil", merchant.ApiKey,
                timeout: DurabilityKnobs.RequestBound, cancellationToken: CancellationToken.None),
            answer => answer.StatusCode == HttpStatusCode.OK && answer.As<CheckoutJson>().Status == "fulfilled");
    }

    /// <summary>
    /// Sends the request through a random silo in service until it is taken: again after a 5xx or no answer (or a 2xx
    /// that is not yet what is awaited), never after a 4xx. Gives up after <see cref="ChaosKnobs.RetryWindow"/>, which is
    /// a violation. Returns the answer that took it, or null.
    /// </summary>
    private async Task<WireResponse?> SendUntilTakenAsync(
        string kind, string reference, Random random, Func<SiloProcess, Task<WireResponse>> send, Func<WireResponse, bool> taken)
    {
        var first = traffic.Clock.Elapsed;
        for (var attempt = 1; ; attempt++)
        {
            var silo = monkey.PickSilo(random);
            var request = new ChaosRequest(kind, reference, silo.ToString(), traffic.Clock.Elapsed, await send(silo));
            traffic.Requests.Enqueue(request);
            if (taken(request.Answer))
            {
                if (attempt > 1 && kind != "read")
                {
                    traffic.RetryChains.Enqueue(new RetryChain(kind, reference, attempt, first, request.EndedAt - first));
                }

                return request.Answer;
            }

            if (request.Answer.Status is >= 400 and < 500)
            {
                traffic.Problems.Enqueue((reference, $"{kind} refused, not retried: {request}"));
                return null;
            }

            if (traffic.Clock.Elapsed - first > ChaosKnobs.RetryWindow)
            {
                traffic.Problems.Enqueue((reference, $"{kind} not taken within {ChaosKnobs.RetryWindow.TotalSeconds:F0} s ({attempt} attempts); last: {request}"));
                return null;
            }

            await Task.Delay(request.Answer.StatusCode switch
            {
                null => RetryAfterNoAnswer,
                HttpStatusCode.OK => PollEvery,
                _ => int.TryParse(request.Answer.RetryAfter, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && TimeSpan.FromSeconds(seconds) < LongestRetryDelay
                    ? TimeSpan.FromSeconds(seconds)
                    : LongestRetryDelay,
            });
        }
    }
}
