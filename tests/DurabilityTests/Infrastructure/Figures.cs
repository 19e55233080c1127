using System.Globalization;
using Orchestrator.ClusterHarness;
using Xunit.Abstractions;

namespace Orchestrator.DurabilityTests.Infrastructure;

/// <summary>
/// The figures a drill reports: each line goes to the test's output and is appended to <c>figures.md</c> in the run's
/// artifacts folder (<see cref="ArtifactsLocation"/>), which <c>scripts/durability-drill.sh</c> prints at the end.
/// </summary>
public sealed class Figures
{
    private static readonly Lock FileGate = new();
    private readonly ITestOutputHelper _output;

    /// <summary>Starts a section titled <paramref name="title"/>.</summary>
    public Figures(ITestOutputHelper output, string title)
    {
        _output = output;
        Add("");
        Add($"## {title} ({DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC)");
        Add("");
        Add($"- host: {Environment.ProcessorCount} cores, load average at start {LoadAverage()}");
    }

    /// <summary>The host's 1/5/15-minute load averages (other work on the machine shows in every timing).</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>The file all drills of this run append to.</summary>
    public static string FilePath => Path.Combine(DurabilityCluster.ArtifactsRoot, "figures.md");

    /// <summary>Reports one line.</summary>
    public void Add(string line)
    {
        _output.WriteLine(line);
        lock (FileGate)
        {
            if (!File.Exists(FilePath))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
                File.WriteAllText(FilePath, $"# Durability figures{Environment.NewLine}{Environment.NewLine}Knobs: {DurabilityKnobs.Describe()}.{Environment.NewLine}"
                    + $"{Environment.NewLine}Chaos knobs: {ChaosKnobs.Describe()}.{Environment.NewLine}");
            }

            File.AppendAllText(FilePath, line + Environment.NewLine);
        }
    }

    /// <summary>min / median / max of a sample, in milliseconds.</summary>
    public static string Spread(IReadOnlyCollection<TimeSpan> sample)
    {
        if (sample.Count == 0)
        {
            return "n/a";
        }

        var sorted = sample.Order().ToList();
        var median = sorted.Count % 2 == 1
            ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture,
            $"min {sorted[0].TotalMilliseconds:F0} ms / median {median.TotalMilliseconds:F0} ms / max {sorted[^1].TotalMilliseconds:F0} ms (n={sorted.Count})");
    }

    /// <summary>The <paramref name="p"/> quantile (0..1) of a sample, in whole milliseconds, or <c>n/a</c>.</summary>
    public static string Percentile(IEnumerable<TimeSpan> sample, double p)
    {
        var sorted = sample.Order().ToList();
        return sorted.Count == 0
            ? "n/a"
            : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)].TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);
    }
}
