using System.Security.Cryptography;

namespace Orchestrator.ClusterHarness;

/// <summary>
/// Standard Webhooks secrets for the harness's merchants. Deliveries are verified by
/// <see cref="Orchestrator.TestSupport.Webhooks.StandardWebhooksVerifier"/>, the one implementation of the specification
/// the test suites share (written from standardwebhooks.com, no code in common with the orchestrator's signer).
/// </summary>
public static class StandardWebhooks
{
    /// <summary>A fresh <c>whsec_</c> secret (24 random bytes).</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
}
