namespace Orchestrator.TestSupport.Postgres;

/// <summary>
/// A test needs a real PostgreSQL and this machine cannot provide one. Tests never pass silently without it: in CI
/// (<c>CI=true</c>) and locally alike they fail with this message, which says what to install.
/// </summary>
public sealed class PostgresUnavailableException : Exception
{
    /// <summary>How to get the binaries; appended to every message.</summary>
    public const string InstallHint =
        "These tests need a real PostgreSQL server and do not pass without one. Install the server binaries, e.g. " +
        "'apt-get install -y postgresql' on Debian/Ubuntu (.ci/run does this when they are missing), or put a " +
        "folder holding initdb and pg_ctl on PATH, then run the tests again.";

    /// <summary>Creates the exception; the install hint (and a CI marker when <c>CI=true</c>) is added to the message.</summary>
    public PostgresUnavailableException(string problem)
        : base(Compose(problem))
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public PostgresUnavailableException(string problem, Exception innerException)
        : base(Compose(problem), innerException)
    {
    }

    /// <summary>Creates the exception with the install hint only.</summary>
    public PostgresUnavailableException()
        : base(Compose("PostgreSQL is not available."))
    {
    }

    /// <summary>True when the CI environment variable is "true" (as .ci/run sets it).</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string Compose(string problem) =>
        (IsCi ? "CI run without PostgreSQL: " : "") + problem + " " + InstallHint;
}
