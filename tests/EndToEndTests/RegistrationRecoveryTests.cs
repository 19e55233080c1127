using System.Net;
using Orchestrator.EndToEndTests.Infrastructure;
using Orchestrator.HostingSupport;
using Orchestrator.TestSupport.Webhooks;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.EndToEndTests;

/// <summary>
/// NICEPAY's answer to a registration never arrives (the host's registration timeout is 3 s, the fault holds the request
/// for 6 s): the create still answers, and recovery ends with exactly one payable code at NICEPAY.
/// </summary>
[Collection(PaymentFlows.Name)]
public sealed class RegistrationRecoveryTests(PaymentFlowsHost host)
{
    private const int FaultHoldMs = 6_000;
    private static readonly Merchant Shop = EndToEndHost.ShopA;

    [Theory]
    [InlineData("timeout-after-commit", 1)]
    [InlineData("timeout", 2)]
    public async Task Create_WhenNicepayRegistrationTimesOut_RecoversOneTransactionAndBecomesPayable(string fault, int registrationRequests)
    {
        var reference = EndToEndHost.NewReference("regto");
        await host.AddFaultAsync(new { operation = "registration", kind = fault, delayMs = FaultHoldMs, count = 1, match = new { referenceNo = reference } });

        var created = await host.CreateAsync(Shop, EndToEndHost.NewCheckout(reference, amount: 120_000));

        Assert.True(created.StatusCode == HttpStatusCode.Created, $"expected 201, got {created}");
        var pending = created.As<CheckoutJson>();
        Assert.Equal("created", pending.Status);
        Assert.Null(pending.PaymentCode);
        Assert.Null(pending.Instructions);

        var registeredEvent = await host.WaitForWebhookAsync(Shop, reference, "checkout.registered");
        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, registeredEvent, DateTimeOffset.UtcNow));
        var registered = await host.WaitForStatusAsync(Shop, reference, "registered");
        Assert.NotNull(registered.PaymentCode);
        Assert.NotNull(registered.Instructions);
        Assert.True(registered.Version > pending.Version, $"versions must increase: {pending.Version} then {registered.Version}");
        Assert.Equal(registered.PaymentCode, registeredEvent.Json!["data"]!["paymentCode"]!.GetValue<string>());

        // Exactly one transaction at NICEPAY, and it is the one the checkout holds.
        var registrations = await host.SandboxRegistrationAsync(Shop, reference);
        Assert.True(registrations.Received == registrationRequests && registrations.Created == 1,
            $"expected {registrationRequests} request(s) creating one transaction: {registrations}");
        var transaction = await host.SandboxTransactionAsync(Shop, reference);
        Assert.Equal((registered.TransactionId, registered.PaymentCode), (transaction.TXid, transaction.PayNo));
        var view = await host.OperatorViewAsync(Shop, reference);
        Assert.Equal(registrationRequests, view.Nicepay.RegistrationAttempts);
        var registration = Assert.Single(view.Journal, entry => entry.To == "registered" && entry.From == "created");
        Assert.Equal("registration_recovery", registration.Cause);

        // And it is payable.
        await host.PayOrFailAsync("indomaret", registered);
        await host.WaitForStatusAsync(Shop, reference, "fulfilled");
    }

    [Fact]
    public async Task Create_WhenNicepayRefusesTheRegistration_AnswersAFailedCheckoutAndTellsTheMerchant()
    {
        var reference = EndToEndHost.NewReference("refused");

        // Rp 15,000 is valid for us; this host's NICEPAY takes Rp 20,000 at least and answers 9509.
        var created = await host.CreateAsync(Shop, EndToEndHost.NewCheckout(reference, amount: 15_000));

        Assert.True(created.StatusCode == HttpStatusCode.Created, $"expected 201, got {created}");
        var failed = created.As<CheckoutJson>();
        Assert.Equal(("failed", "amount_too_small"), (failed.Status, failed.FailureReason));
        Assert.Null(failed.PaymentCode);
        Assert.Null(failed.Instructions);
        var failedEvent = await host.WaitForWebhookAsync(Shop, reference, "checkout.failed");
        Assert.Null(StandardWebhooksVerifier.Problem(Shop.WebhookSecret, failedEvent, DateTimeOffset.UtcNow));
        Assert.Equal(("failed", failed.Version), (failedEvent.DataStatus, failedEvent.DataVersion ?? 0));
        var registrations = await host.SandboxRegistrationAsync(Shop, reference);
        Assert.True(registrations is { Received: 1, Created: 0 } && registrations.Results.GetValueOrDefault("9509") == 1,
            $"expected one request refused with 9509: {registrations}");
        Assert.Empty(await host.SandboxTransactionsAsync(Shop, reference));
        var last = (await host.OperatorViewAsync(Shop, reference)).Journal[^1];
        Assert.Equal(("created", "failed", "merchant_call"), (last.From, last.To, last.Cause));
    }
}
