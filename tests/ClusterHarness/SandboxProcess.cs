using System.Net;
using Orchestrator.TestSupport.Wire;

namespace Orchestrator.ClusterHarness;

/// <summary>
/// The NICEPAY sandbox as its own process (standalone, loopback): NICEPAY's V2 API for the silos, the store counter
/// for the customer, the ledger and the fault controls for the drill.
/// </summary>
public sealed class SandboxProcess : IDisposable
{
    internal SandboxProcess(ManagedProcess process, int port)
    {
        Process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Http = new HttpEndpoint(BaseAddress);
    }

    /// <summary>The process.</summary>
    public ManagedProcess Process { get; }

    /// <summary>Its address (the silos' <c>Nicepay:BaseUrl</c>).</summary>
    public Uri BaseAddress { get; }

    /// <summary>HTTP to the sandbox.</summary>
    public HttpEndpoint Http { get; }

    /// <summary>The customer pays <paramref name="amount"/> for <paramref name="payNo"/> at a store counter.</summary>
    public Task<WireResponse> PayAsync(string store, string payNo, long amount) =>
        Http.PostJsonAsync($"sandbox/stores/{store}/payments", new { payNo, amount });

    /// <summary>Pays a checkout at Indomaret (or its store) and throws unless the store took the cash.</summary>
    public async Task PayOrThrowAsync(CheckoutJson checkout)
    {
        var response = await PayAsync(checkout.Store, checkout.PaymentCode ?? throw new InvalidOperationException($"{checkout} has no payment code."), checkout.Amount);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Paying {checkout} at {checkout.Store}: {response}");
        }
    }

    /// <summary>The ledger's transactions for a referenceNo of an iMid, newest first.</summary>
    public Task<IReadOnlyList<SandboxTransactionJson>> TransactionsAsync(HarnessMerchant merchant, string referenceNo) =>
        LedgerAsync($"sandbox/transactions?iMid={merchant.IMid}&referenceNo={Uri.EscapeDataString(referenceNo)}");

    /// <summary>Every transaction of an iMid in the ledger.</summary>
    public Task<IReadOnlyList<SandboxTransactionJson>> TransactionsAsync(HarnessMerchant merchant) =>
        LedgerAsync($"sandbox/transactions?iMid={merchant.IMid}");

    /// <summary>The registration requests received for (iMid, referenceNo), or null when none was.</summary>
    public async Task<SandboxRegistrationsJson?> RegistrationsAsync(HarnessMerchant merchant, string referenceNo)
    {
        var response = await Http.GetAsync($"sandbox/registrations?iMid={merchant.IMid}&referenceNo={Uri.EscapeDataString(referenceNo)}");
        return response.StatusCode == HttpStatusCode.OK
            ? response.As<List<SandboxRegistrationsJson>>().SingleOrDefault()
            : throw new InvalidOperationException($"Sandbox registrations: {response}");
    }

    /// <summary>Adds a fault rule (<c>POST /sandbox/faults</c>); returns its id.</summary>
    public async Task<string> AddFaultAsync(object rule)
    {
        var response = await Http.PostJsonAsync("sandbox/faults", rule);
        return response.StatusCode == HttpStatusCode.Created
            ? response.Node()["id"]!.GetValue<string>()
            : throw new InvalidOperationException($"Adding a sandbox fault: {response}");
    }

    /// <summary>Removes a fault rule.</summary>
    public async Task RemoveFaultAsync(string id)
    {
        var response = await Http.SendAsync(HttpMethod.Delete, $"sandbox/faults/{id}");
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException($"Removing sandbox fault {id}: {response}");
        }
    }

    private async Task<IReadOnlyList<SandboxTransactionJson>> LedgerAsync(string path)
    {
        var response = await Http.GetAsync(path);
        return response.StatusCode == HttpStatusCode.OK
            ? response.As<List<SandboxTransactionJson>>()
            : throw new InvalidOperationException($"Sandbox ledger: {response}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }
}
