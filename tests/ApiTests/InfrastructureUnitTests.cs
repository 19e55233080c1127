using System.Text;
using Microsoft.AspNetCore.Http;
using Orchestrator.Api.Callbacks;
using Orchestrator.Api.Errors;
using Orchestrator.Silo.Configuration;
using Orleans.Storage;

namespace Orchestrator.Api.Tests;

public sealed class InfrastructureUnitTests
{
    [Theory]
    [InlineData(null, "http://localhost:5000")]
    [InlineData("http://127.0.0.1:5123", "http://127.0.0.1:5123")]
    [InlineData("http://0.0.0.0:5123;https://0.0.0.0:5124", "http://127.0.0.1:5123")]
    [InlineData("http://*:8080", "http://127.0.0.1:8080")]
    [InlineData("http://+:80/", "http://127.0.0.1:80")]
    [InlineData("http://[::]:5000", "http://127.0.0.1:5000")]
    [InlineData(" http://localhost:7000 ; http://[::1]:7001", "http://localhost:7000")]
    public void FirstCallableUrl_MapsWildcardsToLoopback(string? urls, string expected)
    {
        Assert.Equal(expected, ListenAddress.FirstCallableUrl(urls));
    }

    public static TheoryData<Exception> TransientFailures => new()
    {
        new TimeoutException("grain call timed out"),
        new GatewayTooBusyException(),
        new SiloUnavailableException("gone"),
        new InconsistentStateException("etag mismatch"),
        new OrleansException("storage failed", new System.Net.Sockets.SocketException()),
        new AggregateException(new TimeoutException()),
    };

    [Theory]
    [MemberData(nameof(TransientFailures))]
    public void IsTransient_ForClusterAndStorageFailures_IsTrue(Exception exception)
    {
        Assert.True(ClusterUnavailability.IsTransient(exception));
    }

    [Fact]
    public void IsTransient_ForABug_IsFalse()
    {
        Assert.False(ClusterUnavailability.IsTransient(new InvalidOperationException("bug", new ArgumentException("x"))));
    }

    [Fact]
    public async Task ReadFields_FormAndQuery_FormWinsAndContentTypeIsCaseInsensitive()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.QueryString = new QueryString("?referenceNo=FROM-QUERY&tXid=T1");
        context.Request.ContentType = "APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("referenceNo=FROM-FORM&amt=10000"));

        var fields = await NicepayCallbacksApi.ReadFieldsAsync(context.Request);

        Assert.NotNull(fields);
        Assert.Equal("FROM-FORM", fields["referenceNo"]);
        Assert.Equal("T1", fields["tXid"]);
        Assert.Equal("10000", fields["amt"]);
    }

    [Fact]
    public async Task ReadFields_JsonObject_ReadsScalarsAsText()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"referenceNo":"ORD-1","amt":10000,"payValidDt":null}"""));

        var fields = await NicepayCallbacksApi.ReadFieldsAsync(context.Request);

        Assert.NotNull(fields);
        Assert.Equal("ORD-1", fields["referenceNo"]);
        Assert.Equal("10000", fields["amt"]);
        Assert.Equal("", fields["payValidDt"]);
    }
}
