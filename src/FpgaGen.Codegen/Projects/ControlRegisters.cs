using System.Globalization;
using System.Text;
using FpgaGen.Kernels.Plans;

namespace FpgaGen.Codegen.Projects;

/// <summary>
/// The AXI4-Lite control registers of each kernel group's HLS core, laid out as Vitis HLS lays out an s_axilite
/// bundle (AMD UG1399, "S_AXILITE Control Register Map"; the x&lt;top&gt;_hw.h that export_design writes is
/// authoritative): 0x00 control (bit 0 ap_start, 1 ap_done, 2 ap_idle, 3 ap_ready), 0x04 global interrupt enable,
/// 0x08 interrupt enable, 0x0c interrupt status, then the top function's arguments in order from 0x10: a 32-bit
/// scalar takes 8 bytes (data, reserved), a 64-bit pointer (an m_axi offset) 12 (low word, high word, reserved).
/// </summary>
public static class ControlRegisters
{
    public const int FirstArgument = 0x10, ScalarBytes = 8, PointerBytes = 12;

    /// <summary>Each argument of the group's top function with its register offset.</summary>
    public static IReadOnlyList<(KernelParam Param, int Offset)> Of(GroupPlan g)
    {
        var list = new List<(KernelParam, int)>();
        var at = FirstArgument;
        foreach (var p in g.TopParams)
        {
            list.Add((p, at));
            at += p.IsPointer ? PointerBytes : ScalarBytes;
        }
        return list;
    }

    /// <summary>host/regmap.h: the offsets as macros, per core, for the software that drives the cores.</summary>
    public static string Header(AcceleratorDesign d)
    {
        var s = new StringBuilder();
        s.Append("/* FpgaGen: AXI4-Lite control registers of the HLS cores (byte offsets in each core's s_axi_control).\n");
        s.Append("   Layout of Vitis HLS s_axilite bundles (UG1399, S_AXILITE Control Register Map); the xTOP_hw.h that\n");
        s.Append("   export_design writes is authoritative. A pointer is 64 bits: write the low word at _DATA, the high at _DATA + 4.\n");
        s.Append("   Per step the values come from host/plan.h; start a core by writing AP_START to its CTRL register and wait\n");
        s.Append("   for AP_DONE (or AP_IDLE). */\n#ifndef FPGAGEN_REGMAP_H\n#define FPGAGEN_REGMAP_H\n\n");
        s.Append("#define FG_CTRL 0x00\n#define FG_GIE 0x04\n#define FG_IER 0x08\n#define FG_ISR 0x0c\n");
        s.Append("#define FG_AP_START 0x1\n#define FG_AP_DONE 0x2\n#define FG_AP_IDLE 0x4\n#define FG_AP_READY 0x8\n");
        foreach (var g in d.Plan.Groups)
        {
            var prefix = g.Top.ToUpperInvariant();
            s.Append(CultureInfo.InvariantCulture, $"\n/* {g.Top} */\n");
            foreach (var (p, offset) in Of(g))
                s.Append(CultureInfo.InvariantCulture, $"#define {prefix}_{p.Name.ToUpperInvariant()}_DATA 0x{offset:x2} /* {(p.IsPointer ? "64-bit address" : "32-bit int")} */\n");
        }
        return s.Append("\n#endif\n").ToString();
    }
}
