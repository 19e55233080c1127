using System.Globalization;

namespace Orchestrator.Storage.Migrations;

/// <summary>Where one shipped migration stands in a database.</summary>
public enum SchemaMigrationState
{
    /// <summary>Not applied yet: the next <see cref="SchemaMigrator.MigrateAsync"/> applies it.</summary>
    Pending = 0,

    /// <summary>Applied, and the recorded checksum matches the shipped script.</summary>
    Applied = 1,

    /// <summary>Applied, but the shipped script differs from what was applied: migration refuses to run.</summary>
    ChecksumMismatch = 2,
}

/// <summary>One line of a <see cref="SchemaStatus"/>.</summary>
/// <param name="Version">The version.</param>
/// <param name="Name">The name.</param>
/// <param name="State">Pending, applied or changed since applied.</param>
/// <param name="AppliedAt">When it was applied, if it was.</param>
/// <param name="AppliedBy">Who applied it, if it was.</param>
public sealed record SchemaMigrationStatus(
    int Version,
    string Name,
    SchemaMigrationState State,
    DateTimeOffset? AppliedAt,
    string? AppliedBy)
{
    /// <summary>E.g. <c>V003 grain_storage applied 2026-11-24T02:00:00Z by postgres@silo-1</c>.</summary>
    public override string ToString()
    {
        var name = SchemaMigration.FormatVersion(Version) + " " + Name;
        return State switch
        {
            SchemaMigrationState.Pending => name + " pending",
            SchemaMigrationState.Applied => string.Create(
                CultureInfo.InvariantCulture, $"{name} applied {AppliedAt:yyyy-MM-ddTHH:mm:ssZ} by {AppliedBy}"),
            _ => name + " CHANGED since it was applied (checksum mismatch)",
        };
    }
}

/// <summary>A dry run: what <see cref="SchemaMigrator.MigrateAsync"/> would do, without changing anything.</summary>
/// <param name="Migrations">Every shipped migration and its state, in version order.</param>
/// <param name="UnknownVersions">Versions recorded in the database that this build does not ship.</param>
public sealed record SchemaStatus(IReadOnlyList<SchemaMigrationStatus> Migrations, IReadOnlyList<int> UnknownVersions)
{
    /// <summary>The highest applied version (shipped or not); null on an empty database.</summary>
    public int? CurrentVersion =>
        Migrations.Where(m => m.State != SchemaMigrationState.Pending).Select(m => (int?)m.Version)
            .Concat(UnknownVersions.Select(v => (int?)v))
            .Max();

    /// <summary>The migrations the next run would apply.</summary>
    public IReadOnlyList<SchemaMigrationStatus> Pending =>
        Migrations.Where(m => m.State == SchemaMigrationState.Pending).ToList();

    /// <summary>True when nothing is pending and nothing changed.</summary>
    public bool IsUpToDate => Migrations.All(m => m.State == SchemaMigrationState.Applied);

    /// <summary>True when an applied migration was changed afterwards (migration would refuse to run).</summary>
    public bool HasChecksumMismatch => Migrations.Any(m => m.State == SchemaMigrationState.ChecksumMismatch);

    /// <summary>The status as lines: one per shipped migration, then warnings.</summary>
    public IReadOnlyList<string> Lines =>
        Migrations.Select(m => m.ToString())
            .Concat(UnknownVersions.Select(v =>
                $"{SchemaMigration.FormatVersion(v)} applied by a newer build (not shipped in this one)"))
            .ToList();

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Lines);
}
