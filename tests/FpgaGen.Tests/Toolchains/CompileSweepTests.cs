using FpgaGen.Estimation;
using System.Globalization;
using System.Text.Json;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Tests.Cli;
using FpgaGen.Toolchains.Projects;
using FpgaGen.Toolchains.Sweeps;

namespace FpgaGen.Tests.Toolchains;

/// <summary>
/// The sweep engine (generate, compile J at a time, log, resume) on a real exploration's designs.json, with a
/// generator that writes minimal Intel projects and the fake aoc.
/// </summary>
public class CompileSweepTests : IDisposable
{
    private readonly TempDir dir = new();
    private readonly string explored;

    public CompileSweepTests()
    {
        explored = Path.Combine(dir.Path, "explore");
        var run = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--out", explored, "--top", "1");
        Assert.True(run.Code == 0, run.Err);
    }

    public void Dispose() => dir.Dispose();

    /// <summary>design.json as explore lists the design, and one OpenCL kernel with a "#pragma unroll".</summary>
    private sealed class MinimalIntelProjects : IProjectGenerator
    {
        public void Generate(ExploredDesigns e, SweepDesign d, string directory)
        {
            var design = new
            {
                format = "fpgagen-design-1",
                device = new { id = e.Device.Id },
                design = new
                {
                    rank = d.Rank, kernel = d.Kernel, @params = d.Parameters.ToDictionary(p => p.Key, p => p.Value), precision = d.Precision, batch = d.Batch,
                    freq_mhz = d.Predicted.FmaxMhz, latency_ms = d.Predicted.LatencyMs,
                    resources = new { dsp = d.Predicted.Dsp, bram = d.Predicted.Ram, logic = d.Predicted.Logic, ff = d.Predicted.Registers },
                },
            };
            Directory.CreateDirectory(Path.Combine(directory, "device"));
            File.WriteAllText(Path.Combine(directory, "design.json"), JsonSerializer.Serialize(design));
            File.WriteAllText(Path.Combine(directory, "device", "fpgagen.cl"), "__kernel void k(__global float *y) {\n#pragma unroll\n  for (int i = 0; i < 4; i++) y[i] = 0;\n}\n");
        }
    }

