using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Orchestrator.NicepaySandbox.Ledger;

namespace Orchestrator.NicepaySandbox.Nicepay;

/// <summary>A registration that passed every check except the duplicate check, which needs the ledger.</summary>
/// <remarks><c>ValidUntil</c> is null when the request left payValidDt/payValidTm empty: then it is creation time + <c>DefaultValidity</c>.</remarks>
internal sealed record RegistrationCommand(
    string IMid,
    string ReferenceNo,
    long Amount,
    string Currency,
    string GoodsNm,
    string BillingNm,
    string? Description,
    string MitraCd,
    DateTimeOffset? ValidUntil,
    TimeSpan DefaultValidity,
    Uri DbProcessUrl);

/// <summary>
/// Checks a V2 CVS registration the way NICEPAY does, in this order: merchant, token, payment method, then the fields in the
/// order of the error-code table, then amount limits, expiry and cart. <c>billingAddr</c> is not checked: NICEPAY's
/// error table has no code for it (9019 and 9020 are URLs, 9025–9028 city to country), so the sandbox treats it as optional.
/// </summary>
internal static class RegistrationValidator
{
    public static bool TryValidate(
        NicepayFields fields,
        SandboxOptions options,
        DateTimeOffset now,
        [NotNullWhen(true)] out RegistrationCommand? command,
        [NotNullWhen(false)] out NicepayError? error)
    {
        error = Check(fields, options, now, out command);
        return error is null && command is not null;
    }

    private static NicepayError? Check(NicepayFields f, SandboxOptions options, DateTimeOffset now, out RegistrationCommand? command)
    {
        command = null;
        var iMid = f.Text("iMid");
        if (!options.Merchants.TryGetValue(iMid, out var merchant))
        {
            return NicepayError.InvalidMerchant;
        }

        var expected = MerchantToken.ForRegistrationOrInquiry(f.Text("timeStamp"), iMid, f.Text("referenceNo"), f.Text("amt"), merchant.MerchantKey);
        if (!MerchantToken.Matches(expected, f["merchantToken"]))
        {
            return NicepayError.InvalidToken;
        }

        if (f["payMethod"] != "03")
        {
            return NicepayError.PayMethodNotActivated;
        }

        if (f.IsBlank("amt"))
        {
            return NicepayError.UndefinedAmount;
        }

        if (!TryParseAmount(f["amt"], out var amount))
        {
            return NicepayError.InvalidAmount;
        }

        if (f.IsBlank("currency") || f["currency"] != "IDR")
        {
            return NicepayError.UndefinedCurrency;
        }

        if (f.IsBlank("referenceNo"))
        {
            return NicepayError.UndefinedReferenceNo;
        }

        var referenceNo = f.Text("referenceNo");
        if (referenceNo.Length > 40)
        {
            return NicepayError.ReferenceNoTooLong;
        }

        (string Field, NicepayError Error)[] required =
        [
            ("goodsNm", NicepayError.UndefinedGoodsName),
            ("billingNm", NicepayError.UndefinedBillingName),
            ("billingPhone", NicepayError.UndefinedBillingPhone),
            ("billingEmail", NicepayError.UndefinedBillingEmail),
            ("dbProcessUrl", NicepayError.UndefinedDbProcessUrl),
            ("billingCity", NicepayError.UndefinedBillingCity),
            ("billingState", NicepayError.UndefinedBillingState),
            ("billingPostCd", NicepayError.UndefinedBillingPostCode),
            ("billingCountry", NicepayError.UndefinedBillingCountry),
        ];
        foreach (var (field, missing) in required)
        {
            if (f.IsBlank(field))
            {
                return missing;
            }
        }

        // The sandbox must be able to deliver the notification, so the URL has to be one it can POST to.
        if (!Uri.TryCreate(f.Text("dbProcessUrl").Trim(), UriKind.Absolute, out var dbProcessUrl)
            || (dbProcessUrl.Scheme != Uri.UriSchemeHttp && dbProcessUrl.Scheme != Uri.UriSchemeHttps))
        {
            return NicepayError.UndefinedDbProcessUrl;
        }

        var mitraCd = f["mitraCd"];
        if (mitraCd is not ("ALMA" or "INDO"))
        {
            return NicepayError.InvalidMitra;
        }

        if (amount < options.MinimumAmount)
        {
            return NicepayError.AmountTooSmall;
        }

        if (CheckExpiry(f["payValidDt"], f["payValidTm"], now, out var validUntil) is { } expiryError)
        {
            return expiryError;
        }

        if (CheckCart(f["cartData"], amount) is { } cartError)
        {
            return cartError;
        }

        command = new RegistrationCommand(
            iMid, referenceNo, amount, "IDR", f.Text("goodsNm"), f.Text("billingNm"), f["description"], mitraCd, validUntil,
            merchant.DefaultValidity ?? options.DefaultValidity, dbProcessUrl);
        return null;
    }

    /// <summary>NICEPAY's <c>amt</c> is N 12: digits only, no sign, no decimals.</summary>
    public static bool TryParseAmount(string? text, out long amount)
    {
        amount = 0;
        var trimmed = text?.Trim();
        return trimmed is { Length: > 0 and <= 12 }
            && trimmed.All(char.IsAsciiDigit)
            && long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out amount);
    }

    /// <summary>Both empty means the default validity (the SDKs send ""); otherwise yyyyMMdd + HHmmss, Jakarta time, in the future.</summary>
    private static NicepayError? CheckExpiry(string? date, string? time, DateTimeOffset now, out DateTimeOffset? validUntil)
    {
        validUntil = null;
        date = date?.Trim() ?? "";
        time = time?.Trim() ?? "";
        if (date.Length == 0 && time.Length == 0)
        {
            return null;
        }

        if (!(date + time).All(char.IsAsciiDigit))
        {
            return NicepayError.ExpiryNotNumeric;
        }

        if (date.Length != 8 || time.Length != 6)
        {
            return NicepayError.ExpiryLength;
        }

        if (!JakartaTime.TryParse(date, time, out var instant))
        {
            return NicepayError.ExpiryInvalid;
        }

        validUntil = instant;
        return instant <= now ? NicepayError.ExpiryInPast : null;
    }

    /// <summary>cartData is optional for CVS; when sent it must be a JSON object and its items' goods_amt must add up to amt.</summary>
    private static NicepayError? CheckCart(string? cartData, long amount)
    {
        if (string.IsNullOrWhiteSpace(cartData))
        {
            return null;
        }

        try
        {
            using var cart = JsonDocument.Parse(cartData);
            if (cart.RootElement.ValueKind != JsonValueKind.Object)
            {
                return NicepayError.InvalidCartData;
            }

            if (!cart.RootElement.TryGetProperty("item", out var items) || items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
            {
                return null;
            }

            var sum = 0m;
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("goods_amt", out var goodsAmt))
                {
                    return NicepayError.InvalidCartData;
                }

                var text = goodsAmt.ValueKind == JsonValueKind.String ? goodsAmt.GetString() : goodsAmt.GetRawText();
                if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
                {
                    return NicepayError.InvalidCartData;
                }

                sum += value;
            }

            return sum == amount ? null : NicepayError.CartAmountMismatch;
        }
        catch (JsonException)
        {
            return NicepayError.InvalidCartData;
        }
    }
}
