using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.SecurityTests.Infrastructure;

namespace Orchestrator.SecurityTests;

/// <summary>The Kestrel limits the Silo runs with when nothing is configured (the options, as the server would get them).</summary>
[Collection(SharedSecurityHost.Name)]
[Trait("Category", "Security")]
public sealed class KestrelDefaultsTests(SecurityHost host)
{
    [Fact]
    public void Kestrel_ByDefault_KeepsItsSlowClientProtectionsAndSmallLimits()
    {
        _ = host.Server;
        var limits = host.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        // Slow clients (slowloris, trickled bodies, unread responses) are cut off: none of these is switched off.
        Assert.Equal(TimeSpan.FromSeconds(30), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(130), limits.KeepAliveTimeout);
        Assert.NotNull(limits.MinRequestBodyDataRate);
        Assert.Equal(240, limits.MinRequestBodyDataRate.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.MinRequestBodyDataRate.GracePeriod);
        Assert.NotNull(limits.MinResponseDataRate);
        Assert.Equal(240, limits.MinResponseDataRate.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.MinResponseDataRate.GracePeriod);

        // Sizes: 1 MiB bodies on any path (the API's endpoints declare less), Kestrel's request-line and header limits.
        Assert.Equal(1024 * 1024, limits.MaxRequestBodySize);
        Assert.Equal(8 * 1024, limits.MaxRequestLineSize);
        Assert.Equal(32 * 1024, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(100, limits.MaxRequestHeaderCount);
        Assert.Equal(100, limits.Http2.MaxStreamsPerConnection);
    }
}
