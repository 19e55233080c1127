using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Silo.Configuration;

/// <summary>Checks the <c>Checkouts</c> rules at start-up: amounts and validities must make sense together.</summary>
internal sealed class CheckoutRulesOptionsValidator : IValidateOptions<CheckoutRulesOptions>
{
    public ValidateOptionsResult Validate(string? name, CheckoutRulesOptions options)
    {
        const string Section = CheckoutRulesOptions.SectionName;
        var failures = new List<string>();
        if (options.MinimumAmount < 1)
        {
            failures.Add($"{Section}:MinimumAmount must be at least 1.");
        }

        if (options.IndomaretMaximumAmount < options.MinimumAmount)
        {
            failures.Add($"{Section}:IndomaretMaximumAmount must be at least {Section}:MinimumAmount.");
        }

        if (options.AlfamartMaximumAmount < options.MinimumAmount)
        {
            failures.Add($"{Section}:AlfamartMaximumAmount must be at least {Section}:MinimumAmount.");
        }

        if (options.MinimumValidity <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:MinimumValidity must be positive.");
        }

        if (options.DefaultValidity < options.MinimumValidity || options.DefaultValidity > options.MaximumValidity)
        {
            failures.Add($"{Section}:DefaultValidity must lie between {Section}:MinimumValidity and {Section}:MaximumValidity.");
        }

        if (options.MaximumValidity < options.MinimumValidity)
        {
            failures.Add($"{Section}:MaximumValidity must be at least {Section}:MinimumValidity.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
