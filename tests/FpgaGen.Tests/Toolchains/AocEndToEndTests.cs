using FpgaGen.Toolchains;
using FpgaGen.Toolchains.Discovery;
using FpgaGen.Toolchains.Intel;
using FpgaGen.Toolchains.Processes;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Tests.Toolchains;

/// <summary>The aoc driver, runner and report readers against tests/fakes/aoc (numbers: tests/fakes/README.md).</summary>
public class AocEndToEndTests : IDisposable
{
    // Two kernels, one "#pragma unroll" (U = 1).
    private const string Kernels = """
        __kernel void conv(__global float *restrict out, __global const float *restrict in) {
          float acc = 0;
          #pragma unroll
          for (int i = 0; i < PE; i++) acc += in[i];
          out[0] = acc;
        }
        __kernel void pool(__global float *restrict out) { out[0] = 1; }
        """;

    private readonly TempDir dir = new();
    private readonly string source;

    public AocEndToEndTests() => source = dir.File("src/conv.cl", Kernels);

    public void Dispose() => dir.Dispose();

    private AocJob Job(AocFlow flow, params (string, string?)[] defines) => new(source, flow)
    {
        OutputDirectory = Path.Combine(dir.Path, "out"),
        Board = "pac_a10",
        Defines = defines.Select(d => new KeyValuePair<string, string?>(d.Item1, d.Item2)).ToList(),
    };

    private async Task<ToolRun> RunAsync(AocJob job, ToolEnvironment env, TimeSpan? timeout = null, Action<string, OutputLine>? onLine = null, CancellationToken ct = default)
    {
        var aoc = await Fakes.DetectAsync(ToolKind.Aoc, env);
        var options = new RunOptions(dir.Path) { Environment = env, Timeout = timeout ?? TimeSpan.FromSeconds(60), OnLine = onLine };
        return await AocRunner.RunAsync(aoc, job, options, ct);
    }

    [Fact]
    public async Task ReportFlowOnProWritesAnAocrAndReadsTheEstimates()
    {
        var run = await RunAsync(Job(AocFlow.Report, ("PE", "4"), ("VEC", "2")), Fakes.Environment());

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal([Path.Combine(dir.Path, "out", "conv.aocr")], run.Outputs);
        var r = run.Report!;
        Assert.Equal(ReportKind.AocEstimate, r.Kind);
        Assert.Equal("20.1.0 Build 711", r.ToolVersion);
        Assert.Equal(["conv", "pool"], r.Kernels.Select(k => k.Name));
        // D = 4 + 2 = 6: per kernel DSPs 8U + D = 14, ALUTs 1000 + 500U + 10D + 100i; board interface 113900 ALUTs.
        Assert.Equal(new ResourceCounts { Aluts = 1560, Registers = 3120, RamBlocks = 3, Dsps = 14 }, r.Kernels[0].Resources);
        Assert.Equal(new ResourceCounts { Aluts = 1560 + 1660 + 113900, Registers = 2 * (1560 + 1660) + 227800, RamBlocks = 6 + 377, Dsps = 28 }, r.Resources);
        Assert.Equal(1518, r.Available!.Dsps);
        Assert.Equal(CycleRange.Exactly(1 + 6 % 4), r.Kernels[1].Ii);
        Assert.Null(r.FmaxMhz);
        var info = AocInfo.Parse(Path.Combine(dir.Path, "out", "conv", "reports", "lib", "json", "info.json"));
        Assert.Contains("-rtl", info.Command);
        Assert.Contains("-DPE=4", info.Command);
        Assert.Contains("aoc: First stage compilation completed successfully.", File.ReadAllLines(run.Steps[0].Process.LogPath!));
    }

    [Fact]
    public async Task DefineValuesChangeTheResults()
    {
        var small = await RunAsync(Job(AocFlow.Report, ("PE", "4")) with { Name = "small" }, Fakes.Environment());
        var large = await RunAsync(Job(AocFlow.Report, ("PE", "12")) with { Name = "large" }, Fakes.Environment());

        Assert.Equal(2 * (8 + 4), small.Report!.Resources.Dsps);
        Assert.Equal(2 * (8 + 12), large.Report!.Resources.Dsps);
    }

    [Fact]
    public async Task StandardEditionIsDrivenWithDashC()
    {
        var env = Fakes.Environment(("FAKE_AOC_VERSION", "17.1.0 Build 240 Standard Edition"));
        var run = await RunAsync(Job(AocFlow.Report), env);

        Assert.True(run.Succeeded, run.Error);
        Assert.Contains(" -c ", run.Steps[0].CommandLine);
        Assert.EndsWith("conv.aoco", Assert.Single(run.Outputs));
        Assert.Equal(ReportKind.AocEstimate, run.Report!.Kind);

        // The fake refuses -rtl on a Standard edition, as the driver's choice assumes.
        var forced = await RunAsync(Job(AocFlow.Report) with { ExtraArguments = ["-rtl"] }, env);
        Assert.Contains("Error: Unrecognized option: -rtl", forced.Error);
    }

