using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orchestrator.Nicepay.Tests;

public sealed class OptionsTests
{
    private static NicepayOptions Valid() => new() { BaseUrl = new Uri("https://dev.nicepay.co.id") };

    private static ValidateOptionsResult Validate(NicepayOptions options) => new NicepayOptionsValidator().Validate(null, options);

    [Fact]
    public void Validate_DefaultsWithBaseUrl_Succeeds() => Assert.True(Validate(Valid()).Succeeded);

    [Fact]
    public void Defaults_EveryBudget_StaysWellInsideGrainCallTimeout()
    {
        var options = Valid();

        Assert.True(options.RegistrationTotalBudget <= TimeSpan.FromSeconds(12));
        Assert.True(options.InquiryTotalBudget <= TimeSpan.FromSeconds(15));
        Assert.True(options.CancelTotalBudget <= TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Validate_WithoutBaseUrl_FailsNamingTheKey()
    {
        var result = Validate(new NicepayOptions());

        Assert.True(result.Failed);
        Assert.Contains("Nicepay:BaseUrl is required", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dev.nicepay.co.id")]
    [InlineData("/nicepay")]
    [InlineData("ftp://dev.nicepay.co.id")]
    [InlineData("file:///etc/passwd")]
    public void Validate_WithNonHttpBaseUrl_Fails(string baseUrl)
    {
        var options = Valid();
        options.BaseUrl = new Uri(baseUrl, UriKind.RelativeOrAbsolute);

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains("Nicepay:BaseUrl", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("absolute http or https URL", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(NicepayOptions.RegistrationTotalBudget))]
    [InlineData(nameof(NicepayOptions.InquiryTotalBudget))]
    [InlineData(nameof(NicepayOptions.CancelTotalBudget))]
    public void Validate_WithBudgetAtGrainCallTimeout_FailsExplainingWhy(string budget)
    {
        var options = Valid();
        typeof(NicepayOptions).GetProperty(budget)!.SetValue(options, TimeSpan.FromSeconds(30));

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains($"Nicepay:{budget} (00:00:30) must be between", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("30 s Orleans grain-call timeout", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithBudgetAtMaximum_Succeeds()
    {
        var options = Valid();
        options.InquiryTotalBudget = NicepayOptions.MaxTotalBudget;

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Validate_WithAttemptTimeoutAboveBudget_Fails()
    {
        var options = Valid();
        options.RegistrationTimeout = TimeSpan.FromSeconds(13);

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains("Nicepay:RegistrationTimeout (00:00:13) must be between", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Validate_WithAttemptsOutOfRange_Fails(int attempts)
    {
        var options = Valid();
        options.CancelMaxAttempts = attempts;

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains($"Nicepay:CancelMaxAttempts ({attempts}) must be between 1 and 10", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithMaxDelayBelowBaseDelay_Fails()
    {
        var options = Valid();
        options.RetryBaseDelay = TimeSpan.FromSeconds(3);

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains("Nicepay:RetryMaxDelay", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AddNicepayClient_WithInvalidConfiguration_FailsStartupValidation()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Payments:Gateway:BaseUrl"] = "not a url",
            ["Payments:Gateway:InquiryTotalBudget"] = "00:00:45",
        }, "Payments:Gateway");

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(error.Failures, failure => failure.StartsWith("Payments:Gateway:BaseUrl", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Payments:Gateway:InquiryTotalBudget", StringComparison.Ordinal));
    }

    [Fact]
    public void AddNicepayClient_WithSection_BindsEverySetting()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Nicepay:BaseUrl"] = "http://localhost:5080",
            ["Nicepay:RegistrationTimeout"] = "00:00:08",
            ["Nicepay:RegistrationMaxConnectAttempts"] = "1",
            ["Nicepay:RegistrationTotalBudget"] = "00:00:09",
            ["Nicepay:InquiryAttemptTimeout"] = "00:00:03",
            ["Nicepay:InquiryMaxAttempts"] = "2",
            ["Nicepay:InquiryTotalBudget"] = "00:00:07",
            ["Nicepay:CancelAttemptTimeout"] = "00:00:02",
            ["Nicepay:CancelMaxAttempts"] = "5",
            ["Nicepay:CancelTotalBudget"] = "00:00:11",
            ["Nicepay:RetryBaseDelay"] = "00:00:00.1",
            ["Nicepay:RetryMaxDelay"] = "00:00:01",
            ["Nicepay:DisableRetryDelays"] = "true",
        });

        services.GetRequiredService<IStartupValidator>().Validate();
        var options = services.GetRequiredService<IOptions<NicepayOptions>>().Value;

        Assert.Equal(new Uri("http://localhost:5080"), options.BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(8), options.RegistrationTimeout);
        Assert.Equal(1, options.RegistrationMaxConnectAttempts);
        Assert.Equal(TimeSpan.FromSeconds(9), options.RegistrationTotalBudget);
        Assert.Equal(TimeSpan.FromSeconds(3), options.InquiryAttemptTimeout);
        Assert.Equal(2, options.InquiryMaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(7), options.InquiryTotalBudget);
        Assert.Equal(TimeSpan.FromSeconds(2), options.CancelAttemptTimeout);
        Assert.Equal(5, options.CancelMaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(11), options.CancelTotalBudget);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryMaxDelay);
        Assert.True(options.DisableRetryDelays);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, string sectionName = NicepayOptions.SectionName)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddNicepayClient(sectionName);
        return services.BuildServiceProvider();
    }
}
