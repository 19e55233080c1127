using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Orchestrator.ClusterHarness;

namespace Orchestrator.DurabilityTests.Chaos;

/// <summary>
/// One HTTP request of the drill and what came back. <see cref="Outcome"/> names the answer: a status code, or for no
/// answer <c>refused</c> (no connection: a dead process), <c>cut</c> (the connection died mid-request: a kill) or
/// <c>hang</c> (no answer within the request bound).
/// </summary>
/// <param name="Kind"><c>create</c>, <c>read</c>, <c>fulfil</c> (merchant), <c>pay</c> (the customer at the store).</param>
/// <param name="ReferenceNo">The checkout.</param>
/// <param name="Via">The process asked.</param>
/// <param name="StartedAt">On the drill's clock.</param>
/// <param name="Answer">The answer, or its absence.</param>
internal sealed record ChaosRequest(string Kind, string ReferenceNo, string Via, TimeSpan StartedAt, WireResponse Answer)
{
    /// <summary>The answer's name: <c>201</c>, <c>503</c>, <c>refused</c>, <c>cut</c>, <c>hang</c>, <c>503 without Retry-After</c>…</summary>
    public string Outcome => Name(Answer);

    /// <summary>Whether the request got a 2xx.</summary>
    public bool Succeeded => Answer.Status is >= 200 and < 300;

    /// <summary>When the answer (or its absence) came, on the drill's clock.</summary>
    public TimeSpan EndedAt => StartedAt + Answer.Elapsed;

    /// <summary>
    /// An answer the system must never give, even while silos die and PostgreSQL restarts: a 5xx other than a 503 with
    /// <c>Retry-After</c>, a 4xx to a request that was valid (the drill sends no other), or no answer within the bound.
    /// </summary>
    public bool IsViolation => Answer.StatusCode switch
    {
        null => Outcome == "hang",
        HttpStatusCode.ServiceUnavailable => Answer.RetryAfter is null,
        _ => Answer.Status >= 400,
    };

    /// <summary>The name of an answer (see <see cref="Outcome"/>).</summary>
    public static string Name(WireResponse answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.StatusCode switch
        {
            null when answer.Error?.StartsWith("no answer within", StringComparison.Ordinal) == true => "hang",
            null when answer.Error?.StartsWith(nameof(HttpRequestError.ConnectionError), StringComparison.Ordinal) == true => "refused",
            null => "cut",
            HttpStatusCode.ServiceUnavailable when answer.RetryAfter is null => "503 without Retry-After",
            _ => answer.Status.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {ReferenceNo} via {Via} at {StartedAt.TotalSeconds:F1} s: {Answer}";
}

/// <summary>A request the merchant had to send more than once before it was taken.</summary>
/// <param name="Kind">The request.</param>
/// <param name="ReferenceNo">The checkout.</param>
/// <param name="Attempts">Attempts until taken.</param>
/// <param name="FirstFailedAt">The first attempt, on the drill's clock.</param>
/// <param name="Span">From the first attempt to the answer that took it.</param>
internal sealed record RetryChain(string Kind, string ReferenceNo, int Attempts, TimeSpan FirstFailedAt, TimeSpan Span);

/// <summary>A checkout the merchant created (got a 2xx for), and what happened to it.</summary>
internal sealed class DrivenCheckout(HarnessMerchant merchant, string referenceNo, bool pays)
{
    /// <summary>Its merchant.</summary>
    public HarnessMerchant Merchant { get; } = merchant;

    /// <summary>Its referenceNo.</summary>
    public string ReferenceNo { get; } = referenceNo;

    /// <summary>Whether the customer means to pay it.</summary>
    public bool Pays { get; } = pays;

    /// <summary>Whether the store took the customer's cash for it.</summary>
    public bool Paid { get; set; }

    /// <summary>What the audit expects: paid ones fulfilled by the merchant, the others still payable.</summary>
    public TrackedCheckout Tracked => new(Merchant, ReferenceNo, Paid ? "fulfilled" : "registered");
}

/// <summary>Everything the drill's load did and got, on one clock (started when the load starts).</summary>
internal sealed class ChaosTraffic
{
    private readonly Lock _gate = new();
    private readonly List<DrivenCheckout> _inCreationOrder = [];
    private int _inFlight;

    /// <summary>The drill's clock: zero when the first checkout is due.</summary>
    public Stopwatch Clock { get; } = new();

    /// <summary>When everything must have settled, on <see cref="Clock"/>: the end of the load plus the settle timeout.</summary>
    public required TimeSpan SettleDeadline { get; init; }

    /// <summary>Every request, in completion order.</summary>
    public ConcurrentQueue<ChaosRequest> Requests { get; } = new();

    /// <summary>The merchant of every checkout the load tried to create, by referenceNo.</summary>
    public ConcurrentDictionary<string, HarnessMerchant> Attempted { get; } = new(StringComparer.Ordinal);

    /// <summary>Checkouts that got a 2xx on create, by referenceNo.</summary>
    public ConcurrentDictionary<string, DrivenCheckout> Driven { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests that were taken only after retries.</summary>
    public ConcurrentQueue<RetryChain> RetryChains { get; } = new();

    /// <summary>Broken promises found while driving (requests never taken, payments refused), each naming its checkout.</summary>
    public ConcurrentQueue<(string ReferenceNo, string Problem)> Problems { get; } = new();

    /// <summary>Checkouts that arrived (flows started).</summary>
    public int Arrivals { get; private set; }

    /// <summary>The latest a flow started after its due time (the driver's own lag; open model).</summary>
    public TimeSpan WorstStartLag { get; private set; }

    /// <summary>When that flow was due, on <see cref="Clock"/>.</summary>
    public TimeSpan WorstStartLagAt { get; private set; }

    /// <summary>The most flows under way at once.</summary>
    public int MaxInFlight { get; private set; }

    /// <summary>Records a created checkout.</summary>
    public DrivenCheckout Add(HarnessMerchant merchant, string referenceNo, bool pays)
    {
        var driven = new DrivenCheckout(merchant, referenceNo, pays);
        Driven[referenceNo] = driven;
        lock (_gate)
        {
            _inCreationOrder.Add(driven);
        }

        return driven;
    }

    /// <summary>The <paramref name="count"/> checkouts created last.</summary>
    public IReadOnlyList<DrivenCheckout> Latest(int count)
    {
        lock (_gate)
        {
            return [.. _inCreationOrder.TakeLast(count)];
        }
    }

    /// <summary>Records that the flow due at <paramref name="due"/> starts now.</summary>
    public void Arrived(TimeSpan due)
    {
        Arrivals++;
        var lag = Clock.Elapsed - due;
        if (lag > WorstStartLag)
        {
            (WorstStartLag, WorstStartLagAt) = (lag, due);
        }
    }

    /// <summary>A flow starts.</summary>
    public void Started()
    {
        lock (_gate)
        {
            MaxInFlight = Math.Max(MaxInFlight, ++_inFlight);
        }
    }

    /// <summary>A flow ends.</summary>
    public void Ended()
    {
        lock (_gate)
        {
            _inFlight--;
        }
    }
}
