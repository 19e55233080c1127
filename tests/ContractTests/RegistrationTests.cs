using System.Text.RegularExpressions;
using Orchestrator.ContractTests.Infrastructure;
using Orchestrator.Nicepay;

namespace Orchestrator.ContractTests;

/// <summary>Registration that NICEPAY (the sandbox) accepts: what the client returns, and what the sandbox holds.</summary>
[Collection(ContractTier.Name)]
public sealed class RegistrationTests(ContractFixture contract)
{
    [Theory]
    [InlineData(CvsPartner.Indomaret, "INDO")]
    [InlineData(CvsPartner.AlfaGroup, "ALMA")]
    public async Task RegisterAsync_ValidRequest_ReturnsTheTypedRegistrationTheLedgerHolds(CvsPartner partner, string mitraCd)
    {
        var now = contract.SandboxNow;
        var validUntil = now.AddHours(26).AddMinutes(15).AddSeconds(7);
        var (request, _) = contract.NewRequest(partner, amount: 175_000, validUntil: validUntil);
        request = request with { Description = "Contract order" };

        var result = await contract.Client.RegisterAsync(ContractFixture.Demo, request);

        Assert.Equal(NicepayOutcome.Succeeded, result.Outcome);
        var registration = result.Value!;
        var tXid = Regex.Match(registration.TransactionId, "^IONPAYTEST03([0-9]{14})([0-9]{4})$");
        Assert.True(tXid.Success, $"tXid '{registration.TransactionId}' is not iMid + 03 + yyyyMMddHHmmss + 4 digits");
        Assert.Equal(JakartaTime.ToTimeStamp(now), tXid.Groups[1].Value);
        Assert.Matches("^[0-9]{12,20}$", registration.PaymentCode);
        Assert.Equal(validUntil, registration.ValidUntil);
        Assert.Equal(JakartaTime.Offset, registration.ValidUntil!.Value.Offset);
        Assert.Equal(request.ReferenceNo, registration.ReferenceNo);
        Assert.Equal(175_000, registration.Amount);
        Assert.Equal(partner, registration.Partner);
        Assert.Equal("IDR", registration.Currency);
        Assert.Equal("Contract order", registration.Description);
        Assert.Equal("SUCCESS", registration.ResultMessage);
        Assert.Equal(now, registration.TransactionTime);

        var ledger = await contract.TransactionAsync(registration.TransactionId);
        Assert.Equal(ContractFixture.Demo.IMid, ledger.GetProperty("iMid").GetString());
        Assert.Equal(request.ReferenceNo, ledger.GetProperty("referenceNo").GetString());
        Assert.Equal(175_000, ledger.GetProperty("amount").GetInt64());
        Assert.Equal(mitraCd, ledger.GetProperty("mitraCd").GetString());
        Assert.Equal(registration.PaymentCode, ledger.GetProperty("payNo").GetString());
        Assert.Equal("3", ledger.GetProperty("status").GetString());
        Assert.Equal("unpaid", ledger.GetProperty("statusName").GetString());
        Assert.Equal(validUntil, ledger.GetProperty("validUntil").GetDateTimeOffset());
        Assert.Equal(request.GoodsName, ledger.GetProperty("goodsNm").GetString());
        Assert.Equal(request.Billing.Name, ledger.GetProperty("billingNm").GetString());
        Assert.Equal("Contract order", ledger.GetProperty("description").GetString());
        Assert.Equal(request.NotificationUrl.AbsoluteUri, ledger.GetProperty("dbProcessUrl").GetString());
        Assert.Equal(1, ledger.GetProperty("registrationRequests").GetInt32());
    }

    [Fact]
    public async Task RegisterAsync_WithoutValidUntil_GetsTheMerchantDefaultOfSevenDays()
    {
        var now = contract.SandboxNow;

        var registration = await contract.RegisterAsync(validUntil: null);

        Assert.Equal(now.AddDays(7), registration.ValidUntil);
        var ledger = await contract.TransactionAsync(registration.TransactionId);
        Assert.Equal(now.AddDays(7), ledger.GetProperty("validUntil").GetDateTimeOffset());
    }

