using FpgaGen.Toolchains;
using FpgaGen.Toolchains.Amd;
using FpgaGen.Toolchains.Discovery;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Tests.Toolchains;

/// <summary>The v++ and HLS drivers and runners against tests/fakes/v++ and tests/fakes/vitis_hls.</summary>
public class AmdEndToEndTests : IDisposable
{
    private readonly TempDir dir = new();
    private readonly string vadd;
    private readonly string mul;
    private readonly string testbench;

    public AmdEndToEndTests()
    {
        // vadd has one "#pragma HLS unroll" (U = 1), mul none.
        vadd = dir.File("src/vadd.cpp", "extern \"C\" void vadd(int *a, int *b) {\n  for (int i = 0; i < 4; i++) {\n  #pragma HLS unroll\n    a[i] += b[i];\n  }\n}\n");
        mul = dir.File("src/mul.cpp", "extern \"C\" void mul(int *a) { a[0] *= 2; }\n");
        testbench = dir.File("src/vadd_tb.cpp", "int main() { return 0; }\n");
    }

    public void Dispose() => dir.Dispose();

    private RunOptions Options(ToolEnvironment env) => new(Path.Combine(dir.Path, "build")) { Environment = env, Timeout = TimeSpan.FromSeconds(60) };

    private static VppCompileJob[] Kernels(string vadd, string mul, VitisTarget target) =>
    [
        new(vadd, "vadd", target, "xilinx_u250_gen3x16_xdma_4_1_202210_1") { Defines = [new("PE", "3")] },
        new(mul, "mul", target, "xilinx_u250_gen3x16_xdma_4_1_202210_1"),
    ];

    private static VppLinkJob Link(VitisTarget target, IEnumerable<VppCompileJob> kernels, string wd) =>
        new(kernels.Select(k => k.OutputFile(wd)).ToList(), target, "xilinx_u250_gen3x16_xdma_4_1_202210_1", "app.xclbin");

    private HlsProject Project(bool csim = true) => new("vadd_prj", "vadd", [vadd], "xcu250-figd2104-2L-e", 4.0)
    {
        TestBenches = csim ? [testbench] : [],
        CFlags = "-std=c++14 -DPE=3",
        CSimulation = csim,
        VitisKernel = true,
    };

    [Fact]
    public async Task HardwareBuildCompilesLinksAndReadsTheLinkEstimate()
    {
        var env = Fakes.Environment();
        var vpp = await Fakes.DetectAsync(ToolKind.Vpp, env);
        var options = Options(env);
        var kernels = Kernels(vadd, mul, VitisTarget.Hw);
        var run = await VitisRunner.BuildAsync(vpp, kernels, Link(VitisTarget.Hw, kernels, options.WorkingDirectory), options);

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(["vpp-compile-vadd", "vpp-compile-mul", "vpp-link-app"], run.Steps.Select(s => s.Name));
        Assert.All(run.Outputs, f => Assert.True(File.Exists(f), f));
        var r = run.Report!;
        Assert.Equal(ReportKind.VitisLinkEstimate, r.Kind);
        Assert.Equal("app", r.Design);
        Assert.Equal(["vadd_1", "mul_1"], r.Kernels.Select(k => k.Name));
        // vadd: U = 1, D = 3: DSP 4U + D, FF 1000 + 300U + 10D, latency 100 + 10U + D .. 4x; fmax 411.015 - 10U.
        Assert.Equal(new ResourceCounts { Registers = 1330, Luts = 2660, Dsps = 7, RamBlocks = 3, Urams = 0 }, r.Kernels[0].Resources);
        Assert.Equal(new CycleRange(113, 452), r.Kernels[0].Latency);
        Assert.Equal(new CycleRange(100, 400), r.Kernels[1].Latency);
        Assert.Equal(401.015, r.FmaxMhz);
        Assert.Equal(7, r.Resources.Dsps);
        Assert.Equal(1330 + 1000, r.Resources.Registers);
    }

    [Fact]
    public async Task SoftwareEmulationBuildHasNoEstimate()
    {
        var env = Fakes.Environment();
        var options = Options(env);
        var kernels = Kernels(vadd, mul, VitisTarget.SwEmu);
        var run = await VitisRunner.BuildAsync(await Fakes.DetectAsync(ToolKind.Vpp, env), kernels, Link(VitisTarget.SwEmu, kernels, options.WorkingDirectory), options);

        Assert.True(run.Succeeded, run.Error);
        Assert.Null(run.Report);
        Assert.EndsWith("app.xclbin", run.Outputs[^1]);
    }

    [Fact]
    public async Task CompileFailureStopsBeforeTheLink()
    {
        var env = Fakes.Environment(("FAKE_TOOL_FAIL", "1"));
        var options = Options(env);
        var kernels = Kernels(vadd, mul, VitisTarget.Hw);
        var run = await VitisRunner.BuildAsync(await Fakes.DetectAsync(ToolKind.Vpp, env), kernels, Link(VitisTarget.Hw, kernels, options.WorkingDirectory), options);

        var step = Assert.Single(run.Steps);
        Assert.Equal($"v++ -c -k vadd failed with exit code 1: ERROR: [v++ 60-599] Kernel compilation failed to complete (log: {step.Process.LogPath})", run.Error);
    }

