using System.ComponentModel.DataAnnotations;

namespace Orchestrator.NicepaySandbox;

/// <summary>Behaviour of the sandbox, bound from the <c>Sandbox</c> configuration section and validated on start.</summary>
public sealed class SandboxOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Sandbox";

    /// <summary>NICEPAY's public sandbox merchant id (contract §4.1).</summary>
    public const string DemoMerchantId = "IONPAYTEST";

    /// <summary>NICEPAY's public demo merchant key for <see cref="DemoMerchantId"/> (contract §4.1).</summary>
    public const string DemoMerchantKey = "33F49GnCMS1mFYlGXisbUDzVf2ATWCl9k3R++d5hDd3Frmuos/XLx8XhXpe+LDYAbpGKZYSwtlyyLOtS/8aD7A==";

    /// <summary>
    /// Merchants by iMid. When none is configured, <see cref="DemoMerchantId"/> with <see cref="DemoMerchantKey"/> is added;
    /// an <see cref="DemoMerchantId"/> entry without a key gets the demo key.
    /// </summary>
    public Dictionary<string, SandboxMerchantOptions> Merchants { get; init; } = new(StringComparer.Ordinal);

    /// <summary>How long a payment number stays valid when the registration leaves <c>payValidDt</c>/<c>payValidTm</c> empty.</summary>
    public TimeSpan DefaultValidity { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The smallest amount a registration accepts (error 9509 below it).</summary>
    [Range(1, 999_999_999_999)]
    public long MinimumAmount { get; set; } = 10_000;

    /// <summary>How long an Alfa-group payment stays "ready to commit" (status 5) before it commits; zero commits at once.</summary>
    public TimeSpan ReadyToCommitWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether the store counter refuses payments during the stores' cut-off hours (Jakarta time).</summary>
    public bool EnforceStoreHours { get; set; }

    /// <summary>Delays before each retry of a notification that was not answered with 2xx; empty means no retries.</summary>
    public List<TimeSpan> NotificationRetrySchedule { get; init; } = [];

    /// <summary>How long one notification attempt may take (real time, as a network timeout).</summary>
    public TimeSpan NotificationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether an inquiry with an empty <c>tXid</c> finds the newest transaction with the request's <c>referenceNo</c>.</summary>
    public bool InquiryByReferenceNo { get; set; } = true;

    /// <summary>The inquiry <c>status</c> of a transaction cancelled through the API (NICEPAY's value is unconfirmed).</summary>
    [RegularExpression("^[0-9]$")]
    public string CancelledInquiryStatus { get; set; } = "4";

    /// <summary>The inquiry <c>status</c> of a paid transaction that was reversed (not documented for CVS; VA uses 1).</summary>
    [RegularExpression("^[0-9]$")]
    public string ReversedInquiryStatus { get; set; } = "1";
}

/// <summary>One merchant known to the sandbox.</summary>
public sealed class SandboxMerchantOptions
{
    /// <summary>The merchant key that tokens are computed with.</summary>
    public string MerchantKey { get; set; } = "";

    /// <summary>The name the cashier sees ("NICEPAY + merchant name").</summary>
    public string Name { get; set; } = "";

    /// <summary>NICEPAY's per-merchant ORD_NO_DUP_CHK_FLG: reject a second registration of a referenceNo (error 9009).</summary>
    public bool DuplicateReferenceCheck { get; set; } = true;

    /// <summary>Overrides <see cref="SandboxOptions.DefaultValidity"/> for this merchant.</summary>
    public TimeSpan? DefaultValidity { get; set; }
}
