using Orchestrator.Grains;
using Orchestrator.Storage.Hosting;
using Orchestrator.Storage.Search;

namespace Orchestrator.Silo.Configuration;

/// <summary>The PostgreSQL profile's settings, bound from <c>Orleans:Postgres</c>.</summary>
internal sealed class PostgresProfileOptions
{
    public const string SectionName = "Orleans:Postgres";

    /// <summary>Apply the schema (the migrate command's work) before the silo starts. Default false: production runs
    /// migrate as its own step; compose and development may turn this on.</summary>
    public bool MigrateOnStart { get; set; }

    /// <summary>Refuse to start when the schema is not exactly this build's (default true; moot with <see cref="MigrateOnStart"/>).</summary>
    public bool VerifySchemaOnStart { get; set; } = true;

    /// <summary>Pool of grain state and reminders (default 16).</summary>
    public int MaxPoolSize { get; set; } = PostgresStorageOptions.DefaultMaxPoolSize;

    /// <summary>Pool of membership (default 4).</summary>
    public int MembershipMaxPoolSize { get; set; } = PostgresStorageOptions.DefaultMembershipMaxPoolSize;

    /// <summary>Statements Npgsql keeps prepared per connection (default 32; 0 turns it off).</summary>
    public int MaxAutoPrepare { get; set; } = 32;

    /// <summary>The operator read model's writer and pool (<c>Orleans:Postgres:CheckoutIndex:*</c>).</summary>
    public PostgresCheckoutIndexOptions CheckoutIndex { get; set; } = new();

    /// <summary>Reads the section; the read model gets the service id.</summary>
    /// <exception cref="InvalidOperationException">A value cannot work; the message names the key.</exception>
    public static PostgresProfileOptions Read(IConfiguration configuration, string serviceId)
    {
        var options = configuration.GetSection(SectionName).Get<PostgresProfileOptions>() ?? new PostgresProfileOptions();
        options.CheckoutIndex.ServiceId = serviceId;
        var failures = new List<string>();
        if (options.MaxPoolSize < 1)
        {
            failures.Add($"{SectionName}:MaxPoolSize must be at least 1.");
        }

        if (options.MembershipMaxPoolSize < 1)
        {
            failures.Add($"{SectionName}:MembershipMaxPoolSize must be at least 1.");
        }

        if (options.MaxAutoPrepare < 0)
        {
            failures.Add($"{SectionName}:MaxAutoPrepare must not be negative.");
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", failures));
        }

        options.CheckoutIndex.Validate($"{SectionName}:CheckoutIndex");
        return options;
    }

    /// <summary>The Orleans providers' settings.</summary>
    public PostgresStorageOptions ToStorageOptions() => new()
    {
        GrainStorageName = GrainsServiceCollectionExtensions.StorageName,
        MaxPoolSize = MaxPoolSize,
        MembershipMaxPoolSize = MembershipMaxPoolSize,
        MaxAutoPrepare = MaxAutoPrepare,
        // Migrating on start leaves nothing to verify: the silo starts only after the migration brought the schema to
        // this build's, so a second look would only cost start-up another connection.
        VerifySchemaOnStart = VerifySchemaOnStart && !MigrateOnStart,
    };
}
