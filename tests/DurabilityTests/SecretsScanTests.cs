using System.Diagnostics;
using Orchestrator.DurabilityTests;
using Orchestrator.DurabilityTests.Infrastructure;
using Orchestrator.TestSupport.Ordering;
using Orchestrator.TestSupport.Secrets;
using Xunit.Abstractions;

// The scan reads what every other test class of this assembly wrote, so its collection runs last; the others run one
// after another (xunit.runner.json) by name.
[assembly: TestCollectionOrderer(CollectionOrderer.TypeName, CollectionOrderer.AssemblyName)]
[assembly: CollectionOrder(SecretsScanTests.Collection)]

namespace Orchestrator.DurabilityTests;

/// <summary>The secrets scan runs after every other test class of this assembly (<see cref="CollectionOrderer"/>).</summary>
[CollectionDefinition(SecretsScanTests.Collection)]
public sealed class SecretsScanSuite;

/// <summary>
/// Issue 5 §7 for the durability and chaos drills: the logs this run wrote — every silo, sandbox and <c>migrate</c>
/// process log and every harness narration under this run's artifacts folder (<see cref="DurabilityCluster.ArtifactsRoot"/>,
/// one folder per drill, the chaos drill's included) — hold no merchant API key, NICEPAY merchant key, webhook secret
/// (whole or its base64 key) or operator key of any cluster the run started (each registers its own when it starts),
/// and nothing shaped like a secret (<see cref="LogScanner"/>). That the scanner finds what it looks for is proven once,
/// by the reliability suite's planted-secret test of the same scanner.
/// </summary>
[Collection(Collection)]
[Trait("Category", "Durability")]
[Trait("Category", "Secrets")]
public sealed class SecretsScanTests(ITestOutputHelper output)
{
    /// <summary>The collection's name, which <see cref="CollectionOrderAttribute"/> puts last.</summary>
    public const string Collection = "Secrets scan";

    [Fact]
    public void Logs_OfEveryDrillOfThisRun_HoldNoKeyOrSecretOfAnyCluster()
    {
        // Every drill disposed its cluster (every process it started is dead) before this collection began.
        var root = DurabilityCluster.ArtifactsRoot;
        var secrets = SecretLedger.All;
        var files = LogScanner.LogFilesUnder(root);
        var clock = Stopwatch.StartNew();
        var report = LogScanner.Scan(root, files, secrets, SecretLedger.MerchantTokens.Keys);

        // Each cluster has one operator key of its own; nothing else in this assembly registers one.
        var clusters = secrets.Count(secret => secret.Kind == SecretKind.OperatorKey);
        var figures = new Figures(output, "Secrets scan of this run's logs (issue 5 §7)");
        figures.Add($"- read {root}: {report.Files} files in {files.Select(Path.GetDirectoryName).Distinct(StringComparer.Ordinal).Count()} folders, "
            + $"{report.Lines:N0} lines, {report.Bytes / 1_048_576.0:F1} MiB in {clock.Elapsed.TotalSeconds:F1} s");
        figures.Add($"- looked for {secrets.Count} secrets of {clusters} clusters ({string.Join(", ", secrets.GroupBy(s => s.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}) "
            + $"in {report.Needles} forms (as is, URL-encoded, JSON-escaped), and secrets by their shape");
        figures.Add($"- hits: {report.HitCount}");
        foreach (var hit in report.Hits)
        {
            figures.Add($"  - {hit}");
        }

        Assert.True(report.Files > 0 && report.Lines > 0,
            $"nothing to scan under {root}: run the drills first (the whole assembly runs them before this test)");
        Assert.True(clusters > 0, $"no cluster registered its secrets in the ledger, though {report.Files} log files were written under {root}");
        Assert.True(report.HitCount == 0,
            $"{report.HitCount} secret(s) found in the logs:{Environment.NewLine}{string.Join(Environment.NewLine, report.Hits.Take(50))}");
    }
}
