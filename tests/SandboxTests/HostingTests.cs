using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.NicepaySandbox.Tests.Infrastructure;

namespace Orchestrator.NicepaySandbox.Tests;

/// <summary>How the Silo and developers host the sandbox: standalone defaults, mounted in another app, validated options.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task CreateApp_WithoutMerchantConfiguration_AcceptsTheDemoMerchant()
    {
        await using var app = Program.CreateApp(["--urls", "http://127.0.0.1:0"], b => b.Logging.ClearProviders());
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = AddressOf(app) };

        var answer = await PostAsync(client, Wire.Registration(Wire.NewReference(), "http://127.0.0.1:1/notify"));

        Assert.Equal("0000", answer.Str("resultCd"));
    }

    [Fact]
    public async Task MapNicepaySandbox_MountedInAnotherApp_KeepsPathsAndWireFormat()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // The host's own JSON conventions must not leak into NICEPAY's wire format.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddNicepaySandbox(builder.Configuration.GetSection("Sandbox"));
        await using var app = builder.Build();
        app.MapGet("/", () => "the host's own endpoint");
        app.MapNicepaySandbox();
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = AddressOf(app) };

        var answer = await PostAsync(client, Wire.Registration(Wire.NewReference(), "http://127.0.0.1:1/notify"));
        var ledger = JsonSerializer.Deserialize<JsonElement>(await client.GetStringAsync($"/sandbox/transactions/{answer.Str("tXid")}"));

        Assert.Equal("0000", answer.Str("resultCd"));
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("vacctNo").ValueKind);
        Assert.Equal("3", ledger.Str("status"));
        Assert.Equal("the host's own endpoint", await client.GetStringAsync("/"));
    }

    [Theory]
    [InlineData("Sandbox:Merchants:SHORT:MerchantKey", "key")]
    [InlineData("Sandbox:Merchants:MERCHANT01:Name", "no key")]
    [InlineData("Sandbox:ReadyToCommitWindow", "-00:00:01")]
    [InlineData("Sandbox:DefaultValidity", "00:00:00")]
    [InlineData("Sandbox:MinimumAmount", "0")]
    [InlineData("Sandbox:CancelledInquiryStatus", "cancelled")]
    [InlineData("Sandbox:NotificationRetrySchedule:0", "-00:00:05")]
    public async Task CreateApp_InvalidOptions_FailsToStart(string key, string value)
    {
        await using var app = Program.CreateApp(
            ["--urls", "http://127.0.0.1:0"],
            b =>
            {
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
                b.Logging.ClearProviders();
            });

        await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
    }

    private static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    private static async Task<JsonElement> PostAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsync("/nicepay/direct/v2/registration", new StringContent(JsonSerializer.Serialize(body)));
        return JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
    }
}
