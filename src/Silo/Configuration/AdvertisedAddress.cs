using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Orchestrator.Silo.Configuration;

/// <summary>The address a silo publishes in the membership table for other silos and clients to reach it.</summary>
internal static class AdvertisedAddress
{
    /// <summary>
    /// <c>Orleans:AdvertisedIPAddress</c> when set; otherwise the first IPv4 address of an operational, non-loopback
    /// interface; otherwise 127.0.0.1 (a single machine).
    /// </summary>
    /// <exception cref="InvalidOperationException">The configured value is not an IP address.</exception>
    public static IPAddress Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return IPAddress.TryParse(configured.Trim(), out var address)
                ? address
                : throw new InvalidOperationException(
                    $"Orleans:AdvertisedIPAddress is '{configured}', which is not an IP address (e.g. 10.0.0.5). Leave it out to use this host's first IPv4 address.");
        }

        return FirstNonLoopbackIPv4() ?? IPAddress.Loopback;
    }

    private static IPAddress? FirstNonLoopbackIPv4()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
                .Select(unicast => unicast.Address)
                .FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address));
        }
        catch (NetworkInformationException)
        {
            return null;
        }
    }
}
