using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Silo.Configuration;
using Orleans.Configuration;

namespace Orchestrator.SiloTests;

/// <summary>How configuration selects and tunes the storage profile (no database needed).</summary>
public sealed class ProfileSelectionTests
{
    private const string ConnectionString = "Host=db;Database=orleans;Username=orchestrator;Password=secret";

    [Theory]
    [InlineData("Production", ConnectionString, "Postgres")]
    [InlineData("Staging", ConnectionString, "Postgres")]
    [InlineData("Development", ConnectionString, "Postgres")]
    [InlineData("Development", null, "Memory")]
    [InlineData("Development", "  ", "Memory")]
    public void Resolve_ConnectionStringSelectsPostgresInAnyEnvironment(string environment, string? connectionString, string expected)
    {
        var profile = SiloProfile.Resolve(Configuration(("ConnectionStrings:Orleans", connectionString)), new Environment(environment));

        Assert.Equal(expected, profile.Storage.ToString());
    }

    [Fact]
    public void Resolve_OutsideDevelopmentWithoutConnectionString_RefusesSayingWhatToSet()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => SiloProfile.Resolve(Configuration(), new Environment("Production")));

        Assert.Contains("ConnectionStrings:Orleans is not set", exception.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Orleans", exception.Message, StringComparison.Ordinal);
        Assert.Contains("migrate", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("issue 4", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeDatabase_NeverShowsThePassword()
    {
        Assert.Equal("orchestrator@db:5432/orleans", SiloProfile.DescribeDatabase(ConnectionString));
    }

    [Fact]
    public void MembershipTimings_DefaultsAreDeliberateAndEachCanBeOverridden()
    {
        var defaults = Membership(Configuration());
        var overridden = Membership(Configuration(("Orleans:Membership:ProbeTimeout", "00:00:05"), ("Orleans:Membership:NumVotesForDeathDeclaration", "1")));

        Assert.Equal(
            (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), 2, TimeSpan.FromSeconds(10), TimeSpan.FromDays(1), TimeSpan.FromHours(1)),
            (defaults.ProbeTimeout, defaults.MinProbeTimeout, defaults.MaxProbeTimeout, defaults.NumMissedProbesLimit, defaults.IAmAliveTablePublishTimeout,
                defaults.DefunctSiloExpiration, defaults.DefunctSiloCleanupPeriod));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20), 2, 1), (overridden.ProbeTimeout, overridden.MaxProbeTimeout, overridden.NumMissedProbesLimit, overridden.NumVotesForDeathDeclaration));
    }

    [Fact]
    public void AdvertisedAddress_ConfiguredOrTheHostsOwn()
    {
        Assert.Equal(IPAddress.Parse("10.1.2.3"), AdvertisedAddress.Resolve("10.1.2.3"));
        Assert.NotNull(AdvertisedAddress.Resolve(null));
        var exception = Assert.Throws<InvalidOperationException>(() => AdvertisedAddress.Resolve("silo-1"));
        Assert.Contains("Orleans:AdvertisedIPAddress", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresOptions_DefaultsAndBinding()
    {
        var defaults = PostgresProfileOptions.Read(Configuration(), "svc");
        var configured = PostgresProfileOptions.Read(Configuration(
            ("Orleans:Postgres:MaxPoolSize", "8"),
            ("Orleans:Postgres:MigrateOnStart", "true"),
            ("Orleans:Postgres:CheckoutIndex:BatchSize", "64"),
            ("Orleans:Postgres:CheckoutIndex:FlushInterval", "00:00:00.100")), "svc");

        Assert.Equal((false, true, 16, 4, 32), (defaults.MigrateOnStart, defaults.VerifySchemaOnStart, defaults.MaxPoolSize, defaults.MembershipMaxPoolSize, defaults.MaxAutoPrepare));
        Assert.Equal(("svc", 2, 256, TimeSpan.FromMilliseconds(25), 100_000), (defaults.CheckoutIndex.ServiceId, defaults.CheckoutIndex.MaxPoolSize, defaults.CheckoutIndex.BatchSize, defaults.CheckoutIndex.FlushInterval, defaults.CheckoutIndex.Capacity));
        Assert.Equal((true, 8, 64, TimeSpan.FromMilliseconds(100)), (configured.MigrateOnStart, configured.MaxPoolSize, configured.CheckoutIndex.BatchSize, configured.CheckoutIndex.FlushInterval));
        Assert.Equal(("checkouts", 8), (configured.ToStorageOptions().GrainStorageName, configured.ToStorageOptions().MaxPoolSize));
    }

    [Theory]
    [InlineData("Orleans:Postgres:MaxPoolSize", "0", "Orleans:Postgres:MaxPoolSize must be at least 1.")]
    [InlineData("Orleans:Postgres:CheckoutIndex:MaxPoolSize", "0", "Orleans:Postgres:CheckoutIndex:MaxPoolSize must be at least 1.")]
    [InlineData("Orleans:Postgres:CheckoutIndex:Capacity", "10", "Orleans:Postgres:CheckoutIndex:Capacity must be at least")]
    public void PostgresOptions_ThatCannotWork_AreRefusedNamingTheKey(string key, string value, string message)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => PostgresProfileOptions.Read(Configuration((key, value)), "svc"));

        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }

    private static ClusterMembershipOptions Membership(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddMembershipTimings(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build();

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Orchestrator.Silo";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
