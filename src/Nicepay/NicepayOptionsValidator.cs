using Microsoft.Extensions.Options;

namespace Orchestrator.Nicepay;

/// <summary>
/// Validates <see cref="NicepayOptions"/> as a whole: the base URL, each timeout against its budget, and each
/// budget against the grain-call timeout. Messages name the configuration key and the allowed range.
/// </summary>
public sealed class NicepayOptionsValidator(string sectionName = NicepayOptions.SectionName) : IValidateOptions<NicepayOptions>
{
    /// <summary>The smallest timeout the resilience pipeline accepts.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    private const int MaxAttempts = 10;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NicepayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (options.BaseUrl is null)
        {
            errors.Add($"{Key(nameof(options.BaseUrl))} is required: the NICEPAY base address, e.g. https://dev.nicepay.co.id (sandbox) or https://www.nicepay.co.id (production).");
        }
        else if (!options.BaseUrl.IsAbsoluteUri || options.BaseUrl.Scheme is not ("http" or "https"))
        {
            errors.Add($"{Key(nameof(options.BaseUrl))} ('{options.BaseUrl}') must be an absolute http or https URL, e.g. https://dev.nicepay.co.id.");
        }

        CheckOperation(errors, "Registration", nameof(options.RegistrationTimeout), options.RegistrationTimeout,
            nameof(options.RegistrationMaxConnectAttempts), options.RegistrationMaxConnectAttempts,
            nameof(options.RegistrationTotalBudget), options.RegistrationTotalBudget);
        CheckOperation(errors, "Inquiry", nameof(options.InquiryAttemptTimeout), options.InquiryAttemptTimeout,
            nameof(options.InquiryMaxAttempts), options.InquiryMaxAttempts,
            nameof(options.InquiryTotalBudget), options.InquiryTotalBudget);
        CheckOperation(errors, "Cancel", nameof(options.CancelAttemptTimeout), options.CancelAttemptTimeout,
            nameof(options.CancelMaxAttempts), options.CancelMaxAttempts,
            nameof(options.CancelTotalBudget), options.CancelTotalBudget);

        if (options.RetryBaseDelay < TimeSpan.Zero)
        {
            errors.Add($"{Key(nameof(options.RetryBaseDelay))} ({options.RetryBaseDelay}) must not be negative.");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            errors.Add($"{Key(nameof(options.RetryMaxDelay))} ({options.RetryMaxDelay}) must be at least {Key(nameof(options.RetryBaseDelay))} ({options.RetryBaseDelay}).");
        }

        if (options.RetryMaxDelay > NicepayOptions.MaxTotalBudget)
        {
            errors.Add($"{Key(nameof(options.RetryMaxDelay))} ({options.RetryMaxDelay}) must be at most {NicepayOptions.MaxTotalBudget}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void CheckOperation(
        List<string> errors,
        string operation,
        string timeoutName,
        TimeSpan timeout,
        string attemptsName,
        int attempts,
        string budgetName,
        TimeSpan budget)
    {
        if (budget < MinTimeout || budget > NicepayOptions.MaxTotalBudget)
        {
            errors.Add(
                $"{Key(budgetName)} ({budget}) must be between {MinTimeout} and {NicepayOptions.MaxTotalBudget}: "
                + $"a {operation.ToLowerInvariant()} call, with all its attempts and backoff delays, must end well inside "
                + $"the {NicepayOptions.GrainCallTimeout.TotalSeconds:0} s Orleans grain-call timeout.");
        }

        if (timeout < MinTimeout || timeout > budget)
        {
            errors.Add($"{Key(timeoutName)} ({timeout}) must be between {MinTimeout} and {Key(budgetName)} ({budget}).");
        }

        if (attempts is < 1 or > MaxAttempts)
        {
            errors.Add($"{Key(attemptsName)} ({attempts}) must be between 1 and {MaxAttempts}.");
        }
    }

    private string Key(string property) => $"{sectionName}:{property}";
}
