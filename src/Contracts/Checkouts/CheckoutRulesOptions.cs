namespace Orchestrator.Contracts.Checkouts;

/// <summary>
/// What a checkout may ask for, bound from the <c>Checkouts</c> section. The API validates requests against it and the
/// grain applies the default validity.
/// </summary>
public sealed class CheckoutRulesOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Checkouts";

    /// <summary>The smallest amount NICEPAY accepts for CVS (Rp 10,000).</summary>
    public long MinimumAmount { get; set; } = 10_000;

    /// <summary>The largest amount payable at Indomaret.</summary>
    public long IndomaretMaximumAmount { get; set; } = 2_500_000;

    /// <summary>The largest amount payable at the Alfa group.</summary>
    public long AlfamartMaximumAmount { get; set; } = 5_000_000;

    /// <summary>How long a payment code stays payable when the merchant does not say.</summary>
    public TimeSpan DefaultValidity { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longest validity a merchant may ask for (NICEPAY's own default is 7 days).</summary>
    public TimeSpan MaximumValidity { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The shortest validity a merchant may ask for, so the customer has time to reach a store.</summary>
    public TimeSpan MinimumValidity { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest amount for a store network.</summary>
    public long MaximumAmountFor(StoreNetwork store) => store switch
    {
        StoreNetwork.Indomaret => IndomaretMaximumAmount,
        StoreNetwork.Alfamart => AlfamartMaximumAmount,
        _ => throw new ArgumentOutOfRangeException(nameof(store), store, "Unknown store network."),
    };
}
