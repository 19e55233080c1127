using System.Reflection;

namespace Orchestrator.ClusterHarness;

/// <summary>
/// The executables a drill runs: the Silo and the NICEPAY sandbox of the current build, i.e.
/// <c>src/Silo/bin/&lt;Configuration&gt;/&lt;TargetFramework&gt;/Orchestrator.Silo.dll</c> and its sandbox twin, with the
/// configuration and framework this harness was built with. A consuming project makes sure they are built first with
/// <c>&lt;ProjectReference … ReferenceOutputAssembly="false" /&gt;</c> to both projects. The environment variables
/// <see cref="SiloOverride"/> and <see cref="SandboxOverride"/> point elsewhere (e.g. a published build).
/// </summary>
/// <param name="SiloDll">The Silo's entry assembly.</param>
/// <param name="SandboxDll">The sandbox's entry assembly.</param>
public sealed record BuiltBinaries(string SiloDll, string SandboxDll)
{
    /// <summary>Environment variable: full path of <c>Orchestrator.Silo.dll</c> to run instead of the build's.</summary>
    public const string SiloOverride = "ORCHESTRATOR_SILO_DLL";

    /// <summary>Environment variable: full path of <c>Orchestrator.NicepaySandbox.dll</c> to run instead of the build's.</summary>
    public const string SandboxOverride = "ORCHESTRATOR_SANDBOX_DLL";

    /// <summary>The folder of the Silo's binaries (its content root: <c>appsettings.json</c> is read from there).</summary>
    public string SiloDirectory => Path.GetDirectoryName(SiloDll)!;

    /// <summary>The folder of the sandbox's binaries.</summary>
    public string SandboxDirectory => Path.GetDirectoryName(SandboxDll)!;

    /// <summary>Finds both executables; throws saying what to build when one is missing.</summary>
    public static BuiltBinaries Locate()
    {
        var metadata = typeof(BuiltBinaries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .ToDictionary(attribute => attribute.Key, attribute => attribute.Value, StringComparer.Ordinal);
        var configuration = metadata.GetValueOrDefault("BuildConfiguration") ?? "Debug";
        var framework = metadata.GetValueOrDefault("BuildTargetFramework") ?? "net10.0";

        var silo = Environment.GetEnvironmentVariable(SiloOverride);
        var sandbox = Environment.GetEnvironmentVariable(SandboxOverride);
        if (string.IsNullOrEmpty(silo) || string.IsNullOrEmpty(sandbox))
        {
            var root = RepositoryRoot();
            silo = string.IsNullOrEmpty(silo) ? Path.Combine(root, "src", "Silo", "bin", configuration, framework, "Orchestrator.Silo.dll") : silo;
            sandbox = string.IsNullOrEmpty(sandbox)
                ? Path.Combine(root, "src", "NicepaySandbox", "bin", configuration, framework, "Orchestrator.NicepaySandbox.dll")
                : sandbox;
        }

        foreach (var (path, project, variable) in new[] { (silo, "src/Silo", SiloOverride), (sandbox, "src/NicepaySandbox", SandboxOverride) })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"{path} does not exist. Build {project} in {configuration} first (`dotnet build -c {configuration}`; a project "
                    + $"referencing it with ReferenceOutputAssembly=false builds it first), or set {variable} to the dll to run.",
                    path);
            }
        }

        return new BuiltBinaries(Path.GetFullPath(silo), Path.GetFullPath(sandbox));
    }

    /// <summary>The repository root: the nearest folder above this assembly holding <c>Orchestrator.sln</c>.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Orchestrator.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException(
            $"No Orchestrator.sln above {AppContext.BaseDirectory}: run from the repository's build output, or set {SiloOverride} and {SandboxOverride}.");
    }

    /// <summary>The <c>dotnet</c> host to run them with: the one running this process when known, else <c>dotnet</c> on PATH.</summary>
    public static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var current = Environment.ProcessPath;
        return current is not null && string.Equals(Path.GetFileNameWithoutExtension(current), "dotnet", StringComparison.Ordinal)
            ? current
            : "dotnet";
    }
}
