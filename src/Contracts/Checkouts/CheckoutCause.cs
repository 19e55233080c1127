namespace Orchestrator.Contracts.Checkouts;

/// <summary>Why a transition happened; recorded in the journal with every transition.</summary>
public enum CheckoutCause
{
    /// <summary>A call of the merchant API.</summary>
    MerchantCall = 0,

    /// <summary>A notification from NICEPAY.</summary>
    Notification = 1,

    /// <summary>A status inquiry at NICEPAY (scheduled, after a notification, or requested).</summary>
    StatusCheck = 2,

    /// <summary>The end of the payment code's validity.</summary>
    Expiry = 3,

    /// <summary>A call of the operator API.</summary>
    Operator = 4,

    /// <summary>The merchant's webhook endpoint acknowledged an event.</summary>
    WebhookDelivery = 5,

    /// <summary>Recovery of a registration whose outcome was not known.</summary>
    RegistrationRecovery = 6,
}
