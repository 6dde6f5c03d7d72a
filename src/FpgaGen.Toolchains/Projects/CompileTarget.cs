using FpgaGen.Hardware;

namespace FpgaGen.Toolchains.Projects;

/// <summary>
/// What `fpgagen compile` builds, named as in the generated Makefiles: aoc emulator, report or hardware builds; HLS
/// C simulation or C synthesis; v++ software emulation, hardware emulation or hardware.
/// </summary>
public enum CompileTarget { Emu, Report, Hw, Csim, Csynth, SwEmu, HwEmu }

public static class CompileTargets
{
    public static readonly IReadOnlyList<string> Names = ["emu", "report", "hw", "csim", "csynth", "sw_emu", "hw_emu"];

    public static string Name(this CompileTarget target) => Names[(int)target];

    /// <summary>The targets a toolchain offers, its default first: report for aoc (minutes, no Quartus), csynth for HLS.</summary>
    public static IReadOnlyList<CompileTarget> For(string toolchainKind) => toolchainKind switch
    {
        Toolchain.Aoc => [CompileTarget.Report, CompileTarget.Emu, CompileTarget.Hw],
        Toolchain.Vitis => [CompileTarget.Csynth, CompileTarget.Csim, CompileTarget.SwEmu, CompileTarget.HwEmu, CompileTarget.Hw],
        Toolchain.Vivado => [CompileTarget.Csynth, CompileTarget.Csim],
        _ => throw new InputException($"toolchain '{toolchainKind}' has no compile targets (known: {Toolchain.Aoc}, {Toolchain.Vitis}, {Toolchain.Vivado})"),
    };

    /// <summary>The requested target, or the toolchain's default; a target the toolchain lacks is an input error.</summary>
    public static CompileTarget Resolve(string? requested, string toolchainKind)
    {
        var offered = For(toolchainKind);
        if (requested is null) return offered[0];
        var index = Names.ToList().IndexOf(requested.Trim().ToLowerInvariant());
        if (index < 0) throw new InputException($"unknown target '{requested}' (targets: {string.Join(", ", Names)})");
        var target = (CompileTarget)index;
        return offered.Contains(target)
            ? target
            : throw new InputException($"target {requested} does not apply to a {toolchainKind} project (its targets: {string.Join(", ", offered.Select(Name))})");
    }

    /// <summary>True for targets whose reports estimate or measure hardware (emulation and C simulation report nothing).</summary>
    public static bool Reports(this CompileTarget target) => target is CompileTarget.Report or CompileTarget.Hw or CompileTarget.Csynth or CompileTarget.HwEmu;
}
