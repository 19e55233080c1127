namespace Orchestrator.Contracts.Checkouts;

/// <summary>
/// Remembers which request an <c>Idempotency-Key</c> was first used with, keyed <c>{merchantId}/{idempotencyKey}</c>.
/// </summary>
public interface IIdempotencyKeyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Claims the key for a request identified by its reference and fingerprint (a hash of the whole request body).
    /// The first claim wins; later claims are told whether they match it.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(string referenceNo, string requestFingerprint);
}

/// <summary>How an idempotency key claim was answered.</summary>
public enum IdempotencyClaimOutcome
{
    /// <summary>First use of the key: it now belongs to this request.</summary>
    Claimed = 0,

    /// <summary>The key was used before with the same request.</summary>
    SameRequest = 1,

    /// <summary>The key was used before with a different request.</summary>
    DifferentRequest = 2,
}

/// <summary>The answer to <see cref="IIdempotencyKeyGrain.ClaimAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("orchestrator.idempotency-claim")]
public sealed record IdempotencyClaim
{
    /// <summary>How the claim was answered.</summary>
    [Id(0)] public required IdempotencyClaimOutcome Outcome { get; init; }

    /// <summary>The reference of the request that first used the key.</summary>
    [Id(1)] public required string ReferenceNo { get; init; }
}
