using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Merchants;
using Orchestrator.Silo.Configuration;

namespace Orchestrator.Api.Tests;

/// <summary>Start-up validation: each broken rule gives a message naming the configuration key, never a secret.</summary>
public sealed class ConfigurationValidationTests
{
    private const string OperatorKey = "operator-key-0123456789";
    private const string AcmeKey = "acme-key-0123456789abc";

    [Fact]
    public void Validate_ValidProductionConfiguration_Succeeds()
    {
        Assert.Empty(Failures(Valid()));
    }

    [Theory]
    [InlineData("Merchants:acme:Name", "", "Merchants:acme:Name is required")]
    [InlineData("Merchants:acme:ApiKey", "", "Merchants:acme:ApiKey is required (or Merchants:acme:ApiKeys:0")]
    [InlineData("Merchants:acme:Nicepay:IMid", "", "Merchants:acme:Nicepay:IMid is required")]
    [InlineData("Merchants:acme:Nicepay:IMid", "ACME12345", "Merchants:acme:Nicepay:IMid must be 10 letters or digits")]
    [InlineData("Merchants:acme:Nicepay:IMid", "ACME-12345", "Merchants:acme:Nicepay:IMid must be 10 letters or digits")]
    [InlineData("Merchants:acme:Nicepay:MerchantKey", "", "Merchants:acme:Nicepay:MerchantKey is required")]
    [InlineData("Merchants:acme:WebhookUrl", "ftp://acme.example/hooks", "Merchants:acme:WebhookUrl must be an absolute http or https URL")]
    [InlineData("Merchants:acme:WebhookUrl", "/relative/hooks", "Merchants:acme:WebhookUrl must be an absolute http or https URL")]
    [InlineData("Merchants:acme:WebhookSecret", "", "Merchants:acme:WebhookSecret is required when Merchants:acme:WebhookUrl is set")]
    [InlineData("Merchants:acme:WebhookSecret", "secret", "Merchants:acme:WebhookSecret must be 'whsec_' followed by base64")]
    [InlineData("Merchants:acme:WebhookSecret", "whsec_not*base64", "Merchants:acme:WebhookSecret must be 'whsec_' followed by base64")]
    [InlineData("Operators:ApiKeys:0", "", "Operators:ApiKeys: configure at least one operator key")]
    [InlineData("Operators:ApiKeys:0", "short-key", "Operators:ApiKeys:0 must be at least 16 characters outside Development")]
    [InlineData("Operators:ApiKeys:0", AcmeKey, "Operators:ApiKeys:0 holds the same key as Merchants:acme:ApiKey")]
    [InlineData("Merchants:acme:ApiKeys:0", " padded-key-0123456789 ", "Merchants:acme:ApiKeys:0 must not start or end with whitespace")]
    public void Validate_BrokenRule_NamesTheKey(string key, string value, string expected)
    {
        var settings = Valid();
        settings[key] = value;

        var failures = Failures(settings);

        Assert.Contains(failures, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UppercaseMerchantId_NamesTheMerchant()
    {
        var settings = Valid();
        settings["Merchants:Shop One:Name"] = "Shop";

        Assert.Contains(Failures(settings), failure => failure.StartsWith("Merchants:Shop One: merchant ids must be", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TwoMerchantsWithOneIMid_RefusesTheSecond()
    {
        var settings = Valid();
        settings["Merchants:bravo:Name"] = "Bravo";
        settings["Merchants:bravo:ApiKey"] = "bravo-key-0123456789";
        settings["Merchants:bravo:Nicepay:IMid"] = "ACMETEST01";
        settings["Merchants:bravo:Nicepay:MerchantKey"] = "k";

        var failure = Assert.Single(Failures(settings));

        Assert.Equal(
            "Merchants:bravo:Nicepay:IMid is 'ACMETEST01', like Merchants:acme:Nicepay:IMid. One iMid belongs to one merchant, "
            + "or NICEPAY references could collide.",
            failure);
    }

    [Fact]
    public void Validate_NoMerchant_SaysWhatToAdd()
    {
        var settings = new Dictionary<string, string?> { ["Operators:ApiKeys:0"] = OperatorKey };

        Assert.Contains(Failures(settings), failure => failure.StartsWith("Merchants: no merchant is configured", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ShortKeysInDevelopment_AreAccepted()
    {
        var settings = Valid();
        settings["Operators:ApiKeys:0"] = "demo-operator-key";
        settings["Merchants:acme:ApiKey"] = "acme-api-key";

        Assert.Empty(Failures(settings, Environments.Development));
    }

    [Fact]
    public void Validate_DuplicateKey_NeverShowsTheKey()
    {
        var settings = Valid();
        settings["Operators:ApiKeys:0"] = AcmeKey;

        Assert.DoesNotContain(Failures(settings), failure => failure.Contains(AcmeKey, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CheckoutRulesOutOfOrder_NamesEachKey()
    {
        var rules = new CheckoutRulesOptions
        {
            MinimumAmount = 3_000_000,
            MinimumValidity = TimeSpan.FromDays(8),
        };

        var result = new CheckoutRulesOptionsValidator().Validate(null, rules);

        Assert.Equal(
            [
                "Checkouts:IndomaretMaximumAmount must be at least Checkouts:MinimumAmount.",
                "Checkouts:DefaultValidity must lie between Checkouts:MinimumValidity and Checkouts:MaximumValidity.",
                "Checkouts:MaximumValidity must be at least Checkouts:MinimumValidity.",
            ],
            result.Failures);
    }

    private static Dictionary<string, string?> Valid() => new()
    {
        ["Merchants:acme:Name"] = "Acme Goods",
        ["Merchants:acme:ApiKey"] = AcmeKey,
        ["Merchants:acme:WebhookUrl"] = "https://acme.example/hooks",
        ["Merchants:acme:WebhookSecret"] = "whsec_" + Convert.ToBase64String(new byte[24]),
        ["Merchants:acme:Nicepay:IMid"] = "ACMETEST01",
        ["Merchants:acme:Nicepay:MerchantKey"] = "acme-merchant-key",
        ["Operators:ApiKeys:0"] = OperatorKey,
    };

    private static IReadOnlyList<string> Failures(Dictionary<string, string?> settings, string environment = "Production")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new MerchantsOptions();
        configuration.GetSection(MerchantsOptions.SectionName).Bind(options.Merchants);
        var host = new HostingEnvironment { EnvironmentName = environment };
        IValidateOptions<MerchantsOptions>[] validators = [new MerchantsOptionsValidator(configuration), new ApiKeysValidator(configuration, host)];
        return [.. validators.Select(validator => validator.Validate(null, options)).SelectMany(result => result.Failures ?? [])];
    }
}
