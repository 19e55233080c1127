using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Api.Checkouts;
using Orchestrator.Contracts.Checkouts;
using Orchestrator.Contracts.Merchants;
using Orchestrator.Contracts.Search;

namespace Orchestrator.Api.Operations;

/// <summary>
/// The query string of <c>GET /ops/checkouts</c>, bound as text so that every malformed value becomes a validation
/// error naming its parameter (a typed binding failure would name the C# type instead).
/// </summary>
internal sealed partial record CheckoutSearchRequest
{
    /// <summary>The page size when none is given.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The largest page.</summary>
    public const int MaxLimit = 500;

    private const int MaxIdLength = 64;

    [Description("Only this merchant's checkouts.")]
    [FromQuery(Name = "merchantId")]
    public string? MerchantId { get; init; }

    [Description("Only this status: created, registered, notified, confirmed, fulfilled, expired, cancelled, failed or reversed.")]
    [FromQuery(Name = "status")]
    public string? Status { get; init; }

    [Description("Only this store network: indomaret or alfamart.")]
    [FromQuery(Name = "store")]
    public string? Store { get; init; }

    [Description("Created at or after (ISO 8601 with offset, e.g. 2026-11-24T00:00:00Z; encode '+' as %2B).")]
    [FromQuery(Name = "createdFrom")]
    public string? CreatedFrom { get; init; }

    [Description("Created before (ISO 8601 with offset).")]
    [FromQuery(Name = "createdTo")]
    public string? CreatedTo { get; init; }

    [Description("The payment code, exactly.")]
    [FromQuery(Name = "paymentCode")]
    public string? PaymentCode { get; init; }

    [Description("NICEPAY's transaction id (tXid), exactly.")]
    [FromQuery(Name = "transactionId")]
    public string? TransactionId { get; init; }

    [Description("true: only checkouts waiting for an operator; false: only the others.")]
    [FromQuery(Name = "requiresAttention")]
    public string? RequiresAttention { get; init; }

    [Description("Page size, 1–500 (default 50).")]
    [FromQuery(Name = "limit")]
    public string? Limit { get; init; }

    [Description("The 'next' value of the previous page; leave out for the first page.")]
    [FromQuery(Name = "after")]
    public string? After { get; init; }

    /// <summary>The status a lowercase wire name stands for.</summary>
    public static IReadOnlyDictionary<string, CheckoutStatus> Statuses { get; } =
        Enum.GetValues<CheckoutStatus>().ToDictionary(status => status.WireName(), StringComparer.Ordinal);

    /// <summary>The store network a lowercase wire name stands for.</summary>
    public static IReadOnlyDictionary<string, StoreNetwork> Stores { get; } =
        Enum.GetValues<StoreNetwork>().ToDictionary(StoreNames.WireName, StringComparer.Ordinal);

    /// <summary>Validates a merchant id filter; null when it is fine.</summary>
    public static string? CheckMerchantId(string value) => MerchantIds.IsValid(value)
        ? null
        : $"must be a merchant id: {MerchantIds.Rule}";

    /// <summary>Turns the query string into a search, or says what is wrong with each parameter.</summary>
    public bool TryCreateQuery(out CheckoutSearchQuery query, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var found = errors;
        void Fail(string parameter, string message) => found[parameter] = [$"'{parameter}' {message}."];

        if (MerchantId is not null && CheckMerchantId(MerchantId) is { } merchantError)
        {
            Fail("merchantId", merchantError);
        }

        CheckoutStatus? status = null;
        if (Status is not null)
        {
            if (Statuses.TryGetValue(Status, out var parsed))
            {
                status = parsed;
            }
            else
            {
                Fail("status", $"must be one of {string.Join(", ", Statuses.Keys)}");
            }
        }

        StoreNetwork? store = null;
        if (Store is not null)
        {
            if (Stores.TryGetValue(Store, out var parsed))
            {
                store = parsed;
            }
            else
            {
                Fail("store", $"must be one of {string.Join(", ", Stores.Keys)}");
            }
        }

        var createdFrom = ParseInstant("createdFrom", CreatedFrom, Fail);
        var createdTo = ParseInstant("createdTo", CreatedTo, Fail);
        if (createdFrom is not null && createdTo is not null && createdTo <= createdFrom)
        {
            Fail("createdTo", "must be later than 'createdFrom'");
        }

        CheckExactValue("paymentCode", PaymentCode, Fail);
        CheckExactValue("transactionId", TransactionId, Fail);

        bool? requiresAttention = null;
        if (RequiresAttention is not null)
        {
            requiresAttention = RequiresAttention switch
            {
                "true" => true,
                "false" => false,
                _ => null,
            };
            if (requiresAttention is null)
            {
                Fail("requiresAttention", "must be true or false");
            }
        }

        // Digits only: int.TryParse would also take trailing NULs ("50\0").
        var limit = DefaultLimit;
        if (Limit is not null
            && (!Limit.All(char.IsAsciiDigit)
                || !int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            Fail("limit", $"must be a whole number from 1 to {MaxLimit}");
        }

        if (After is not null && (After.Length == 0 || After.Length > 1024))
        {
            Fail("after", "must be the 'next' value of a previous page");
        }

        query = new CheckoutSearchQuery
        {
            MerchantId = MerchantId,
            Status = status,
            Store = store,
            CreatedFrom = createdFrom,
            CreatedTo = createdTo,
            PaymentCode = PaymentCode,
            TransactionId = TransactionId,
            RequiresAttention = requiresAttention,
            Limit = limit,
            After = After,
        };
        return errors.Count == 0;
    }

    private static DateTimeOffset? ParseInstant(string parameter, string? value, Action<string, string> fail)
    {
        if (value is null)
        {
            return null;
        }

        // An offset is required: a bare local time would be read in the server's zone. A '+' that arrives as a space
        // was not URL-encoded; say so rather than just "invalid".
        if (IsoWithOffsetPattern().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        fail(parameter, value.Contains(' ', StringComparison.Ordinal)
            ? "must be an ISO 8601 date-time with an offset; a '+' in a query string must be encoded as %2B"
            : "must be an ISO 8601 date-time with an offset, e.g. 2026-11-24T00:00:00Z or 2026-11-24T07:00:00%2B07:00");
        return null;
    }

    private static void CheckExactValue(string parameter, string? value, Action<string, string> fail)
    {
        // NICEPAY's payment codes and tXids are ASCII: anything else (an invisible or look-alike character pasted
        // along) could never match, so it is named rather than searched for.
        if (value is not null && (value.Length is 0 or > MaxIdLength || value.Any(c => c is < '!' or > '~')))
        {
            fail(parameter, $"must be 1–{MaxIdLength} printable ASCII characters without spaces");
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoWithOffsetPattern();
}
