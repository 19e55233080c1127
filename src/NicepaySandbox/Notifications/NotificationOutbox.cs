using System.Threading.Channels;

namespace Orchestrator.NicepaySandbox.Notifications;

/// <summary>Hands planned notifications from the ledger to the background dispatcher; payments never wait for delivery.</summary>
internal sealed class NotificationOutbox
{
    private readonly Channel<NotificationRecord> _channel =
        Channel.CreateUnbounded<NotificationRecord>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<NotificationRecord> Reader => _channel.Reader;

    public void Enqueue(NotificationRecord record) => _channel.Writer.TryWrite(record);
}
