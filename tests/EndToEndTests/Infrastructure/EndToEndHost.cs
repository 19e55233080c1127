using Orchestrator.HostingSupport;

namespace Orchestrator.EndToEndTests.Infrastructure;

/// <summary>
/// The end-to-end suite's <see cref="SiloHost"/>: the real Silo on a loopback port with the NICEPAY sandbox mounted in
/// it, two merchants (<see cref="ShopA"/>, <see cref="ShopB"/>) each with its own iMid (known to the sandbox), API key
/// and webhook secret, an operator key, and referenceNos that start with <c>E2E-</c>. The Silo logs, quietened, to the
/// usual providers. Subclasses choose the timing that their tests need.
/// </summary>
public abstract class EndToEndHost() : SiloHost(Profile)
{
    public const string OperatorKey = "e2e-operator-key-0001";

    public static readonly Merchant ShopA = new(
        "shop-a", "Shop A", "shop-a-e2e-api-key-0001", "SHOPAE2E01", "shop-a-sandbox-merchant-key", "whsec_Qm7OZF1ozp+T5LwsrMm6OSKww/IPcJ+V");

    public static readonly Merchant ShopB = new(
        "shop-b", "Shop B", "shop-b-e2e-api-key-0001", "SHOPBE2E01", "shop-b-sandbox-merchant-key", "whsec_2RH9qHA2txEM7LNhrUuSxvVC8VZIWZqo");

    /// <summary>How long a wait for something that normally takes milliseconds may last before the test fails.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    // After the fields it is made of: static fields are initialized in the order they are written.
    private static readonly SiloHostProfile Profile = new("E2E", OperatorKey, [ShopA, ShopB], DefaultWait);

    /// <summary>A unique referenceNo for one test: <c>E2E-{what}-{16 hex}</c>.</summary>
    public static string NewReference(string what) => Profile.NewReference(what);
}
