using System.Globalization;

namespace Orchestrator.Storage.Migrations;

/// <summary>One migration applied by a <see cref="SchemaMigrator.MigrateAsync"/> run.</summary>
/// <param name="Version">Its version.</param>
/// <param name="Name">Its name.</param>
/// <param name="Duration">How long its transaction took, commit included.</param>
public sealed record AppliedSchemaMigration(int Version, string Name, TimeSpan Duration)
{
    /// <summary>E.g. <c>applied V003 grain_storage in 12 ms</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"applied {SchemaMigration.FormatVersion(Version)} {Name} in {Math.Max(1, (long)Math.Round(Duration.TotalMilliseconds))} ms");
}

/// <summary>What a <see cref="SchemaMigrator.MigrateAsync"/> run did.</summary>
/// <param name="VersionBefore">The highest applied version before the run; null on an empty database.</param>
/// <param name="VersionAfter">The highest applied version after the run.</param>
/// <param name="Applied">The migrations this run applied, in order; empty when there was nothing to do.</param>
/// <param name="UnknownVersions">
/// Versions recorded in the database that this build does not ship (the database was migrated by a newer build).
/// They are left alone and reported.
/// </param>
public sealed record SchemaMigrationReport(
    int? VersionBefore,
    int? VersionAfter,
    IReadOnlyList<AppliedSchemaMigration> Applied,
    IReadOnlyList<int> UnknownVersions)
{
    /// <summary>True when the schema was already current.</summary>
    public bool NothingToDo => Applied.Count == 0;

    /// <summary>The report as lines for a console or a log: one per applied migration, or <c>nothing to do</c>.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var lines = new List<string>();
            if (NothingToDo)
            {
                lines.Add(VersionAfter is { } current
                    ? $"nothing to do: schema at {SchemaMigration.FormatVersion(current)}"
                    : "nothing to do: no migrations shipped");
            }
            else
            {
                lines.AddRange(Applied.Select(a => a.ToString()));
                lines.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"schema at {SchemaMigration.FormatVersion(VersionAfter ?? 0)} (was {(VersionBefore is { } before ? SchemaMigration.FormatVersion(before) : "empty")})"));
            }

            foreach (var unknown in UnknownVersions)
            {
                lines.Add($"warning: the database has {SchemaMigration.FormatVersion(unknown)}, which this build does not know (migrated by a newer build?)");
            }

            return lines;
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Lines);
}
