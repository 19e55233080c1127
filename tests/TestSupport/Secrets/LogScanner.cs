using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;

namespace Orchestrator.TestSupport.Secrets;

/// <summary>One place a secret was found: the file, the line, and what it was (never the value).</summary>
public sealed record SecretHit(string File, long Line, int Column, string What)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {What}";
}

/// <summary>What a scan read and found.</summary>
public sealed record ScanReport(int Files, long Lines, long Bytes, int Needles, int Tokens, long HitCount, IReadOnlyList<SecretHit> Hits);

/// <summary>
/// Reads every file under a folder, line by line, and reports every line holding a secret:
/// <list type="bullet">
/// <item>each known secret (<see cref="SecretLedger"/>), also URL-encoded and JSON-escaped, since a value can reach a log
/// through a query string or a serialized object;</item>
/// <item>each known merchant token (64 hex characters, in any case), looked up for every 64-character window of every
/// run of hex digits;</item>
/// <item>secrets recognisable by their shape whoever owns them: a <c>whsec_</c> value, a <c>merchantToken</c> field
/// with a value, a <c>Bearer</c> credential.</item>
/// </list>
/// </summary>
public static partial class LogScanner
{
    private const int HitsKept = 200;
    private const int TokenLength = 64;

    /// <summary>
    /// The log files under an artifacts folder: everything under its <c>logs/</c> (where the reliability suite writes and
    /// every suite is asked to write its logs) and every <c>*.log</c> elsewhere below it (the cluster harness's process
    /// and narration logs).
    /// </summary>
    public static IReadOnlyList<string> LogFilesUnder(string artifactsRoot)
    {
        if (!Directory.Exists(artifactsRoot))
        {
            return [];
        }

        var logs = Path.Combine(artifactsRoot, "logs");
        var files = Directory.Exists(logs) ? Directory.EnumerateFiles(logs, "*", SearchOption.AllDirectories) : [];
        return [.. files.Concat(Directory.EnumerateFiles(artifactsRoot, "*.log", SearchOption.AllDirectories))
            .Select(Path.GetFullPath)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Scans <paramref name="files"/> (reported relative to <paramref name="root"/>).</summary>
    public static ScanReport Scan(string root, IReadOnlyCollection<string> files, IReadOnlyCollection<Secret> secrets, IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(secrets);
        var needles = new Dictionary<string, Secret>(StringComparer.Ordinal);
        foreach (var secret in secrets)
        {
            foreach (var form in Forms(secret.Value))
            {
                needles.TryAdd(form, secret);
            }
        }

        var tokenSet = new HashSet<string>(tokens.Select(token => token.ToLowerInvariant()), StringComparer.Ordinal);
        var search = SearchValues.Create([.. needles.Keys], StringComparison.Ordinal);
        var hits = new List<SecretHit>();
        long hitCount = 0, lines = 0, bytes = 0;
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            using var reader = new StreamReader(stream);
            long number = 0;
            while (reader.ReadLine() is { } line)
            {
                number++;
                foreach (var (column, what) in Find(line, needles, search, tokenSet))
                {
                    hitCount++;
                    if (hits.Count < HitsKept)
                    {
                        hits.Add(new SecretHit(Path.GetRelativePath(root, file), number, column + 1, what));
                    }
                }
            }

            lines += number;
            bytes += stream.Length;
        }

        return new ScanReport(files.Count, lines, bytes, needles.Count, tokenSet.Count, hitCount, hits);
    }

    /// <summary>The forms a value can take in a log: as is, URL-encoded, JSON-escaped (default and relaxed encoders).</summary>
    private static IEnumerable<string> Forms(string value) =>
        new[]
        {
            value,
            Uri.EscapeDataString(value),
            JavaScriptEncoder.Default.Encode(value),
            JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(value),
        }.Distinct(StringComparer.Ordinal);

    private static List<(int Column, string What)> Find(
        string line, Dictionary<string, Secret> needles, SearchValues<string> search, HashSet<string> tokens)
    {
        var found = new List<(int Column, string What)>();
        var offset = 0;
        while (offset < line.Length)
        {
            var at = line.AsSpan(offset).IndexOfAny(search);
            if (at < 0)
            {
                break;
            }

            var position = offset + at;
            var secret = needles.Where(pair => line.AsSpan(position).StartsWith(pair.Key, StringComparison.Ordinal))
                .OrderByDescending(pair => pair.Key.Length).First().Value;
            found.Add((position, secret.ToString()));
            offset = position + 1;
        }

        FindTokens(line, tokens, found);
        if (line.Contains("whsec_", StringComparison.Ordinal) || line.Contains("erchantToken", StringComparison.OrdinalIgnoreCase)
            || line.Contains("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            foreach (Match match in ShapeOfASecret().Matches(line))
            {
                var what = match.Groups["whsec"].Success ? "a whsec_ webhook secret (by its shape)"
                    : match.Groups["token"].Success ? "a merchantToken field with a value (by its shape)"
                    : "a Bearer credential (by its shape)";
                found.Add((match.Index, what));
            }
        }

        return found;
    }

    private static void FindTokens(string line, HashSet<string> tokens, List<(int Column, string What)> found)
    {
        if (tokens.Count == 0 || line.Length < TokenLength)
        {
            return;
        }

        var start = -1;
        for (var i = 0; i <= line.Length; i++)
        {
            if (i < line.Length && char.IsAsciiHexDigit(line[i]))
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start >= 0 && i - start >= TokenLength)
            {
                for (var window = start; window + TokenLength <= i; window++)
                {
                    var candidate = line.Substring(window, TokenLength).ToLowerInvariant();
                    if (tokens.Contains(candidate))
                    {
                        found.Add((window, $"MerchantToken (captured from {SecretLedger.MerchantTokens.GetValueOrDefault(candidate, "a test")})"));
                    }
                }
            }

            start = -1;
        }
    }

    [GeneratedRegex(
        "(?<whsec>whsec_[A-Za-z0-9+/]{16,})|(?<token>merchantToken[\"']?\\s*[:=]\\s*[\"']?[0-9A-Fa-f]{16,})|(?<bearer>Bearer\\s+[A-Za-z0-9._~+/=-]{8,})",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ShapeOfASecret();
}
