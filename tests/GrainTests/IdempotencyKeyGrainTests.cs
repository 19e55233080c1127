using Orchestrator.Contracts.Checkouts;
using Orchestrator.GrainTests.Infrastructure;

namespace Orchestrator.GrainTests;

[Collection(CheckoutClusterDefinition.Name)]
public sealed class IdempotencyKeyGrainTests(CheckoutClusterFixture fixture)
{
    [Fact]
    public async Task ClaimAsync_FirstUseWinsAndLaterUsesAreToldWhetherTheyMatch()
    {
        var key = fixture.Client.GetGrain<IIdempotencyKeyGrain>($"m1/{Guid.NewGuid():N}");

        var first = await key.ClaimAsync("ORD-1", "fingerprint-a");
        var same = await key.ClaimAsync("ORD-1", "fingerprint-a");
        var otherBody = await key.ClaimAsync("ORD-1", "fingerprint-b");
        var otherReference = await key.ClaimAsync("ORD-2", "fingerprint-a");

        Assert.Equal((IdempotencyClaimOutcome.Claimed, "ORD-1"), (first.Outcome, first.ReferenceNo));
        Assert.Equal((IdempotencyClaimOutcome.SameRequest, "ORD-1"), (same.Outcome, same.ReferenceNo));
        Assert.Equal((IdempotencyClaimOutcome.DifferentRequest, "ORD-1"), (otherBody.Outcome, otherBody.ReferenceNo));
        Assert.Equal((IdempotencyClaimOutcome.DifferentRequest, "ORD-1"), (otherReference.Outcome, otherReference.ReferenceNo));
    }
}
