using System.Globalization;

namespace Orchestrator.TestSupport.Postgres;

/// <summary>Where the PostgreSQL server programs (<c>initdb</c>, <c>pg_ctl</c>) are on this machine.</summary>
/// <param name="Directory">The folder holding both programs.</param>
public sealed record PostgresBinaries(string Directory)
{
    /// <summary>Debian and Ubuntu install each major version here, outside PATH.</summary>
    public const string DebianRoot = "/usr/lib/postgresql";

    /// <summary>The full path of <c>initdb</c>.</summary>
    public string InitDb => Path.Combine(Directory, "initdb");

    /// <summary>The full path of <c>pg_ctl</c>.</summary>
    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    /// <summary>
    /// Finds the binaries on PATH, else in the newest <c>/usr/lib/postgresql/&lt;major&gt;/bin</c>.
    /// </summary>
    /// <exception cref="PostgresUnavailableException">Neither place has them: the message says how to install them.</exception>
    public static PostgresBinaries Locate()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (HasServerPrograms(folder))
            {
                return new PostgresBinaries(folder);
            }
        }

        if (System.IO.Directory.Exists(DebianRoot))
        {
            var newest = System.IO.Directory.GetDirectories(DebianRoot)
                .Select(major => (Major: ParseMajor(Path.GetFileName(major)), Bin: Path.Combine(major, "bin")))
                .Where(candidate => candidate.Major > 0 && HasServerPrograms(candidate.Bin))
                .OrderByDescending(candidate => candidate.Major)
                .FirstOrDefault();
            if (newest.Bin is not null)
            {
                return new PostgresBinaries(newest.Bin);
            }
        }

        throw new PostgresUnavailableException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in " + DebianRoot + "/*/bin.");
    }

    private static bool HasServerPrograms(string folder) =>
        Exists(Path.Combine(folder, "initdb")) && Exists(Path.Combine(folder, "pg_ctl"));

    // A symlink whose target is gone (a removed package version) does not count.
    private static bool Exists(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return false;
        }

        return file.LinkTarget is null || file.ResolveLinkTarget(returnFinalTarget: true)?.Exists == true;
    }

    private static int ParseMajor(string name) =>
        int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0;
}
