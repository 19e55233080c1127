using Orchestrator.Contracts.Search;

namespace Orchestrator.Storage.Search;

/// <summary>
/// The rows waiting to be written: at most one per checkout (the highest version published), at most
/// <c>capacity</c> checkouts. Thread-safe; every member takes one short lock and never waits on anything else.
/// </summary>
internal sealed class CheckoutIndexBuffer(int capacity, int batchSize)
{
    private readonly Lock _gate = new();
    private Dictionary<(string MerchantId, string ReferenceNo), CheckoutIndexEntry> _pending = [];
    private long _published;
    private long _coalesced;
    private long _dropped;

    /// <summary>What <see cref="Add"/> did with an entry.</summary>
    public enum AddResult
    {
        /// <summary>Buffered for a checkout that had nothing waiting; the buffer was empty before.</summary>
        First,

        /// <summary>Buffered for a checkout that had nothing waiting; now a full batch is waiting.</summary>
        BatchFull,

        /// <summary>Buffered (new or replacing a lower version), nothing to signal.</summary>
        Buffered,

        /// <summary>A version at least as high was already waiting: nothing changed.</summary>
        Superseded,

        /// <summary>The buffer is full and this checkout had nothing waiting: dropped.</summary>
        Dropped,
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public (long Published, long Coalesced, long Dropped) Counters
    {
        get
        {
            lock (_gate)
            {
                return (_published, _coalesced, _dropped);
            }
        }
    }

    public AddResult Add(CheckoutIndexEntry entry)
    {
        var key = (entry.MerchantId, entry.ReferenceNo);
        lock (_gate)
        {
            _published++;
            if (_pending.TryGetValue(key, out var waiting))
            {
                _coalesced++;
                if (waiting.Version >= entry.Version)
                {
                    return AddResult.Superseded;
                }

                _pending[key] = entry;
                return AddResult.Buffered;
            }

            if (_pending.Count >= capacity)
            {
                _dropped++;
                return AddResult.Dropped;
            }

            _pending[key] = entry;
            return _pending.Count == 1 ? AddResult.First
                : _pending.Count == batchSize ? AddResult.BatchFull
                : AddResult.Buffered;
        }
    }

    /// <summary>Takes up to one batch out of the buffer.</summary>
    public List<CheckoutIndexEntry> Take()
    {
        lock (_gate)
        {
            if (_pending.Count <= batchSize)
            {
                var all = _pending.Values.ToList();
                _pending = [];
                return all;
            }

            var batch = _pending.Values.Take(batchSize).ToList();
            foreach (var entry in batch)
            {
                _pending.Remove((entry.MerchantId, entry.ReferenceNo));
            }

            return batch;
        }
    }

    /// <summary>
    /// Puts a batch that could not be written back, unless a higher version of a checkout arrived meanwhile. May exceed
    /// the capacity by up to one batch: these rows were already accepted.
    /// </summary>
    public void Return(IEnumerable<CheckoutIndexEntry> batch)
    {
        lock (_gate)
        {
            foreach (var entry in batch)
            {
                var key = (entry.MerchantId, entry.ReferenceNo);
                if (!_pending.TryGetValue(key, out var waiting) || waiting.Version < entry.Version)
                {
                    _pending[key] = entry;
                }
            }
        }
    }
}
