using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Contracts.Checkouts;

namespace Orchestrator.Api.Checkouts;

/// <summary>A request that passed validation: the reference and the command for the grain.</summary>
internal sealed record ValidatedCheckout(string ReferenceNo, CreateCheckoutCommand Command);

/// <summary>
/// Checks a create request against the rules of issue 3 and <see cref="CheckoutRulesOptions"/>. Every broken rule is
/// reported under its field's camelCase path, all at once, so a merchant fixes a request in one round trip.
/// </summary>
internal static partial class CreateCheckoutValidator
{
    public const int ReferenceNoMaxLength = 40;
    public const int GoodsNameMaxLength = 100;
    public const int CustomerNameMaxLength = 100;

    // NICEPAY's billingEmail is 40 characters.
    public const int EmailMaxLength = 40;
    public const int MetadataMaxEntries = 20;
    public const int MetadataKeyMaxLength = 40;
    public const int MetadataValueMaxLength = 500;

    public static bool IsValidReferenceNo(string? referenceNo) =>
        referenceNo is { Length: > 0 and <= ReferenceNoMaxLength } && ReferenceNoPattern().IsMatch(referenceNo);

    public static string ReferenceNoRule => $"must be 1–{ReferenceNoMaxLength} characters of A–Z, a–z, 0–9, '.', '_' and '-'";

    public static ValidatedCheckout? Validate(
        CreateCheckoutRequest request, CheckoutRulesOptions rules, DateTimeOffset now, out Dictionary<string, string[]> errors)
    {
        var found = new Errors();

        if (string.IsNullOrEmpty(request.ReferenceNo))
        {
            found.Add("referenceNo", "is required");
        }
        else if (!IsValidReferenceNo(request.ReferenceNo))
        {
            found.Add("referenceNo", ReferenceNoRule);
        }

        StoreNetwork? store = request.Store switch
        {
            null => found.Add<StoreNetwork>("store", "is required (indomaret or alfamart)"),
            StoreNames.Indomaret => StoreNetwork.Indomaret,
            StoreNames.Alfamart => StoreNetwork.Alfamart,
            _ => found.Add<StoreNetwork>("store", "must be 'indomaret' or 'alfamart'"),
        };

        if (request.Amount is not { } amount)
        {
            found.Add("amount", "is required (whole rupiah)");
        }
        else if (amount < rules.MinimumAmount)
        {
            found.Add("amount", $"must be at least {Rupiah(rules.MinimumAmount)}");
        }
        else if (store is { } network && amount > rules.MaximumAmountFor(network))
        {
            found.Add("amount", $"must be at most {Rupiah(rules.MaximumAmountFor(network))} at {StoreNames.Of(network)}");
        }

        var goodsName = RequiredText(found, "goodsName", request.GoodsName, GoodsNameMaxLength);

        string? name = null, phone = null, email = null;
        if (request.Customer is not { } customer)
        {
            found.Add("customer", "is required (name, phone, email)");
        }
        else
        {
            name = RequiredText(found, "customer.name", customer.Name, CustomerNameMaxLength);
            phone = customer.Phone?.Trim();
            if (string.IsNullOrEmpty(phone))
            {
                found.Add("customer.phone", "is required");
            }
            else if (!PhonePattern().IsMatch(phone))
            {
                found.Add("customer.phone", "must be 7–15 digits, optionally with a leading '+'");
            }

            email = customer.Email?.Trim();
            if (string.IsNullOrEmpty(email))
            {
                found.Add("customer.email", "is required");
            }
            else if (email.Length > EmailMaxLength)
            {
                found.Add("customer.email", $"must be at most {EmailMaxLength} characters (NICEPAY's limit)");
            }
            else if (!EmailPattern().IsMatch(email))
            {
                found.Add("customer.email", "must be an e-mail address like name@example.com");
            }
        }

        var expiresAt = ValidateExpiry(found, request.ExpiresAt, rules, now);
        var metadata = ValidateMetadata(found, request.Metadata);

        errors = found.ToDictionary();
        if (errors.Count > 0)
        {
            return null;
        }

        return new ValidatedCheckout(request.ReferenceNo!, new CreateCheckoutCommand
        {
            Amount = request.Amount!.Value,
            Store = store!.Value,
            GoodsName = goodsName!,
            Customer = new Customer { Name = name!, Phone = phone!, Email = email! },
            ExpiresAt = expiresAt,
            Metadata = metadata,
        });
    }

