using System.Text.Json;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Tests.Toolchains;
using FpgaGen.Toolchains.Projects;
using FpgaGen.Toolchains.Sweeps;

namespace FpgaGen.Tests.Cli;

/// <summary>
/// The whole loop on the fake tools, in-process: explore → generate → compile → report, then a sweep of the three
/// best designs two at a time where one design's tool hangs past --timeout, a resume that redoes nothing, a resume
/// after a torn log line, and explore --calibrate on the sweep folder.
/// </summary>
public class CompileSweepCliTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void ExploreGenerateCompileReportSweepResumeAndCalibrate()
    {
        var explored = Path.Combine(dir.Path, "explore");
        var project = Path.Combine(dir.Path, "project");
        Assert.Equal(0, CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--out", explored, "--top", "1").Code);
        var generate = CliRunner.Run("generate", "alexnet", "--device", "a10_385a", "--design", Path.Combine(explored, "designs.json"), "--rank", "1", "--out", project);
        Assert.True(generate.Code == 0, generate.Err);

        var compile = CliRunner.Run(FakeTools.Environment(), "compile", project);
        Assert.True(compile.Code == 0, compile.Err);
        Assert.Contains("for report with aoc", compile.Out);
        var report = JsonDocument.Parse(CliRunner.Run("report", project, "--format", "json").Out).RootElement;
        var best = ExploredDesigns.Read(explored).Designs[0];
        var dsp = report.GetProperty("builds")[0].GetProperty("comparison").GetProperty("figures")[0];
        Assert.Equal("DSP", dsp.GetProperty("figure").GetString());
        Assert.Equal(best.Predicted.Dsp, dsp.GetProperty("predicted").GetDouble());
        Assert.True(dsp.GetProperty("reported").GetDouble() > 0);

        // Rank 2's tool hangs; --timeout kills it while ranks 1 and 3 finish.
        var hanging = ExploredDesigns.Read(explored).Designs[1].FolderName(CompileTarget.Report);
        var tools = FakeTools.Environment().WithPathFirst(FakeTools.HangingFor(dir, hanging));
        string[] sweep = ["compile", "--sweep", explored, "--top", "3", "--jobs", "2", "--timeout", "2s"];
        var first = CliRunner.Run(tools, sweep);
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains("3 compiled (2 ok, 0 failed, 1 timed out), 0 skipped", first.Out);
        Assert.Matches(@"#2 \w+ .*: timeout after \d+(\.\d)? s: aoc timed out", first.Out);
        Assert.Contains("calibrate: fpgagen explore " + Path.Combine(DataPaths.Designs, "alexnet.yaml"), first.Out);
        var log = Path.Combine(explored, ResultsLog.FileName);
        var (records, _) = ResultsLog.Read(log);
        Assert.Equal(["ok", "timeout", "ok"], records.OrderBy(r => r.Rank).Select(r => r.Status));
        Assert.All(records, r => Assert.True(File.Exists(Path.Combine(explored, r.Project!, "design.json")), r.Project));
        Assert.All(records, r => Assert.StartsWith(Path.Combine("sweep", $"{r.Rank}-{r.Kernel}-"), r.Project));

        var again = CliRunner.Run(tools, sweep);
        Assert.Contains("skipping 3 of 3 designs already in", again.Out);
        Assert.Contains("0 compiled", again.Out);
        Assert.Equal(3, ResultsLog.Read(log).Records.Count);

        // A kill in the middle of the last append leaves a torn line: that design is compiled again, nothing else.
        var text = File.ReadAllText(log);
        File.WriteAllText(log, text[..(text.TrimEnd('\n').LastIndexOf('\n') + 40)]);
        var resumed = CliRunner.Run(tools, sweep);
        Assert.Contains("skipping 2 of 3 designs", resumed.Out);
        Assert.Contains("1 unreadable line(s)", resumed.Err);
        Assert.Contains("1 compiled", resumed.Out);
        var (after, skipped) = ResultsLog.Read(log);
        Assert.Equal(3, after.Select(r => r.Key).Distinct().Count());
        Assert.Equal(1, skipped);

        var calibrated = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--top", "1", "--calibrate", explored);
        Assert.True(calibrated.Code == 0, calibrated.Err);
        Assert.Contains("figures: calibrated per kernel kind from 2 compiles on intel Arria 10 GX in " + log, calibrated.Out);
        // The report target gives no clock: every calibrated kind says its fmax is uncalibrated.
        Assert.Contains("fmax uncalibrated (no compile reports it)", calibrated.Out);
    }

    [Fact]
    public void SweepInputProblemsAreExitTwoBeforeAnythingRuns()
    {
        var explored = Path.Combine(dir.Path, "explore");
        Assert.Equal(0, CliRunner.Run("explore", "alexnet", "--device", "u250", "--out", explored, "--top", "1").Code);

        var noTools = CliRunner.Run(FakeTools.None(), "compile", "--sweep", explored);
        Assert.Equal(2, noTools.Code);
        Assert.StartsWith("error: cannot find vitis_hls", noTools.Err);
        Assert.False(Directory.Exists(Path.Combine(explored, "sweep")));

        Assert.Contains("target report does not apply to a vitis project",
            CliRunner.Run(FakeTools.Environment(), "compile", "--sweep", explored, "--target", "report").Err);
        Assert.Contains("the designs were explored for AlexNet, but the model given is VGG-16",
            CliRunner.Run(FakeTools.Environment(), "compile", "--sweep", explored, "--model", "vgg16").Err);
        Assert.Contains("no designs.json", CliRunner.Run(FakeTools.Environment(), "compile", "--sweep", dir.Path).Err);
        Assert.Contains("either a project folder or --sweep", CliRunner.Run(FakeTools.Environment(), "compile", dir.Path, "--sweep", explored).Err);
    }

    [Fact]
    public void VitisSweepSynthesizesEveryKernelGroupAndLogsWholeDeviceFigures()
    {
        var explored = Path.Combine(dir.Path, "explore");
        Assert.Equal(0, CliRunner.Run("explore", "alexnet", "--device", "u250", "--out", explored, "--top", "1").Code);
        var run = CliRunner.Run(FakeTools.Environment(), "compile", "--sweep", explored, "--top", "2", "--jobs", "2");
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("2 compiled (2 ok, 0 failed, 0 timed out)", run.Out);
        var r = ResultsLog.Read(Path.Combine(explored, ResultsLog.FileName)).Records.Single(x => x.Rank == 1);
        Assert.Equal("csynth", r.Target);
        Assert.StartsWith("whole device; reported: HLS C-synthesis estimates", r.Scope);
        // The kernels' csynth figures plus the U250 shell (DSP 780, BRAM18 1376).
        Assert.InRange(r.Reported!.Dsp!.Value, 781, 2000);
        Assert.InRange(r.Reported.Bram!.Value, 1377, 1500);
        var project = Path.Combine(explored, r.Project!);
        var groups = JsonDocument.Parse(File.ReadAllText(Path.Combine(project, "design.json"))).RootElement.GetProperty("kernels").GetArrayLength();
        Assert.Equal(groups, Directory.GetFiles(Path.Combine(project, "build", "csynth"), "csynth.xml", SearchOption.AllDirectories).Length);

        // The generated test benches, one C simulation per kernel group, two at once.
        var csim = CliRunner.Run(FakeTools.Environment(), "compile", project, "--target", "csim", "--jobs", "2");
        Assert.True(csim.Code == 0, csim.Err);
        Assert.Contains("C simulation passed", csim.Out);
        Assert.Equal(groups, Directory.GetFiles(Path.Combine(project, "build", "csim"), "*_csim.log", SearchOption.AllDirectories)
            .Count(f => f.Contains(Path.Combine("csim", "report"), StringComparison.Ordinal)));
    }
}
