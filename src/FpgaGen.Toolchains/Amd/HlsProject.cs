using System.Globalization;
using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Toolchains.Amd;

/// <summary>Which front end runs HLS: the Tcl flow (vitis_hls -f) or the unified one (v++ -c --mode hls, 2023.1+).</summary>
public enum HlsFlow { Tcl, Unified }

/// <summary>An HLS synthesis (and optionally C simulation) of one top function.</summary>
public sealed record HlsProject(string Name, string Top, IReadOnlyList<string> Sources, string Part, double ClockNs)
{
    public IReadOnlyList<string> TestBenches { get; init; } = [];

    public string Solution { get; init; } = "solution1";

    /// <summary>Compiler flags for the sources and test benches (e.g. "-std=c++14 -DPE=4").</summary>
    public string? CFlags { get; init; }

    public bool CSimulation { get; init; }

    public bool Synthesis { get; init; } = true;

    /// <summary>Synthesize a Vitis kernel (.xo interfaces) rather than Vivado IP.</summary>
    public bool VitisKernel { get; init; }

    internal string Clock => ClockNs.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// Where the synthesis report lands, relative to the folder the tool ran in: Tcl flow
    /// &lt;prj&gt;/&lt;solution&gt;/syn/report/csynth.xml; unified flow &lt;work_dir&gt;/hls/syn/report/&lt;top&gt;_csynth.xml, with no
    /// solution folder (hls4ml vitis_unified_report.py; docs/vendor-formats.md §2.2, §2.3).
    /// </summary>
    public string CsynthXml(HlsFlow flow, string baseDirectory) => flow == HlsFlow.Tcl
        ? Path.Combine(baseDirectory, Name, Solution, "syn", "report", "csynth.xml")
        : Path.Combine(baseDirectory, Name, "hls", "syn", "report", $"{Top}_csynth.xml");

    /// <summary>&lt;solution&gt;/csim/report/&lt;top&gt;_csim.log (Tcl flow).</summary>
    public string CsimLog(string baseDirectory) => Path.Combine(baseDirectory, Name, Solution, "csim", "report", $"{Top}_csim.log");

    /// <summary>
    /// The unified flow needs v++ 2023.1 or newer (hls4ml #1463); vitis_hls is deprecated from 2023.2 but still
    /// runs Tcl scripts. Prefer the Tcl flow when a vitis_hls exists, since it also runs C simulation.
    /// </summary>
    public static HlsFlow? ChooseFlow(InstalledTool? vitisHls, InstalledTool? vpp) =>
        vitisHls is not null ? HlsFlow.Tcl
        : vpp is not null && vpp.Version.AtLeast(2023, 1) ? HlsFlow.Unified
        : null;
}
