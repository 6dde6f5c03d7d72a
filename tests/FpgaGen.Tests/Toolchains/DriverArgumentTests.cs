using FpgaGen.Toolchains;
using FpgaGen.Toolchains.Amd;
using FpgaGen.Toolchains.Discovery;
using FpgaGen.Toolchains.Intel;

namespace FpgaGen.Tests.Toolchains;

public class DriverArgumentTests
{
    private static readonly ToolVersion Pro20 = new(20, 1, 0, "711", ToolEdition.Pro);
    private static readonly ToolVersion Standard17 = new(17, 1, 0, "240", ToolEdition.Standard);
    private static readonly ToolVersion Pro17_0 = new(17, 0, 0, "290", ToolEdition.Pro);
    private static readonly ToolVersion Altera16 = new(16, 0, 0, "211");

    private static readonly AocJob Job = new("/src/conv.cl", AocFlow.Report) { OutputDirectory = "/out" };

    [Fact]
    public void AocReportOnProUsesRtlAndWritesAnAocr()
    {
        var command = AocArguments.Build(Job, Pro20);
        Assert.Equal(["-v", "-report", "-rtl", "/src/conv.cl", "-o", "/out/conv.aocr"], command.Arguments);
        Assert.Empty(command.Environment);
        Assert.Equal("/out/conv", Job.WorkDirectory);
    }

    [Fact]
    public void AocReportBeforeProSeventeenOneUsesC()
    {
        Assert.Equal(["-v", "-report", "-c", "/src/conv.cl", "-o", "/out/conv.aoco"], AocArguments.Build(Job, Standard17).Arguments);
        Assert.Contains("-c", AocArguments.Build(Job, Pro17_0).Arguments);
        Assert.Equal("/out/conv.aoco", Job.OutputFile(Pro17_0));
    }

    [Fact]
    public void AocEmulatorAndHardwareFlows()
    {
        Assert.Equal(["-v", "-report", "-march=emulator", "/src/conv.cl", "-o", "/out/conv.aocx"],
            AocArguments.Build(Job with { Flow = AocFlow.Emulator }, Pro20).Arguments);
        Assert.Equal(["-v", "-report", "-board-package=/bsp/a10", "-board=pac_a10", "/src/conv.cl", "-o", "/out/conv.aocx"],
            AocArguments.Build(Job with { Flow = AocFlow.Hardware, Board = "pac_a10", BoardPackage = "/bsp/a10" }, Pro20).Arguments);
    }

    [Fact]
    public void AocDefinesIncludesAndExtrasAreSingleArguments()
    {
        var job = Job with
        {
            Defines = [new("PE", "8"), new("FLOAT_VEC", "float4"), new("USE_FP16", null)],
            IncludeDirectories = ["/inc dir"],
            ExtraArguments = ["-fp-relaxed"],
            Name = "conv pe8",
        };
        Assert.Equal(
            ["-v", "-report", "-rtl", "-I/inc dir", "-DPE=8", "-DFLOAT_VEC=float4", "-DUSE_FP16", "-fp-relaxed", "/src/conv.cl", "-o", "/out/conv pe8.aocr"],
            AocArguments.Build(job, Pro20).Arguments);
    }

    [Fact]
    public void OldAocGetsTheOldBoardSyntaxAndTheBspVariable()
    {
        var command = AocArguments.Build(Job with { Flow = AocFlow.Hardware, Board = "p385a_sch_ax115", BoardPackage = "/bsp" }, Altera16);
        Assert.Equal(["-v", "-report", "--board", "p385a_sch_ax115", "/src/conv.cl", "-o", "/out/conv.aocx"], command.Arguments);
        Assert.Equal("/bsp", command.Environment["AOCL_BOARD_PACKAGE_ROOT"]);
        Assert.Equal("AOCL_BOARD_PACKAGE_ROOT", Assert.Single(AocArguments.Build(Job with { BoardPackage = "/bsp" }, Standard17).Environment).Key);
    }

    [Theory]
    [InlineData("1PE")]
    [InlineData("PE X")]
    [InlineData("")]
    [InlineData("A=B")]
    public void BadMacroNamesAreRejected(string name)
    {
        var e = Assert.Throws<InputException>(() => AocArguments.Build(Job with { Defines = [new(name, "1")] }, Pro20));
        Assert.Contains("a macro name must be a C identifier", e.Message);
    }

    [Fact]
    public void AocWithoutOutputDirectoryWritesBesideTheSource()
    {
        var job = new AocJob("/designs/net/conv.cl", AocFlow.Hardware);
        Assert.Equal("/designs/net/conv.aocx", job.OutputFile(Pro20));
        Assert.Equal("/designs/net/conv/acl_quartus_report.txt", job.QuartusReport);
    }

