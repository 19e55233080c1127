using System.Net;

namespace Orchestrator.Nicepay;

/// <summary>The three V2 CVS operations; each has its own named HttpClient and resilience pipeline.</summary>
internal enum NicepayOperation
{
    Registration,
    Inquiry,
    Cancel,
}

/// <summary>
/// What one logical call (all its attempts) has learned so far. It rides on the request message so the
/// per-attempt handler, which runs inside the retry loop, can record each attempt's fate for the client.
/// </summary>
internal sealed class NicepayCall(
    NicepayOperation operation,
    string iMid,
    string? referenceNo,
    string? transactionId,
    params string[] secrets)
{
    public static readonly HttpRequestOptionsKey<NicepayCall> OptionsKey = new("Orchestrator.Nicepay.Call");

    private NicepayFailure? _firstUnanswered;
    private int _firstUnansweredAttempt;

    public NicepayOperation Operation { get; } = operation;

    public string IMid { get; } = iMid;

    public string? ReferenceNo { get; } = referenceNo;

    public string? TransactionId { get; } = transactionId;

    /// <summary>Attempts started so far (attempts are sequential: the pipelines retry, they never hedge).</summary>
    public int Attempts { get; private set; }

    /// <summary>True once any attempt may have put bytes on the wire.</summary>
    public bool MaybeSent { get; private set; }

    /// <summary>The last failure that provably sent nothing (connection refused, DNS), if any.</summary>
    public NicepayFailure? NotSentFailure { get; private set; }

    /// <summary>Operations that change state at NICEPAY, where an unanswered attempt makes a later rejection ambiguous.</summary>
    public bool ChangesState => Operation != NicepayOperation.Inquiry;

    public int BeginAttempt() => ++Attempts;

    /// <summary>
    /// The first attempt before the last one that may have reached NICEPAY without a readable answer (timeout,
    /// broken connection, 5xx, 408, 429): NICEPAY may have acted on it.
    /// </summary>
    public NicepayFailure? UnansweredEarlierAttempt =>
        _firstUnansweredAttempt > 0 && _firstUnansweredAttempt < Attempts ? _firstUnanswered : null;

    /// <summary>Records an attempt that got an HTTP answer.</summary>
    public void RecordAnswer(HttpStatusCode status)
    {
        MaybeSent = true;
        if (NicepayTransport.IsTransientStatus(status))
        {
            RecordUnanswered(new NicepayFailure(NicepayFailureKind.ServerError, $"attempt {Attempts} got HTTP {(int)status}", (int)status));
        }
    }

    /// <summary>Records an attempt that ended in an exception.</summary>
    public void RecordFailure(Exception exception)
    {
        if (NicepayTransport.IsNotSent(exception))
        {
            NotSentFailure = new NicepayFailure(
                exception is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }
                    ? NicepayFailureKind.NameResolution
                    : NicepayFailureKind.ConnectionRefused,
                Redact(exception.Message));
            return;
        }

        MaybeSent = true;
        RecordUnanswered(exception is OperationCanceledException
            ? new NicepayFailure(NicepayFailureKind.Timeout, $"attempt {Attempts} timed out")
            : new NicepayFailure(NicepayFailureKind.ConnectionLost, $"attempt {Attempts} failed: {Redact(exception.Message)}"));
    }

    private void RecordUnanswered(NicepayFailure failure)
    {
        if (_firstUnanswered is null)
        {
            _firstUnanswered = failure;
            _firstUnansweredAttempt = Attempts;
        }
    }

    /// <summary>Removes this call's secrets (merchant key, token) from text that leaves the client.</summary>
    public string Redact(string text)
    {
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "***", StringComparison.OrdinalIgnoreCase);
            }
        }

        return text;
    }
}

/// <summary>Transport facts shared by the pipelines, the attempt handler and the client.</summary>
internal static class NicepayTransport
{
    /// <summary>The largest response body read; NICEPAY's answers are well under 4 KB.</summary>
    public const long MaxResponseBytes = 256 * 1024;

    /// <summary>
    /// True when the exception proves the request never left: the connection itself could not be made (refused,
    /// unreachable, DNS failure, TLS handshake failure). SocketsHttpHandler reports those only while connecting,
    /// before a byte of the request is written.
    /// </summary>
    public static bool IsNotSent(Exception exception) =>
        exception is HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError
                or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError,
        };

    /// <summary>The statuses worth another attempt of an idempotent call: 5xx, 408 and 429.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}
