using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Limits;
using Orchestrator.SecurityTests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.SecurityTests;

/// <summary>
/// The access matrix, generated from the endpoints the Silo maps (<see cref="EndpointCatalog"/>): every merchant
/// endpoint against another merchant's checkout and against missing or invalid keys, every operator endpoint (the
/// dashboard included) against merchant keys and missing or invalid keys, and merchant endpoints against an operator
/// key. A new endpoint joins the matrix by being mapped; one that is neither keyed nor on the anonymous list fails.
/// </summary>
[Collection(SharedSecurityHost.Name)]
[Trait("Category", "Security")]
public sealed class AccessMatrixTests(SecurityHost host, ITestOutputHelper output)
{
    /// <summary>Credentials that must never open a keyed endpoint: 401 with a Bearer challenge.</summary>
    public static readonly IReadOnlyList<Credential> InvalidCredentials =
    [
        new("no Authorization header"),
        new("'Bearer' without a key", "Bearer"),
        new("'Bearer' and spaces", "Bearer    "),
        new("Basic credentials", "Basic ZGVtbzpkZW1vLWFwaS1rZXk="),
        new("a key without a scheme", SecurityHost.DemoKey),
        new("another scheme", $"Token {SecurityHost.DemoKey}"),
        new("two keys in one header", $"Bearer {SecurityHost.DemoKey} {SecurityHost.AcmeKey}"),
        new("two Authorization headers", $"Bearer {SecurityHost.DemoKey}", $"Bearer {SecurityHost.DemoKey}"),
        new("a 600-character key", $"Bearer {new string('k', 600)}"),
        Credential.Key("a wrong key", "not-a-configured-key-0001"),
        Credential.Key("a revoked-looking key (other case)", SecurityHost.DemoKey.ToUpperInvariant()),
        Credential.Key("a revoked-looking key (truncated)", SecurityHost.DemoKey[..^1]),
        Credential.Key("a revoked-looking key (one character more)", SecurityHost.DemoKey + "0"),
        Credential.Key("a revoked-looking key (the next rotation)", "demo-rotated-key-0002"),
        Credential.Key("a look-alike key (Cyrillic 'е')", "d\u0435mo-api-key"),
        Credential.Key("an operator key with a NUL", SecurityHost.OperatorKey + "\0"),
    ];

    private static readonly Credential Demo = Credential.Key("demo's key", SecurityHost.DemoKey);
    private static readonly Credential DemoRotated = Credential.Key("demo's second key", SecurityHost.DemoRotatedKey);
    private static readonly Credential Acme = Credential.Key("acme's key", SecurityHost.AcmeKey);
    private static readonly Credential Operator = Credential.Key("the operator key", SecurityHost.OperatorKey);

    private IReadOnlyList<ApiEndpoint> Endpoints => EndpointCatalog.Read(host);

