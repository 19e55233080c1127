using System.Globalization;
using System.Text;

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>
/// Where this assembly writes: <c>&lt;repo&gt;/artifacts/logs/reliability/&lt;run&gt;/</c> for every host's logs (the
/// secrets scan reads everything under <c>&lt;repo&gt;/artifacts/logs/</c>) and <c>&lt;repo&gt;/artifacts/reliability/&lt;run&gt;/</c>
/// for the printed figures. The repository root is the nearest folder above the test binaries holding
/// <c>Orchestrator.sln</c>; <c>ORCHESTRATOR_ARTIFACTS</c> overrides the <c>artifacts</c> folder. Only the newest
/// <see cref="RunsKept"/> runs of this assembly are kept, so repeated runs do not fill the disk.
/// </summary>
public static class Artifacts
{
    /// <summary>How many runs' folders are kept under <c>logs/reliability</c> and <c>reliability</c>.</summary>
    public const int RunsKept = 3;

    private static readonly Lock Gate = new();
    private static bool _prepared;

    /// <summary>This process's run: UTC start time and process id, sortable.</summary>
    public static string RunId { get; } =
        $"{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Environment.ProcessId}";

    /// <summary>The repository's root folder, or null when the tests run outside a clone.</summary>
    public static string? RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The artifacts folder.</summary>
    public static string Root { get; } = Environment.GetEnvironmentVariable("ORCHESTRATOR_ARTIFACTS") is { Length: > 0 } overridden
        ? Path.GetFullPath(overridden)
        : Path.Combine(RepositoryRoot ?? AppContext.BaseDirectory, "artifacts");

    /// <summary>Every suite's logs live below this folder; the secrets scan reads all of it.</summary>
    public static string LogsRoot => Path.Combine(Root, "logs");

    /// <summary>This run's log folder.</summary>
    public static string RunLogs => Prepared(Path.Combine(LogsRoot, "reliability", RunId));

    /// <summary>This run's figures folder.</summary>
    public static string RunReports => Prepared(Path.Combine(Root, "reliability", RunId));

    /// <summary>Whether a file lies in an earlier run's folder of this assembly (scanned when that run ended).</summary>
    public static bool IsEarlierRun(string file)
    {
        var ours = Path.GetFullPath(Path.Combine(LogsRoot, "reliability")) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(file);
        return full.StartsWith(ours, StringComparison.Ordinal)
               && !full.StartsWith(Path.Combine(ours, RunId) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>A log file of this run for one host (e.g. <c>storm-silo</c>).</summary>
    public static string LogFile(string name) => Path.Combine(RunLogs, $"{name}.log");

    /// <summary>Writes (replaces) a figures file of this run and returns its path.</summary>
    public static string WriteReport(string name, string text)
    {
        var path = Path.Combine(RunReports, name);
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    private static string Prepared(string folder)
    {
        lock (Gate)
        {
            if (!_prepared)
            {
                _prepared = true;
                Prune(Path.Combine(LogsRoot, "reliability"));
                Prune(Path.Combine(Root, "reliability"));
            }

            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>Removes this assembly's older runs (folder names sort by time), keeping the newest few.</summary>
    private static void Prune(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        var runs = Directory.GetDirectories(parent).OrderByDescending(Path.GetFileName, StringComparer.Ordinal).ToList();
        foreach (var old in runs.Skip(RunsKept - 1))
        {
            try
            {
                Directory.Delete(old, recursive: true);
            }
            catch (IOException)
            {
                // Another test process may still write there; it is pruned next time.
            }
        }
    }

    private static string? FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Orchestrator.sln")))
            {
                return folder.FullName;
            }
        }

        return null;
    }
}
