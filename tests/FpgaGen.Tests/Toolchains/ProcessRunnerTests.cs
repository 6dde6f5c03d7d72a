using System.Diagnostics;
using FpgaGen.Toolchains.Processes;

namespace FpgaGen.Tests.Toolchains;

public class ProcessRunnerTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task ChattyToolOnBothStreamsDoesNotDeadlockAndTheLogHasEveryLine()
    {
        // 200k lines, half of them on stderr at the same time: a reader that drained only one pipe would block.
        var spec = dir.Script("seq 1 100000 & seq 100001 200000 >&2; wait") with
        {
            LogPath = Path.Combine(dir.Path, "logs", "chatty.log"),
            Timeout = TimeSpan.FromSeconds(60),
            TailLines = 5,
        };
        var result = await ProcessRunner.RunAsync(spec);

        Assert.True(result.Succeeded, result.Describe());
        var lines = File.ReadAllLines(spec.LogPath!);
        Assert.Equal(200_000, lines.Length);
        Assert.Equal(Enumerable.Range(1, 200_000), lines.Select(int.Parse).Order());
        Assert.Equal(5, result.LastLines.Count);
    }

    [Fact]
    public async Task HangingToolIsKilledAtTheTimeout()
    {
        var spec = dir.Script("echo working; sleep 60") with { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync(spec);

        Assert.True(result.TimedOut);
        Assert.False(result.Cancelled);
        Assert.False(result.Succeeded);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains(new OutputLine(OutputStream.Stdout, "working"), result.LastLines);
        Assert.StartsWith("timed out after", result.Describe());
    }

    [Fact]
    public async Task NonZeroExitIsReportedWithTheLastLines()
    {
        var result = await ProcessRunner.RunAsync(dir.Script("echo building; echo 'Error: it broke' >&2; exit 3"));

        Assert.Equal(3, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.False(result.TimedOut);
        Assert.Null(result.Signal);
        Assert.Equal("failed with exit code 3", result.Describe());
        Assert.Equal(
            [new OutputLine(OutputStream.Stdout, "building"), new OutputLine(OutputStream.Stderr, "Error: it broke")],
            result.LastLines.OrderBy(l => l.Stream));
    }

    [Fact]
    public async Task CrashBySignalIsNamed()
    {
        var result = await ProcessRunner.RunAsync(dir.Script("kill -SEGV $$"));

        Assert.Equal(11, result.Signal);
        Assert.Equal("crashed with signal 11 (SIGSEGV)", result.Describe());
    }

    [Fact]
    public async Task TimeoutKillsTheChildThatWouldOutliveItsParent()
    {
        var pidFile = Path.Combine(dir.Path, "child.pid");
        // 2 s leaves a loaded machine time to start bash and its child before the kill.
        var spec = dir.Script($"sleep 300 & echo $! > '{pidFile}'; wait") with { Timeout = TimeSpan.FromSeconds(2) };
        var result = await ProcessRunner.RunAsync(spec);

        Assert.True(result.TimedOut);
        var child = await ChildProcesses.ReadPidAsync(pidFile);
        Assert.True(await ChildProcesses.DiesWithinAsync(child, TimeSpan.FromSeconds(5)), $"child {child} survived");
    }

    [Fact]
    public async Task CancellationKillsTheWholeTree()
    {
        var pidFile = Path.Combine(dir.Path, "child.pid");
        using var cts = new CancellationTokenSource();
        // Cancel as soon as the tool says it started its child, as Ctrl-C would.
        var spec = dir.Script($"sleep 300 & echo $! > '{pidFile}'; echo started; wait") with
        {
            OnLine = line => { if (line.Text == "started") cts.Cancel(); },
            Timeout = TimeSpan.FromSeconds(30),
        };
        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync(spec, cts.Token);

        Assert.True(result.Cancelled);
        Assert.False(result.TimedOut);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        var child = await ChildProcesses.ReadPidAsync(pidFile);
        Assert.True(await ChildProcesses.DiesWithinAsync(child, TimeSpan.FromSeconds(5)), $"child {child} survived");
    }

    [Fact]
    public async Task ThrowingCallbackStopsTheToolAndSurfaces()
    {
        var pidFile = Path.Combine(dir.Path, "child.pid");
        var spec = dir.Script($"sleep 300 & echo $! > '{pidFile}'; echo boom; wait") with
        {
            OnLine = line => { if (line.Text == "boom") throw new InvalidOperationException("display failed"); },
            Timeout = TimeSpan.FromSeconds(60),
        };
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ProcessRunner.RunAsync(spec));

        Assert.Equal("display failed", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        var child = await ChildProcesses.ReadPidAsync(pidFile);
        Assert.True(await ChildProcesses.DiesWithinAsync(child, TimeSpan.FromSeconds(5)), $"child {child} survived");
    }

    [Fact]
    public async Task AlreadyCancelledTokenStartsNothing()
    {
        var marker = Path.Combine(dir.Path, "ran");
        var result = await ProcessRunner.RunAsync(dir.Script($"touch '{marker}'"), new CancellationToken(canceled: true));

        Assert.True(result.Cancelled);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task DetachedChildHoldingThePipesDoesNotBlockTheResult()
    {
        var pidFile = Path.Combine(dir.Path, "orphan.pid");
        var spec = dir.Script($"sleep 30 & echo $! > '{pidFile}'; echo done") with
        {
            OutputDrainTimeout = TimeSpan.FromSeconds(1),
        };
        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync(spec);
        var orphan = await ChildProcesses.ReadPidAsync(pidFile);
        try
        {
            Assert.True(result.Succeeded, result.Describe());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
            Assert.Contains(new OutputLine(OutputStream.Stdout, "done"), result.LastLines);
        }
        finally
        {
            if (ChildProcesses.IsAlive(orphan)) Process.GetProcessById(orphan).Kill();
        }
    }

    [Fact]
    public async Task StdoutAndStderrAreBothCapturedInOrderPerStream()
    {
        var seen = new List<OutputLine>();
        var spec = dir.Script("for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.15; done") with
        {
            OnLine = seen.Add,
            LogPath = Path.Combine(dir.Path, "both.log"),
        };
        var result = await ProcessRunner.RunAsync(spec);

        Assert.True(result.Succeeded);
        Assert.Equal(["out1", "out2", "out3"], seen.Where(l => l.Stream == OutputStream.Stdout).Select(l => l.Text));
        Assert.Equal(["err1", "err2", "err3"], seen.Where(l => l.Stream == OutputStream.Stderr).Select(l => l.Text));
        Assert.Equal(seen.Select(l => l.Text).Order(), File.ReadAllLines(spec.LogPath!).Order());
        // Pairs are written 150 ms apart, so arrival order interleaves the streams.
        Assert.True(seen.FindIndex(l => l.Text == "err1") < seen.FindIndex(l => l.Text == "out3"));
    }

    [Fact]
    public async Task ArgumentsArePassedVerbatimWithoutAShell()
    {
        string[] args = ["a b", "it's", "-DX=\"y\"", "$HOME", "", @"C:\dir\", @"a\\""b", "tab\there", "*.cl"];
        var result = await ProcessRunner.RunAsync(dir.Script("printf '[%s]\\n' \"$@\"", args));

        Assert.Equal(args.Select(a => $"[{a}]"), result.LastLines.Select(l => l.Text));
    }

    [Fact]
    public async Task EnvironmentOverridesAndWorkingFolderApplyToTheChildOnly()
    {
        var work = Directory.CreateDirectory(Path.Combine(dir.Path, "work")).FullName;
        var spec = dir.Script("echo \"$FPGAGEN_TEST_VAR|${HOME-unset}|$PWD\"") with
        {
            WorkingDirectory = work,
            Environment = new Dictionary<string, string?> { ["FPGAGEN_TEST_VAR"] = "set", ["HOME"] = null },
        };
        var result = await ProcessRunner.RunAsync(spec);

        Assert.Equal($"set|unset|{work}", Assert.Single(result.LastLines).Text);
        Assert.Null(Environment.GetEnvironmentVariable("FPGAGEN_TEST_VAR"));
    }

    [Fact]
    public async Task MissingProgramIsAClearInputError()
    {
        var e = await Assert.ThrowsAsync<InputException>(() =>
            ProcessRunner.RunAsync(new ProcessSpec(Path.Combine(dir.Path, "no-such-tool"), [])));
        Assert.Contains("no-such-tool", e.Message);
    }

    [Fact]
    public void CommandLineQuotesOnlyWhatNeedsIt()
    {
        var spec = new ProcessSpec("/opt/aoc", ["-board=pac_a10", "my file.cl", "it's"]);
        Assert.Equal("/opt/aoc -board=pac_a10 'my file.cl' 'it'\\''s'", spec.CommandLine);
    }
}
