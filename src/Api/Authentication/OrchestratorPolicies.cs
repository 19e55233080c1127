namespace Orchestrator.Api.Authentication;

/// <summary>The authorization policies of the API.</summary>
public static class OrchestratorPolicies
{
    /// <summary>A merchant key: the principal carries <see cref="OrchestratorClaims.MerchantId"/>.</summary>
    public const string Merchant = "merchant";

    /// <summary>An operator key: the principal has the <see cref="OrchestratorClaims.OperatorRole"/> role.</summary>
    public const string Operator = "operator";
}

/// <summary>The claims an API key principal carries.</summary>
public static class OrchestratorClaims
{
    /// <summary>The merchant a merchant key belongs to.</summary>
    public const string MerchantId = "merchant_id";

    /// <summary>
    /// Which configured key was presented: its configuration path (<c>Merchants:acme:ApiKeys:1</c>,
    /// <c>Operators:ApiKeys:0</c>), never the key. Operators' rate limits are per key.
    /// </summary>
    public const string KeyId = "key_id";

    /// <summary>The role claim type.</summary>
    public const string Role = "role";

    /// <summary>The role of merchant keys.</summary>
    public const string MerchantRole = "merchant";

    /// <summary>The role of operator keys.</summary>
    public const string OperatorRole = "operator";
}