    private static string? RequiredText(Errors found, string field, string? value, int maxLength)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            found.Add(field, "is required");
            return null;
        }

        if (text.Length > maxLength)
        {
            found.Add(field, $"must be at most {maxLength} characters");
        }
        else if (text.Any(char.IsControl))
        {
            found.Add(field, "must not contain control characters");
        }

        return text;
    }

    private static DateTimeOffset? ValidateExpiry(Errors found, string? value, CheckoutRulesOptions rules, DateTimeOffset now)
    {
        if (value is null)
        {
            return null;
        }

        // An offset is required: a bare local time would be read in the server's zone, which the merchant cannot know.
        if (!IsoWithOffsetPattern().IsMatch(value)
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var expiresAt))
        {
            found.Add("expiresAt", "must be an ISO 8601 date-time with an offset, e.g. 2025-01-31T17:00:00+07:00");
            return null;
        }

        if (expiresAt < now + rules.MinimumValidity)
        {
            found.Add("expiresAt", $"must be at least {Duration(rules.MinimumValidity)} in the future");
        }
        else if (expiresAt > now + rules.MaximumValidity)
        {
            found.Add("expiresAt", $"must be at most {Duration(rules.MaximumValidity)} in the future");
        }

        return expiresAt;
    }

    private static Dictionary<string, string> ValidateMetadata(Errors found, Dictionary<string, string?>? metadata)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is null)
        {
            return result;
        }

        if (metadata.Count > MetadataMaxEntries)
        {
            found.Add("metadata", $"must hold at most {MetadataMaxEntries} entries");
            return result;
        }

        foreach (var (key, value) in metadata)
        {
            if (key.Length is 0 or > MetadataKeyMaxLength || key.Any(char.IsControl))
            {
                found.Add("metadata", $"keys must be 1–{MetadataKeyMaxLength} characters without control characters ('{Shorten(key)}')");
            }
            else if (value is null)
            {
                found.Add("metadata", $"values must be strings ('{key}' is null)");
            }
            else if (value.Length > MetadataValueMaxLength)
            {
                found.Add("metadata", $"values must be at most {MetadataValueMaxLength} characters ('{key}')");
            }
            else
            {
                result[key] = value;
            }
        }

        return result;
    }

    internal static string Rupiah(long amount) =>
        "Rp " + amount.ToString("#,0", CultureInfo.InvariantCulture).Replace(',', '.');

    private static string Duration(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } when span.TotalDays % 1 == 0 => $"{span.TotalDays:0} day(s)",
        { TotalHours: >= 1 } when span.TotalHours % 1 == 0 => $"{span.TotalHours:0} hour(s)",
        { TotalMinutes: >= 1 } when span.TotalMinutes % 1 == 0 => $"{span.TotalMinutes:0} minute(s)",
        _ => $"{span.TotalSeconds:0} second(s)",
    };

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";

    [GeneratedRegex("^[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ReferenceNoPattern();

    [GeneratedRegex(@"^\+?[0-9]{7,15}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    // Plausible, not RFC 5322: one @, no spaces, controls or invisible format characters (zero-width, bidi overrides:
    // an address that reads like another's), a dot in the domain.
    [GeneratedRegex(@"^[^@\s\p{Cc}\p{Cf}]+@[^@\s\p{Cc}\p{Cf}.]+(\.[^@\s\p{Cc}\p{Cf}.]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoWithOffsetPattern();

    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

        public void Add(string field, string message)
        {
            if (!_byField.TryGetValue(field, out var messages))
            {
                _byField[field] = messages = [];
            }

            messages.Add($"'{field}' {message}.");
        }

        public T? Add<T>(string field, string message)
            where T : struct
        {
            Add(field, message);
            return null;
        }

        public Dictionary<string, string[]> ToDictionary() =>
            _byField.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
    }
}
