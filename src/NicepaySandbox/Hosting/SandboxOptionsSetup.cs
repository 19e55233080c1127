using Microsoft.Extensions.Options;

namespace Orchestrator.NicepaySandbox.Hosting;

/// <summary>Supplies the public demo merchant when the configuration names none (or names it without a key).</summary>
internal sealed class SandboxOptionsSetup : IPostConfigureOptions<SandboxOptions>
{
    public void PostConfigure(string? name, SandboxOptions options)
    {
        if (options.Merchants.Count == 0)
        {
            options.Merchants[SandboxOptions.DemoMerchantId] = new SandboxMerchantOptions();
        }

        if (options.Merchants.TryGetValue(SandboxOptions.DemoMerchantId, out var demo))
        {
            if (string.IsNullOrEmpty(demo.MerchantKey))
            {
                demo.MerchantKey = SandboxOptions.DemoMerchantKey;
            }

            if (string.IsNullOrEmpty(demo.Name))
            {
                demo.Name = "NICEPAY Sandbox Merchant";
            }
        }
    }
}

/// <summary>Rules that span fields or collections, checked when the host starts.</summary>
internal sealed class SandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        var failures = new List<string>();
        foreach (var (iMid, merchant) in options.Merchants)
        {
            // tXid is iMid(10) + payMethod(2) + yyyyMMddHHmmss(14) + 4 digits = 30 characters, as NICEPAY's are.
            if (iMid.Length != 10 || !iMid.All(char.IsAsciiLetterOrDigit))
            {
                failures.Add($"Sandbox:Merchants key '{iMid}' must be 10 ASCII letters or digits, like NICEPAY's iMid.");
            }

            if (string.IsNullOrEmpty(merchant.MerchantKey))
            {
                failures.Add($"Sandbox:Merchants:{iMid}:MerchantKey is required.");
            }

            if (merchant.DefaultValidity is { } validity && validity <= TimeSpan.Zero)
            {
                failures.Add($"Sandbox:Merchants:{iMid}:DefaultValidity must be positive.");
            }
        }

        if (options.DefaultValidity <= TimeSpan.Zero)
        {
            failures.Add("Sandbox:DefaultValidity must be positive.");
        }

        if (options.ReadyToCommitWindow < TimeSpan.Zero)
        {
            failures.Add("Sandbox:ReadyToCommitWindow must not be negative (0 disables the window).");
        }

        if (options.NotificationTimeout <= TimeSpan.Zero)
        {
            failures.Add("Sandbox:NotificationTimeout must be positive.");
        }

        if (options.NotificationRetrySchedule.Any(d => d < TimeSpan.Zero))
        {
            failures.Add("Sandbox:NotificationRetrySchedule must not hold negative delays.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
