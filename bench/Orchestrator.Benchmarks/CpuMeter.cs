using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.Benchmarks;

/// <summary>CPU seconds from /proc: the PostgreSQL server (postmaster and every backend), this process, its children.</summary>
internal sealed class CpuMeter(string dataDirectory)
{
    // USER_HZ: the unit of the /proc/[pid]/stat times. 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    // /proc/stat's first line: cpu user nice system idle iowait irq softirq steal …; busy is all but idle and iowait.
    private static readonly int[] BusyFields = [1, 2, 3, 6, 7, 8];

    private readonly int _postmaster = ReadPostmasterPid(dataDirectory);

    public CpuSample Sample() => new(PostgresSeconds(), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, ReapedChildrenSeconds(), MachineBusySeconds());

    /// <summary>
    /// The postmaster's own time, the time of the children it has reaped (backends that ended) and the time of its live
    /// children (backends, WAL writer, checkpointer, autovacuum…).
    /// </summary>
    private double PostgresSeconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        var ticks = 0L;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (TryReadStat(pid) is not { } stat)
            {
                continue;
            }

            if (pid == _postmaster)
            {
                ticks += stat.UserTicks + stat.SystemTicks + stat.ChildUserTicks + stat.ChildSystemTicks;
            }
            else if (stat.ParentPid == _postmaster)
            {
                ticks += stat.UserTicks + stat.SystemTicks;
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>CPU of this process's children that have ended (pgbench).</summary>
    private static double ReapedChildrenSeconds() =>
        OperatingSystem.IsLinux() && TryReadStat(Environment.ProcessId) is { } stat
            ? (stat.ChildUserTicks + stat.ChildSystemTicks) / TicksPerSecond
            : double.NaN;

    /// <summary>Busy CPU time of the whole machine (/proc/stat: everything but idle and iowait), every process included.</summary>
    private static double MachineBusySeconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var busy = BusyFields.Sum(index => long.Parse(fields[index], CultureInfo.InvariantCulture));
        return busy / TicksPerSecond;
    }

    private static int ReadPostmasterPid(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "postmaster.pid");
        return File.Exists(path)
            ? int.Parse(File.ReadLines(path).First().Trim(), CultureInfo.InvariantCulture)
            : -1;
    }

    private static ProcStat? TryReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
        return new ProcStat(
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            long.Parse(fields[11], CultureInfo.InvariantCulture),
            long.Parse(fields[12], CultureInfo.InvariantCulture),
            long.Parse(fields[13], CultureInfo.InvariantCulture),
            long.Parse(fields[14], CultureInfo.InvariantCulture));
    }

    private readonly record struct ProcStat(int ParentPid, long UserTicks, long SystemTicks, long ChildUserTicks, long ChildSystemTicks);
}

/// <summary>This process's garbage collections so far.</summary>
internal readonly record struct GcSample(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
{
    public static GcSample Now() => new(
        GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public static GcSample operator -(GcSample end, GcSample start) =>
        new(end.Allocated - start.Allocated, end.Gen0 - start.Gen0, end.Gen1 - start.Gen1, end.Gen2 - start.Gen2, end.Paused - start.Paused);
}

/// <summary>CPU seconds consumed so far.</summary>
internal readonly record struct CpuSample(double Postgres, double Process, double Children, double Machine)
{
    /// <summary>CPU the machine spent on anything else (other processes on a shared machine, the kernel's own work).</summary>
    public double Others => Machine - Postgres - Process - Children;

    public static CpuSample operator -(CpuSample end, CpuSample start) =>
        new(end.Postgres - start.Postgres, end.Process - start.Process, end.Children - start.Children, end.Machine - start.Machine);
}
