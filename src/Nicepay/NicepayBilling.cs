namespace Orchestrator.Nicepay;

/// <summary>
/// The buyer's billing data. NICEPAY requires every billing field to be present (errors 9016–9018 and
/// 9025–9028) but, as far as the contract tells, checks presence rather than content; so the fields a
/// cash-at-the-store checkout rarely has default to <see cref="NotProvided"/> (address, city, state,
/// postal code) and <c>Indonesia</c> (country). Pass real values whenever they are known.
/// </summary>
public sealed record NicepayBilling
{
    /// <summary>The placeholder sent for an unknown address part.</summary>
    public const string NotProvided = "-";

    /// <summary>The buyer's name (<c>billingNm</c>, up to 100 letters).</summary>
    public required string Name { get; init; }

    /// <summary>The buyer's phone number (<c>billingPhone</c>, digits, up to 15).</summary>
    public required string Phone { get; init; }

    /// <summary>The buyer's e-mail (<c>billingEmail</c>, up to 40 characters).</summary>
    public required string Email { get; init; }

    /// <summary>The street address (<c>billingAddr</c>); defaults to <see cref="NotProvided"/>.</summary>
    public string Address { get; init; } = NotProvided;

    /// <summary>The city (<c>billingCity</c>); defaults to <see cref="NotProvided"/>.</summary>
    public string City { get; init; } = NotProvided;

    /// <summary>The province (<c>billingState</c>); defaults to <see cref="NotProvided"/>.</summary>
    public string State { get; init; } = NotProvided;

    /// <summary>The postal code (<c>billingPostCd</c>); defaults to <see cref="NotProvided"/>.</summary>
    public string PostCode { get; init; } = NotProvided;

    /// <summary>The country (<c>billingCountry</c>); defaults to <c>Indonesia</c>.</summary>
    public string Country { get; init; } = "Indonesia";
}

/// <summary>Optional delivery data (<c>delivery*</c> fields); every field left null is not sent.</summary>
public sealed record NicepayDelivery
{
    /// <summary><c>deliveryNm</c>.</summary>
    public string? Name { get; init; }

    /// <summary><c>deliveryPhone</c>.</summary>
    public string? Phone { get; init; }

    /// <summary><c>deliveryAddr</c>.</summary>
    public string? Address { get; init; }

    /// <summary><c>deliveryCity</c>.</summary>
    public string? City { get; init; }

    /// <summary><c>deliveryState</c>.</summary>
    public string? State { get; init; }

    /// <summary><c>deliveryPostCd</c>.</summary>
    public string? PostCode { get; init; }

    /// <summary><c>deliveryCountry</c>.</summary>
    public string? Country { get; init; }
}

/// <summary>One line of <c>cartData</c>. The amounts of all lines must add up to the transaction amount (error 9023).</summary>
public sealed record NicepayCartItem
{
    /// <summary><c>goods_name</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>goods_amt</c>: the line amount in whole rupiah.</summary>
    public required long Amount { get; init; }

    /// <summary><c>goods_detail</c>; sent as <c>""</c> when null.</summary>
    public string? Detail { get; init; }

    /// <summary><c>img_url</c>; sent as <c>""</c> when null.</summary>
    public Uri? ImageUrl { get; init; }
}
