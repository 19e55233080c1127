using System.Globalization;
using Orchestrator.ContractTests.Infrastructure;
using Orchestrator.Nicepay;

namespace Orchestrator.ContractTests;

/// <summary>
/// What the sandbox posts to dbProcessUrl, read the way the orchestrator reads it: <see cref="NicepayNotification.TryParse"/>
/// over the decoded form, then <see cref="MerchantToken.VerifyNotification"/> with the merchant's own credentials.
/// </summary>
[Collection(ContractTier.Name)]
public sealed class NotificationTests(ContractFixture contract)
{
    [Theory]
    [InlineData(CvsPartner.Indomaret)]
    [InlineData(CvsPartner.AlfaGroup)]
    public async Task TryParse_DepositAfterPaymentAtTheStore_ReadsEveryFieldAndTheTokenVerifies(CvsPartner partner)
    {
        var registeredAt = contract.SandboxNow;
        var validUntil = registeredAt.AddHours(20);
        var (request, notifyKey) = contract.NewRequest(partner, amount: 125_000, validUntil: validUntil);
        var registration = await contract.RegisterAsync(request);
        contract.SandboxClock.Advance(TimeSpan.FromMinutes(5));
        var paidAt = contract.SandboxNow;
        var receipt = await contract.PayAndCommitAsync(registration);
        var depositedAt = partner == CvsPartner.AlfaGroup ? paidAt + ContractFixture.ReadyToCommitWindow : paidAt;

        var post = Assert.Single(await contract.Receiver.WaitForAsync(notifyKey, 1));

        Assert.Equal("application/x-www-form-urlencoded", post.ContentType?.Split(';')[0]);
        var notification = Parse(post);
        Assert.Equal(registration.TransactionId, notification.TransactionId);
        Assert.Equal(registration.ReferenceNo, notification.ReferenceNo);
        Assert.Equal(125_000, notification.Amount);
        Assert.Equal("125000", notification.RawAmount);
        Assert.Equal(registration.PaymentCode, notification.PaymentCode);
        Assert.Equal(partner, notification.Partner);
        Assert.Equal("03", notification.PaymentMethod);
        Assert.Equal(NotificationMatch.Match, notification.MatchCl);
        Assert.Equal(NotificationDepositStatus.Deposit, notification.Status);
        Assert.Equal(receipt.GetProperty("receiptCode").GetString(), notification.ReceiptCode);
        Assert.Equal(depositedAt, notification.DepositedAt);
        Assert.Equal(validUntil, notification.ValidUntil);
        Assert.Equal(registeredAt, notification.TransactionTime);
        Assert.Equal("IDR", notification.Currency);
        Assert.Equal(request.GoodsName, notification.GoodsName);
        Assert.Equal(request.Billing.Name, notification.BillingName);

        Assert.True(MerchantToken.VerifyNotification(ContractFixture.Demo, notification.TransactionId, notification.RawAmount, notification.MerchantToken));
        Assert.True(notification.HasValidToken(ContractFixture.Demo));
        Assert.False(MerchantToken.VerifyNotification(
            new NicepayCredentials(ContractFixture.Demo.IMid, ContractFixture.NoDuplicateCheck.MerchantKey),
            notification.TransactionId,
            notification.RawAmount,
            notification.MerchantToken));
        Assert.False(notification.HasValidToken(ContractFixture.NoDuplicateCheck));
    }

    [Fact]
    public async Task VerifyNotification_BadTokenFault_FailsThoughTheFormParses()
    {
        var (registration, notifyKey) = await RegisterWithNotificationFaultAsync(new { kind = "bad-token" });
        await contract.PayAsync(registration);

        var notification = Parse(Assert.Single(await contract.Receiver.WaitForAsync(notifyKey, 1)));

        Assert.Equal(registration.TransactionId, notification.TransactionId);
        Assert.Equal(NotificationDepositStatus.Deposit, notification.Status);
        Assert.False(MerchantToken.VerifyNotification(ContractFixture.Demo, notification.TransactionId, notification.RawAmount, notification.MerchantToken));
        Assert.False(notification.HasValidToken(ContractFixture.Demo));
    }