    [Fact]
    public void VppCompileAndLinkLines()
    {
        var compile = new VppCompileJob("src/vadd.cpp", "vadd", VitisTarget.HwEmu, "xilinx_u200_gen3x16_xdma_2_202110_1")
        {
            Config = "u200.cfg",
            IncludeDirectories = ["src"],
            Defines = [new("PE", "4")],
            Output = "hw_emu/vadd.xo",
        };
        Assert.Equal(
            ["-c", "-t", "hw_emu", "--platform", "xilinx_u200_gen3x16_xdma_2_202110_1", "--config", "/w/u200.cfg", "-k", "vadd",
             "-I/w/src", "-D", "PE=4", "/w/src/vadd.cpp", "-o", "/w/hw_emu/vadd.xo"],
            VppArguments.Compile(compile, "/w").Arguments);

        var link = new VppLinkJob(["hw_emu/vadd.xo"], VitisTarget.HwEmu, "xilinx_u200_gen3x16_xdma_2_202110_1", "hw_emu/vadd.xclbin") { Config = "u200.cfg", TempDirectory = "tmp.hw_emu" };
        Assert.Equal(
            ["-l", "-t", "hw_emu", "--platform", "xilinx_u200_gen3x16_xdma_2_202110_1", "--config", "/w/u200.cfg", "--temp_dir", "tmp.hw_emu",
             "/w/hw_emu/vadd.xo", "-o", "/w/hw_emu/vadd.xclbin"],
            VppArguments.Link(link, "/w").Arguments);
        Assert.Equal("/w/tmp.hw_emu/reports/link/system_estimate_vadd.xtxt", link.SystemEstimate("/w"));
        Assert.Equal("/w/_x/reports/link/system_estimate_vadd.xtxt", (link with { TempDirectory = null }).SystemEstimate("/w"));
    }

    [Fact]
    public void VppDefaultsAndChecks()
    {
        Assert.Equal("/w/vadd.sw_emu.xo", new VppCompileJob("k.cpp", "vadd", VitisTarget.SwEmu, "p").OutputFile("/w"));
        Assert.Equal("sw_emu", VitisTarget.SwEmu.Argument());
        Assert.Equal("hw", VitisTarget.Hw.Argument());
        Assert.Contains("no kernel objects", Assert.Throws<InputException>(() => VppArguments.Link(new VppLinkJob([], VitisTarget.Hw, "p", "a.xclbin"), "/w")).Message);
        Assert.Contains("the platform is empty", Assert.Throws<InputException>(() => VppArguments.Compile(new VppCompileJob("k.cpp", "k", VitisTarget.Hw, " "), "/w")).Message);
    }

    [Fact]
    public void RelativeWorkingFoldersAreResolvedFromTheCurrentFolder()
    {
        var here = Directory.GetCurrentDirectory();
        var link = new VppLinkJob(["a.xo"], VitisTarget.Hw, "p", "a.xclbin");
        Assert.Equal(Path.Combine(here, "build", "a.xo"), VppArguments.Link(link, "build").Arguments[^3]);
        Assert.Equal(Path.Combine(here, "build", "_x", "reports", "link", "system_estimate_a.xtxt"), link.SystemEstimate("build"));
        Assert.Equal(Path.Combine(here, "build", "k.hw.xo"), new VppCompileJob("k.cpp", "k", VitisTarget.Hw, "p").OutputFile("build"));
    }

    [Fact]
    public void HlsCommandLines()
    {
        Assert.Equal(["-f", "/w/run_hls.tcl"], HlsArguments.Tcl("/w/run_hls.tcl").Arguments);
        Assert.Equal(["-c", "--mode", "hls", "--config", "/w/hls_config.cfg", "--work_dir", "dct"], HlsArguments.Unified("/w/hls_config.cfg", "dct").Arguments);
    }

    [Fact]
    public void ToolCommandCarriesItsVariablesIntoTheSpec()
    {
        var tool = new InstalledTool(ToolKind.Aoc, "/opt/aoc", Altera16);
        var env = ToolEnvironment.Inherited.With("FOO", "1");
        var spec = AocArguments.Build(Job with { BoardPackage = "/bsp" }, Altera16).ToSpec(tool, env, "/w");
        Assert.Equal("/opt/aoc", spec.FileName);
        Assert.Equal("/w", spec.WorkingDirectory);
        Assert.Equal("1", spec.Environment["FOO"]);
        Assert.Equal("/bsp", spec.Environment["AOCL_BOARD_PACKAGE_ROOT"]);
    }
}
