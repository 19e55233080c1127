using Microsoft.Extensions.Options;
using Orchestrator.Api.Tests.Infrastructure;

namespace Orchestrator.Api.Tests;

/// <summary>The host refuses to start, with a clear message, when its configuration cannot work.</summary>
public sealed class StartupTests
{
    [Fact]
    public void Start_WithInvalidMerchant_FailsNamingTheKey()
    {
        using var factory = new ConfiguredOrchestratorFactory(new Dictionary<string, string?>
        {
            ["Merchants:acme:Nicepay:IMid"] = "TOO-SHORT",
            ["Merchants:acme:WebhookSecret"] = "not-a-secret",
        });

        var exception = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Merchants:acme:Nicepay:IMid must be 10 letters or digits.", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Merchants:acme:WebhookSecret must be 'whsec_' followed by base64", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_OutsideDevelopmentWithoutConnectionString_FailsSayingWhatToSet()
    {
        using var factory = new ConfiguredOrchestratorFactory(new Dictionary<string, string?>(), "Production");

        var exception = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var message = Innermost(exception).Message;
        Assert.Contains("ConnectionStrings:Orleans is not set", message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Orleans", message, StringComparison.Ordinal);
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
