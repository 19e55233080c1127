using Orchestrator.ContractTests.Infrastructure;
using Orchestrator.Nicepay;

namespace Orchestrator.ContractTests;

/// <summary>
/// Every registration rejection the client can provoke, mapped to its named reason with the sandbox's resultCd, and the
/// cases the client refuses before sending anything (so the sandbox never sees them).
/// </summary>
[Collection(ContractTier.Name)]
public sealed class RegistrationRejectionTests(ContractFixture contract)
{
    [Fact]
    public async Task RegisterAsync_WrongMerchantKey_IsRejectedAsInvalidMerchantToken()
    {
        var (request, _) = contract.NewRequest();

        var result = await contract.Client.RegisterAsync(new NicepayCredentials(ContractFixture.Demo.IMid, "not-the-demo-key"), request);

        AssertRejected(result, NicepayRejectionReason.InvalidMerchantToken, "9010");
        await AssertNothingRegisteredAsync(request.ReferenceNo, "9010");
    }

    [Fact]
    public async Task RegisterAsync_UnknownIMid_IsRejectedAsUnknownMerchant()
    {
        var (request, _) = contract.NewRequest();

        var result = await contract.Client.RegisterAsync(new NicepayCredentials("UNKNOWN001", ContractFixture.Demo.MerchantKey), request);

        AssertRejected(result, NicepayRejectionReason.UnknownMerchant, "9011");
        await AssertNothingRegisteredAsync(request.ReferenceNo, "9011", "UNKNOWN001");
    }

    [Fact]
    public async Task RegisterAsync_SameReferenceTwice_SecondIsRejectedAsDuplicateReference()
    {
        var (request, _) = contract.NewRequest();
        var first = await contract.RegisterAsync(request);

        var second = await contract.Client.RegisterAsync(ContractFixture.Demo, request);

        AssertRejected(second, NicepayRejectionReason.DuplicateReference, "9009");
        var transaction = Assert.Single(await contract.TransactionsAsync(request.ReferenceNo));
        Assert.Equal(first.TransactionId, transaction.GetProperty("tXid").GetString());
        var counter = (await contract.RegistrationRequestsAsync(request.ReferenceNo))!.Value;
        Assert.Equal(2, counter.GetProperty("received").GetInt32());
        Assert.Equal(1, counter.GetProperty("created").GetInt32());
        Assert.Equal(1, counter.GetProperty("results").GetProperty("9009").GetInt32());
    }

    [Fact]
    public async Task RegisterAsync_SameReferenceTwiceWithDuplicateCheckOff_CreatesASecondTransaction()
    {
        var (request, _) = contract.NewRequest();
        var first = await contract.RegisterAsync(request, ContractFixture.NoDuplicateCheck);

        var second = await contract.Client.RegisterAsync(ContractFixture.NoDuplicateCheck, request);

        Assert.True(second.IsSuccess, second.ToString());
        Assert.NotEqual(first.TransactionId, second.Value.TransactionId);
        Assert.NotEqual(first.PaymentCode, second.Value.PaymentCode);
        Assert.StartsWith("NODUPTEST103", second.Value.TransactionId, StringComparison.Ordinal);
        var transactions = await contract.TransactionsAsync(request.ReferenceNo, ContractFixture.NoDuplicateCheck.IMid);
        Assert.Equal(
            new[] { second.Value.TransactionId, first.TransactionId },
            transactions.Select(t => t.GetProperty("tXid").GetString()!).ToArray());
    }

    [Fact]
    public async Task RegisterAsync_AmountBelowTheMinimum_IsRejectedAsAmountTooSmall()
    {
        var (request, _) = contract.NewRequest(amount: 9_999);

        var result = await contract.Client.RegisterAsync(ContractFixture.Demo, request);

        AssertRejected(result, NicepayRejectionReason.AmountTooSmall, "9509");
        await AssertNothingRegisteredAsync(request.ReferenceNo, "9509");
    }

    [Fact]
    public async Task RegisterAsync_AmountOfThirteenDigits_IsRejectedAsInvalidAmount()
    {
        // amt is N 12: the client sends any positive long, the gateway refuses what does not fit.
        var (request, _) = contract.NewRequest(amount: 1_000_000_000_000);

        var result = await contract.Client.RegisterAsync(ContractFixture.Demo, request);

        AssertRejected(result, NicepayRejectionReason.InvalidAmount, "9008");
        await AssertNothingRegisteredAsync(request.ReferenceNo, "9008");
    }

    [Theory]
    [InlineData(-60)]
    [InlineData(0)]
    public async Task RegisterAsync_ValidUntilNotInTheFuture_IsRejectedAsInvalidExpiry(int secondsFromNow)
    {
        var (request, _) = contract.NewRequest(validUntil: contract.SandboxNow.AddSeconds(secondsFromNow));

        var result = await contract.Client.RegisterAsync(ContractFixture.Demo, request);

        AssertRejected(result, NicepayRejectionReason.InvalidExpiry, "9510");
        await AssertNothingRegisteredAsync(request.ReferenceNo, "9510");
    }

