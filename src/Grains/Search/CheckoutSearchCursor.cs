using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.Contracts.Search;

namespace Orchestrator.Grains.Search;

/// <summary>
/// Where a page of <see cref="ICheckoutSearch.SearchAsync"/> ended: the sort key of its last row. Rows come newest
/// first by (<see cref="CreatedAt"/>, <see cref="MerchantId"/>, <see cref="ReferenceNo"/>), ids compared ordinally
/// (byte-wise, like PostgreSQL's <c>COLLATE "C"</c>); the next page holds the rows strictly after this key.
/// </summary>
/// <param name="CreatedAt">The last row's creation time, UTC.</param>
/// <param name="MerchantId">The last row's merchant.</param>
/// <param name="ReferenceNo">The last row's reference.</param>
public sealed record CheckoutSearchPosition(DateTimeOffset CreatedAt, string MerchantId, string ReferenceNo)
{
    /// <summary>The position of a row.</summary>
    public static CheckoutSearchPosition Of(CheckoutIndexEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new CheckoutSearchPosition(entry.CreatedAt.ToUniversalTime(), entry.MerchantId, entry.ReferenceNo);
    }

    /// <summary>True when <paramref name="entry"/> sorts after this position (older, or tied and smaller ids).</summary>
    public bool Precedes(CheckoutIndexEntry entry) => CheckoutSearchRules.NewestFirst.Compare(this, Of(entry)) < 0;
}

/// <summary>
/// The opaque cursor of the operator search (<see cref="CheckoutSearchQuery.After"/>,
/// <see cref="CheckoutSearchPage.Next"/>), shared by every implementation so a cursor means the same everywhere.
/// </summary>
/// <remarks>
/// <para>It is URL-safe base64 of: a format byte, the position (creation ticks in UTC, merchant id, reference), a
/// fingerprint of the query's filters, and a checksum of all of it. The fingerprint ties a cursor to the search that
/// issued it: paging on with other filters would silently skip or repeat rows, so it is refused instead.</para>
/// <para>The checksum is not a signature. It catches a cursor that was truncated, mangled or edited by hand; it does not
/// stop someone from forging one, and need not: a cursor only says where to resume a search its bearer may run
/// anyway.</para>
/// <para>A cursor that does not decode, fails its checksum or belongs to other filters is an
/// <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> is
/// <c>nameof(CheckoutSearchQuery.After)</c>, so that an API can answer 400 naming its parameter.</para>
/// </remarks>
public static class CheckoutSearchCursor
{
    /// <summary>The longest cursor accepted; issued ones are far shorter.</summary>
    public const int MaxLength = 1024;

    private const byte FormatVersion = 1;
    private const int FingerprintLength = 8;
    private const int ChecksumLength = 8;

    /// <summary>The cursor that resumes <paramref name="query"/> after <paramref name="position"/>.</summary>
    public static string Encode(CheckoutSearchPosition position, CheckoutSearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(query);
        var merchant = Encoding.UTF8.GetBytes(position.MerchantId);
        var reference = Encoding.UTF8.GetBytes(position.ReferenceNo);
        if (merchant.Length > ushort.MaxValue || reference.Length > ushort.MaxValue)
        {
            throw new ArgumentException("Ids longer than 65535 bytes cannot be put in a cursor.", nameof(position));
        }

        var bytes = new byte[1 + 8 + FingerprintLength + 2 + merchant.Length + 2 + reference.Length + ChecksumLength];
        var span = bytes.AsSpan();
        span[0] = FormatVersion;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], position.CreatedAt.UtcTicks);
        Fingerprint(query).CopyTo(span[9..]);
        var offset = 9 + FingerprintLength;
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)merchant.Length);
        merchant.CopyTo(span[(offset + 2)..]);
        offset += 2 + merchant.Length;
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)reference.Length);
        reference.CopyTo(span[(offset + 2)..]);
        offset += 2 + reference.Length;
        SHA256.HashData(span[..offset])[..ChecksumLength].CopyTo(span[offset..]);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// The position <see cref="CheckoutSearchQuery.After"/> names, or null on a first page.
    /// </summary>
    /// <exception cref="ArgumentException">The cursor is malformed, was changed, or belongs to other filters.</exception>
    public static CheckoutSearchPosition? Decode(CheckoutSearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var cursor = query.After;
        if (cursor is null)
        {
            return null;
        }

        var bytes = FromBase64Url(cursor) ?? throw Invalid("it is not a cursor this API issued");
        var span = bytes.AsSpan();
        const int Fixed = 1 + 8 + FingerprintLength + 2 + 2 + ChecksumLength;
        if (span.Length < Fixed || span[0] != FormatVersion)
        {
            throw Invalid("it is not a cursor this API issued");
        }

        var body = span[..^ChecksumLength];
        if (!SHA256.HashData(body)[..ChecksumLength].AsSpan().SequenceEqual(span[^ChecksumLength..]))
        {
            throw Invalid("it was changed or cut short");
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(span[1..]);
        var offset = 9 + FingerprintLength;
        var merchantLength = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
        offset += 2;
        if (body.Length < offset + merchantLength + 2)
        {
            throw Invalid("it is not a cursor this API issued");
        }

        var merchant = Encoding.UTF8.GetString(span.Slice(offset, merchantLength));
        offset += merchantLength;
        var referenceLength = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
        offset += 2;
        if (body.Length != offset + referenceLength || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw Invalid("it is not a cursor this API issued");
        }

        var reference = Encoding.UTF8.GetString(span.Slice(offset, referenceLength));
        if (!span.Slice(9, FingerprintLength).SequenceEqual(Fingerprint(query)))
        {
            throw Invalid("it belongs to a search with other filters");
        }

        return new CheckoutSearchPosition(new DateTimeOffset(ticks, TimeSpan.Zero), merchant, reference);
    }

    // ParamName is the query member at fault (not a parameter of this method): that is what callers map to their own
    // parameter names, e.g. the API's 'after'.
#pragma warning disable CA2208
    private static ArgumentException Invalid(string why) =>
        new($"The cursor is not valid: {why}. Use the 'next' value of the previous page with the same filters, or start again without one.",
            nameof(CheckoutSearchQuery.After));
#pragma warning restore CA2208

    private static byte[]? FromBase64Url(string cursor)
    {
        if (cursor.Length is 0 or > MaxLength)
        {
            return null;
        }

        var base64 = cursor.Replace('-', '+').Replace('_', '/');
        base64 = (base64.Length % 4) switch
        {
            2 => base64 + "==",
            3 => base64 + "=",
            _ => base64,
        };
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>The filters, length-prefixed so that no two different filter sets produce the same text.</summary>
    private static byte[] Fingerprint(CheckoutSearchQuery query)
    {
        var text = new StringBuilder();
        Append(text, query.MerchantId);
        Append(text, query.Status is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : null);
        Append(text, query.Store is { } store ? ((int)store).ToString(CultureInfo.InvariantCulture) : null);
        Append(text, query.CreatedFrom?.UtcTicks.ToString(CultureInfo.InvariantCulture));
        Append(text, query.CreatedTo?.UtcTicks.ToString(CultureInfo.InvariantCulture));
        Append(text, query.PaymentCode);
        Append(text, query.TransactionId);
        Append(text, query.RequiresAttention?.ToString(CultureInfo.InvariantCulture));
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))[..FingerprintLength];
    }

    private static void Append(StringBuilder text, string? value) =>
        text.Append(value is null ? "-;" : string.Create(CultureInfo.InvariantCulture, $"{value.Length}:{value};"));
}
