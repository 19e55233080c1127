namespace Orchestrator.Grains.Checkouts;

/// <summary>
/// What can happen to a checkout. Each trigger is journaled by name, so renaming one changes old journals' meaning:
/// add, never rename.
/// </summary>
public enum CheckoutTrigger
{
    /// <summary>NICEPAY issued the payment code.</summary>
    Register,

    /// <summary>NICEPAY definitely refused the registration, or its outcome stayed unknown past the recovery window.</summary>
    FailRegistration,

    /// <summary>The registration must be tried (or looked up) again later: busy gateway, or an unknown outcome.</summary>
    DeferRegistration,

    /// <summary>A verified NICEPAY notification was recorded.</summary>
    RecordNotification,

    /// <summary>A status inquiry said paid, for the exact amount.</summary>
    ConfirmPayment,

    /// <summary>A status inquiry contradicted what a notification said; re-checked later.</summary>
    RecordContradiction,

    /// <summary>A status inquiry failed; retried with back-off.</summary>
    RecordInquiryFailure,

    /// <summary>Something an operator must look at (amount mismatch, reversal notice, …).</summary>
    RecordAnomaly,

    /// <summary>The payment code's validity ended unpaid.</summary>
    Expire,

    /// <summary>The merchant or an operator cancelled before payment.</summary>
    Cancel,

    /// <summary>The merchant has the final paid status.</summary>
    Fulfil,

    /// <summary>NICEPAY reversed the payment.</summary>
    Reverse,
}
