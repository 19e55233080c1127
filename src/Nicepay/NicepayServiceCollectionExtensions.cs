using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;

namespace Orchestrator.Nicepay;

/// <summary>Registers the NICEPAY client.</summary>
public static class NicepayServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="NicepayOptions"/> from <paramref name="sectionName"/> (validated at start-up), and registers
    /// <see cref="INicepayClient"/> with one named HttpClient and resilience pipeline per operation
    /// (<see cref="NicepayHttpClientNames"/>). Uses the registered <see cref="TimeProvider"/>, or the system clock.
    /// </summary>
    public static IServiceCollection AddNicepayClient(this IServiceCollection services, string sectionName = NicepayOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionName);

        services.AddOptions<NicepayOptions>().BindConfiguration(sectionName).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<NicepayOptions>>(new NicepayOptionsValidator(sectionName)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddTransient<NicepayAttemptHandler>();

        AddOperationClient(services, NicepayHttpClientNames.Registration, NicepayResilience.ConfigureRegistration);
        AddOperationClient(services, NicepayHttpClientNames.Inquiry, static (builder, options) => NicepayResilience.ConfigureRetried(
            builder, "inquiry", options.InquiryTotalBudget, options.InquiryMaxAttempts, options.InquiryAttemptTimeout, options));
        AddOperationClient(services, NicepayHttpClientNames.Cancel, static (builder, options) => NicepayResilience.ConfigureRetried(
            builder, "cancel", options.CancelTotalBudget, options.CancelMaxAttempts, options.CancelAttemptTimeout, options));

        services.TryAddSingleton<INicepayClient, NicepayClient>();
        return services;
    }

    private static void AddOperationClient(
        IServiceCollection services,
        string name,
        Action<ResiliencePipelineBuilder<HttpResponseMessage>, NicepayOptions> configurePipeline)
    {
        // The pipeline owns every timeout (per attempt and in total), so HttpClient's own 100 s default must not cut in.
        var client = services.AddHttpClient(name, static client => client.Timeout = Timeout.InfiniteTimeSpan);
        client.AddResilienceHandler("resilience", (builder, context) => configurePipeline(builder, context.GetOptions<NicepayOptions>()));

        // Added after the resilience handler, so it runs inside the retry loop: once per attempt.
        client.AddHttpMessageHandler<NicepayAttemptHandler>();
    }
}
