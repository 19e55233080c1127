using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Tests.Infrastructure;

namespace Orchestrator.Api.Tests;

/// <summary>
/// Every rule of POST /v1/checkouts answers 400 ValidationProblem naming the field. Each case breaks exactly one rule of
/// an otherwise valid request, so no case reaches a grain.
/// </summary>
[Collection(SharedApiHost.Name)]
public sealed class CreateCheckoutValidationTests(OrchestratorApiFactory factory)
{
    public static TheoryData<string, string> BrokenRules => new()
    {
        { Without("referenceNo"), "referenceNo" },
        { With("referenceNo", "has space"), "referenceNo" },
        { With("referenceNo", "ORD/1"), "referenceNo" },
        { With("referenceNo", new string('R', 41)), "referenceNo" },
        { Without("amount"), "amount" },
        { With("amount", 9_999), "amount" },
        { With("amount", -1), "amount" },
        { With("amount", 2_500_001), "amount" },
        { With("store", "lawson"), "store" },
        { With("store", "Indomaret"), "store" },
        { Without("store"), "store" },
        { With("goodsName", ""), "goodsName" },
        { With("goodsName", "   "), "goodsName" },
        { With("goodsName", new string('g', 101)), "goodsName" },
        { With("goodsName", "line\u0007bell"), "goodsName" },
        { Without("customer"), "customer" },
        { WithCustomer("name", ""), "customer.name" },
        { WithCustomer("name", new string('n', 101)), "customer.name" },
        { WithCustomer("phone", "0812-ab"), "customer.phone" },
        { WithCustomer("phone", "123456"), "customer.phone" },
        { WithCustomer("phone", "1234567890123456"), "customer.phone" },
        { WithCustomer("email", "not-an-email"), "customer.email" },
        { WithCustomer("email", new string('e', 30) + "@example.com"), "customer.email" },
        { WithCustomer("email", null), "customer.email" },
        { With("expiresAt", "2030-01-01T10:00:00"), "expiresAt" },
        { With("expiresAt", "tomorrow"), "expiresAt" },
        { With("expiresAt", "2001-01-01T10:00:00+07:00"), "expiresAt" },
        { With("expiresAt", DateTimeOffset.UtcNow.AddSeconds(10).ToString("O")), "expiresAt" },
        { With("expiresAt", DateTimeOffset.UtcNow.AddDays(30).ToString("O")), "expiresAt" },
        { WithMetadata(21, 1, 1), "metadata" },
        { WithMetadata(1, 41, 1), "metadata" },
        { WithMetadata(1, 1, 501), "metadata" },
        { With("metadata", new JsonObject { ["k"] = null }), "metadata" },
    };

