using FpgaGen.Toolchains.Projects;

namespace FpgaGen.Tests.Toolchains;

/// <summary>Reading a generated project's design.json and layout: what compile takes from it, and clear errors.</summary>
public class DesignFileTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static string Design(string device, string kernels = "") => $$$"""
        {
          "format": "fpgagen-design-1",
          "device": {"id": "{{{device}}}"},
          "design": {"kernel": "gemm", "params": {"Tm": 8, "Tn": 4, "Tk": 16, "vu": 8}, "precision": "int8", "batch": 2,
                     "freq_mhz": 300, "latency_ms": 1.5, "resources": {"dsp": 900, "bram": 1500, "uram": 12, "logic": 400000, "ff": 700000}}
          {{{kernels}}}
        }
        """;

    [Fact]
    public void GeneratedVitisProjectGivesKernelsTestBenchesAndPredictions()
    {
        dir.File("p/design.json", Design("u250", """, "kernels": [{"group": "gemm", "hls_top": "gemm_top"}, {"group": "vu_map", "hls_top": "vu_map_top"}]"""));
        dir.File("p/src/gemm.cpp", "// no extern here: the list in design.json decides\n");
        dir.File("p/src/vu_map.cpp", "\n");
        dir.File("p/tb/tb_gemm.cpp", "int main() { return 0; }\n");
        dir.File("p/link.cfg", "[connectivity]\n");
        var p = DesignFile.Load(Path.Combine(dir.Path, "p"));

        Assert.Equal(("gemm", "int8", 2, 300.0), (p.Kernel, p.Precision, p.Batch, p.ClockMhz));
        Assert.Equal("Tm=8,Tn=4,Tk=16,vu=8", p.ParameterText);
        Assert.Equal("gemm|int8|2|Tm=8,Tn=4,Tk=16,vu=8|csynth", p.Key(CompileTarget.Csynth));
        Assert.Equal(["gemm_top", "vu_map_top"], p.HlsKernels.Select(k => k.Top));
        Assert.Equal([Path.Combine(dir.Path, "p", "tb", "tb_gemm.cpp")], p.HlsKernels[0].TestBenches);
        Assert.Empty(p.HlsKernels[1].TestBenches);
        Assert.Equal(Path.Combine(dir.Path, "p", "link.cfg"), p.LinkConfig);
        Assert.Equal((900.0, 1500.0, 12.0, 400000.0, 700000.0), (p.Predicted.Dsp!.Value, p.Predicted.Ram!.Value, p.Predicted.Uram!.Value, p.Predicted.Logic!.Value, p.Predicted.Registers!.Value));
        // Without the U250 shell (DSP 780, BRAM18 1376, URAM 0, LUT 348260, FF 641668).
        var kernels = p.Predicted.WithPlatform(p.Device, -1);
        Assert.Equal((120.0, 124.0, 12.0, 51740.0, 58332.0), (kernels.Dsp!.Value, kernels.Ram!.Value, kernels.Uram!.Value, kernels.Logic!.Value, kernels.Registers!.Value));
    }

    [Fact]
    public void AnHlsProjectWithoutAKernelListIsRefused()
    {
        dir.File("p/design.json", Design("zcu102"));
        dir.File("p/src/gemm.cpp", "extern \"C\" void gemm_top(int *a) {}\n");
        Assert.Contains("lists no kernel groups", Assert.ThrowsAny<InputException>(() => DesignFile.Load(Path.Combine(dir.Path, "p"))).Message);
    }

    [Theory]
    [InlineData("""{"device": {"id": "a10_385a"}, "design": {"params": {}, "precision": "fp32", "freq_mhz": 200, "resources": {}}}""", "design.json: design.kernel is missing")]
    [InlineData("""{"device": {"id": "a10_385a"}, "design": {"kernel": "gemm", "params": {"Tm": 2.5}, "precision": "fp32", "freq_mhz": 200, "resources": {}}}""", "design.params.Tm: expected a positive integer")]
    [InlineData("""{"device": {"id": "a10_385a"}, "design": {"kernel": "gemm", "params": {}, "precision": "fp32", "freq_mhz": 0, "resources": {}}}""", "design.freq_mhz: expected a clock of 1 to 1000 MHz, got 0")]
    [InlineData("""{"device": {"id": "nosuch"}, "design": {"kernel": "gemm", "params": {}, "freq_mhz": 200, "resources": {}}}""", "unknown device 'nosuch'")]
    [InlineData("""{"device": {"id": "a10_385a"}, "design": {"kernel": "gemm", """, "not valid JSON")]
    public void BrokenDesignFilesNameTheFieldOrProblem(string json, string expected)
    {
        dir.File("p/design.json", json);
        dir.File("p/device/fpgagen.cl", "__kernel void k() {}\n");
        var e = Assert.ThrowsAny<InputException>(() => DesignFile.Load(Path.Combine(dir.Path, "p")));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void LayoutProblemsAreInputErrors()
    {
        // The backend says where its files are; a missing one is an incomplete project, not a search.
        dir.File("intel/design.json", Design("a10_385a"));
        dir.File("intel/device/other.cl", "__kernel void a() {}\n");
        Assert.Contains("the OpenCL kernel source device/fpgagen.cl is missing", Assert.ThrowsAny<InputException>(() => DesignFile.Load(Path.Combine(dir.Path, "intel"))).Message);
        dir.File("intel/device/fpgagen.cl", "__kernel void a() {}\n");
        Assert.EndsWith(Path.Combine("device", "fpgagen.cl"), DesignFile.Load(Path.Combine(dir.Path, "intel")).OpenClSource);

        dir.File("vitis/design.json", Design("u250", """, "kernels": [{"group": "gemm", "hls_top": "gemm_top"}]"""));
        Assert.Contains("the source of kernel group gemm src/gemm.cpp is missing",
            Assert.ThrowsAny<InputException>(() => DesignFile.Load(Path.Combine(dir.Path, "vitis"))).Message);

        dir.File("hls/design.json", Design("u250", """, "kernels": [{"group": "../../etc/x", "hls_top": "x"}]"""));
        Assert.Contains("kernels[0].group: \"../../etc/x\" is not a C identifier",
            Assert.ThrowsAny<InputException>(() => DesignFile.Load(Path.Combine(dir.Path, "hls"))).Message);
    }
}
