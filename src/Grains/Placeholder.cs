namespace Orchestrator.Grains;

internal static class Placeholder;
