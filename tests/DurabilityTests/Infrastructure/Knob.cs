using System.Globalization;

namespace Orchestrator.DurabilityTests.Infrastructure;

/// <summary>
/// Reads one knob of a drill from an environment variable (<see cref="DurabilityKnobs"/>, <see cref="ChaosKnobs"/>): a
/// value that is missing or does not parse falls back to the CI default.
/// </summary>
internal static class Knob
{
    /// <summary>A whole number of at least <paramref name="minimum"/>.</summary>
    public static int Int(string name, int fallback, int minimum = 1) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : fallback;

    /// <summary>A positive number.</summary>
    public static double Double(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    /// <summary>A positive number of seconds.</summary>
    public static TimeSpan Seconds(string name, double fallback) => TimeSpan.FromSeconds(Double(name, fallback));

    /// <summary>A non-empty string.</summary>
    public static string Text(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
