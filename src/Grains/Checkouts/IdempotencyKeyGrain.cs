using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Grains.Checkouts;

/// <summary>What an idempotency key was first used for.</summary>
[GenerateSerializer, Alias("orchestrator.idempotency-key-state")]
public sealed class IdempotencyKeyState
{
    /// <summary>The reference of the first request.</summary>
    [Id(0)] public string ReferenceNo { get; set; } = "";

    /// <summary>The fingerprint of the first request's body.</summary>
    [Id(1)] public string RequestFingerprint { get; set; } = "";

    /// <summary>When the key was first used.</summary>
    [Id(2)] public DateTimeOffset ClaimedAt { get; set; }
}

/// <summary>Remembers the first request an <c>Idempotency-Key</c> was used with (keyed <c>{merchantId}/{key}</c>).</summary>
[GrainType("idempotency-key")]
public sealed class IdempotencyKeyGrain(
    [PersistentState("idempotency", GrainsServiceCollectionExtensions.StorageName)] IPersistentState<IdempotencyKeyState> state,
    TimeProvider timeProvider) : Grain, IIdempotencyKeyGrain
{
    /// <inheritdoc />
    public async Task<IdempotencyClaim> ClaimAsync(string referenceNo, string requestFingerprint)
    {
        if (state.RecordExists)
        {
            var same = string.Equals(state.State.ReferenceNo, referenceNo, StringComparison.Ordinal)
                       && string.Equals(state.State.RequestFingerprint, requestFingerprint, StringComparison.Ordinal);
            return new IdempotencyClaim
            {
                Outcome = same ? IdempotencyClaimOutcome.SameRequest : IdempotencyClaimOutcome.DifferentRequest,
                ReferenceNo = state.State.ReferenceNo,
            };
        }

        state.State.ReferenceNo = referenceNo;
        state.State.RequestFingerprint = requestFingerprint;
        state.State.ClaimedAt = timeProvider.GetUtcNow();
        await state.WriteStateAsync();
        return new IdempotencyClaim { Outcome = IdempotencyClaimOutcome.Claimed, ReferenceNo = referenceNo };
    }
}
