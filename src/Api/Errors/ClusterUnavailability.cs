using System.Data.Common;
using System.Net.Sockets;
using Orleans.Storage;

namespace Orchestrator.Api.Errors;

/// <summary>
/// Tells exceptions that mean "the cluster or its storage cannot serve this now, retry" from bugs. The first become 503
/// with <c>Retry-After</c>; everything else is a 500.
/// </summary>
internal static class ClusterUnavailability
{
    /// <summary>Whether the exception, or one it wraps, means the cluster or its storage is temporarily unavailable.</summary>
    public static bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (IsTransientItself(current))
            {
                return true;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTransientItself(Exception exception) => exception switch
    {
        // A grain call that got no answer in time (Orleans' response timeout) or a storage call that timed out.
        TimeoutException => true,

        // The target silo is dead or shutting down, a gateway refused the message, or no connection could be made.
        SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException => true,
        ClientNotAvailableException or OrleansLifecycleCanceledException => true,
        Orleans.Runtime.Messaging.ConnectionFailedException => true,

        // Storage: an etag conflict means another activation wrote first; the grain re-reads on the next call.
        InconsistentStateException => true,

        // The database (PostgreSQL through ADO.NET) or the network below it failed.
        DbException or SocketException => true,
        _ => false,
    };
}