    public static TheoryData<string, string> UnreadableBodies => new()
    {
        { With("unexpected", 1), "unexpected" },
        { WithCustomer("age", 42), "customer.age" },
        { With("amount", 1.5), "amount" },
        { With("amount", "abc"), "amount" },
        { With("amount", "150000"), "amount" },
        { With("amount", 1e30), "amount" },
        { With("goodsName", 5), "goodsName" },
        { With("customer", "Budi"), "customer" },
        { With("metadata", new JsonObject { ["k"] = 1 }), "metadata.k" },
        { "{\"referenceNo\": \"ORD-1\",", "body" },
        { "not json", "body" },
        { "[]", "body" },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public async Task CreateCheckout_BreakingOneRule_Returns400NamingTheField(string body, string field)
    {
        var problem = await PostExpectingBadRequestAsync(body);

        Assert.Equal(ProblemTypes.Validation, problem.GetProperty("type").GetString());
        Assert.Equal([field], Problem.ErrorFields(problem));
    }

    [Theory]
    [MemberData(nameof(UnreadableBodies))]
    public async Task CreateCheckout_WithUnreadableBody_Returns400NamingThePath(string body, string field)
    {
        var problem = await PostExpectingBadRequestAsync(body);

        Assert.Equal(ProblemTypes.Validation, problem.GetProperty("type").GetString());
        Assert.Equal([field], Problem.ErrorFields(problem));
        var message = problem.GetProperty("errors").GetProperty(field)[0].GetString();
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCheckout_WithEmptyObject_NamesEveryRequiredField()
    {
        var problem = await PostExpectingBadRequestAsync("{}");

        Assert.Equal(
            ["amount", "customer", "goodsName", "referenceNo", "store"],
            Problem.ErrorFields(problem).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateCheckout_WithAlfamartAmountAboveIndomaretLimit_PassesAmountRule()
    {
        // 3,000,000 is above Indomaret's limit but within the Alfa group's; the only broken rule is the phone.
        var body = Parse(Valid());
        body["store"] = "alfamart";
        body["amount"] = 3_000_000;
        body["customer"]!["phone"] = "x";

        var problem = await PostExpectingBadRequestAsync(body.ToJsonString());

        Assert.Equal(["customer.phone"], Problem.ErrorFields(problem));
    }

    [Fact]
    public async Task CreateCheckout_WithEmptyIdempotencyKey_Returns400()
    {
        // HttpClient drops empty header values, so the request is built on the server side, as Kestrel would pass it.
        var context = await factory.Server.SendAsync(http =>
        {
            http.Request.Method = "POST";
            http.Request.Path = "/v1/checkouts";
            http.Request.Headers.Authorization = $"Bearer {OrchestratorApiFactory.DemoKey}";
            http.Request.Headers["Idempotency-Key"] = "";
            var body = Encoding.UTF8.GetBytes(Valid());
            http.Request.ContentType = "application/json";
            http.Request.ContentLength = body.Length;
            http.Request.Body = new MemoryStream(body);
            http.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody());
        });

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        var problem = await System.Text.Json.JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal(["Idempotency-Key"], Problem.ErrorFields(problem.RootElement));
    }

    [Fact]
    public async Task CreateCheckout_WithBlankIdempotencyKey_Returns400()
    {
        var problem = await PostExpectingBadRequestAsync(Valid(), " ");

        Assert.Equal(["Idempotency-Key"], Problem.ErrorFields(problem));
    }

    [Fact]
    public async Task CreateCheckout_WithOverlongIdempotencyKey_Returns400()
    {
        var problem = await PostExpectingBadRequestAsync(Valid(), new string('k', 256));

        Assert.Equal(["Idempotency-Key"], Problem.ErrorFields(problem));
    }

    [Fact]
    public async Task CreateCheckout_WithoutBody_Returns400SayingABodyIsNeeded()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoKey);

        using var response = await client.PostAsync("/v1/checkouts", new StringContent("", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("The request needs a JSON body.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task CreateCheckout_WithTextContentType_Returns415Problem()
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoKey);

        using var response = await client.PostAsync("/v1/checkouts", new StringContent(Valid(), Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(ProblemTypes.UnsupportedMediaType, (await Problem.ReadAsync(response)).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("GET", "/v1/checkouts/has%20space")]
    [InlineData("POST", "/v1/checkouts/has%20space/cancel")]
    [InlineData("POST", "/v1/checkouts/" + "R1234567890R1234567890R1234567890R12345678/fulfil")]
    public async Task CheckoutCommand_WithInvalidReferenceNo_Returns400NamingReferenceNo(string method, string path)
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoKey);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["referenceNo"], Problem.ErrorFields(await Problem.ReadAsync(response)));
    }

    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    private async Task<System.Text.Json.JsonElement> PostExpectingBadRequestAsync(string body, string? idempotencyKey = null)
    {
        using var client = factory.CreateClient(OrchestratorApiFactory.DemoKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/checkouts")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400 for {body}, got {(int)response.StatusCode}: {text}");
        return await Problem.ReadAsync(response);
    }

    private static string Valid() => new JsonObject
    {
        ["referenceNo"] = "ORD-1001",
        ["amount"] = 150_000,
        ["store"] = "indomaret",
        ["goodsName"] = "Coffee beans 1 kg",
        ["customer"] = new JsonObject { ["name"] = "Budi Santoso", ["phone"] = "+6281234567890", ["email"] = "budi@example.com" },
        ["expiresAt"] = DateTimeOffset.UtcNow.AddHours(2).ToString("O"),
        ["metadata"] = new JsonObject { ["orderId"] = "1001" },
    }.ToJsonString();

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static string With(string field, JsonNode? value)
    {
        var body = Parse(Valid());
        body[field] = value;
        return body.ToJsonString();
    }

    private static string Without(string field)
    {
        var body = Parse(Valid());
        body.Remove(field);
        return body.ToJsonString();
    }

    private static string WithCustomer(string field, JsonNode? value)
    {
        var body = Parse(Valid());
        body["customer"]![field] = value;
        return body.ToJsonString();
    }

    private static string WithMetadata(int entries, int keyLength, int valueLength)
    {
        var metadata = new JsonObject();
        for (var i = 0; i < entries; i++)
        {
            metadata[$"{i}".PadLeft(keyLength, 'k')] = new string('v', valueLength);
        }

        return With("metadata", metadata);
    }
}
