namespace Orchestrator.Api;

internal static class Placeholder;
