using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.SecurityTests.HostileInput;
using Orchestrator.SecurityTests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.SecurityTests;

/// <summary>
/// The hostile-input corpus (<see cref="HostileCorpus"/>) against every endpoint of the API, the NICEPAY callback
/// included: every answer is an expected 4xx as ProblemDetails, within the client's timeout, and nothing changes.
/// Cases that aim at the same checkout run one after another (so a change is pinned on the case that made it); the
/// rest run in parallel.
/// </summary>
[Collection(SharedSecurityHost.Name)]
[Trait("Category", "Security")]
public sealed class HostileInputTests(SecurityHost host, ITestOutputHelper output)
{
    private const int Targets = 16;

    [Fact]
    public async Task HostileCorpus_EveryCase_IsAnswered4xxProblemAndChangesNothing()
    {
        var demo = new List<string>();
        for (var i = 0; i < Targets; i++)
        {
            var reference = SecurityHost.NewReference("TGT");
            await host.CreateCheckoutAsync(SecurityHost.DemoKey, reference);
            demo.Add(reference);
        }

        var acme = SecurityHost.NewReference("TGT");
        await host.CreateCheckoutAsync(SecurityHost.AcmeKey, acme);
        var targets = new HostileTargets(demo, acme, await CursorAsync());
        var before = new Dictionary<string, CheckoutState?>(StringComparer.Ordinal) { [acme] = await host.StateAsync(SecurityHost.AcmeKey, acme) };
        foreach (var reference in demo)
        {
            before[reference] = await host.StateAsync(SecurityHost.DemoKey, reference);
        }

        var cases = HostileCorpus.Generate(targets);
        Assert.True(cases.Count >= 1000, $"The corpus has {cases.Count} cases; it should have at least 1000.");

        var failures = new ConcurrentBag<string>();
        var answered = new ConcurrentBag<(HostileCase Case, int Status)>();
        var clock = Stopwatch.StartNew();
        var partitions = cases.Select((hostileCase, index) => (hostileCase, index))
            .GroupBy(item => item.hostileCase.Target ?? $"free-{item.index % Targets}", item => item.hostileCase);
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = Targets }, async (partition, _) =>
        {
            using var client = host.Client();
            foreach (var hostileCase in partition)
            {
                var failure = await RunAsync(client, hostileCase, before, answered);
                if (failure is not null)
                {
                    failures.Add($"{hostileCase}: {failure}");
                }
            }
        });
        clock.Stop();

        Report(cases, answered, clock.Elapsed);
        Assert.True(failures.IsEmpty,
            $"{failures.Count} of {cases.Count} hostile cases failed:{Environment.NewLine}"
            + string.Join(Environment.NewLine, failures.Order(StringComparer.Ordinal)));
    }

    private async Task<string?> RunAsync(
        HttpClient client, HostileCase hostileCase, Dictionary<string, CheckoutState?> before, ConcurrentBag<(HostileCase, int)> answered)
    {
        HttpRequestMessage request;
        try
        {
            request = hostileCase.Build();
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException or JsonException)
        {
            return $"the case cannot be built ({exception.GetType().Name}: {exception.Message})";
        }

        WireAnswer answer;
        try
        {
            using (request)
            {
                answer = await WireAnswer.SendAsync(client, request);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or InvalidOperationException or FormatException)
        {
            return $"no answer within {SecurityHost.RequestTimeout.TotalSeconds:0} s ({exception.GetType().Name}: {exception.Message})";
        }

        answered.Add((hostileCase, answer.Code));
        var wanted = string.Join(" or ", hostileCase.Expected.Order());
        if (answer.Code is < 400 or >= 500 || !hostileCase.Expected.Contains(answer.Code))
        {
            return $"expected {wanted}, got {answer}";
        }

        if (answer.ProblemDefect is { } defect)
        {
            return $"the {answer.Code} is not ProblemDetails: {defect}; {answer}";
        }

        if (hostileCase.MustNotExist is { } reference && await host.StateAsync(SecurityHost.DemoKey, reference) is { } created)
        {
            return $"answered {answer.Code} but created {reference} ({created})";
        }

        if (hostileCase.Target is { } target && await host.StateAsync(hostileCase.TargetOwnerKey!, target) is var now && now != before[target])
        {
            return $"answered {answer.Code} but changed {target}: {before[target]} → {now}";
        }

        return null;
    }

    /// <summary>A genuine cursor of the operator search, for the corpus to tamper with.</summary>
    private async Task<string> CursorAsync()
    {
        using var client = host.Client(SecurityHost.OperatorKey);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/ops/checkouts?limit=1");
            if (page.GetProperty("next").GetString() is { } next)
            {
                return next;
            }

            // The read model follows the grains within moments.
            await Task.Delay(50);
        }

        throw new InvalidOperationException("The operator search returned no cursor although checkouts exist.");
    }

    private void Report(IReadOnlyList<HostileCase> cases, IEnumerable<(HostileCase Case, int Status)> answered, TimeSpan elapsed)
    {
        var answers = answered.ToList();
        output.WriteLine($"Hostile corpus: {cases.Count} cases, {answers.Count} answered, in {elapsed.TotalSeconds:0.0} s");
        output.WriteLine("");
        output.WriteLine("By endpoint:");
        foreach (var group in cases.GroupBy(hostileCase => hostileCase.Endpoint).OrderByDescending(group => group.Count()))
        {
            var statuses = answers.Where(answer => answer.Case.Endpoint == group.Key)
                .GroupBy(answer => answer.Status).OrderBy(status => status.Key)
                .Select(status => $"{status.Key}×{status.Count()}");
            output.WriteLine($"  {group.Key,-62} {group.Count(),5}   {string.Join("  ", statuses)}");
        }

        output.WriteLine("");
        output.WriteLine("By expected status:");
        foreach (var group in cases.GroupBy(hostileCase => string.Join("/", hostileCase.Expected.Order())).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {group.Key,-12} {group.Count(),5}");
        }

        output.WriteLine("");
        output.WriteLine("By answered status:");
        foreach (var group in answers.GroupBy(answer => answer.Status).OrderBy(group => group.Key))
        {
            output.WriteLine($"  {group.Key,-12} {group.Count(),5}");
        }
    }
}
