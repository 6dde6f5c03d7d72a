using FpgaGen.Codegen.Projects;
using FpgaGen.Codegen.Rendering;
using FpgaGen.Exploration.Documents;

namespace FpgaGen.Codegen.Backends;

/// <summary>
/// The flows built on Vitis HLS: one C++ file per kernel group (src/&lt;group&gt;.cpp) with its testbench
/// (tb/tb_&lt;group&gt;.cpp), run_hls.tcl, and a Makefile.
/// </summary>
public abstract class HlsBackend : Backend
{
    protected abstract string Makefile { get; }

    public override void AddFiles(ProjectFiles files, ProjectRequest r, IReadOnlyDictionary<string, object> context)
    {
        var d = r.Design;
        files.Add("Makefile", d.Library.Render(Flavor.Text, Makefile, context));
        files.Add("hls/run_hls.tcl", d.Library.Render(Flavor.Text, "project/xilinx/run_hls.tcl.sbn", context));
        files.AddAll(d.HlsSources());
        files.AddAll(Testbench.Files(d));
        files.Add("tb/fpgagen_ref.h", d.Library.Raw("common/hls/fpgagen_ref.h"));
        files.Add("host/plan.h", HostPlan.Header(d, hlsTops: true, "Xilinx"));
    }

    public static string Source(string group) => $"src/{group}.cpp";
    public static string TestBench(string group) => $"tb/tb_{group}.cpp";

    public override ProjectLayout Layout(IReadOnlyList<KernelGroupSection> kernels) =>
        new(null, ["src"], kernels.Select(k => new HlsKernelFiles(k.Group, k.HlsTop, Source(k.Group), [TestBench(k.Group)])).ToList(), LinkConfig);

    protected virtual string? LinkConfig => null;

    public override string? Describe(string path) => path switch
    {
        "Makefile" => "build, emulation, C simulation and synthesis targets",
        "tb/fpgagen_ref.h" => "reference implementations the testbenches compare with",
        "src/fpgagen_hls.h" => "hls::stream and math for builds outside Vitis HLS (C simulation with g++)",
        "src/fpgagen_config.h" => "the hardware plan's macros: tiling parameters and the sizes derived from them",
        "src/fpgagen_types.h" => "data types and conversions",
        "host/plan.h" => "the launch table: per step, the kernels and every argument",
        _ when path.StartsWith("tb/", StringComparison.Ordinal) => "C-simulation testbench of one kernel group",
        _ when path.StartsWith("src/", StringComparison.Ordinal) && path.EndsWith(".h", StringComparison.Ordinal) => "the kernel's top-level declaration",
        _ when path.StartsWith("src/", StringComparison.Ordinal) => "one kernel group as HLS C++ (top function, dataflow stages)",
        _ => null,
    };
}

/// <summary>AMD Vitis on an accelerator card: the HLS kernels linked by v++ (link.cfg) with an XRT host program.</summary>
public sealed class VitisBackend : HlsBackend
{
    public const string LinkFile = "link.cfg";

    public override string Toolchain => FpgaGen.Hardware.Toolchain.Vitis;
    public override string FlowTemplate => "project/xilinx/flow.md.sbn";
    protected override string Makefile => "project/xilinx/Makefile.sbn";
    protected override string? LinkConfig => LinkFile;

    public override void AddFiles(ProjectFiles files, ProjectRequest r, IReadOnlyDictionary<string, object> context)
    {
        base.AddFiles(files, r, context);
        files.Add(LinkFile, r.Design.Library.Render(Flavor.Text, "project/xilinx/link.cfg.sbn", context));
        files.Add("host/main.cpp", r.Design.Library.Raw("project/host/main.cpp"));
    }

    public override string? Describe(string path) => path switch
    {
        LinkFile => "v++ connectivity: compute units and memory banks",
        "hls/run_hls.tcl" => "vitis_hls script: C simulation, synthesis",
        "host/main.cpp" => "the OpenCL host program",
        _ => base.Describe(path),
    };
}

/// <summary>A board without a Vitis platform (VC707): the HLS kernels exported as IP for a Vivado block design.</summary>
public sealed class VivadoIpBackend : HlsBackend
{
    public override string Toolchain => FpgaGen.Hardware.Toolchain.Vivado;
    public override string FlowTemplate => "project/vivado/flow.md.sbn";
    protected override string Makefile => "project/vivado/Makefile.sbn";

    public const string BlockDesign = "vivado/block_design.tcl", RegisterMap = "host/regmap.h";

    /// <summary>Adds the Vivado block design that connects the exported cores to the board, and their register map.</summary>
    public override void AddFiles(ProjectFiles files, ProjectRequest r, IReadOnlyDictionary<string, object> context)
    {
        base.AddFiles(files, r, context);
        var cores = r.Design.Plan.Groups.Select(g =>
        {
            var bundles = g.Stages.SelectMany(s => s.Ports).Select(p => p.Interface).Distinct().ToList();
            return new Dictionary<string, object>
            {
                ["group"] = g.Name, ["top"] = g.Top, ["cell"] = g.Top + "_0", ["bundles"] = bundles,
                ["masters"] = string.Join(", ", bundles.Select(b => "m_axi_" + b)),
            };
        }).ToList();
        var values = new Dictionary<string, object>(context) { ["cores"] = cores };
        files.Add(BlockDesign, r.Design.Library.Render(Flavor.Text, "project/vivado/block_design.tcl.sbn", values));
        files.Add(RegisterMap, ControlRegisters.Header(r.Design));
    }

    public override string? Describe(string path) => path switch
    {
        "hls/run_hls.tcl" => "vitis_hls script: C simulation, synthesis, IP export",
        BlockDesign => "Vivado block design: the cores, the DDR3 controller (MIG) and a JTAG-to-AXI control master",
        RegisterMap => "the cores' AXI4-Lite control registers (byte offsets)",
        _ => base.Describe(path),
    };
}
