using System.Net;

namespace Orchestrator.ClusterHarness;

/// <summary>
/// One silo process: the Silo executable in its Production environment on PostgreSQL, serving the API on its own
/// loopback port. A restart on the same ports is a new <see cref="SiloProcess"/> with the same <see cref="Name"/> and a
/// higher <see cref="Incarnation"/>.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    internal SiloProcess(string name, int incarnation, int httpPort, int siloPort, int gatewayPort, ManagedProcess process)
    {
        Name = name;
        Incarnation = incarnation;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        Process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        Http = new HttpEndpoint(BaseAddress);
    }

    /// <summary><c>silo-1</c>, <c>silo-2</c>…</summary>
    public string Name { get; }

    /// <summary>1 for the first process of this name, 2 after a restart on the same ports, …</summary>
    public int Incarnation { get; }

    /// <summary>The API's port (also <c>Orchestrator:PublicBaseUrl</c>: NICEPAY notifies checkouts this silo registered here).</summary>
    public int HttpPort { get; }

    /// <summary>The silo-to-silo port: Orleans' identity of this silo (<c>S127.0.0.1:{SiloPort}:{generation}</c>).</summary>
    public int SiloPort { get; }

    /// <summary>The Orleans gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>The process.</summary>
    public ManagedProcess Process { get; }

    /// <summary>The API's address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>HTTP to this silo.</summary>
    public HttpEndpoint Http { get; }

    /// <summary>True until it was killed, stopped or exited by itself.</summary>
    public bool IsRunning => !Process.HasExited;

    /// <summary>How it ended, when it did: <c>killed</c>, <c>stopped</c>, or null while running (or when it exited by itself).</summary>
    public string? EndedBy { get; internal set; }

    /// <summary>Whether this process is the one Orleans names by <paramref name="activeOn"/> (<c>S127.0.0.1:port:generation</c>).</summary>
    public bool Hosts(string? activeOn) => ParseSiloPort(activeOn) == SiloPort && IsRunning;

    /// <summary>The silo port in an Orleans silo address such as <c>S127.0.0.1:11111:154497297</c>, or null.</summary>
    public static int? ParseSiloPort(string? siloAddress)
    {
        var parts = siloAddress?.TrimStart('S').Split(':');
        return parts is { Length: >= 3 } && int.TryParse(parts[^2], System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    // ---- The merchant and operator API, as a client calls it ----

    /// <summary><c>POST /v1/checkouts</c>.</summary>
    public Task<WireResponse> CreateAsync(HarnessMerchant merchant, CreateCheckoutBody body, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Http.PostJsonAsync("v1/checkouts", body, merchant.ApiKey, timeout, cancellationToken);

    /// <summary><c>GET /v1/checkouts/{referenceNo}</c>.</summary>
    public Task<WireResponse> GetAsync(HarnessMerchant merchant, string referenceNo, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Http.GetAsync($"v1/checkouts/{Uri.EscapeDataString(referenceNo)}", merchant.ApiKey, timeout, cancellationToken);

    /// <summary><c>POST /v1/checkouts/{referenceNo}/cancel</c>.</summary>
    public Task<WireResponse> CancelAsync(HarnessMerchant merchant, string referenceNo) =>
        Http.SendAsync(HttpMethod.Post, $"v1/checkouts/{Uri.EscapeDataString(referenceNo)}/cancel", merchant.ApiKey);

    /// <summary><c>POST /v1/checkouts/{referenceNo}/fulfil</c>.</summary>
    public Task<WireResponse> FulfilAsync(HarnessMerchant merchant, string referenceNo) =>
        Http.SendAsync(HttpMethod.Post, $"v1/checkouts/{Uri.EscapeDataString(referenceNo)}/fulfil", merchant.ApiKey);

    /// <summary><c>GET /ops/checkouts/{merchantId}/{referenceNo}</c>.</summary>
    public Task<WireResponse> OperatorViewAsync(string operatorKey, HarnessMerchant merchant, string referenceNo, TimeSpan? timeout = null) =>
        Http.GetAsync($"ops/checkouts/{merchant.Id}/{Uri.EscapeDataString(referenceNo)}", operatorKey, timeout);

    /// <summary><c>POST /ops/checkouts/{merchantId}/{referenceNo}/status-check</c>.</summary>
    public Task<WireResponse> StatusCheckAsync(string operatorKey, HarnessMerchant merchant, string referenceNo) =>
        Http.SendAsync(HttpMethod.Post, $"ops/checkouts/{merchant.Id}/{Uri.EscapeDataString(referenceNo)}/status-check", operatorKey);

    /// <summary>Whether <c>/health/ready</c> answers 200 now.</summary>
    public async Task<bool> IsReadyAsync() =>
        (await Http.GetAsync("health/ready", timeout: TimeSpan.FromSeconds(5))).StatusCode == HttpStatusCode.OK;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}#{Incarnation} (pid {Process.Id}, http {HttpPort}, silo {SiloPort}{(IsRunning ? "" : ", " + (EndedBy ?? $"exited {Process.ExitCode}"))})";

    /// <inheritdoc />
    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }
}