    [Fact]
    public async Task HardwareFlowReadsTheQuartusReport()
    {
        var bsp = Directory.CreateDirectory(Path.Combine(dir.Path, "bsp")).FullName;
        var run = await RunAsync(Job(AocFlow.Hardware, ("PE", "4")) with { BoardPackage = bsp }, Fakes.Environment());

        Assert.True(run.Succeeded, run.Error);
        var r = run.Report!;
        Assert.Equal(ReportKind.AocFit, r.Kind);
        Assert.EndsWith("acl_quartus_report.txt", r.Source);
        Assert.Equal(300 - 10, r.FmaxMhz);
        var aluts = 1000 + 500 + 40 + 1100 + 500 + 40 + 113900;
        Assert.Equal(new ResourceCounts { Aluts = aluts, Alms = aluts / 2, Registers = 2 * aluts, RamBlocks = 6 + 377, Dsps = 24 }, r.Resources);
        Assert.Equal(new ResourceCounts { Alms = 427200, RamBlocks = 2713, Dsps = 1518 }, r.Available);
        Assert.Equal(2, r.Kernels.Count);
        Assert.True(File.Exists(Assert.Single(run.Outputs)));
    }

    [Fact]
    public async Task EmulatorFlowGivesABinaryAndNoReport()
    {
        var run = await RunAsync(Job(AocFlow.Emulator), Fakes.Environment());

        Assert.True(run.Succeeded, run.Error);
        Assert.Null(run.Report);
        Assert.EndsWith("out/conv.aocx", Assert.Single(run.Outputs));
        Assert.Contains(run.Steps[0].Process.LastLines, l => l.Text == "Emulator flow is successful.");
    }

    [Fact]
    public async Task CompileErrorBecomesOneLineNamingTheLog()
    {
        var run = await RunAsync(Job(AocFlow.Report), Fakes.Environment(("FAKE_TOOL_FAIL", "1")));

        var log = run.Steps[0].Process.LogPath!;
        Assert.False(run.Succeeded);
        Assert.Equal($"aoc failed with exit code 1: {source}:1:1: error: unknown type name 'kernal' (log: {log})", run.Error);
        Assert.Contains("Error: OpenCL parser FAILED.", File.ReadAllLines(log));
        Assert.Null(run.Report);
    }

    [Fact]
    public async Task BadArgumentsAndMissingSourcesFailLikeAoc()
    {
        var flag = await RunAsync(Job(AocFlow.Report) with { ExtraArguments = ["-no-such-flag"] }, Fakes.Environment());
        Assert.StartsWith("aoc failed with exit code 1: Error: Unrecognized option: -no-such-flag", flag.Error);

        var missing = await RunAsync(Job(AocFlow.Report) with { Source = Path.Combine(dir.Path, "nope.cl") }, Fakes.Environment());
        Assert.StartsWith($"aoc failed with exit code 1: Error: Invalid kernel file {dir.Path}/nope.cl: No such file or directory", missing.Error);
    }

    [Fact]
    public async Task CrashIsNamed()
    {
        var run = await RunAsync(Job(AocFlow.Report), Fakes.Environment(("FAKE_TOOL_CRASH", "1")));
        Assert.StartsWith("aoc crashed with signal 11 (SIGSEGV) (log: ", run.Error);
    }

    [Fact]
    public async Task HangIsKilledAtTheTimeoutTogetherWithItsChild()
    {
        var pidFile = Path.Combine(dir.Path, "hang.pid");
        var env = Fakes.Environment(("FAKE_TOOL_HANG", "1"), ("FAKE_TOOL_PIDFILE", pidFile));
        var run = await RunAsync(Job(AocFlow.Report), env, TimeSpan.FromSeconds(2));

        Assert.True(run.Steps[0].Process.TimedOut);
        Assert.StartsWith("aoc timed out after", run.Error);
        var child = await ChildProcesses.ReadPidAsync(pidFile);
        Assert.True(await ChildProcesses.DiesWithinAsync(child, TimeSpan.FromSeconds(5)), $"the fake's child {child} survived");
    }

    [Fact]
    public async Task CancellationStopsTheCompileAndReportsTheSteps()
    {
        using var cts = new CancellationTokenSource();
        var seen = new List<(string Step, string Line)>();
        var env = Fakes.Environment(("FAKE_TOOL_HANG", "1"));
        void OnLine(string step, OutputLine line)
        {
            seen.Add((step, line.Text));
            if (line.Text == "aoc: Running OpenCL parser....") cts.Cancel();
        }
        var run = await RunAsync(Job(AocFlow.Report), env, TimeSpan.FromSeconds(60), OnLine, cts.Token);

        Assert.True(run.Steps[0].Process.Cancelled);
        Assert.StartsWith("aoc was cancelled after", run.Error);
        Assert.Contains(("aoc-conv-report", "aoc: Running OpenCL parser...."), seen);
    }
}
