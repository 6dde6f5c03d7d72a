using System.Diagnostics;
using FpgaGen.Toolchains.Processes;
using Mono.Unix.Native;

namespace FpgaGen.Tests.Toolchains;

/// <summary>How a run ends when the tool will not end by itself, or leaves something behind that holds its pipes.</summary>
public class ProcessRunnerStopTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task DaemonGrandchildHoldingStdoutEndsTheRunWithinTheDrainTimeoutAfterTheToolExits()
    {
        // Quartus-like: the tool's child starts a daemon in its own session (setsid) and exits, so the daemon is
        // reparented away from the tool's tree and keeps the tool's stdout and stderr open after the tool exits.
        var pidFile = Path.Combine(dir.Path, "daemon.pid");
        var drain = TimeSpan.FromSeconds(1);
        var toolDone = new TaskCompletionSource<TimeSpan>();
        var clock = Stopwatch.StartNew();
        var spec = dir.Script(
            $"( setsid bash -c 'sleep 0.2; echo late; echo late-err >&2; exec sleep 60' & echo $! > '{pidFile}' )\n" +
            "echo done\nexit 0") with
        {
            OutputDrainTimeout = drain,
            Timeout = TimeSpan.FromSeconds(60),
            LogPath = Path.Combine(dir.Path, "logs", "daemon.log"),
            OnLine = line => { if (line.Text == "done") toolDone.TrySetResult(clock.Elapsed); },
        };
        var result = await ProcessRunner.RunAsync(spec);
        var returned = clock.Elapsed;
        var daemon = await ChildProcesses.ReadPidAsync(pidFile);
        try
        {
            Assert.True(result.Succeeded, result.Describe());
            var afterExit = returned - await toolDone.Task;
            // The drain itself, plus slack for a loaded machine; without the drain the run would last the daemon's 60 s.
            Assert.True(afterExit < drain + TimeSpan.FromSeconds(2), $"returned {afterExit} after the tool exited");
            Assert.True(ChildProcesses.IsAlive(daemon), "the daemon is not the tool's to kill on a normal exit");
            // What the daemon wrote within the drain period is kept, in the log as in the result.
            Assert.Contains(new OutputLine(OutputStream.Stdout, "late"), result.LastLines);
            Assert.Contains(new OutputLine(OutputStream.Stderr, "late-err"), result.LastLines);
            Assert.Equal(["done", "late", "late-err"], File.ReadAllLines(spec.LogPath!).Order());
        }
        finally
        {
            // setsid made the daemon the leader of its own process group.
            Syscall.kill(-daemon, Signum.SIGKILL);
        }
    }

    [Fact]
    public async Task TimeoutSendsSigintFirstSoTheToolCanCleanUp()
    {
        var spec = dir.Script("trap 'echo cleaned up; exit 130' INT\necho working\nwhile true; do sleep 0.1; done") with
        {
            Timeout = TimeSpan.FromSeconds(1),
            LogPath = Path.Combine(dir.Path, "logs", "sigint.log"),
        };
        var result = await ProcessRunner.RunAsync(spec);

        Assert.True(result.TimedOut);
        Assert.Equal(130, result.ExitCode);
        Assert.Equal(["working", "cleaned up"], File.ReadAllLines(spec.LogPath!));
    }

    [Fact]
    public async Task ToolIgnoringSigintIsKilledAfterTheGracePeriod()
    {
        var pidFile = Path.Combine(dir.Path, "child.pid");
        var spec = dir.Script($"trap '' INT\nsleep 300 & echo $! > '{pidFile}'\necho working\nwait") with
        {
            Timeout = TimeSpan.FromSeconds(1),
            InterruptGracePeriod = TimeSpan.FromSeconds(1),
        };
        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync(spec);

        Assert.True(result.TimedOut);
        Assert.True(result.Signal == 9, $"exit code {result.ExitCode}");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"killed after {clock.Elapsed}, before the grace period");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        var child = await ChildProcesses.ReadPidAsync(pidFile);
        Assert.True(await ChildProcesses.DiesWithinAsync(child, TimeSpan.FromSeconds(5)), $"child {child} survived");
    }

    [Fact]
    public async Task ChildrenOrphanedWhenTheToolDiesOfSigintAreKilledToo()
    {
        // The child ignores SIGINT and outlives its parent, which dies of it: out of the tool's tree by then.
        var pidFile = Path.Combine(dir.Path, "child.pid");
        var spec = dir.Script($"bash -c 'trap \"\" INT; exec sleep 300' & echo $! > '{pidFile}'\necho started\nwait") with
        {
            Timeout = TimeSpan.FromSeconds(1),
        };
        var result = await ProcessRunner.RunAsync(spec);

        Assert.True(result.TimedOut);
        var child = await ChildProcesses.ReadPidAsync(pidFile);
        Assert.True(await ChildProcesses.DiesWithinAsync(child, TimeSpan.FromSeconds(5)), $"child {child} survived");
    }
}