    [Fact]
    public void EveryEndpoint_IsKeyedOrListedAsAnonymous()
    {
        var endpoints = Endpoints;
        foreach (var endpoint in endpoints.OrderBy(endpoint => endpoint.Route, StringComparer.Ordinal))
        {
            output.WriteLine($"{endpoint.Access,-9} {endpoint,-60} {EndpointCatalog.AllowedAnonymouslyBecause(endpoint)}");
        }

        var unlisted = endpoints
            .Where(endpoint => endpoint.Access == Access.Anonymous && EndpointCatalog.AllowedAnonymouslyBecause(endpoint) is null)
            .Select(endpoint => endpoint.ToString())
            .ToList();
        Assert.True(unlisted.Count == 0,
            "These endpoints need no key but are not on EndpointCatalog.AnonymousAllowList: "
            + $"{string.Join(", ", unlisted)}. Require the merchant or operator policy, or list them with the reason.");

        Assert.All(endpoints.Where(endpoint => endpoint.Access == Access.Merchant),
            endpoint => Assert.StartsWith("/v1/", endpoint.Route, StringComparison.Ordinal));
        Assert.All(endpoints.Where(endpoint => endpoint.Access == Access.Operator),
            endpoint => Assert.True(endpoint.Route.StartsWith("/ops/", StringComparison.Ordinal)
                || endpoint.Route.StartsWith("/dashboard/", StringComparison.Ordinal), $"{endpoint} is an operator endpoint outside /ops and /dashboard"));
        Assert.Contains(endpoints, endpoint => endpoint.Route.StartsWith("/dashboard/", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryApiEndpoint_IsRateLimitedAndDeclaresABodyLimit()
    {
        var keyed = Endpoints.Where(endpoint => endpoint.Access != Access.Anonymous).ToList();
        var callback = Endpoints.Where(endpoint => endpoint.Route.StartsWith("/callbacks/", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(callback);
        Assert.All(keyed, endpoint => Assert.True(endpoint.RateLimitPolicy == OrchestratorRateLimitPolicies.Caller,
            $"{endpoint} has rate-limit policy '{endpoint.RateLimitPolicy}', not '{OrchestratorRateLimitPolicies.Caller}'"));
        Assert.All(callback, endpoint => Assert.True(endpoint.RateLimitPolicy == OrchestratorRateLimitPolicies.NicepayCallback,
            $"{endpoint} has rate-limit policy '{endpoint.RateLimitPolicy}'"));
        Assert.All(keyed.Where(endpoint => !endpoint.Route.StartsWith("/dashboard/", StringComparison.Ordinal)),
            endpoint => Assert.True(endpoint.BodyLimit == RequestBodyLimits.Api, $"{endpoint} declares a body limit of {endpoint.BodyLimit}"));
        Assert.All(callback, endpoint => Assert.True(endpoint.BodyLimit == RequestBodyLimits.NicepayCallback,
            $"{endpoint} declares a body limit of {endpoint.BodyLimit}"));
    }

    [Fact]
    public async Task MerchantEndpoints_OnAnotherMerchantsCheckout_Return404AndChangeNothing()
    {
        var victim = SecurityHost.NewReference("VICTIM");
        await host.CreateCheckoutAsync(SecurityHost.DemoKey, victim);
        var before = await host.StateAsync(SecurityHost.DemoKey, victim);
        var failures = new List<string>();

        // The create endpoint last: once acme has its own checkout with this reference, the others would find that one.
        foreach (var endpoint in Endpoints.Where(endpoint => endpoint.Access == Access.Merchant)
            .OrderBy(endpoint => endpoint.Pattern.GetParameter("referenceNo") is null))
        {
            using var request = Request(endpoint, "demo", victim, Acme, createAmount: 175_000);
            var answer = await SendAsync(request);
            output.WriteLine($"{endpoint,-45} × acme on demo's {victim}: {answer.Code}");
            if (endpoint.Pattern.GetParameter("referenceNo") is null)
            {
                // Creating addresses the caller's own checkouts: acme gets its own checkout with this reference.
                if (answer.Status != HttpStatusCode.Created || !answer.Body.Contains("175000", StringComparison.Ordinal))
                {
                    failures.Add($"{endpoint} with demo's referenceNo: expected acme's own new checkout (201, amount 175000), got {answer}");
                }
            }
            else if (answer.Status != HttpStatusCode.NotFound || answer.ProblemDefect is not null || answer.ProblemType != ProblemTypes.NotFound)
            {
                failures.Add($"{endpoint} on another merchant's checkout: expected 404 not-found problem, got {answer}");
            }
        }

        Assert.Equal(before, await host.StateAsync(SecurityHost.DemoKey, victim));
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task KeyedEndpoints_WithoutAValidKey_Return401BearerChallengeAndChangeNothing()
    {
        var victim = SecurityHost.NewReference("VICTIM");
        await host.CreateCheckoutAsync(SecurityHost.DemoKey, victim);
        var before = await host.StateAsync(SecurityHost.DemoKey, victim);
        var keyed = Endpoints.Where(endpoint => endpoint.Access != Access.Anonymous).ToList();
        var failures = new ConcurrentBag<string>();
        var fresh = new ConcurrentBag<string>();

        var cases = keyed.SelectMany(endpoint => InvalidCredentials.Select(credential => (endpoint, credential))).ToList();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, _) =>
        {
            var (endpoint, credential) = item;
            var reference = SecurityHost.NewReference("NOAUTH");
            fresh.Add(reference);
            using var request = Request(endpoint, "demo", endpoint.Route == "/v1/checkouts/" ? reference : victim, credential);
            var answer = await SendAsync(request);
            var challenge = answer.Headers.WwwAuthenticate.ToString();
            if (answer.Status != HttpStatusCode.Unauthorized || answer.ProblemDefect is not null
                || !challenge.StartsWith("Bearer realm=\"orchestrator\"", StringComparison.Ordinal)
                || challenge.Contains("invalid_token", StringComparison.Ordinal) != credential.Presented)
            {
                failures.Add($"{endpoint} × {credential}: expected 401 problem with a Bearer challenge, got {answer} (WWW-Authenticate: {challenge})");
            }
        });

        output.WriteLine($"{keyed.Count} keyed endpoints × {InvalidCredentials.Count} credentials = {cases.Count} requests, all 401");
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Order(StringComparer.Ordinal)));
        Assert.Equal(before, await host.StateAsync(SecurityHost.DemoKey, victim));
        foreach (var reference in fresh)
        {
            Assert.Null(await host.StateAsync(SecurityHost.DemoKey, reference));
        }
    }

    [Fact]
    public async Task OperatorEndpoints_WithAMerchantKey_Return403AndChangeNothing()
    {
        var victim = SecurityHost.NewReference("VICTIM");
        await host.CreateCheckoutAsync(SecurityHost.DemoKey, victim);
        var before = await host.StateAsync(SecurityHost.DemoKey, victim);
        var failures = new List<string>();
        var operatorEndpoints = Endpoints.Where(endpoint => endpoint.Access == Access.Operator).ToList();

        foreach (var endpoint in operatorEndpoints)
        {
            foreach (var credential in new[] { Demo, DemoRotated, Acme })
            {
                using var request = Request(endpoint, "demo", victim, credential);
                var answer = await SendAsync(request);
                if (answer.Status != HttpStatusCode.Forbidden || answer.ProblemDefect is not null || answer.ProblemType != ProblemTypes.Forbidden)
                {
                    failures.Add($"{endpoint} × {credential}: expected 403 forbidden problem, got {answer}");
                }
            }
        }

        output.WriteLine($"{operatorEndpoints.Count} operator endpoints (/ops and /dashboard) × 3 merchant keys: 403");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(before, await host.StateAsync(SecurityHost.DemoKey, victim));
    }

    [Fact]
    public async Task MerchantEndpoints_WithTheOperatorKey_Return403AndChangeNothing()
    {
        var victim = SecurityHost.NewReference("VICTIM");
        var fresh = SecurityHost.NewReference("OPCREATE");
        await host.CreateCheckoutAsync(SecurityHost.DemoKey, victim);
        var before = await host.StateAsync(SecurityHost.DemoKey, victim);
        var failures = new List<string>();

        foreach (var endpoint in Endpoints.Where(endpoint => endpoint.Access == Access.Merchant))
        {
            using var request = Request(endpoint, "demo", endpoint.Route == "/v1/checkouts/" ? fresh : victim, Operator);
            var answer = await SendAsync(request);
            if (answer.Status != HttpStatusCode.Forbidden || answer.ProblemDefect is not null || answer.ProblemType != ProblemTypes.Forbidden)
            {
                failures.Add($"{endpoint} × the operator key: expected 403 forbidden problem, got {answer}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(before, await host.StateAsync(SecurityHost.DemoKey, victim));
        Assert.Null(await host.StateAsync(SecurityHost.DemoKey, fresh));
    }

    [Fact]
    public async Task KeyedEndpoints_WithTheRightKey_AreServed()
    {
        // The control row of the matrix: the refusals above are about the keys, not about broken requests.
        var own = SecurityHost.NewReference("OWN");
        await host.CreateCheckoutAsync(SecurityHost.DemoKey, own);
        var failures = new List<string>();

        foreach (var endpoint in Endpoints.Where(endpoint => endpoint.Access != Access.Anonymous))
        {
            foreach (var credential in endpoint.Access == Access.Merchant ? new[] { Demo, DemoRotated } : [Operator])
            {
                using var request = Request(endpoint, "demo", own, credential);

                // Status only: /dashboard/Trace streams the silo's log for as long as it is read.
                using var client = host.Client();
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var answer = new WireAnswer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers, "");
                var ownCheckoutMissing = answer.Status == HttpStatusCode.NotFound && !endpoint.Route.StartsWith("/dashboard/", StringComparison.Ordinal);
                if (answer.Code is 401 or 403 or 429 or >= 500 || ownCheckoutMissing)
                {
                    failures.Add($"{endpoint} × {credential}: expected to be served, got {answer}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static HttpRequestMessage Request(ApiEndpoint endpoint, string merchantId, string referenceNo, Credential credential, long createAmount = 150_000)
    {
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path(merchantId, referenceNo));
        if (endpoint.Route == "/v1/checkouts/")
        {
            request.Content = JsonContent.Create(SecurityHost.CreateBody(referenceNo, createAmount));
        }

        credential.ApplyTo(request);
        return request;
    }

    private async Task<WireAnswer> SendAsync(HttpRequestMessage request)
    {
        using var client = host.Client();
        return await WireAnswer.SendAsync(client, request);
    }
}