    [Fact]
    public async Task RegisterAsync_ReferenceLongerThanFortyCharacters_IsRejectedWithCode9507()
    {
        // The client does not check referenceNo's length (ANS 40); NICEPAY's 9507 has no named group, so it is Other.
        var (request, _) = contract.NewRequest(referenceNo: "CT-" + new string('7', 38));

        var result = await contract.Client.RegisterAsync(ContractFixture.Demo, request);

        AssertRejected(result, NicepayRejectionReason.Other, "9507");
        await AssertNothingRegisteredAsync(request.ReferenceNo, "9507");
    }

    public static TheoryData<string> RequiredFields =>
    [
        "goodsNm", "billingNm", "billingPhone", "billingEmail", "billingAddr", "billingCity", "billingState", "billingPostCd", "billingCountry",
    ];

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public async Task RegisterAsync_BlankRequiredField_IsRefusedBeforeSending(string field)
    {
        // The sandbox would answer 9015–9018 / 9025–9028 (MissingField); the client never lets such a request leave.
        var (request, _) = contract.NewRequest();
        request = field switch
        {
            "goodsNm" => request with { GoodsName = " " },
            "billingNm" => request with { Billing = request.Billing with { Name = "" } },
            "billingPhone" => request with { Billing = request.Billing with { Phone = "" } },
            "billingEmail" => request with { Billing = request.Billing with { Email = " " } },
            "billingAddr" => request with { Billing = request.Billing with { Address = "" } },
            "billingCity" => request with { Billing = request.Billing with { City = "" } },
            "billingState" => request with { Billing = request.Billing with { State = "" } },
            "billingPostCd" => request with { Billing = request.Billing with { PostCode = "" } },
            "billingCountry" => request with { Billing = request.Billing with { Country = "" } },
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };

        await Assert.ThrowsAnyAsync<ArgumentException>(() => contract.Client.RegisterAsync(ContractFixture.Demo, request));

        Assert.Null(await contract.RegistrationRequestsAsync(request.ReferenceNo));
    }

    [Fact]
    public async Task RegisterAsync_CartNotAddingUpToTheAmount_IsRefusedBeforeSending()
    {
        // The sandbox would answer 9023 (InvalidCartData).
        var (request, _) = contract.NewRequest(amount: 50_000);
        request = request with { Cart = [new NicepayCartItem { Name = "Kopi", Amount = 40_000 }] };

        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(() => contract.Client.RegisterAsync(ContractFixture.Demo, request));

        Assert.Contains("9023", refused.Message, StringComparison.Ordinal);
        Assert.Null(await contract.RegistrationRequestsAsync(request.ReferenceNo));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-10_000)]
    public async Task RegisterAsync_AmountNotPositive_IsRefusedBeforeSending(long amount)
    {
        var (request, _) = contract.NewRequest(amount: amount);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => contract.Client.RegisterAsync(ContractFixture.Demo, request));

        Assert.Null(await contract.RegistrationRequestsAsync(request.ReferenceNo));
    }

    [Fact]
    public async Task RegisterAsync_NotificationUrlNotAbsoluteHttp_IsRefusedBeforeSending()
    {
        // The sandbox would answer 9020 (MissingField: dbProcessUrl).
        var (request, _) = contract.NewRequest();
        request = request with { NotificationUrl = new Uri("ftp://merchant.example/notify") };

        await Assert.ThrowsAnyAsync<ArgumentException>(() => contract.Client.RegisterAsync(ContractFixture.Demo, request));

        Assert.Null(await contract.RegistrationRequestsAsync(request.ReferenceNo));
    }

    internal static void AssertRejected<T>(NicepayResult<T> result, NicepayRejectionReason reason, string resultCode)
        where T : class
    {
        Assert.True(result.Outcome == NicepayOutcome.Rejected, $"expected Rejected {resultCode}, got {result}");
        Assert.True(result.DidNotHappen);
        Assert.False(result.IsUnknown);
        Assert.Null(result.Value);
        Assert.Null(result.Failure);
        Assert.Equal(resultCode, result.Rejection!.ResultCode);
        Assert.Equal(reason, result.Rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Rejection.Message));
    }

    /// <summary>The sandbox received exactly one request for the reference, answered it with the code, and created nothing.</summary>
    private async Task AssertNothingRegisteredAsync(string referenceNo, string resultCode, string? iMid = null)
    {
        Assert.Empty(await contract.TransactionsAsync(referenceNo, iMid));
        var counter = await contract.RegistrationRequestsAsync(referenceNo, iMid);
        Assert.NotNull(counter);
        Assert.Equal(1, counter.Value.GetProperty("received").GetInt32());
        Assert.Equal(0, counter.Value.GetProperty("created").GetInt32());
        Assert.Equal(1, counter.Value.GetProperty("results").GetProperty(resultCode).GetInt32());
    }
}
