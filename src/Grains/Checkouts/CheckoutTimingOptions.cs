namespace Orchestrator.Grains.Checkouts;

/// <summary>
/// How the checkout grain paces its work, bound from <c>Checkouts:Timing</c>. Production values are in minutes and hours;
/// tests and the demo use seconds (the silo's <c>ReminderOptions.MinimumReminderPeriod</c> must then be lowered too).
/// </summary>
public sealed class CheckoutTimingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Checkouts:Timing";

    /// <summary>
    /// Period of the checkout's durable reminder: the pulse that makes overdue work happen after a restart or while
    /// the grain is not active. Grain timers make work happen on time while it is active.
    /// </summary>
    public TimeSpan PulsePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often NICEPAY is asked for the status while a payment is awaited (recovers lost notifications).</summary>
    public TimeSpan StatusCheckInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Back-off after a failed or contradicting inquiry; the last value repeats.</summary>
    public List<TimeSpan> InquiryBackoff { get; set; } = [];

    /// <summary>How long after the end of validity the final inquiry runs, so a last-minute payment wins.</summary>
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the final inquiry may keep failing before the checkout is expired locally anyway.</summary>
    public TimeSpan ExpiryGiveUpAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Back-off between registration attempts and look-ups; the last value repeats.</summary>
    public List<TimeSpan> RegistrationBackoff { get; set; } = [];

    /// <summary>
    /// How long after an unknown registration outcome before looking it up, so the first request has surely finished
    /// at NICEPAY and cannot land after our look-up.
    /// </summary>
    public TimeSpan RegistrationSettleDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a registration may stay unresolved before the checkout fails.</summary>
    public TimeSpan RegistrationGiveUpAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Delays between webhook attempts (default ≈ 24 h in total); after the last, the event is abandoned.</summary>
    public List<TimeSpan> WebhookRetrySchedule { get; set; } = [];

    /// <summary>How long one webhook attempt may take.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The inquiry back-off with its default.</summary>
    public IReadOnlyList<TimeSpan> EffectiveInquiryBackoff => InquiryBackoff.Count > 0 ? InquiryBackoff : DefaultInquiryBackoff;

    /// <summary>The registration back-off with its default.</summary>
    public IReadOnlyList<TimeSpan> EffectiveRegistrationBackoff => RegistrationBackoff.Count > 0 ? RegistrationBackoff : DefaultRegistrationBackoff;

    /// <summary>The webhook schedule with its default.</summary>
    public IReadOnlyList<TimeSpan> EffectiveWebhookRetrySchedule => WebhookRetrySchedule.Count > 0 ? WebhookRetrySchedule : DefaultWebhookRetrySchedule;

    // Lists bound from configuration append to initial values, so the defaults live here instead.
    private static readonly TimeSpan[] DefaultInquiryBackoff =
        [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)];

    private static readonly TimeSpan[] DefaultRegistrationBackoff =
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)];

    private static readonly TimeSpan[] DefaultWebhookRetrySchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(8), TimeSpan.FromHours(8),
    ];

    /// <summary>The n-th (1-based) delay of a back-off, repeating the last.</summary>
    public static TimeSpan BackoffAt(IReadOnlyList<TimeSpan> backoff, int attempt) =>
        backoff[Math.Clamp(attempt - 1, 0, backoff.Count - 1)];
}

/// <summary>The orchestrator's own address, bound from <c>Orchestrator</c>.</summary>
public sealed class OrchestratorOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Orchestrator";

    /// <summary>The base URL NICEPAY can reach us at; notifications go to <c>{PublicBaseUrl}/callbacks/nicepay/{merchantId}</c>.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The notification URL for a merchant.</summary>
    public Uri NotificationUrlFor(string merchantId)
    {
        var baseUrl = PublicBaseUrl ?? throw new InvalidOperationException("Orchestrator:PublicBaseUrl is not configured.");
        var text = baseUrl.AbsoluteUri.TrimEnd('/');
        return new Uri($"{text}/callbacks/nicepay/{Uri.EscapeDataString(merchantId)}");
    }
}
