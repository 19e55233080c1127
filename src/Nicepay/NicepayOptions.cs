namespace Orchestrator.Nicepay;

/// <summary>
/// Transport settings of the NICEPAY client (configuration section <c>Nicepay</c>). Merchant credentials are
/// not here: they travel with each call.
/// </summary>
/// <remarks>
/// Every call is made from inside a grain call, which Orleans abandons after 30 s. Each operation therefore has
/// a total budget (all attempts plus backoff delays) of at most <see cref="MaxTotalBudget"/>, leaving the grain
/// time to persist what it learned. The defaults: registration 10 s for its single attempt within 12 s;
/// inquiry and cancel 3 attempts of 4 s within 15 s.
/// </remarks>
public sealed class NicepayOptions
{
    /// <summary>The default configuration section.</summary>
    public const string SectionName = "Nicepay";

    /// <summary>The Orleans grain-call timeout (<c>MessagingOptions.ResponseTimeout</c> default) every call must end within.</summary>
    public static readonly TimeSpan GrainCallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The largest total budget allowed for one operation: the grain-call timeout less 5 s of headroom.</summary>
    public static readonly TimeSpan MaxTotalBudget = TimeSpan.FromSeconds(25);

    /// <summary>
    /// The gateway's base address, absolute http or https, e.g. <c>https://dev.nicepay.co.id</c> (sandbox),
    /// <c>https://www.nicepay.co.id</c> (production) or the local simulator. A path is kept:
    /// <c>http://host/sim</c> calls <c>http://host/sim/nicepay/direct/v2/…</c>.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>How long the one registration attempt may take. Registration is never re-sent once it may have left.</summary>
    public TimeSpan RegistrationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Attempts a registration gets when the connection could not even be made (refused, DNS failure); such an
    /// attempt provably sent nothing, so trying again cannot register twice. 1 disables that retry.
    /// </summary>
    public int RegistrationMaxConnectAttempts { get; set; } = 2;

    /// <summary>The whole budget of a registration call, connect retries and delays included.</summary>
    public TimeSpan RegistrationTotalBudget { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>How long one inquiry attempt may take.</summary>
    public TimeSpan InquiryAttemptTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Attempts an inquiry gets on transient failures (connection errors, timeouts, 5xx, 408, 429).</summary>
    public int InquiryMaxAttempts { get; set; } = 3;

    /// <summary>The whole budget of an inquiry call, all attempts and delays included.</summary>
    public TimeSpan InquiryTotalBudget { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one cancel attempt may take.</summary>
    public TimeSpan CancelAttemptTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Attempts a cancel gets on transient failures (connection errors, timeouts, 5xx, 408, 429).</summary>
    public int CancelMaxAttempts { get; set; } = 3;

    /// <summary>The whole budget of a cancel call, all attempts and delays included.</summary>
    public TimeSpan CancelTotalBudget { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The cap on any single backoff delay (also on a server's Retry-After).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries happen at once, without backoff delays or Retry-After waits. For tests only.</summary>
    public bool DisableRetryDelays { get; set; }
}
