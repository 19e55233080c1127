using Microsoft.Extensions.Options;
using Orchestrator.Api.Authentication;
using Orchestrator.Contracts.Merchants;

namespace Orchestrator.Silo.Configuration;

/// <summary>
/// Checks the API keys at start-up: merchant keys (<c>Merchants:{id}:ApiKey</c>, <c>Merchants:{id}:ApiKeys:{n}</c>) and
/// operator keys (<c>Operators:ApiKeys:{n}</c>). Registered against <see cref="MerchantsOptions"/> so it runs with the
/// merchant checks. Messages name key paths, never key values.
/// </summary>
internal sealed class ApiKeysValidator(IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<MerchantsOptions>
{
    /// <summary>The shortest key accepted outside Development (the demo keys are shorter, and public).</summary>
    internal const int MinimumKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, MerchantsOptions options)
    {
        var failures = new List<string>();
        var keys = ApiKeyConfiguration.Read(configuration);

        if (!keys.Any(key => key.Owner == ApiKeyOwnerKind.Operator))
        {
            failures.Add($"{ApiKeyConfiguration.OperatorKeysSection}: configure at least one operator key ({ApiKeyConfiguration.OperatorKeysSection}:0).");
        }

        var firstPathByKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (!firstPathByKey.TryAdd(key.Value, key.Path))
            {
                failures.Add($"{key.Path} holds the same key as {firstPathByKey[key.Value]}: every API key must be unique.");
            }

            if (key.Value.Length != key.Value.Trim().Length)
            {
                failures.Add($"{key.Path} must not start or end with whitespace.");
            }

            if (key.Value.Length > ApiKeyConfiguration.MaximumKeyLength)
            {
                failures.Add($"{key.Path} must be at most {ApiKeyConfiguration.MaximumKeyLength} characters.");
            }

            if (!environment.IsDevelopment() && key.Value.Length < MinimumKeyLength)
            {
                failures.Add($"{key.Path} must be at least {MinimumKeyLength} characters outside Development.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