    [Fact]
    public async Task LinkOfAMissingObjectFailsWithVppsMessage()
    {
        var env = Fakes.Environment();
        var options = Options(env);
        var kernels = Kernels(vadd, mul, VitisTarget.Hw);
        var link = Link(VitisTarget.Hw, kernels, options.WorkingDirectory) with { Objects = [Path.Combine(dir.Path, "other.xo")] };
        var run = await VitisRunner.BuildAsync(await Fakes.DetectAsync(ToolKind.Vpp, env), kernels, link, options);

        Assert.Equal(3, run.Steps.Count);
        Assert.StartsWith($"v++ -l failed with exit code 1: ERROR: [v++ 60-602] Source file does not exist: {dir.Path}/other.xo", run.Error);
    }

    [Fact]
    public async Task TclFlowRunsCsimAndSynthesis()
    {
        var env = Fakes.Environment();
        var hls = await Fakes.DetectAsync(ToolKind.VitisHls, env);
        var options = Options(env);
        var run = await HlsRunner.RunAsync(hls, Project(), options);

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(new CsimLog(true, 0, null), run.CSimulation);
        var r = run.Report!;
        Assert.Equal(ReportKind.HlsSynthesis, r.Kind);
        Assert.EndsWith("vadd_prj/solution1/syn/report/csynth.xml", r.Source);
        // U = 1, D = 3: LUT 1500 + 400U + 20D, DSP 5U + D, latency 100 + 1000/(1+U) + D .. 2x, clock 0.7 x 4 + 0.1U ns.
        Assert.Equal(1960, r.Resources.Luts);
        Assert.Equal(8, r.Resources.Dsps);
        Assert.Equal(new CycleRange(603, 1206), r.Latency);
        Assert.Equal(1000 / 2.9, r.FmaxMhz!.Value, 3);
        Assert.Contains("-flow_target vitis", File.ReadAllText(Path.Combine(options.WorkingDirectory, "vadd_prj_hls.tcl")));
    }

    [Fact]
    public async Task FailedCsimIsReportedWithItsMarkers()
    {
        var env = Fakes.Environment(("FAKE_CSIM_FAIL", "1"));
        var run = await HlsRunner.RunAsync(await Fakes.DetectAsync(ToolKind.VitisHls, env), Project(), Options(env));

        Assert.StartsWith("vitis_hls failed with exit code 1: ERROR: [SIM 211-100] 'csim_design' failed: nonzero return value.", run.Error);
        Assert.Equal(new CsimLog(false, null, "@E Simulation failed: Function 'main' returns nonzero value '1'."), run.CSimulation);
        Assert.Null(run.Report);
    }

    [Fact]
    public async Task VivadoEraHlsGetsNoFlowTargetAndItsDsp48eIsRead()
    {
        var env = Fakes.Environment(("FAKE_HLS_VERSION", "2020.1"));
        var hls = await Fakes.DetectAsync(ToolKind.VitisHls, env);
        var run = await HlsRunner.RunAsync(hls, Project(csim: false), Options(env));

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(8, run.Report!.Resources.Dsps);
        Assert.Equal("2020.1", run.Report.ToolVersion);
        Assert.Contains("<DSP48E>", File.ReadAllText(run.Report.Source));
    }

    [Fact]
    public async Task SynthesisFailureIsOneLine()
    {
        var env = Fakes.Environment(("FAKE_TOOL_FAIL", "1"));
        var run = await HlsRunner.RunAsync(await Fakes.DetectAsync(ToolKind.VitisHls, env), Project(csim: false), Options(env));
        Assert.StartsWith("vitis_hls failed with exit code 1: ERROR: [HLS 200-1715] Encountered problem during source synthesis (log: ", run.Error);
    }

    [Fact]
    public async Task UnifiedFlowWithVpp2023ReadsTheTopFunctionsReport()
    {
        var env = Fakes.Environment(("FAKE_VPP_VERSION", "2023.2"));
        var vpp = await Fakes.DetectAsync(ToolKind.Vpp, env);
        var options = Options(env);
        var run = await HlsRunner.RunAsync(vpp, Project(csim: false), options);

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(["-c", "--mode", "hls"], run.Steps[0].CommandLine.Split(' ')[1..4]);
        Assert.EndsWith("vadd_prj/hls/syn/report/vadd_csynth.xml", run.Report!.Source);
        Assert.Equal(8, run.Report.Resources.Dsps);
        Assert.Contains("syn.top=vadd", File.ReadAllText(Path.Combine(options.WorkingDirectory, "vadd_prj_hls_config.cfg")));
    }

    [Fact]
    public async Task UnifiedFlowNeedsVpp2023AndCannotRunCsim()
    {
        var old = await Fakes.DetectAsync(ToolKind.Vpp, Fakes.Environment());
        var e = await Assert.ThrowsAsync<InputException>(() => HlsRunner.RunAsync(old, Project(csim: false), Options(Fakes.Environment())));
        Assert.Equal("v++ 2022.2 has no HLS mode (v++ -c --mode hls needs Vitis 2023.1 or newer); install vitis_hls or a newer Vitis", e.Message);

        var env = Fakes.Environment(("FAKE_VPP_VERSION", "2023.2"));
        var current = await Fakes.DetectAsync(ToolKind.Vpp, env);
        Assert.Contains("C simulation needs vitis_hls", (await Assert.ThrowsAsync<InputException>(() => HlsRunner.RunAsync(current, Project(), Options(env)))).Message);
    }

    [Fact]
    public async Task OldVppRejectsHlsModeLikeTheDriverExpects()
    {
        // The fake models v++ before 2023.1 without --mode; the runner refuses first (above), this shows why.
        var result = await FpgaGen.Toolchains.Processes.ProcessRunner.RunAsync(new(Path.Combine(Fakes.Directory, "v++"), ["-c", "--mode", "hls"]));
        Assert.Contains(result.LastLines, l => l.Text == "ERROR: [v++ 60-3] unrecognised option '--mode'");
    }
}
