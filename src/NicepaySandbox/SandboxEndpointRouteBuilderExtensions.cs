using Orchestrator.NicepaySandbox.Faults;
using Orchestrator.NicepaySandbox.Ledger;
using Orchestrator.NicepaySandbox.Nicepay;
using Orchestrator.NicepaySandbox.Stores;

namespace Orchestrator.NicepaySandbox;

/// <summary>Maps the sandbox's endpoints; mounted in another app, the paths stay the same.</summary>
public static class SandboxEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps NICEPAY's <c>/nicepay/direct/v2/registration|inquiry|cancel</c> and the sandbox's own
    /// <c>/sandbox/stores</c>, <c>/sandbox/faults</c>, <c>/sandbox/transactions</c> and <c>/sandbox/registrations</c>.
    /// They allow anonymous access: NICEPAY authenticates by the token in the body, not by the host's policies.
    /// </summary>
    public static IEndpointRouteBuilder MapNicepaySandbox(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapNicepayApi();
        endpoints.MapStoreCounterApi();
        endpoints.MapFaultsApi();
        endpoints.MapLedgerApi();
        return endpoints;
    }
}
