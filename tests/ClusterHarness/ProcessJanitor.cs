using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.ClusterHarness;

/// <summary>
/// Makes sure nothing a harness started outlives it, without ever touching a process it did not start.
/// <list type="bullet">
/// <item>Every child is listed in a ledger file under <c>$TMPDIR/orchestrator-cluster-harness/</c>, named after this
/// process's id, with a run marker that also appears on the child's command line.</item>
/// <item>When this process exits (even after a failed test), live children are killed.</item>
/// <item>When this process was itself killed (a cancelled test run), the next harness to start sweeps the ledgers of
/// dead owners: it kills a listed pid only if <c>/proc/&lt;pid&gt;/cmdline</c> still carries that run's marker, and stops a
/// listed PostgreSQL only if its postmaster's command line names that data folder.</item>
/// </list>
/// </summary>
internal sealed class ProcessJanitor : IDisposable
{
    private static readonly string LedgerDirectory = Path.Combine(Path.GetTempPath(), "orchestrator-cluster-harness");

    private readonly Lock _gate = new();
    private readonly List<ManagedProcess> _children = [];
    private readonly string _ledger;
    private bool _disposed;

    public ProcessJanitor(string runId)
    {
        RunId = runId;
        Directory.CreateDirectory(LedgerDirectory);
        _ledger = Path.Combine(LedgerDirectory, $"{Environment.ProcessId}-{runId}.ledger");
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The marker of this run, put on every child's command line.</summary>
    public string RunId { get; }

    /// <summary>Records a child.</summary>
    public void Track(ManagedProcess process)
    {
        lock (_gate)
        {
            _children.Add(process);
            File.AppendAllText(_ledger, $"process {process.Id.ToString(CultureInfo.InvariantCulture)} {RunId}{Environment.NewLine}");
        }
    }

    /// <summary>Records a private PostgreSQL folder.</summary>
    public void TrackPostgres(string rootDirectory)
    {
        lock (_gate)
        {
            File.AppendAllText(_ledger, $"postgres {rootDirectory}{Environment.NewLine}");
        }
    }

    /// <summary>Kills the leftovers of harnesses whose process died without cleaning up; returns what it did.</summary>
    public static IReadOnlyList<string> SweepLeftovers()
    {
        var done = new List<string>();
        if (!Directory.Exists(LedgerDirectory))
        {
            return done;
        }

        foreach (var ledger in Directory.GetFiles(LedgerDirectory, "*.ledger"))
        {
            var owner = Path.GetFileName(ledger).Split('-')[0];
            if (!int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var ownerPid) || IsAlive(ownerPid))
            {
                continue;
            }

            foreach (var line in SafeReadLines(ledger))
            {
                var parts = line.Split(' ', 3);
                if (parts is ["process", var pidText, var marker] && int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    && CommandLine(pid).Contains(marker, StringComparison.Ordinal))
                {
                    Signal(pid, "KILL");
                    done.Add($"killed leftover pid {pid} of run {marker}");
                }
                else if (line.StartsWith("postgres ", StringComparison.Ordinal))
                {
                    StopLeftoverPostgres(line["postgres ".Length..], done);
                }
            }

            TryDelete(ledger);
        }

        return done;
    }

    /// <summary>Kills every live child (used on teardown and at process exit).</summary>
    public void KillAll()
    {
        List<ManagedProcess> children;
        lock (_gate)
        {
            children = [.. _children];
        }

        foreach (var child in children.Where(child => !child.HasExited))
        {
            child.Kill();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        KillAll();
        TryDelete(_ledger);
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        try
        {
            KillAll();
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Never fail the exit of the test host; the ledger lets the next harness sweep up.
        }
    }

    private static void StopLeftoverPostgres(string folder, List<string> done)
    {
        var pidFile = Path.Combine(folder, "data", "postmaster.pid");
        var first = File.Exists(pidFile) ? SafeReadLines(pidFile).FirstOrDefault() : null;
        if (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var postmaster)
            && CommandLine(postmaster).Contains(folder, StringComparison.Ordinal))
        {
            // SIGQUIT is PostgreSQL's immediate shutdown: the postmaster takes its backends down with it.
            Signal(postmaster, "QUIT");
            done.Add($"stopped leftover PostgreSQL {folder}");
        }

        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort; the temp folder is the OS's to clean.
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        kill?.WaitForExit(5_000);
    }

    private static string[] SafeReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Swept next time.
        }
    }
}
