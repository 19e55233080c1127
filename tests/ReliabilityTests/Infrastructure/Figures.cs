using Xunit.Abstractions;

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>
/// The figures a suite prints: to the test output (shown by <c>dotnet test --logger "console;verbosity=detailed"</c>)
/// and to <c>artifacts/reliability/&lt;run&gt;/&lt;name&gt;.txt</c>, so a run's numbers survive it.
/// </summary>
public sealed class Figures(ITestOutputHelper output, string name)
{
    private readonly List<string> _lines = [];

    public void Line(string text)
    {
        lock (_lines)
        {
            _lines.Add(text);
        }

        output.WriteLine(text);
    }

    /// <summary>Writes the figures file and returns its path.</summary>
    public string Save()
    {
        lock (_lines)
        {
            var path = Artifacts.WriteReport($"{name}.txt", string.Join('\n', _lines) + "\n");
            output.WriteLine($"(figures saved to {path})");
            return path;
        }
    }
}
