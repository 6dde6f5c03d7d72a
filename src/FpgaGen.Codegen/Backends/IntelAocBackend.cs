using FpgaGen.Codegen.Projects;
using FpgaGen.Codegen.Rendering;
using FpgaGen.Exploration.Documents;
using FpgaGen.Hardware;

namespace FpgaGen.Codegen.Backends;

/// <summary>Intel FPGA SDK for OpenCL: every kernel in device/fpgagen.cl, an OpenCL host, a Makefile driving aoc.</summary>
public sealed class IntelAocBackend : Backend
{
    public const string KernelSource = "device/fpgagen.cl";

    public override string Toolchain => FpgaGen.Hardware.Toolchain.Aoc;
    public override string FlowTemplate => "project/intel/flow.md.sbn";

    public override void AddFiles(ProjectFiles files, ProjectRequest r, IReadOnlyDictionary<string, object> context)
    {
        var d = r.Design;
        files.Add("Makefile", d.Library.Render(Flavor.Text, "project/intel/Makefile.sbn", context));
        files.Add(KernelSource, d.IntelSource());
        files.Add("device/intel_syntax_shim.h", d.Library.Raw("common/opencl/intel_syntax_shim.h"));
        files.Add("host/main.cpp", d.Library.Raw("project/host/main.cpp"));
        files.Add("host/plan.h", HostPlan.Header(d, hlsTops: false, "Intel(R) FPGA"));
    }

    public override ProjectLayout Layout(IReadOnlyList<KernelGroupSection> kernels) => new(KernelSource, ["device"], [], null);

    public override string? Describe(string path) => path switch
    {
        "Makefile" => "emu, report, hw, host, check, run targets",
        KernelSource => "every OpenCL kernel of the design (aoc source)",
        "device/intel_syntax_shim.h" => "lets clang check the aoc source (make check)",
        "host/main.cpp" => "the OpenCL host program",
        "host/plan.h" => "the launch table: per step, the kernels and every argument",
        _ => null,
    };
}
