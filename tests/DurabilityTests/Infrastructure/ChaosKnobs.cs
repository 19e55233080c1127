using System.Globalization;

namespace Orchestrator.DurabilityTests.Infrastructure;

/// <summary>
/// The size of the chaos drill (<c>ChaosDrillTests</c>), from <c>CHAOS_*</c> environment variables, with defaults that
/// keep the whole drill within two minutes on two cores. <c>scripts/chaos-drill.sh</c> sets the long run's values.
/// Membership timings, the request bound and the artifacts folder are the durability drills' own knobs
/// (<see cref="DurabilityKnobs"/>).
/// </summary>
public static class ChaosKnobs
{
    /// <summary>Silo processes; a killed one is replaced, so there are usually this many.</summary>
    public static int Silos => Knob.Int("CHAOS_SILOS", 3);

    /// <summary>How long checkouts arrive and silos are killed.</summary>
    public static TimeSpan Duration => Knob.Seconds("CHAOS_DURATION_SECONDS", 45);

    /// <summary>The kill schedule: one <c>kill -9</c> every this long (the PostgreSQL restart takes the middle tick).</summary>
    public static TimeSpan KillEvery => Knob.Seconds("CHAOS_KILL_EVERY_SECONDS", 6);

    /// <summary>The drill fails when fewer kills than this happened: it would not have tested what it claims.</summary>
    public static int MinimumKills => Knob.Int("CHAOS_MIN_KILLS", 5, minimum: 0);

    /// <summary>Checkouts arriving per second (open model: arrival i is due at i / rate, whatever came of earlier ones).</summary>
    public static double Rate => Knob.Double("CHAOS_RATE", 4);

    /// <summary>Percentage of checkouts the customer never pays (they must stay <c>registered</c>).</summary>
    public static int UnpaidPercent => Knob.Int("CHAOS_UNPAID_PERCENT", 10, minimum: 0);

    /// <summary>
    /// Percentage of checkouts whose first webhook delivery the merchant's endpoint answers 500 (it read the event all
    /// the same): the event must be retried under the same id, and the merchant fulfils through the API meanwhile.
    /// </summary>
    public static int WebhookFailPercent => Knob.Int("CHAOS_WEBHOOK_FAIL_PERCENT", 25, minimum: 0);

    /// <summary>How long PostgreSQL stays down in its one restart, in the middle of the drill.</summary>
    public static TimeSpan PostgresDown => Knob.Seconds("CHAOS_PG_DOWN_SECONDS", 3);

    /// <summary>How PostgreSQL is stopped: <c>fast</c> (sessions cut, clean shutdown) or <c>immediate</c> (a crash; recovery on start).</summary>
    public static string PostgresStop => Knob.Text("CHAOS_PG_STOP", "fast");

    /// <summary>How long the merchant keeps retrying one request (503, no answer) before giving up, which is a violation.</summary>
    public static TimeSpan RetryWindow => Knob.Seconds("CHAOS_RETRY_SECONDS", 60);

    /// <summary>How long after the drill every checkout may take to settle (confirmed, fulfilled, every event delivered).</summary>
    public static TimeSpan SettleTimeout => Knob.Seconds("CHAOS_SETTLE_SECONDS", 90);

    /// <summary>The seed of the drill's choices (victims, merchants, stores, amounts, who pays); random unless given, and printed.</summary>
    public static int Seed { get; } = Knob.Int("CHAOS_SEED", Random.Shared.Next(1, int.MaxValue));

    /// <summary>Every knob and its value, for the figures.</summary>
    public static string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Silos} silos; {Duration.TotalSeconds} s of load at {Rate}/s ({UnpaidPercent} % never paid, {WebhookFailPercent} % with the first webhook answered 500); a kill -9 every {KillEvery.TotalSeconds} s "
        + $"(at least {MinimumKills}); one PostgreSQL restart ({PostgresStop}, {PostgresDown.TotalSeconds} s down); merchant retries for "
        + $"{RetryWindow.TotalSeconds} s; settle {SettleTimeout.TotalSeconds} s; seed {Seed}");
}
