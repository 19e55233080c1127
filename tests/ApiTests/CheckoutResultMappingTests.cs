using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Tests.Infrastructure;

namespace Orchestrator.Api.Tests;

/// <summary>
/// How the grain's answers become HTTP answers. NICEPAY is unreachable in this host (a closed port), so checkouts are
/// created but never paid: enough to see every mapping except the paid path, which the end-to-end tests cover.
/// </summary>
[Collection(SharedApiHost.Name)]
public sealed class CheckoutResultMappingTests(OrchestratorApiFactory factory)
{
    [Fact]
    public async Task CreateCheckout_FirstTime_Returns201WithLocation()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoKey);
        var referenceNo = NewReference();

        using var response = await client.PostAsJsonAsync("/v1/checkouts", Request(referenceNo, 150_000));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/v1/checkouts/{referenceNo}", response.Headers.Location?.OriginalString);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(referenceNo, body.RootElement.GetProperty("referenceNo").GetString());
        Assert.Equal("IDR", body.RootElement.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task CreateCheckout_SameRequestAgain_Returns200()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoKey);
        var referenceNo = NewReference();
        using var first = await client.PostAsJsonAsync("/v1/checkouts", Request(referenceNo, 150_000));

        using var second = await client.PostAsJsonAsync("/v1/checkouts", Request(referenceNo, 150_000));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task CreateCheckout_SameReferenceOtherAmount_Returns409NamingAmount()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoKey);
        var referenceNo = NewReference();
        using var first = await client.PostAsJsonAsync("/v1/checkouts", Request(referenceNo, 150_000));

        using var response = await client.PostAsJsonAsync("/v1/checkouts", Request(referenceNo, 175_000));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(ProblemTypes.CheckoutConflict, problem.GetProperty("type").GetString());
        Assert.Equal(["amount"], problem.GetProperty("conflictingFields").EnumerateArray().Select(field => field.GetString()));
    }

    [Fact]
    public async Task CreateCheckout_IdempotencyKeyReusedForAnotherRequest_Returns409()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoKey);
        var key = $"key-{Guid.NewGuid():N}";
        using var first = await SendWithKeyAsync(client, key, Request(NewReference(), 150_000));

        using var response = await SendWithKeyAsync(client, key, Request(NewReference(), 150_000));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(ProblemTypes.IdempotencyKeyReused, (await Problem.ReadAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task FulfilCheckout_NotConfirmed_Returns409WithCheckoutStatusAndPermittedActions()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoKey);
        var referenceNo = NewReference();
        using var created = await client.PostAsJsonAsync("/v1/checkouts", Request(referenceNo, 150_000));

        using var response = await client.PostAsync($"/v1/checkouts/{referenceNo}/fulfil", content: null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(ProblemTypes.TransitionNotPermitted, problem.GetProperty("type").GetString());
        Assert.Equal(409, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("checkoutStatus").GetString()), text);
        Assert.Equal(JsonValueKind.Array, problem.GetProperty("permittedActions").ValueKind);
    }

    [Theory]
    [InlineData("GET", "/v1/checkouts/{0}")]
    [InlineData("POST", "/v1/checkouts/{0}/cancel")]
    [InlineData("POST", "/v1/checkouts/{0}/fulfil")]
    public async Task MerchantCommand_OnAnotherMerchantsCheckout_Returns404(string method, string pathFormat)
    {
        using var demo = factory.CreateClient(OrchestratorApiFactory.DemoKey);
        using var acme = factory.CreateClient(OrchestratorApiFactory.AcmeKey);
        var referenceNo = NewReference();
        using var created = await demo.PostAsJsonAsync("/v1/checkouts", Request(referenceNo, 150_000));

        using var response = await acme.SendAsync(new HttpRequestMessage(new HttpMethod(method), string.Format(null, pathFormat, referenceNo)));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemTypes.NotFound, (await Problem.ReadAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task OperatorDetails_OfACheckout_ShowJournalAndNicepaySide()
    {
        using var merchant = factory.CreateClient(OrchestratorApiFactory.DemoKey);
        using var operatorClient = factory.CreateClient(OrchestratorApiFactory.OperatorKey);
        var referenceNo = NewReference();
        using var created = await merchant.PostAsJsonAsync("/v1/checkouts", Request(referenceNo, 150_000));

        using var response = await operatorClient.GetAsync($"/ops/checkouts/demo/{referenceNo}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal("demo", root.GetProperty("merchantId").GetString());
        Assert.Equal(referenceNo, root.GetProperty("checkout").GetProperty("referenceNo").GetString());
        Assert.Equal("IONPAYTEST", root.GetProperty("nicepay").GetProperty("iMid").GetString());
        var first = root.GetProperty("journal")[0];
        Assert.Equal("merchant_call", first.GetProperty("cause").GetString());
    }

    [Fact]
    public async Task NicepayCallback_ForUnknownReference_Returns404()
    {
        using var client = factory.CreateClient(apiKey: null);

        using var response = await client.PostAsync(
            "/callbacks/nicepay/demo", new FormUrlEncodedContent([new("referenceNo", NewReference()), new("tXid", "X")]));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static string NewReference() => $"T-{Guid.NewGuid():N}"[..30];

    private static object Request(string referenceNo, long amount) => new
    {
        referenceNo,
        amount,
        store = "indomaret",
        goodsName = "Coffee beans 1 kg",
        customer = new { name = "Budi Santoso", phone = "+6281234567890", email = "budi@example.com" },
    };

    private static Task<HttpResponseMessage> SendWithKeyAsync(HttpClient client, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/checkouts") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}
