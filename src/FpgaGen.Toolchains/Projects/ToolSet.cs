using System.Collections.Concurrent;
using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Toolchains.Projects;

/// <summary>
/// The vendor tools of one `fpgagen compile` run, each located and asked for its version once, however many
/// projects a sweep compiles. FPGAGEN_TOOL_PATH (folders, like PATH) is put first on the tools' PATH, so fake or
/// alternative tools can be chosen without touching the user's PATH.
/// </summary>
public sealed class ToolSet(ToolEnvironment environment)
{
    public const string ToolPathVariable = "FPGAGEN_TOOL_PATH";

    private readonly ConcurrentDictionary<ToolKind, Lazy<Task<InstalledTool>>> found = new();

    public ToolEnvironment Environment { get; } = environment;

    /// <summary>The environment with the folders of FPGAGEN_TOOL_PATH (read through <paramref name="environment"/>) first on PATH.</summary>
    public static ToolEnvironment WithToolPath(ToolEnvironment environment, IEnumerable<string>? extraFolders = null)
    {
        var folders = (extraFolders ?? [])
            .Concat((environment.Get(ToolPathVariable) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            .Select(Path.GetFullPath).ToList();
        // Last first: the first folder given ends up first on PATH.
        for (var i = folders.Count - 1; i >= 0; i--) environment = environment.WithPathFirst(folders[i]);
        return environment;
    }

    public Task<InstalledTool> GetAsync(ToolKind kind, CancellationToken cancellationToken = default) =>
        found.GetOrAdd(kind, k => new Lazy<Task<InstalledTool>>(() => InstalledTool.DetectAsync(k, Environment))).Value.WaitAsync(cancellationToken);

    /// <summary>The HLS front end: vitis_hls (Tcl flow, also runs C simulation), else v++ 2023.1+ (unified flow).</summary>
    public async Task<InstalledTool> HlsAsync(bool needsCSimulation, CancellationToken cancellationToken = default)
    {
        if (ToolLocator.TryFind(ToolKind.VitisHls, Environment) is not null || needsCSimulation || ToolLocator.TryFind(ToolKind.Vpp, Environment) is null)
            return await GetAsync(ToolKind.VitisHls, cancellationToken);
        var vpp = await GetAsync(ToolKind.Vpp, cancellationToken);
        return vpp.Version.AtLeast(2023, 1)
            ? vpp
            : throw new ToolNotFoundException($"cannot find vitis_hls, and v++ {vpp.Version} ({vpp.Path}) is too old to run HLS itself (v++ --mode hls needs 2023.1); " +
                                              $"to set it up, {ToolSpec.For(ToolKind.VitisHls).SetupHint}");
    }

    /// <summary>Locates every tool a toolchain's target needs, so a sweep fails before compiling anything.</summary>
    public async Task<IReadOnlyList<InstalledTool>> RequireAsync(string toolchainKind, CompileTarget target, CancellationToken cancellationToken = default) =>
        target switch
        {
            CompileTarget.Emu or CompileTarget.Report when toolchainKind == Hardware.Toolchain.Aoc => [await GetAsync(ToolKind.Aoc, cancellationToken)],
            CompileTarget.Hw when toolchainKind == Hardware.Toolchain.Aoc => [await GetAsync(ToolKind.Aoc, cancellationToken)],
            CompileTarget.SwEmu or CompileTarget.HwEmu or CompileTarget.Hw => [await GetAsync(ToolKind.Vpp, cancellationToken)],
            CompileTarget.Csim => [await HlsAsync(true, cancellationToken)],
            CompileTarget.Csynth => [await HlsAsync(false, cancellationToken)],
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
        };
}
