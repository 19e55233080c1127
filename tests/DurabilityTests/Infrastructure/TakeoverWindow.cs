using System.Diagnostics;
using System.Globalization;
using System.Net;
using Orchestrator.ClusterHarness;

namespace Orchestrator.DurabilityTests.Infrastructure;

/// <summary>
/// The takeover window of a checkout after a <c>kill -9</c>: from the kill until the checkout answers <c>200</c> again
/// through a surviving silo, polled every <see cref="PollEvery"/>, with every answer seen on the way.
/// </summary>
/// <param name="Window">From the kill to the first 200 (or to giving up).</param>
/// <param name="Seen">Every answer, in order.</param>
/// <param name="Answered">False when the checkout did not answer 200 within the limit.</param>
public sealed record TakeoverWindow(TimeSpan Window, IReadOnlyList<WireResponse> Seen, bool Answered)
{
    /// <summary>How often the checkout is asked.</summary>
    public static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(50);

    /// <summary>The answers that are not acceptable while a silo is being replaced (see <see cref="IsClean"/>).</summary>
    public IEnumerable<WireResponse> Unclean => Seen.Where(answer => !IsClean(answer));

    /// <summary>
    /// GETs the checkout through <paramref name="via"/> (asked anew for every poll, so a drill can hand out whichever
    /// silo is alive) every <see cref="PollEvery"/> until it answers 200 or <paramref name="limit"/> has passed since
    /// <paramref name="killedAt"/> (a <see cref="Stopwatch"/> timestamp).
    /// </summary>
    public static async Task<TakeoverWindow> MeasureAsync(
        Func<SiloProcess> via, HarnessMerchant merchant, string referenceNo, long killedAt, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(via);
        var seen = new List<WireResponse>();
        while (true)
        {
            var answer = await via().GetAsync(merchant, referenceNo, TimeSpan.FromSeconds(10));
            seen.Add(answer);
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                return new TakeoverWindow(Stopwatch.GetElapsedTime(killedAt), seen, true);
            }

            if (Stopwatch.GetElapsedTime(killedAt) > limit)
            {
                return new TakeoverWindow(Stopwatch.GetElapsedTime(killedAt), seen, false);
            }

            await Task.Delay(PollEvery);
        }
    }

    /// <summary>While a silo is being replaced a read answers 200, or 503 with <c>Retry-After</c>, or not at all; nothing else.</summary>
    public static bool IsClean(WireResponse answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.StatusCode == HttpStatusCode.OK
            || (answer.StatusCode == HttpStatusCode.ServiceUnavailable && answer.RetryAfter is not null)
            || answer.StatusCode is null;
    }

    /// <summary>Answers counted by status, e.g. <c>503×14, 200×1</c>.</summary>
    public static string Summarize(IEnumerable<WireResponse> answers) =>
        string.Join(", ", answers.GroupBy(answer => answer.StatusCode is null ? "no answer" : answer.Status.ToString(CultureInfo.InvariantCulture))
            .Select(group => $"{group.Key}×{group.Count()}"));

    /// <inheritdoc />
    public override string ToString() =>
        $"{Window.TotalMilliseconds:F0} ms{(Answered ? "" : " (no answer yet)")} [{Summarize(Seen)}]";
}
