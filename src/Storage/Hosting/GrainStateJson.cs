using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orchestrator.Storage.Hosting;

/// <summary>
/// The stored format of grain state: System.Text.Json, UTF-8, one JSON object per state record, readable in SQL
/// (<c>SELECT state FROM orleans_grain_state_json</c>). The settings are pinned here rather than inherited from
/// Orleans' defaults, so that an Orleans upgrade cannot change how existing rows are read.
/// </summary>
/// <remarks>
/// Rules that follow (docs/storage.md, "State format"): members are stored by their C# property name; enums as their
/// numbers; nulls are omitted; unknown members in stored JSON are ignored and missing members keep their initializer
/// value, so adding and removing members is safe. <c>required</c> is not enforced when reading stored state: it
/// guards construction in code, and a member added as <c>required</c> later would otherwise make every older row
/// unreadable. There is no type discriminator: a state property must have a concrete type.
/// </remarks>
public static class GrainStateJson
{
    /// <summary>Creates the serializer options used for grain state.</summary>
    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        Configure(options);
        return options;
    }

    /// <summary>Creates the grain storage serializer <see cref="PostgresSiloBuilderExtensions.AddOrchestratorPostgres"/> installs.</summary>
    public static IGrainStorageSerializer CreateSerializer()
    {
        var serializerOptions = new SystemTextJsonGrainStorageSerializerOptions();
        Configure(serializerOptions.JsonSerializerOptions);
        return new SystemTextJsonGrainStorageSerializer(Options.Create(serializerOptions));
    }

    private static void Configure(JsonSerializerOptions options)
    {
        // The same choices Orleans 10.4.2 makes for this serializer, written down.
        options.IncludeFields = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        // System.Text.Json defaults, written down because stored rows depend on them.
        options.PropertyNamingPolicy = null;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DoNotRequireMembers } };
    }

    private static void DoNotRequireMembers(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            property.IsRequired = false;
        }
    }
}
