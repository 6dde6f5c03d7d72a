namespace FpgaGen.Toolchains.Discovery;

public enum ToolKind
{
    /// <summary>Intel FPGA SDK for OpenCL offline compiler.</summary>
    Aoc,

    /// <summary>AMD Vitis compiler/linker (and, from 2023.1, the HLS front end via --mode hls).</summary>
    Vpp,

    /// <summary>AMD Vitis HLS, driven by a Tcl script (vitis_hls -f).</summary>
    VitisHls,
}

/// <summary>How to find a tool and what to tell a user who has not set it up.</summary>
public sealed record ToolSpec(
    ToolKind Kind,
    string Executable,
    string Title,
    IReadOnlyList<string> HomeVariables,
    IReadOnlyList<string> VersionArguments,
    string SetupHint)
{
    public static ToolSpec For(ToolKind kind) => kind switch
    {
        ToolKind.Aoc => new(kind, "aoc", "Intel FPGA SDK for OpenCL offline compiler", ["INTELFPGAOCLSDKROOT"], ["-version"],
            "install the Intel FPGA SDK for OpenCL and run `source <install>/hld/init_opencl.sh`, which sets INTELFPGAOCLSDKROOT and PATH"),
        ToolKind.Vpp => new(kind, "v++", "AMD Vitis compiler", ["XILINX_VITIS"], ["--version"],
            "install AMD Vitis and run `source <install>/Vitis/<version>/settings64.sh`, which sets XILINX_VITIS and PATH"),
        ToolKind.VitisHls => new(kind, "vitis_hls", "AMD Vitis HLS", ["XILINX_HLS", "XILINX_VITIS"], ["-version"],
            "install AMD Vitis HLS and run `source <install>/Vitis_HLS/<version>/settings64.sh` (or Vitis's settings64.sh), which sets XILINX_HLS and PATH"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