    [Fact]
    public async Task RegisterAsync_ValidUntilInUtcWithAFraction_IsSentAsJakartaWallClockToTheSecond()
    {
        var expected = contract.SandboxNow.AddHours(3).AddMinutes(59).AddSeconds(59);
        var (request, _) = contract.NewRequest(validUntil: expected.ToUniversalTime().AddMilliseconds(750));

        var registration = await contract.RegisterAsync(request);

        Assert.Equal(expected, registration.ValidUntil);
        Assert.Equal(JakartaTime.Offset, registration.ValidUntil!.Value.Offset);
        var ledger = await contract.TransactionAsync(registration.TransactionId);
        Assert.Equal(JakartaTime.ToDate(expected), ledger.GetProperty("payValidDt").GetString());
        Assert.Equal(JakartaTime.ToTime(expected), ledger.GetProperty("payValidTm").GetString());
    }

    [Fact]
    public async Task RegisterAsync_AmountAtTheMinimum_Succeeds()
    {
        var registration = await contract.RegisterAsync(amount: 10_000);

        Assert.Equal(10_000, registration.Amount);
        Assert.Equal(10_000, (await contract.TransactionAsync(registration.TransactionId)).GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task RegisterAsync_CartDeliverySymbolsAndEveryOptionalField_IsAcceptedAndStoredAsSent()
    {
        // referenceNo is ANS: symbols that JSON escapes (+, <, &, ') must reach the sandbox's token check unchanged.
        var referenceNo = "CT/" + Guid.NewGuid().ToString("N")[..12] + "+<&>'#";
        var (request, _) = contract.NewRequest(CvsPartner.AlfaGroup, amount: 60_000, referenceNo: referenceNo);
        request = request with
        {
            GoodsName = "Kopi Luwak ☕ 250 g, «premium»",
            Billing = new NicepayBilling
            {
                Name = "Siti Rahayu",
                Phone = "+6281234567890",
                Email = "siti@example.com",
                Address = "Jalan Bukit Berbunga 22",
                City = "Jakarta",
                State = "DKI Jakarta",
                PostCode = "12345",
                Country = "Indonesia",
            },
            Cart =
            [
                new NicepayCartItem { Name = "Kopi Luwak", Amount = 45_000, Detail = "250 g", ImageUrl = new Uri("https://shop.example/kopi.png") },
                new NicepayCartItem { Name = "Shipping", Amount = 15_000 },
            ],
            Delivery = new NicepayDelivery { Name = "Siti", Phone = "081234567890", Address = "Jalan Melati 5", City = "Bandung", State = "Jawa Barat", PostCode = "40111", Country = "Indonesia" },
            Vat = 0,
            Fee = 0,
            NoTaxAmount = 60_000,
            Description = "Order with everything",
            UserIp = "127.0.0.1",
            CallbackUrl = new Uri("https://shop.example/return"),
            RequestDomain = "shop.example",
            RequestServerIp = "10.0.0.1",
            RequestClientVersion = "contract-tests",
            UserSessionId = "session-1",
            UserAgent = "ContractTests/1.0",
            UserLanguage = "id-ID",
        };

        var result = await contract.Client.RegisterAsync(ContractFixture.Demo, request);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(referenceNo, result.Value.ReferenceNo);
        var ledger = await contract.TransactionAsync(result.Value.TransactionId);
        Assert.Equal(referenceNo, ledger.GetProperty("referenceNo").GetString());
        Assert.Equal("Kopi Luwak ☕ 250 g, «premium»", ledger.GetProperty("goodsNm").GetString());
        Assert.Equal("Siti Rahayu", ledger.GetProperty("billingNm").GetString());
        Assert.Equal("ALMA", ledger.GetProperty("mitraCd").GetString());
        Assert.Equal(60_000, ledger.GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task RegisterAsync_SlowGatewayWithinTheTimeout_Succeeds()
    {
        var (request, _) = contract.NewRequest();
        var fault = await contract.AddFaultAsync(new { operation = "registration", kind = "slow", delayMs = 1000, count = 1, match = new { referenceNo = request.ReferenceNo } });

        var pending = contract.Client.RegisterAsync(ContractFixture.Demo, request);
        await Eventually.TrueAsync(async () => await contract.FaultFiredAsync(fault) == 1, "the slow fault to fire");
        Assert.False(pending.IsCompleted, "the slow fault holds the answer until the sandbox clock moves");
        var result = await contract.AdvanceUntilCompletedAsync(pending, TimeSpan.FromSeconds(1));

        Assert.True(result.IsSuccess, result.ToString());
        var transaction = Assert.Single(await contract.TransactionsAsync(request.ReferenceNo));
        Assert.Equal(result.Value.TransactionId, transaction.GetProperty("tXid").GetString());
    }
}
