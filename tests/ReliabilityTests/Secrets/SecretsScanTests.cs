using System.Globalization;
using Orchestrator.ReliabilityTests.Infrastructure;
using Orchestrator.TestSupport.Ordering;
using Orchestrator.TestSupport.Secrets;
using Xunit.Abstractions;

namespace Orchestrator.ReliabilityTests.Secrets;

/// <summary>The secrets scan runs after every other collection of this assembly (<see cref="CollectionOrderer"/>, <see cref="Suites"/>).</summary>
[CollectionDefinition(Suites.SecretsScan)]
public sealed class SecretsScanSuite;

/// <summary>
/// Issue 5 §7: the logs written during the suites above — every host of this assembly writes all of its logs under
/// <c>artifacts/logs/reliability/</c> — and any other log under <c>artifacts/</c> (other suites' process logs) hold no
/// merchant NICEPAY key, merchant API key, operator key, webhook secret (whole or its base64 key), and no merchant token
/// that crossed the wire during the run. The scanner proves it can fail: a planted secret of each kind is found.
/// </summary>
[Collection(Suites.SecretsScan)]
[Trait("Category", "Reliability")]
public sealed class SecretsScanTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Logs_OfEverySuite_HoldNoKeySecretOrToken()
    {
        // Hosts of the collections above are disposed by now; anything still queued (a late background line) is flushed.
        await FileLoggerProvider.FlushAllAsync(TimeSpan.FromSeconds(10));
        if (Artifacts.RepositoryRoot is { } repository)
        {
            foreach (var settings in Directory.EnumerateFiles(Path.Combine(repository, "src"), "appsettings*.json", SearchOption.AllDirectories)
                         .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                        && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                SecretLedger.AddFromConfigurationFile(settings);
            }

            SecretLedger.AddFromComposeFile(Path.Combine(repository, "docker-compose.yml"));
        }

        var secrets = SecretLedger.All;
        var tokens = SecretLedger.MerchantTokens;
        // Earlier runs of this assembly were scanned when they ran; everything else under artifacts/ is read now.
        var files = LogScanner.LogFilesUnder(Artifacts.Root).Where(file => !Artifacts.IsEarlierRun(file)).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var report = LogScanner.Scan(Artifacts.Root, files, secrets, tokens.Keys);

        var figures = new Figures(output, "secrets-scan");
        figures.Line($"§7 secrets scan of {Artifacts.Root}: {report.Files} files, {report.Lines:N0} lines, {report.Bytes / 1_048_576.0:F1} MiB in {clock.Elapsed.TotalSeconds:F1} s "
            + $"({files.Count(f => f.Contains(Artifacts.RunId, StringComparison.Ordinal))} of them written by this run)");
        figures.Line($"looked for {secrets.Count} secrets ({string.Join(", ", secrets.GroupBy(s => s.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}) "
            + $"in {report.Needles} forms (as is, URL-encoded, JSON-escaped), {report.Tokens:N0} merchant tokens "
            + $"({string.Join(", ", tokens.GroupBy(t => t.Value).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}), and secrets by their shape");
        figures.Line($"hits: {report.HitCount}");
        foreach (var hit in report.Hits)
        {
            figures.Line($"  {hit}");
        }

        figures.Save();
        Assert.True(report.Files > 0 && report.Lines > 0,
            $"nothing to scan under {Artifacts.Root}: run the suites that write logs first (the whole assembly runs them before this test)");
        Assert.True(report.HitCount == 0,
            $"{report.HitCount} secret(s) found in the logs:{Environment.NewLine}{string.Join(Environment.NewLine, report.Hits.Take(50))}");
    }

    /// <summary>The scan can fail: one line per kind of secret is planted in a scratch log, and each is found.</summary>
    [Fact]
    public void Scanner_WhenASecretIsPlantedInALog_FindsEveryKind()
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"orchestrator-secrets-self-check-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var merchant = ReliabilityHost.ShopB;
            var token = NicepayNotifications.Token(merchant.IMid, "SHOPBREL0103202601010000001234", "150000", merchant.MerchantKey);
            var key = merchant.WebhookSecret["whsec_".Length..];
            string[] planted =
            [
                $"info Some.Category[0] connecting with merchant key {merchant.MerchantKey}",
                $"info Some.Category[0] api key={merchant.ApiKey} accepted",
                $"info Some.Category[0] operator {ReliabilityHost.OperatorKey}",
                $"info Some.Category[0] signing with {merchant.WebhookSecret}",
                $"info Some.Category[0] hmac key {key.Replace("+", "%2B", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal)}",
                $"info Some.Category[0] posted body tXid=T&amt=150000&x={token.ToUpperInvariant()}",
                "info Some.Category[0] webhook secret whsec_QW5vdGhlclN1aXRlc1NlY3JldEtleQ== of another suite",
                "info Some.Category[0] form merchantToken=0123456789abcdef0123 (a token nobody registered)",
                "info Some.Category[0] header Authorization: Bearer someone-elses-api-key-42",
            ];
            const string Clean = "info Orchestrator.Grains.Checkouts.CheckoutGrain[0] Checkout shop-b/REL-1: registered -> notified on RecordNotification (notification), version 3";
            File.WriteAllLines(Path.Combine(scratch, "planted.log"), [Clean, .. planted, Clean]);
            Secret[] secrets =
            [
                new(SecretKind.MerchantNicepayKey, "self-check", merchant.MerchantKey),
                new(SecretKind.MerchantApiKey, "self-check", merchant.ApiKey),
                new(SecretKind.OperatorKey, "self-check", ReliabilityHost.OperatorKey),
                new(SecretKind.WebhookSecret, "self-check", merchant.WebhookSecret),
                new(SecretKind.WebhookSecretKey, "self-check", key),
            ];

            var report = LogScanner.Scan(scratch, LogScanner.LogFilesUnder(scratch), secrets, [token]);

            output.WriteLine($"self-check: {report.Lines} lines, {report.HitCount} hits");
            foreach (var hit in report.Hits)
            {
                output.WriteLine($"  {hit}");
            }

            var linesHit = report.Hits.Select(hit => hit.Line).ToHashSet();
            var missed = Enumerable.Range(2, planted.Length).Where(line => !linesHit.Contains(line)).ToList();
            Assert.True(missed.Count == 0,
                $"the scanner missed planted line(s) {string.Join(", ", missed.Select(l => l.ToString(CultureInfo.InvariantCulture)))}: {string.Join(" | ", missed.Select(l => planted[l - 2]))}");
            Assert.DoesNotContain(1L, linesHit);
            Assert.DoesNotContain(planted.Length + 2L, linesHit);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
