using System.Text.Json.Serialization;
using Orchestrator.Api.Checkouts;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Search;

namespace Orchestrator.Api.Operations;

/// <summary>One page of <c>GET /ops/checkouts</c>, newest first.</summary>
public sealed record CheckoutSearchResponse
{
    /// <summary>The checkouts of this page.</summary>
    public required IReadOnlyList<CheckoutSummaryResponse> Items { get; init; }

    /// <summary>Pass as <c>after</c> (with the same filters) for the next page; null on the last page.</summary>
    public required string? Next { get; init; }
}

/// <summary>A checkout as the operator search shows it (one row of the read model).</summary>
public sealed record CheckoutSummaryResponse
{
    /// <summary>The merchant.</summary>
    public required string MerchantId { get; init; }

    /// <summary>The merchant's reference.</summary>
    public required string ReferenceNo { get; init; }

    /// <summary>As in the merchant API: created, registered, notified, confirmed, fulfilled, expired, cancelled, failed or reversed.</summary>
    public required string Status { get; init; }

    /// <summary>indomaret or alfamart.</summary>
    public required string Store { get; init; }

    /// <summary>The amount in whole rupiah.</summary>
    public required long Amount { get; init; }

    /// <summary>The payment code, once issued.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PaymentCode { get; init; }

    /// <summary>NICEPAY's transaction id (tXid), once known.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TransactionId { get; init; }

    /// <summary>When the checkout was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The checkout version this row shows (the read model may lag the checkout by a moment).</summary>
    public required int Version { get; init; }

    /// <summary>True while an anomaly waits for an operator.</summary>
    public required bool RequiresAttention { get; init; }
}

/// <summary><c>GET /ops/stats</c>: checkouts per status.</summary>
public sealed record CheckoutStatsResponse
{
    /// <summary>Every status (lowercase, as in the merchant API) with its count, zeros included.</summary>
    public required IReadOnlyDictionary<string, long> ByStatus { get; init; }

    /// <summary>All checkouts counted.</summary>
    public required long Total { get; init; }
}

/// <summary>Maps the read model to the wire.</summary>
public static class CheckoutSearchResponseMapping
{
    /// <summary>A page on the wire.</summary>
    public static CheckoutSearchResponse AsResponse(this CheckoutSearchPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new CheckoutSearchResponse { Items = [.. page.Items.Select(AsResponse)], Next = page.Next };
    }

    /// <summary>A row on the wire.</summary>
    public static CheckoutSummaryResponse AsResponse(this CheckoutIndexEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new CheckoutSummaryResponse
        {
            MerchantId = entry.MerchantId,
            ReferenceNo = entry.ReferenceNo,
            Status = entry.Status.WireName(),
            Store = StoreNames.WireName(entry.Store),
            Amount = entry.Amount,
            PaymentCode = entry.PaymentCode,
            TransactionId = entry.TransactionId,
            CreatedAt = entry.CreatedAt,
            UpdatedAt = entry.UpdatedAt,
            Version = entry.Version,
            RequiresAttention = entry.RequiresAttention,
        };
    }

    /// <summary>Counts on the wire: every status, in the enum's order, zeros included, so clients see a stable shape.</summary>
    public static CheckoutStatsResponse AsStatsResponse(this IReadOnlyDictionary<CheckoutStatus, long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var byStatus = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var status in Enum.GetValues<CheckoutStatus>())
        {
            byStatus[status.WireName()] = counts.GetValueOrDefault(status);
        }

        return new CheckoutStatsResponse { ByStatus = byStatus, Total = counts.Values.Sum() };
    }
}
