namespace Orchestrator.Nicepay;

internal static class Placeholder;
