namespace Orchestrator.EndToEndTests.Infrastructure;

/// <summary>
/// The host for payment flows: status checks every 2 s (a lost notification is recovered within seconds), NICEPAY
/// timeouts of 3 s for a registration and 2 s per cancel attempt (the faults that lose answers hold longer), a 3 s
/// Alfa-group ready-to-commit window, and a NICEPAY minimum amount (Rp 20,000) above ours (Rp 10,000), so a valid
/// request can still be refused by NICEPAY.
/// </summary>
public sealed class PaymentFlowsHost : EndToEndHost
{
    protected override string Name => "payment-flows";

    protected override IReadOnlyDictionary<string, string?> HostSettings { get; } = new Dictionary<string, string?>
    {
        ["Checkouts:Timing:StatusCheckInterval"] = "00:00:02",
        ["Nicepay:RegistrationTimeout"] = "00:00:03",
        ["Nicepay:CancelAttemptTimeout"] = "00:00:02",
        ["Sandbox:ReadyToCommitWindow"] = "00:00:03",
        ["Sandbox:MinimumAmount"] = "20000",
    };
}

/// <summary>
/// The host for validity flows: the regular status check is 10 minutes away, so while a payment is awaited the only
/// inquiry is the final one at the end of validity (plus 1 s of grace): whatever happens at expiry is its doing.
/// </summary>
public sealed class ValidityHost : EndToEndHost
{
    protected override string Name => "validity";

    protected override IReadOnlyDictionary<string, string?> HostSettings { get; } = new Dictionary<string, string?>
    {
        ["Checkouts:Timing:StatusCheckInterval"] = "00:10:00",
    };
}

/// <summary>Tests of payment flows share one <see cref="PaymentFlowsHost"/> and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PaymentFlows : ICollectionFixture<PaymentFlowsHost>
{
    public const string Name = "Payment flows";
}

/// <summary>Tests of expiry share one <see cref="ValidityHost"/>; they run in parallel with the payment flows.</summary>
[CollectionDefinition(Name)]
public sealed class ValidityFlows : ICollectionFixture<ValidityHost>
{
    public const string Name = "Validity flows";
}
