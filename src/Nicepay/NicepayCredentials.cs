namespace Orchestrator.Nicepay;

/// <summary>
/// One merchant's NICEPAY credentials. They are passed with every call because one orchestrator serves many
/// merchants; they are never part of <see cref="NicepayOptions"/>.
/// </summary>
/// <param name="IMid">The NICEPAY merchant id (<c>iMid</c>, e.g. <c>IONPAYTEST</c>).</param>
/// <param name="MerchantKey">The merchant key that signs every <c>merchantToken</c>. A secret: never logged.</param>
public sealed record NicepayCredentials(string IMid, string MerchantKey)
{
    /// <summary>Shows the merchant id only; the key is always redacted.</summary>
    public override string ToString() => $"NicepayCredentials {{ IMid = {IMid}, MerchantKey = *** }}";
}
