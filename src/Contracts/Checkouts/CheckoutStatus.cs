namespace Orchestrator.Contracts.Checkouts;

/// <summary>
/// Where a checkout is in NICEPAY's CVS payment flow. Values are stored in grain state: never renumber them.
/// </summary>
public enum CheckoutStatus
{
    /// <summary>Accepted from the merchant and persisted; the payment code is not issued yet.</summary>
    Created = 0,

    /// <summary>Registered at NICEPAY: the customer holds a payment code and can pay at the store.</summary>
    Registered = 1,

    /// <summary>NICEPAY notified a payment; waiting for a status inquiry to confirm it.</summary>
    Notified = 2,

    /// <summary>A status inquiry confirmed the payment (status paid, amount equal).</summary>
    Confirmed = 3,

    /// <summary>The merchant has the final paid status (its webhook answered 2xx, or it called fulfil).</summary>
    Fulfilled = 4,

    /// <summary>The payment code expired unpaid. A later verified payment still moves it to confirmed.</summary>
    Expired = 5,

    /// <summary>Cancelled by the merchant or an operator before payment. A later verified payment still moves it to confirmed.</summary>
    Cancelled = 6,

    /// <summary>NICEPAY refused the registration, or its outcome could not be resolved; no payment code exists.</summary>
    Failed = 7,

    /// <summary>A confirmed payment was reversed by NICEPAY (reversal notification verified by inquiry).</summary>
    Reversed = 8,
}
