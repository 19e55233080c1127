using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.NicepaySandbox.Hosting;

/// <summary>
/// The sandbox writes its own JSON instead of the host's: when it is mounted in another app, that app's naming policy
/// or null handling must not change what NICEPAY's endpoints (or the sandbox's own) look like on the wire.
/// </summary>
internal static class SandboxJson
{
    /// <summary>NICEPAY's endpoints: names pinned by attributes, nulls written.</summary>
    public static readonly JsonSerializerOptions Nicepay = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The sandbox endpoints: camelCase, numbers also read from strings.</summary>
    public static readonly JsonSerializerOptions Sandbox = new(JsonSerializerDefaults.Web);

    /// <summary>Reads a sandbox request body as <typeparamref name="T"/>, whatever the Content-Type; null when it is not that JSON.</summary>
    public static async Task<T?> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, Sandbox, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
