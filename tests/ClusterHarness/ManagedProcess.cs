using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.ClusterHarness;

/// <summary>
/// One child process of the harness (a silo, the sandbox), started so that it owes nothing to the harness while it
/// runs: through <c>/bin/sh -c 'exec …'</c>, its stdin from <c>/dev/null</c> and stdout and stderr appended straight to a
/// log file (no pipe into this process that could fill up and stall it; the log survives whatever happens here). The
/// shell execs the program, so the process id is the program's own.
/// </summary>
public sealed class ManagedProcess : IDisposable
{
    // Settings the harness passes explicitly: never inherit a stray one from the environment the tests run in.
    private static readonly string[] InheritedPrefixesToDrop =
    [
        "ASPNETCORE_", "DOTNET_ENVIRONMENT", "ConnectionStrings__", "Orleans__", "Merchants__", "Operators__", "Checkouts__",
        "Nicepay__", "Sandbox__", "Orchestrator__", "Logging__", "Kestrel__", "urls",
    ];

    private readonly Process _process;

    private ManagedProcess(string name, Process process, string logFile)
    {
        Name = name;
        _process = process;
        LogFile = logFile;
        Id = process.Id;
        StartedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>A name for messages (<c>silo-2</c>, <c>sandbox</c>).</summary>
    public string Name { get; }

    /// <summary>The OS process id.</summary>
    public int Id { get; }

    /// <summary>Where stdout and stderr go.</summary>
    public string LogFile { get; }

    /// <summary>When it was started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Whether it has exited (for whatever reason).</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                // Disposed: only ever done once it exited or was killed.
                return true;
            }
        }
    }

    /// <summary>The exit code once exited, else null.</summary>
    public int? ExitCode
    {
        get
        {
            try
            {
                return _process.HasExited ? _process.ExitCode : null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }
    }

    /// <summary>Starts <paramref name="program"/> with exactly these arguments and environment additions.</summary>
    public static ManagedProcess Start(
        string name, string program, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, string logFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };

        // $1 is the log file; the rest is the command, exec'd so that this pid is the program's.
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1");
        startInfo.ArgumentList.Add("sh");
        startInfo.ArgumentList.Add(logFile);
        startInfo.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var key in startInfo.Environment.Keys.ToList())
        {
            if (InheritedPrefixesToDrop.Any(prefix => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                startInfo.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in environment)
        {
            // A POSIX shell silently drops variables whose names are not shell identifiers (e.g. with '-'): refuse them.
            if (key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
            {
                throw new ArgumentException($"Environment variable '{key}' would be dropped by /bin/sh: use letters, digits and '_' only.", nameof(environment));
            }

            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{name}: /bin/sh did not start.");
        return new ManagedProcess(name, process, logFile);
    }

    /// <summary><c>kill -9</c>: the process (and anything it started) dies at once, with no chance to clean up.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// SIGTERM (what an orchestrator sends on a deploy): the process shuts down gracefully. Waits up to
    /// <paramref name="timeout"/>; returns false (and leaves it running) when it did not exit in time.
    /// </summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (HasExited)
        {
            return true;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(timeout);
    }

    /// <summary>Waits for the process to exit; false when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The last lines of its log, for failure messages.</summary>
    public string ReadLogTail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var tail = new Queue<string>(lines);
            while (reader.ReadLine() is { } line)
            {
                if (tail.Count == lines)
                {
                    tail.Dequeue();
                }

                tail.Enqueue(line);
            }

            return string.Join(Environment.NewLine, tail);
        }
        catch (IOException exception)
        {
            return $"(no log: {exception.Message})";
        }
    }

    /// <summary>Whether its log contains <paramref name="text"/>.</summary>
    public bool LogContains(string text)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Contains(text, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} (pid {Id})";

    /// <inheritdoc />
    public void Dispose() => _process.Dispose();
}
