using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Orchestrator.Api.Authentication;

/// <summary>
/// The configured API keys, held only as SHA-256 hashes. Rebuilt when configuration reloads, so a key can be added
/// and the old one removed later without a restart (rotation).
/// </summary>
internal sealed class ApiKeyRegistry : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly IDisposable _reloadRegistration;
    private volatile Entry[] _entries;

    public ApiKeyRegistry(IConfiguration configuration)
    {
        _configuration = configuration;
        _entries = Build(configuration);
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, () => _entries = Build(_configuration));
    }

    /// <summary>Finds the owner of a presented key, or null. Compares against every key in constant time per key.</summary>
    public ApiKeyOwner? Find(string presentedKey)
    {
        if (presentedKey.Length is 0 or > ApiKeyConfiguration.MaximumKeyLength)
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey), hash);

        // No early exit: the time taken does not tell which entry, if any, matched.
        ApiKeyOwner? match = null;
        foreach (var entry in _entries)
        {
            if (CryptographicOperations.FixedTimeEquals(entry.Hash, hash))
            {
                match ??= entry.Owner;
            }
        }

        return match;
    }

    public void Dispose() => _reloadRegistration.Dispose();

    private static Entry[] Build(IConfiguration configuration) =>
        [.. ApiKeyConfiguration.Read(configuration)
            .Select(key => new Entry(
                SHA256.HashData(Encoding.UTF8.GetBytes(key.Value)),
                new ApiKeyOwner(key.Owner, key.MerchantId, key.Path)))];

    private sealed record Entry(byte[] Hash, ApiKeyOwner Owner);
}

/// <summary>Who presented a key, and which configured key it was (its configuration path, not the key).</summary>
internal sealed record ApiKeyOwner(ApiKeyOwnerKind Kind, string? MerchantId, string KeyId);
