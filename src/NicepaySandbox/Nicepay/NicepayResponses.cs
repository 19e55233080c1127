using System.Text.Json.Serialization;

namespace Orchestrator.NicepaySandbox.Nicepay;

// Wire shapes of NICEPAY's answers. Names are pinned with JsonPropertyName so a host's naming policy cannot change them,
// every value is a JSON string, and absent values are written as null, as NICEPAY's own samples do.

/// <summary>Registration success (contract §3), field order as in NICEPAY's CVS example.</summary>
internal sealed record RegistrationResponse
{
    [JsonPropertyName("resultCd")] public string ResultCd { get; init; } = "0000";
    [JsonPropertyName("resultMsg")] public string ResultMsg { get; init; } = "SUCCESS";
    [JsonPropertyName("tXid")] public required string TXid { get; init; }
    [JsonPropertyName("referenceNo")] public required string ReferenceNo { get; init; }
    [JsonPropertyName("payMethod")] public string PayMethod { get; init; } = "03";
    [JsonPropertyName("amt")] public required string Amt { get; init; }
    [JsonPropertyName("transDt")] public required string TransDt { get; init; }
    [JsonPropertyName("transTm")] public required string TransTm { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("bankCd")] public string? BankCd { get; init; }
    [JsonPropertyName("vacctNo")] public string? VacctNo { get; init; }
    [JsonPropertyName("mitraCd")] public required string MitraCd { get; init; }
    [JsonPropertyName("payNo")] public required string PayNo { get; init; }
    [JsonPropertyName("currency")] public required string Currency { get; init; }
    [JsonPropertyName("goodsNm")] public required string GoodsNm { get; init; }
    [JsonPropertyName("billingNm")] public required string BillingNm { get; init; }
    [JsonPropertyName("vacctValidDt")] public string? VacctValidDt { get; init; }
    [JsonPropertyName("vacctValidTm")] public string? VacctValidTm { get; init; }
    [JsonPropertyName("payValidDt")] public required string PayValidDt { get; init; }
    [JsonPropertyName("payValidTm")] public required string PayValidTm { get; init; }
}

/// <summary>Status inquiry success (contract §6.1).</summary>
internal sealed record InquiryResponse
{
    [JsonPropertyName("resultCd")] public string ResultCd { get; init; } = "0000";
    [JsonPropertyName("resultMsg")] public required string ResultMsg { get; init; }
    [JsonPropertyName("tXid")] public required string TXid { get; init; }
    [JsonPropertyName("iMid")] public required string IMid { get; init; }
    [JsonPropertyName("referenceNo")] public required string ReferenceNo { get; init; }
    [JsonPropertyName("payMethod")] public string PayMethod { get; init; } = "03";
    [JsonPropertyName("amt")] public required string Amt { get; init; }
    [JsonPropertyName("cancelAmt")] public string? CancelAmt { get; init; }
    [JsonPropertyName("reqDt")] public required string ReqDt { get; init; }
    [JsonPropertyName("reqTm")] public required string ReqTm { get; init; }
    [JsonPropertyName("transDt")] public required string TransDt { get; init; }
    [JsonPropertyName("transTm")] public required string TransTm { get; init; }
    [JsonPropertyName("depositDt")] public string? DepositDt { get; init; }
    [JsonPropertyName("depositTm")] public string? DepositTm { get; init; }
    [JsonPropertyName("currency")] public required string Currency { get; init; }
    [JsonPropertyName("goodsNm")] public required string GoodsNm { get; init; }
    [JsonPropertyName("billingNm")] public required string BillingNm { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("mitraCd")] public required string MitraCd { get; init; }
    [JsonPropertyName("payNo")] public required string PayNo { get; init; }
    [JsonPropertyName("payValidDt")] public required string PayValidDt { get; init; }
    [JsonPropertyName("payValidTm")] public required string PayValidTm { get; init; }
    [JsonPropertyName("receiptCode")] public string? ReceiptCode { get; init; }
    [JsonPropertyName("mRefNo")] public string? MRefNo { get; init; }
}

/// <summary>Cancel success (contract §6.4; <c>canceltXid</c> from the 2020 docs).</summary>
internal sealed record CancelResponse
{
    [JsonPropertyName("tXid")] public required string TXid { get; init; }
    [JsonPropertyName("referenceNo")] public required string ReferenceNo { get; init; }
    [JsonPropertyName("resultCd")] public string ResultCd { get; init; } = "0000";
    [JsonPropertyName("resultMsg")] public string ResultMsg { get; init; } = "SUCCESS";
    [JsonPropertyName("transDt")] public required string TransDt { get; init; }
    [JsonPropertyName("transTm")] public required string TransTm { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("amt")] public required string Amt { get; init; }
    [JsonPropertyName("canceltXid")] public required string CancelTXid { get; init; }
}
