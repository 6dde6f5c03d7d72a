using System.Text.Json;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Cli;

/// <summary>`fpgagen compile PROJECT` and `fpgagen report PROJECT` against the fake vendor tools (tests/fakes).</summary>
public class CompileCliTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static JsonElement Json(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    private static JsonElement Row(JsonElement comparison, string figure) =>
        comparison.GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("figure").GetString() == figure);

    [Fact]
    public void AocReportBuildLogsSummarizesAndComparesWholeDeviceFigures()
    {
        var project = TestProjects.Intel(dir);
        var run = CliRunner.Run(FakeTools.Environment(), "compile", project);

        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("for report with aoc 20.1.0 Build 711 Pro Edition", run.Out);
        Assert.Contains("reported (aoc first-stage estimates, whole device with the board interface): DSP 8, M20K 380, ALM 57,700, FF 230,800", run.Out);
        var log = File.ReadAllText(Path.Combine(project, "build", "report.log"));
        Assert.Contains("aoc: OpenCL parser completed successfully.", log);
        // The sizes are fixed by the plan in the generated source: no -D overrides that could contradict it.
        Assert.DoesNotContain("-DTm=", log);
        Assert.Contains("-board=p385a_sch_ax115", log);
        Assert.True(File.Exists(Path.Combine(project, "build", "report", "fpgagen.aocr")));

        var summary = Json(Path.Combine(project, "build", "report.report.json"));
        Assert.Equal("ok", summary.GetProperty("status").GetString());
        Assert.Equal("whole_device", summary.GetProperty("comparison").GetProperty("scope").GetString());
        Assert.Equal((10 - 8) / 8.0, Row(summary.GetProperty("comparison"), "DSP").GetProperty("relative_error").GetDouble(), 4);
        // One params shape everywhere (an object), and paths relative to the project folder (docs/formats.md).
        Assert.Equal(JsonValueKind.Object, summary.GetProperty("design").GetProperty("params").ValueKind);
        Assert.Equal(Path.Combine("build", "report.log"), summary.GetProperty("log").GetString());
        Assert.All(summary.GetProperty("reports").EnumerateArray(), r => Assert.False(Path.IsPathRooted(r.GetProperty("source").GetString())));

        var table = CliRunner.Run("report", project);
        Assert.True(table.Code == 0, table.Err);
        Assert.Contains("report: aoc first-stage estimates, whole device", table.Out);
        Assert.Matches(@"DSP\s+blocks\s+10\s+8\s+\+25\.0%", table.Out);
        Assert.Matches(@"logic\s+ALM\s+60,000\s+57,700\s+\+4\.0%", table.Out);
        Assert.Contains("scope: whole device: both sides include the board's platform overhead", table.Out);
        Assert.Contains("note: aoc estimates count ALUTs", table.Out);

        var csv = CliRunner.Run("report", project, "--format", "csv");
        Assert.Contains("target,scope,figure,unit,predicted,reported,relative_error", csv.Out);
        Assert.Contains("report,whole_device,M20K,blocks,400,380,", csv.Out);
    }

    [Fact]
    public void HardwareBuildAddsQuartusFmaxAndReportShowsBothBuilds()
    {
        var project = TestProjects.Intel(dir);
        Assert.Equal(0, CliRunner.Run(FakeTools.Environment(), "compile", project).Code);
        var hw = CliRunner.Run(FakeTools.Environment(), "compile", project, "--target", "hw");
        Assert.True(hw.Code == 0, hw.Err);

        var json = CliRunner.Run("report", project, "--format", "json");
        var builds = JsonDocument.Parse(json.Out).RootElement.GetProperty("builds").EnumerateArray().ToList();
        Assert.Equal(["report", "hw"], builds.Select(b => b.GetProperty("target").GetString()));
        var design = JsonDocument.Parse(json.Out).RootElement.GetProperty("design");
        Assert.Equal(4, design.GetProperty("params").GetProperty("Tm").GetInt32());
        Assert.All(builds, b => Assert.False(Path.IsPathRooted(b.GetProperty("folder").GetString())));
        Assert.All(builds, b => Assert.All(b.GetProperty("sources").EnumerateArray(), s => Assert.False(Path.IsPathRooted(s.GetString()))));
        var fit = builds[1].GetProperty("comparison");
        Assert.StartsWith("Quartus post-fit", fit.GetProperty("reported").GetString());
        Assert.Equal(290, Row(fit, "fmax").GetProperty("reported").GetDouble());
        Assert.Equal((240 - 290) / 290.0, Row(fit, "fmax").GetProperty("relative_error").GetDouble(), 4);
        Assert.Equal(57700, Row(fit, "logic").GetProperty("reported").GetDouble());

        var onlyHw = CliRunner.Run("report", project, "--target", "hw", "--format", "json");
        Assert.Single(JsonDocument.Parse(onlyHw.Out).RootElement.GetProperty("builds").EnumerateArray());
    }

    [Fact]
    public void HlsSynthesisIsComparedKernelsOnlyWithoutTheShell()
    {
        var project = TestProjects.Vitis(dir);
        var run = CliRunner.Run(FakeTools.Environment(), "compile", project);
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("for csynth with vitis_hls 2022.2", run.Out);

        var json = JsonDocument.Parse(CliRunner.Run("report", project, "--format", "json").Out).RootElement;
        var c = json.GetProperty("builds")[0].GetProperty("comparison");
        Assert.Equal("kernels", c.GetProperty("scope").GetString());
        // Predicted 800 DSP, 1380 BRAM18 and 350160 LUT whole device, less the U250 shell (780, 1376, 348260).
        Assert.Equal(20, Row(c, "DSP").GetProperty("predicted").GetDouble());
        Assert.Equal(5, Row(c, "DSP").GetProperty("reported").GetDouble());
        Assert.Equal(4, Row(c, "BRAM18").GetProperty("predicted").GetDouble());
        Assert.Equal(1900, Row(c, "logic").GetProperty("predicted").GetDouble());
        Assert.Equal(1900, Row(c, "logic").GetProperty("reported").GetDouble());
        Assert.Equal(0, Row(c, "logic").GetProperty("relative_error").GetDouble());
        Assert.Contains("per kernel call", Row(c, "latency").GetProperty("note").GetString());

        var csim = CliRunner.Run(FakeTools.Environment(), "compile", project, "--target", "csim");
        Assert.True(csim.Code == 0, csim.Err);
        Assert.Contains("C simulation passed", csim.Out);
        var failedCsim = CliRunner.Run(FakeTools.Environment(("FAKE_CSIM_FAIL", "1")), "compile", project, "--target", "csim");
        Assert.Equal(1, failedCsim.Code);
    }

    [Fact]
    public void FailingToolGivesItsFirstErrorAndTheLogThenReportSaysNothingIsCompiled()
    {
        var project = TestProjects.Intel(dir);
        var run = CliRunner.Run(FakeTools.Environment(("FAKE_TOOL_FAIL", "1")), "compile", project);

        Assert.Equal(1, run.Code);
        var line = Assert.Single(run.Err.TrimEnd().Split('\n'));
        Assert.StartsWith("error: aoc failed with exit code 1: ", line);
        Assert.Contains("fpgagen.cl:1:1: error: unknown type name 'kernal'", line);
        Assert.Contains("(log: " + Path.Combine(project, "build", "report", "logs"), line);
        Assert.Equal("failed", Json(Path.Combine(project, "build", "report.report.json")).GetProperty("status").GetString());

        var report = CliRunner.Run("report", project);
        Assert.Equal(2, report.Code);
        Assert.Contains("nothing compiled yet", report.Err);
        Assert.Contains("the last report compile failed", report.Err);
    }

    [Fact]
    public void MissingToolIsOneLineNamingWhereWeLookedAndHowToSetItUp()
    {
        var run = CliRunner.Run(FakeTools.None(), "compile", TestProjects.Intel(dir));
        Assert.Equal(2, run.Code);
        var line = Assert.Single(run.Err.TrimEnd().Split('\n'));
        Assert.StartsWith("error: cannot find aoc (Intel FPGA SDK for OpenCL offline compiler): looked in PATH and in $INTELFPGAOCLSDKROOT/bin", line);
        Assert.Contains("init_opencl.sh", line);

        var hls = CliRunner.Run(FakeTools.None(), "compile", TestProjects.Vitis(dir));
        Assert.Equal(2, hls.Code);
        Assert.Contains("cannot find vitis_hls", hls.Err);
    }

    [Fact]
    public async Task TimeoutKillsTheToolTreeAndIsRecordedAsTimeout()
    {
        var project = TestProjects.Intel(dir);
        var pidFile = Path.Combine(dir.Path, "hang.pid");
        var run = CliRunner.Run(FakeTools.Environment(("FAKE_TOOL_HANG", "1"), ("FAKE_TOOL_PIDFILE", pidFile)), "compile", project, "--timeout", "2s");

        Assert.Equal(1, run.Code);
        Assert.Matches(@"^error: aoc timed out after \d+(\.\d)? s \(--timeout 2\.0 s; log: .*report\.log\)", run.Err);
        Assert.Equal("timeout", Json(Path.Combine(project, "build", "report.report.json")).GetProperty("status").GetString());
        Assert.True(await ChildProcesses.DiesWithinAsync(await ChildProcesses.ReadPidAsync(pidFile), TimeSpan.FromSeconds(5)), "the tool's child survived");
    }

    [Fact]
    public void ToolPathVariableAndOptionPutFoldersBeforePath()
    {
        var project = TestProjects.Intel(dir);
        var noTools = FakeTools.None().With("PATH", "/usr/bin:/bin");
        Assert.Equal(2, CliRunner.Run(noTools, "compile", project).Code);
        Assert.Equal(0, CliRunner.Run(noTools.With("FPGAGEN_TOOL_PATH", Fakes.Directory), "compile", project).Code);
        Assert.Equal(0, CliRunner.Run(noTools, "compile", project, "--tool-path", Fakes.Directory).Code);
    }

    [Fact]
    public void BadInputIsExitTwo()
    {
        var project = TestProjects.Intel(dir);
        var wrongTarget = CliRunner.Run(FakeTools.Environment(), "compile", project, "--target", "csynth");
        Assert.Equal(2, wrongTarget.Code);
        Assert.Contains("target csynth does not apply to a aoc project (its targets: report, emu, hw)", wrongTarget.Err);
        Assert.Contains("no design.json", CliRunner.Run(FakeTools.Environment(), "compile", dir.Path).Err);
        Assert.Contains("--timeout soon: expected a positive duration", CliRunner.Run(FakeTools.Environment(), "compile", project, "--timeout", "soon").Err);
        Assert.Contains("nothing compiled yet", CliRunner.Run("report", project).Err);
        Assert.Equal(2, CliRunner.Run("compile").Code);
        Assert.Contains("--top goes with --sweep DIR", CliRunner.Run(FakeTools.Environment(), "compile", project, "--top", "2").Err);
    }
}