    [Theory]
    [InlineData(2, NotificationMatch.Over, 1_000)]
    [InlineData(3, NotificationMatch.Under, -1_000)]
    public async Task TryParse_AmountMismatchFault_ReadsOverOrUnderWithATokenOverTheSentAmount(int matchCl, NotificationMatch expected, long difference)
    {
        var (registration, notifyKey) = await RegisterWithNotificationFaultAsync(new { kind = "amount-mismatch", matchCl });
        await contract.PayAsync(registration);

        var notification = Parse(Assert.Single(await contract.Receiver.WaitForAsync(notifyKey, 1)));

        Assert.Equal(expected, notification.MatchCl);
        Assert.Equal(registration.Amount + difference, notification.Amount);
        Assert.Equal((registration.Amount + difference).ToString(CultureInfo.InvariantCulture), notification.RawAmount);
        Assert.True(notification.HasValidToken(ContractFixture.Demo));
        Assert.False(MerchantToken.VerifyNotification(
            ContractFixture.Demo,
            notification.TransactionId,
            registration.Amount.ToString(CultureInfo.InvariantCulture),
            notification.MerchantToken));
    }

    [Fact]
    public async Task TryParse_ReversalFault_ReadsAReversalAfterTheDeposit()
    {
        var (registration, notifyKey) = await RegisterWithNotificationFaultAsync(new { kind = "reversal" });
        await contract.PayAsync(registration);

        var posts = await contract.Receiver.WaitForAsync(notifyKey, 2);

        Assert.Equal(2, posts.Count);
        var deposit = Parse(posts[0]);
        var reversal = Parse(posts[1]);
        Assert.Equal(NotificationDepositStatus.Deposit, deposit.Status);
        Assert.Equal(NotificationDepositStatus.Reversal, reversal.Status);
        Assert.Equal(registration.TransactionId, reversal.TransactionId);
        Assert.Equal(registration.Amount, reversal.Amount);
        Assert.True(reversal.HasValidToken(ContractFixture.Demo));
        Assert.Equal(CvsTransactionStatus.Reversed, (await contract.StatusOfAsync(registration)).Status);
    }

    [Fact]
    public async Task TryParse_OperatorReversal_ReadsAReversal()
    {
        var (request, notifyKey) = contract.NewRequest();
        var registration = await contract.RegisterAsync(request);
        await contract.PayAsync(registration);
        await contract.Receiver.WaitForAsync(notifyKey, 1);

        await contract.ReverseAsync(registration.TransactionId);
        var posts = await contract.Receiver.WaitForAsync(notifyKey, 2);

        var reversal = Parse(posts[1]);
        Assert.Equal(NotificationDepositStatus.Reversal, reversal.Status);
        Assert.Equal(NotificationMatch.Match, reversal.MatchCl);
        Assert.Equal(registration.TransactionId, reversal.TransactionId);
        Assert.True(reversal.HasValidToken(ContractFixture.Demo));
    }

    private static NicepayNotification Parse(ReceivedNotification post)
    {
        var parsed = NicepayNotification.TryParse(post.Form, out var notification, out var errors);
        Assert.True(parsed, $"the notification did not parse: {string.Join("; ", errors)}");
        Assert.Empty(errors);
        return notification!;
    }

    /// <summary>Registers an Indomaret payment whose notifications the given fault shapes.</summary>
    private async Task<(CvsRegistration Registration, string NotifyKey)> RegisterWithNotificationFaultAsync(object fault)
    {
        var (request, notifyKey) = contract.NewRequest();
        var registration = await contract.RegisterAsync(request);
        var rule = System.Text.Json.JsonSerializer.SerializeToNode(fault)!.AsObject();
        rule["operation"] = "notification";
        rule["count"] = 1;
        rule["match"] = new System.Text.Json.Nodes.JsonObject { ["tXid"] = registration.TransactionId };
        await contract.AddFaultAsync(rule);
        return (registration, notifyKey);
    }
}
