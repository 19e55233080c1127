using Orchestrator.TestSupport.Secrets;

namespace Orchestrator.ReliabilityTests.Infrastructure;

/// <summary>A notification exactly as the sandbox (NICEPAY) posted it, for replays.</summary>
/// <param name="Url">The dbProcessUrl it went to.</param>
/// <param name="ContentType">Its content type (form-encoded).</param>
/// <param name="Body">The bytes of its body.</param>
public sealed record CapturedNotification(Uri Url, string ContentType, byte[] Body);

/// <summary>
/// Sits on an HttpClient of the test host (added by the test, not by the product) and records what crossed it: the
/// <c>merchantToken</c> of every NICEPAY request the orchestrator sends and of every notification the sandbox sends, so
/// the secrets scan can look for them; and, on the sandbox's notification client, the notification itself
/// (<see cref="Notified"/>), so a test can post it again later.
/// </summary>
public sealed class TokenCaptureHandler(string clientName, Action<CapturedNotification>? notified = null) : DelegatingHandler
{
    /// <summary>Called for every notification the sandbox sends, before it leaves.</summary>
    public Action<CapturedNotification>? Notified { get; } = notified;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content)
        {
            // Both bodies (JSON for NICEPAY's API, form for notifications) are buffered contents: reading them here does
            // not stop them from being sent.
            var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
            SecretLedger.CaptureTokens(System.Text.Encoding.UTF8.GetString(bytes), clientName);
            if (Notified is { } notify && request.RequestUri is { } url)
            {
                notify(new CapturedNotification(url, content.Headers.ContentType?.ToString() ?? "application/x-www-form-urlencoded", bytes));
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
