namespace Orchestrator.Contracts.Checkouts;

/// <summary>
/// The convenience-store network a payment code is valid at. NICEPAY calls this the partner (<c>mitraCd</c>).
/// </summary>
public enum StoreNetwork
{
    /// <summary>Indomaret (<c>INDO</c>).</summary>
    Indomaret = 1,

    /// <summary>The Alfa group: Alfamart, Alfamidi, Lawson, Dan+Dan (<c>ALMA</c>).</summary>
    Alfamart = 2,
}
