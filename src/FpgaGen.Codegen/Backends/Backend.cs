using FpgaGen.Codegen.Projects;
using FpgaGen.Exploration.Documents;
using FpgaGen.Hardware;

namespace FpgaGen.Codegen.Backends;

/// <summary>
/// Where a generated project's compile inputs are, as the backend that wrote it lays them out (paths relative to the
/// project folder). `fpgagen compile` asks the backend for this instead of searching the folder.
/// </summary>
public sealed record ProjectLayout(string? OpenClSource, IReadOnlyList<string> IncludeDirectories, IReadOnlyList<HlsKernelFiles> HlsKernels, string? LinkConfig);

/// <summary>One HLS kernel group: its top function, its source and the C-simulation testbenches that test it.</summary>
public sealed record HlsKernelFiles(string Group, string Top, string Source, IReadOnlyList<string> TestBenches);

/// <summary>
/// A vendor flow: the project files it writes around the design's kernels (its templates under templates/project/)
/// and where it puts them. One object per device toolchain kind (device files' toolchain.kind); adding a flow is a
/// class here and one line in <see cref="For(string)"/>.
/// </summary>
public abstract class Backend
{
    /// <summary>The device toolchain kind it serves.</summary>
    public abstract string Toolchain { get; }

    /// <summary>The project's flow section of its README (templates/project/&lt;flow&gt;/flow.md.sbn).</summary>
    public abstract string FlowTemplate { get; }

    /// <summary>Kernels, host program and build files of the project.</summary>
    public abstract void AddFiles(ProjectFiles files, ProjectRequest request, IReadOnlyDictionary<string, object> context);

    /// <summary>Where the compile inputs of a project with these kernel groups are.</summary>
    public abstract ProjectLayout Layout(IReadOnlyList<KernelGroupSection> kernels);

    /// <summary>What a file this backend writes is for (the project README's file list), or null for the common files.</summary>
    public abstract string? Describe(string path);

    private static readonly Backend[] All = [new IntelAocBackend(), new VitisBackend(), new VivadoIpBackend()];

    public static Backend For(string toolchain) =>
        All.FirstOrDefault(b => b.Toolchain == toolchain) ?? throw new InputException($"no project backend for toolchain kind '{toolchain}'");

    public static Backend For(Device device) => For(device.Toolchain.Kind);
}
