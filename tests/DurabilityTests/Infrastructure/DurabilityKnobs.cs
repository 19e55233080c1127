using System.Globalization;
using Orchestrator.ClusterHarness;

namespace Orchestrator.DurabilityTests.Infrastructure;

/// <summary>
/// The sizes of the drills, from environment variables, with defaults small enough for CI (the whole project in
/// about four minutes on two cores). <c>scripts/durability-drill.sh</c> sets larger values for the long run.
/// </summary>
public static class DurabilityKnobs
{
    /// <summary>Restart proof: checkouts per stage (registered, paid with the webhook failing, expiring, paid while down).</summary>
    public static int RestartCheckoutsPerStage => Knob.Int("DURABILITY_RESTART_CHECKOUTS", 1);

    /// <summary>Kill proof: silo processes in the cluster.</summary>
    public static int KillSilos => Knob.Int("DURABILITY_KILL_SILOS", 3);

    /// <summary>Kill proof: kills; round r targets the host of a checkout in stage r mod 3.</summary>
    public static int KillRounds => Knob.Int("DURABILITY_KILL_ROUNDS", 3);

    /// <summary>Kill proof: checkouts per stage per round.</summary>
    public static int KillCheckoutsPerStage => Knob.Int("DURABILITY_KILL_CHECKOUTS", 1);

    /// <summary>PostgreSQL proof: silo processes.</summary>
    public static int LoadSilos => Knob.Int("DURABILITY_LOAD_SILOS", 2);

    /// <summary>PostgreSQL proof: concurrent clients of the load loop.</summary>
    public static int LoadWorkers => Knob.Int("DURABILITY_LOAD_WORKERS", 4);

    /// <summary>PostgreSQL proof: iterations per second per client (a create, a read and, once one is due, a store payment).</summary>
    public static double LoadRatePerWorker => Knob.Double("DURABILITY_LOAD_RATE", 4);

    /// <summary>PostgreSQL proof: restarts of PostgreSQL during the load (fast stop, then immediate, alternating).</summary>
    public static int PostgresRestarts => Knob.Int("DURABILITY_PG_RESTARTS", 1);

    /// <summary>PostgreSQL proof: how long PostgreSQL stays down each time.</summary>
    public static TimeSpan PostgresDown => Knob.Seconds("DURABILITY_PG_DOWN_SECONDS", 4);

    /// <summary>PostgreSQL proof: load before the first stop, between restarts and after the last start.</summary>
    public static TimeSpan LoadBetween => Knob.Seconds("DURABILITY_LOAD_BETWEEN_SECONDS", 3);

    /// <summary>The bound of one request in the load loop: an answer later than this counts as a hang.</summary>
    public static TimeSpan RequestBound => Knob.Seconds("DURABILITY_REQUEST_BOUND_SECONDS", 20);

    /// <summary>How long checkouts may take to settle after a drill before that is a violation.</summary>
    public static TimeSpan SettleTimeout => Knob.Seconds("DURABILITY_SETTLE_SECONDS", 90);

    /// <summary>
    /// Membership probe timeout of every silo (default the harness's 1 s; production's default is 2 s, see
    /// src/Silo/README.md "Membership timings"), so the takeover window can be measured for either.
    /// </summary>
    public static string ProbeTimeout => Knob.Text("DURABILITY_PROBE_TIMEOUT", ProcessClusterOptions.ProbeTimeout);

    /// <summary>Missed probes before a silo is suspected (default the harness's 2; production's default is 2 too).</summary>
    public static int MissedProbes => Knob.Int("DURABILITY_MISSED_PROBES", ProcessClusterOptions.NumMissedProbesLimit);

    /// <summary>Every knob and its value, for the figures.</summary>
    public static string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"restart checkouts/stage {RestartCheckoutsPerStage}; kill: {KillSilos} silos, {KillRounds} rounds, {KillCheckoutsPerStage} checkouts/stage; "
        + $"load: {LoadSilos} silos, {LoadWorkers} clients × {LoadRatePerWorker}/s, {PostgresRestarts} PostgreSQL restart(s) of {PostgresDown.TotalSeconds} s, "
        + $"{LoadBetween.TotalSeconds} s between; request bound {RequestBound.TotalSeconds} s; settle {SettleTimeout.TotalSeconds} s; "
        + $"membership ProbeTimeout {ProbeTimeout}, NumMissedProbesLimit {MissedProbes}");
}
