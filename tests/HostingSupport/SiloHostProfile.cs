namespace Orchestrator.HostingSupport;

/// <summary>
/// What sets one suite's <see cref="SiloHost"/>s apart from another suite's: their merchants and keys and the prefix
/// of their referenceNos (so a checkout, a key or a log line says which suite it came from), how long they wait, and
/// the settings every host of the suite adds to the common ones.
/// </summary>
/// <param name="Prefix">Starts every referenceNo (<c>E2E-…</c>) and every Orleans cluster id of the suite.</param>
/// <param name="OperatorKey">The operator API key the hosts accept.</param>
/// <param name="Merchants">The merchants configured in the hosts and in their sandbox; each gets a warm-up checkout.</param>
/// <param name="DefaultWait">How long a wait for something that normally takes milliseconds may last before the test fails.</param>
public sealed record SiloHostProfile(string Prefix, string OperatorKey, IReadOnlyList<Merchant> Merchants, TimeSpan DefaultWait)
{
    private const int MaxReferenceLength = 40;
    private const int UniqueHexDigits = 16;

    /// <summary>Settings every host of the suite adds to (or overrides in) the common ones; a host's own come after.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>A unique referenceNo for one test: <c>{Prefix}-{what}-{16 hex}</c>, 40 characters at most.</summary>
    public string NewReference(string what)
    {
        ArgumentNullException.ThrowIfNull(what);
        var length = Prefix.Length + what.Length + 2 + UniqueHexDigits;
        return length <= MaxReferenceLength
            ? $"{Prefix}-{what}-{Guid.NewGuid():N}"[..length]
            : throw new ArgumentException($"Keep it short: a referenceNo has at most {MaxReferenceLength} characters.", nameof(what));
    }
}
