using Orchestrator.Grains.Checkouts;

namespace Orchestrator.UnitTests;

public sealed class StateDiagramTests
{
    private const string BeginMarker = "<!-- BEGIN GENERATED: CheckoutStateMachine.ToMermaid() -->";
    private const string EndMarker = "<!-- END GENERATED -->";

    [Fact]
    public void StateMachineDoc_Diagram_MatchesTheStatelessMachine()
    {
        var document = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "state-machine.md"));
        var start = document.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = document.IndexOf(EndMarker, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/state-machine.md lacks the generated-diagram markers");

        var documented = document[(start + BeginMarker.Length)..end]
            .Replace("```mermaid", "", StringComparison.Ordinal)
            .Replace("```", "", StringComparison.Ordinal)
            .Trim()
            .ReplaceLineEndings("\n");
        var generated = CheckoutStateMachine.ToMermaid().Trim().ReplaceLineEndings("\n");

        Assert.True(
            string.Equals(documented, generated, StringComparison.Ordinal),
            "docs/state-machine.md is out of date. Replace the block between the markers with:\n```mermaid\n" + generated + "\n```");
    }
}
