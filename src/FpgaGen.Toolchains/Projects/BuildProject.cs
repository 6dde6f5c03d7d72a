using System.Globalization;
using FpgaGen.Exploration.Documents;
using FpgaGen.Hardware;

namespace FpgaGen.Toolchains.Projects;

/// <summary>One HLS kernel of a Xilinx project: its extern "C" top function, the file that defines it and its C-simulation test benches.</summary>
public sealed record HlsKernel(string Top, string Source)
{
    public IReadOnlyList<string> TestBenches { get; init; } = [];
}

/// <summary>
/// What `fpgagen compile` needs from a generated project folder: the design (which engine, parameters, data type and
/// batch, on which device), the predicted figures and the files each tool compiles (the sizes are fixed in the
/// generated sources by the design's hardware plan, so no -D overrides are passed). Read from
/// the project's design.json by <see cref="DesignFile"/>; every path is absolute and inside <see cref="Directory"/>.
/// </summary>
public sealed record BuildProject(string Directory, Device Device)
{
    public required string Kernel { get; init; }

    /// <summary>The engine's parameters in the design's order, e.g. Tm=64, Tn=7.</summary>
    public required DesignParameters Parameters { get; init; }

    public required string Precision { get; init; }

    public int Batch { get; init; } = 1;

    /// <summary>Kernel clock the design was sized for; HLS gets its period as the clock constraint.</summary>
    public required double ClockMhz { get; init; }

    /// <summary>Whole-device predictions (the board's platform overhead included), as the explorer ranks them.</summary>
    public required DesignFigures Predicted { get; init; }

    /// <summary>The OpenCL source aoc compiles (Intel projects).</summary>
    public string? OpenClSource { get; init; }

    /// <summary>The HLS kernels (Xilinx projects), in file order.</summary>
    public IReadOnlyList<HlsKernel> HlsKernels { get; init; } = [];

    public IReadOnlyList<string> IncludeDirectories { get; init; } = [];

    /// <summary>v++ link configuration (connectivity), when the project has one.</summary>
    public string? LinkConfig { get; init; }

    /// <summary>What the generator says the project needs of the vendor tools (design.json "tools"), for messages.</summary>
    public string? ToolRequirements { get; init; }

    public string ToolchainKind => Device.Toolchain.Kind;

    public string BuildDirectory => Path.Combine(Directory, "build");

    /// <summary>"Tm=64,Tn=7,...", the explorer's notation.</summary>
    public string ParameterText => Parameters.ToString();

    /// <summary>The design's key in a sweep's results log: "kernel|precision|batch|params|target".</summary>
    public string Key(CompileTarget target) => DesignKey(Kernel, Precision, Batch, ParameterText, target);

    public static string DesignKey(string kernel, string precision, int batch, string parameters, CompileTarget target) =>
        string.Create(CultureInfo.InvariantCulture, $"{kernel}|{precision}|{batch}|{parameters}|{target.Name()}");
}
