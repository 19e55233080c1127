using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Orchestrator.Storage.Migrations;

/// <summary>
/// One versioned schema script, e.g. <c>V003__grain_storage.sql</c>: applied once, in version order, in its own
/// transaction, and never edited after it shipped (its checksum is recorded and verified on every run).
/// </summary>
public sealed partial record SchemaMigration
{
    private const string ResourcePrefix = "Orchestrator.Storage.Schema.";

    /// <summary>Creates a migration; the checksum is computed from <paramref name="sql"/>.</summary>
    public SchemaMigration(int version, string name, string sql)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        Version = version;
        Name = name;
        Sql = sql;
        Checksum = ComputeChecksum(sql);
    }

    /// <summary>The version (the number after <c>V</c>); migrations apply in ascending order.</summary>
    public int Version { get; }

    /// <summary>The name after the double underscore, e.g. <c>grain_storage</c>.</summary>
    public string Name { get; }

    /// <summary>The script.</summary>
    public string Sql { get; }

    /// <summary>SHA-256 of the script (UTF-8, line endings normalized to LF), lower-case hex.</summary>
    public string Checksum { get; }

    /// <summary>How reports name it: <c>V003 grain_storage</c>.</summary>
    public string DisplayName => FormatVersion(Version) + " " + Name;

    /// <summary>The scripts shipped in this assembly, in version order.</summary>
    public static IReadOnlyList<SchemaMigration> Embedded { get; } = LoadEmbedded();

    /// <summary>Formats a version as reports show it: <c>V003</c>.</summary>
    public static string FormatVersion(int version) => "V" + version.ToString("000", CultureInfo.InvariantCulture);

    /// <summary>
    /// The checksum ignores the difference between CRLF and LF so that a checkout with different line-ending settings
    /// does not look like an edited migration; any other change, even whitespace, counts.
    /// </summary>
    public static string ComputeChecksum(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var normalized = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }

    private static List<SchemaMigration> LoadEmbedded()
    {
        var assembly = typeof(SchemaMigration).Assembly;
        var migrations = new List<SchemaMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = resource[ResourcePrefix.Length..];
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException(
                    $"Embedded schema script '{fileName}' is not named V<number>__<name>.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Embedded schema script '{fileName}' cannot be read.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new SchemaMigration(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Two embedded schema scripts share version {FormatVersion(migrations[i].Version)}.");
            }
        }

        return migrations;
    }

    [GeneratedRegex(@"^V(?<version>\d+)__(?<name>[a-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