    private CompileSweep Sweep(string? toolFolder = null, int jobs = 2, TimeSpan? timeout = null)
    {
        var env = FakeTools.Environment();
        if (toolFolder is not null) env = env.WithPathFirst(toolFolder);
        var settings = new CompileSettings(new ToolSet(env)) { Jobs = jobs, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        return new CompileSweep(ExploredDesigns.Read(explored), CompileTarget.Report, new MinimalIntelProjects(), settings);
    }

    private static async Task<List<SweepOutcome>> RunAsync(CompileSweep sweep, SweepPlan plan)
    {
        var outcomes = new List<SweepOutcome>();
        await sweep.RunAsync(plan, null, o => { lock (outcomes) outcomes.Add(o); }, CancellationToken.None);
        return outcomes;
    }

    [Fact]
    public async Task LogsEveryFinishedDesignAndAResumeRedoesNothing()
    {
        var sweep = Sweep();
        var plan = sweep.Plan(3);
        Assert.Equal((3, 0), (plan.ToCompile.Count, plan.AlreadyDone));
        var outcomes = await RunAsync(sweep, plan);

        Assert.All(outcomes, o => Assert.Equal("ok", o.Record!.Status));
        var (records, skipped) = ResultsLog.Read(sweep.ResultsPath);
        Assert.Equal(0, skipped);
        Assert.Equal([1, 2, 3], records.Select(r => r.Rank).Order());
        var first = records.Single(r => r.Rank == 1);
        var design = ExploredDesigns.Read(explored).Designs[0];
        Assert.Equal(design.Key(CompileTarget.Report), first.Key);
        Assert.Equal(Path.Combine("sweep", design.FolderName(CompileTarget.Report)), first.Project);
        Assert.Matches(@"^1-[a-z_]+-[0-9a-f]{8}$", design.FolderName(CompileTarget.Report));
        // Whole device on both sides: the fake's totals include the 377-block board interface; ALUTs / 2 = ALM.
        Assert.Equal(design.Predicted.Dsp, first.Predicted.Dsp);
        Assert.True(first.Reported!.Bram > 377);
        Assert.True(first.Reported.Logic > 113_900 / 2);
        Assert.StartsWith("whole device; reported: aoc first-stage estimates", first.Scope);
        Assert.True(File.Exists(Path.Combine(explored, first.Project!, "build", "report.log")));

        var again = sweep.Plan(3);
        Assert.Equal((0, 3), (again.ToCompile.Count, again.AlreadyDone));
        var more = sweep.Plan(4);
        Assert.Equal([4], more.ToCompile.Select(d => d.Rank));
    }

    [Fact]
    public async Task AHangingDesignIsLoggedAsTimeoutWhileTheOthersFinish()
    {
        var hangingRank = ExploredDesigns.Read(explored).Designs[1].FolderName(CompileTarget.Report);
        var sweep = Sweep(FakeTools.HangingFor(dir, hangingRank), jobs: 2, timeout: TimeSpan.FromSeconds(2));
        var outcomes = await RunAsync(sweep, sweep.Plan(3));

        var status = outcomes.ToDictionary(o => o.Design.Rank, o => o.Record!.Status);
        Assert.Equal(new Dictionary<int, string> { [1] = "ok", [2] = "timeout", [3] = "ok" }, status);
        var timedOut = outcomes.Single(o => o.Design.Rank == 2).Record!;
        Assert.Contains("timed out after", timedOut.Error);
        Assert.Null(timedOut.Reported);
        Assert.Equal(3, ResultsLog.Read(sweep.ResultsPath).Records.Count);
    }

    [Fact]
    public async Task FailedCompilesAreLoggedWithTheToolsFirstError()
    {
        var env = FakeTools.Environment(("FAKE_TOOL_FAIL", "1"));
        var sweep = new CompileSweep(ExploredDesigns.Read(explored), CompileTarget.Report, new MinimalIntelProjects(), new CompileSettings(new ToolSet(env)));
        await RunAsync(sweep, sweep.Plan(1));
        var failed = Assert.Single(ResultsLog.Read(sweep.ResultsPath).Records);
        Assert.Equal("failed", failed.Status);
        Assert.Contains("error: unknown type name 'kernal'", failed.Error);
        Assert.Null(failed.Reported);
        Assert.Empty(sweep.Plan(1).ToCompile);
    }

    [Fact]
    public async Task ATornLastLineIsCompiledAgainAndTheLogStaysReadable()
    {
        var sweep = Sweep();
        await RunAsync(sweep, sweep.Plan(3));
        // A kill in the middle of the last append: cut the file inside its last record.
        var text = File.ReadAllText(sweep.ResultsPath);
        var lastStart = text.TrimEnd('\n').LastIndexOf('\n') + 1;
        File.WriteAllText(sweep.ResultsPath, text[..(lastStart + 25)]);
        var lost = ResultsLog.Read(sweep.ResultsPath).Records.Count;
        Assert.Equal(2, lost);

        var plan = sweep.Plan(3);
        Assert.Equal((1, 2, 1), (plan.ToCompile.Count, plan.AlreadyDone, plan.UnreadableLines));
        await RunAsync(sweep, plan);
        var (records, skipped) = ResultsLog.Read(sweep.ResultsPath);
        Assert.Equal(3, records.Select(r => r.Key).Distinct().Count());
        Assert.Equal(1, skipped);
        Assert.Equal((0, 3), (sweep.Plan(3).ToCompile.Count, sweep.Plan(3).AlreadyDone));
    }

    [Fact]
    public async Task CancellingKillsTheToolsAndLogsNothingSoAResumeCompilesThemAgain()
    {
        var pidFile = Path.Combine(dir.Path, "hang.pid");
        var env = FakeTools.Environment(("FAKE_TOOL_HANG", "1"), ("FAKE_TOOL_PIDFILE", pidFile));
        var sweep = new CompileSweep(ExploredDesigns.Read(explored), CompileTarget.Report, new MinimalIntelProjects(), new CompileSettings(new ToolSet(env)) { Jobs = 1 });
        using var cts = new CancellationTokenSource();
        var outcomes = new List<SweepOutcome>();
        var run = sweep.RunAsync(sweep.Plan(3), null, outcomes.Add, cts.Token);
        var pid = await ChildProcesses.ReadPidAsync(pidFile);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(await ChildProcesses.DiesWithinAsync(pid, TimeSpan.FromSeconds(5)), "the hung tool's child survived the cancellation");
        var cancelled = Assert.Single(outcomes);
        Assert.Null(cancelled.Record);
        Assert.Equal(BuildStatus.Cancelled, cancelled.Build!.Status);
        Assert.Empty(ResultsLog.Read(sweep.ResultsPath).Records);
        Assert.Equal(3, sweep.Plan(3).ToCompile.Count);
    }

    /// <summary>
    /// Slurm and Ctrl-C signal the tool and fpgagen together; when the tool dies of SIGTERM a moment before fpgagen's
    /// own cancellation arrives, the design is still a stopped one (no record, compiled again), not a failed one.
    /// </summary>
    [Fact]
    public async Task AToolKilledBySigtermJustBeforeTheCancellationLogsNothing()
    {
        var signalled = Path.Combine(dir.Path, "signalled");
        foreach (var tool in new[] { "aoc", "v++", "vitis_hls" })
        {
            var script = dir.File($"sigterm/{tool}", $$"""
                #!/usr/bin/env bash
                # Test wrapper: a compile (an argument naming a .cl file) dies of SIGTERM, as a job's processes do when Slurm stops it.
                for a in "$@"; do
                  case "$a" in *.cl) touch '{{signalled}}'; kill -TERM $$;; esac
                done
                exec '{{Path.Combine(Fakes.Directory, tool)}}' "$@"
                """);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var sweep = Sweep(Path.Combine(dir.Path, "sigterm"), jobs: 1);
        using var cts = new CancellationTokenSource();
        var outcomes = new List<SweepOutcome>();
        var run = sweep.RunAsync(sweep.Plan(1), null, outcomes.Add, cts.Token);
        while (!File.Exists(signalled) && !run.IsCompleted) await Task.Delay(20);
        await Task.Delay(300);   // fpgagen's own SIGTERM comes later than the tool's
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var stopped = Assert.Single(outcomes);
        Assert.Null(stopped.Record);
        Assert.Equal(BuildStatus.Cancelled, stopped.Build!.Status);
        Assert.Empty(ResultsLog.Read(sweep.ResultsPath).Records);
        Assert.Single(sweep.Plan(1).ToCompile);
    }

    [Fact]
    public async Task NoMoreThanJobsToolsRunAtOnce()
    {
        // Each aoc run registers itself in a folder for 0.3 s and logs how many runs it saw there.
        var tools = Path.Combine(dir.Path, "counting");
        var running = Path.Combine(dir.Path, "running");
        var seen = Path.Combine(dir.Path, "seen.txt");
        Directory.CreateDirectory(running);
        var script = dir.File("counting/aoc", $$"""
            #!/usr/bin/env bash
            if [ "$1" != -version ]; then
              touch '{{running}}'/$$; ls '{{running}}' | wc -l >> '{{seen}}'; sleep 0.3; rm -f '{{running}}'/$$
            fi
            exec '{{Path.Combine(Fakes.Directory, "aoc")}}' "$@"
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var sweep = Sweep(tools, jobs: 2);
        var outcomes = await RunAsync(sweep, sweep.Plan(5));
        Assert.Equal(5, outcomes.Count(o => o.Record?.Status == "ok"));
        var counts = File.ReadAllLines(seen).Select(l => int.Parse(l.Trim(), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(5, counts.Count);
        Assert.All(counts, c => Assert.InRange(c, 1, 2));
    }

    [Fact]
    public async Task CalibrationFitsTheSweepsResults()
    {
        var sweep = Sweep();
        await RunAsync(sweep, sweep.Plan(3));
        var set = Calibrator.Fit(explored, "a10_385a");
        Assert.Equal(3, set.Compiles);
        // Factors per kernel kind of the three designs, each resting on that kind's compiles only.
        Assert.Equal(3, set.Kinds.Values.Sum(c => c.Logic.Samples));
        Assert.All(set.Kinds.Values, c => Assert.NotEqual(1.0, c.Logic.Value));
        // aoc's report stage gives no clock: fmax stays uncalibrated.
        Assert.All(set.Kinds.Values, c => Assert.Equal(CalibrationFactor.None, c.Fmax));
    }
}
