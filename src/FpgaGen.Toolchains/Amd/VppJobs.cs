namespace FpgaGen.Toolchains.Amd;

/// <summary>v++ -t: software emulation, hardware emulation or a real bitstream.</summary>
public enum VitisTarget { SwEmu, HwEmu, Hw }

public static class VitisTargets
{
    public static string Argument(this VitisTarget target) => target switch
    {
        VitisTarget.SwEmu => "sw_emu",
        VitisTarget.HwEmu => "hw_emu",
        _ => "hw",
    };
}

/// <summary>Compile one kernel to a .xo: v++ -c -t T --platform P -k KERNEL -o K.xo SRC.</summary>
public sealed record VppCompileJob(string Source, string Kernel, VitisTarget Target, string Platform)
{
    /// <summary>The .xo to write; null means &lt;kernel&gt;.&lt;target&gt;.xo in the working folder.</summary>
    public string? Output { get; init; }

    public string? Config { get; init; }

    /// <summary>--temp_dir; v++ defaults to _x (intermediates and reports).</summary>
    public string? TempDirectory { get; init; }

    public IReadOnlyList<string> IncludeDirectories { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string?>> Defines { get; init; } = [];

    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    public string OutputFile(string workingDirectory) =>
        Path.GetFullPath(Output ?? $"{Kernel}.{Target.Argument()}.xo", Path.GetFullPath(workingDirectory));
}

/// <summary>Link kernels to an .xclbin: v++ -l -t T --platform P --config link.cfg A.xo B.xo -o X.xclbin.</summary>
public sealed record VppLinkJob(IReadOnlyList<string> Objects, VitisTarget Target, string Platform, string Output)
{
    /// <summary>Connectivity file ([connectivity] nk=, sp=, slr=; docs/vendor-formats.md §2.1).</summary>
    public string? Config { get; init; }

    public string? TempDirectory { get; init; }

    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>
    /// The link estimate, _x/reports/link/system_estimate_&lt;xclbin name&gt;.xtxt (under --temp_dir when given).
    /// v++ writes it for hw and hw_emu targets.
    /// </summary>
    public string SystemEstimate(string workingDirectory) => Path.Combine(
        Path.GetFullPath(TempDirectory ?? "_x", Path.GetFullPath(workingDirectory)), "reports", "link",
        $"system_estimate_{Path.GetFileNameWithoutExtension(Output)}.xtxt");
}
