using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Contracts.Webhooks;

/// <summary>The event types sent to merchants.</summary>
public static class CheckoutEventTypes
{
    /// <summary>A payment code was issued after the create call had returned (registration recovered).</summary>
    public const string Registered = "checkout.registered";

    /// <summary>The payment is confirmed by NICEPAY: fulfil the order.</summary>
    public const string Confirmed = "checkout.confirmed";

    /// <summary>The payment code expired unpaid.</summary>
    public const string Expired = "checkout.expired";

    /// <summary>The checkout was cancelled.</summary>
    public const string Cancelled = "checkout.cancelled";

    /// <summary>No payment code could be issued.</summary>
    public const string Failed = "checkout.failed";

    /// <summary>A confirmed payment was reversed.</summary>
    public const string Reversed = "checkout.reversed";

    /// <summary>Something needs a human: amount mismatch, reversal notice, late payment, contradiction.</summary>
    public const string AttentionRequired = "checkout.attention_required";
}

/// <summary>An event about a checkout, before it is serialized for the merchant.</summary>
/// <param name="Id">Stable id of the logical event (same id on every attempt and after restarts).</param>
/// <param name="Type">One of <see cref="CheckoutEventTypes"/>.</param>
/// <param name="CreatedAt">When the event happened.</param>
/// <param name="Checkout">The checkout after the transition, with its version.</param>
/// <param name="Anomaly">For attention events: what needs attention.</param>
public sealed record CheckoutEvent(string Id, string Type, DateTimeOffset CreatedAt, CheckoutSnapshot Checkout, Anomaly? Anomaly);

/// <summary>
/// Turns an event into the JSON body merchants receive (<c>{"id","type","createdAt","data"}</c>, data being the checkout
/// exactly as the merchant API returns it). Implemented by the API layer, which owns the wire format; the grains store
/// the body once, so every retry sends the same bytes.
/// </summary>
public interface ICheckoutEventSerializer
{
    /// <summary>Serializes the event to the UTF-8 JSON body.</summary>
    string Serialize(CheckoutEvent checkoutEvent);
}
