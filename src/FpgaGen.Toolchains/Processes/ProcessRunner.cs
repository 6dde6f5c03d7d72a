using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using CliWrap;
using Mono.Unix.Native;

namespace FpgaGen.Toolchains.Processes;

/// <summary>
/// Runs one external tool through CliWrap with the project's policies on top: both streams read concurrently line by
/// line into the log (so a chatty tool never blocks on a full pipe), a timeout, SIGINT first and then a kill of the
/// whole process tree on timeout or cancellation (vendor compilers leave long-running children behind: aoc starts
/// Quartus, v++ starts Vivado), and a bounded wait for output pipes that a detached grandchild keeps open.
/// </summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        // A throwing OnLine callback stops its reader; the pipe would then fill and stall the tool until the timeout.
        // So the first such exception stops the tool and is rethrown. Declared first so it is disposed last.
        using var readerFailed = new CancellationTokenSource();
        Exception? readerError = null;
        void Fail(Exception e)
        {
            if (Interlocked.CompareExchange(ref readerError, e, null) is null) readerFailed.Cancel();
        }
        using var sink = new OutputSink(spec.LogPath, spec.OnLine, spec.TailLines);
        if (cancellationToken.IsCancellationRequested)
            return new ProcessResult(-1, false, true, clock.Elapsed, [], spec.LogPath);

        using var drained = new CancellationTokenSource();
        using var graceful = new CancellationTokenSource();
        using var forceful = new CancellationTokenSource();
        var exit = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pid = 0;
        void Watch(Process p)
        {
            pid = p.Id;
            // CliWrap only reports the exit once the pipes have closed; the runner needs it at once to time the drain.
            p.Exited += (_, _) => exit.TrySetResult(p.ExitCode);
            if (p.HasExited) exit.TrySetResult(p.ExitCode);
        }

        var command = Cli.Wrap(spec.FileName)
            .WithArguments(spec.Arguments)
            .WithEnvironmentVariables(spec.Environment)
            .WithValidation(CommandResultValidation.None)
            // Tools that prompt (vitis_hls without -f drops into a Tcl shell) see end-of-input instead of hanging.
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(new LinePipe(OutputStream.Stdout, sink, Fail, drained.Token))
            .WithStandardErrorPipe(new LinePipe(OutputStream.Stderr, sink, Fail, drained.Token));
        if (spec.WorkingDirectory is { } dir) command = command.WithWorkingDirectory(dir);

        Task<CommandResult> run;
        try
        {
            run = command.ExecuteAsync(null, Watch, forceful.Token, graceful.Token);
        }
        catch (Win32Exception e)
        {
            throw new InputException($"cannot start {spec.FileName}: {(e.InnerException ?? e).Message}", e);
        }

        using var timer = spec.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token, readerFailed.Token);
        await Task.WhenAny(exit.Task, run, Task.Delay(Timeout.InfiniteTimeSpan, stop.Token));
        var stopped = !exit.Task.IsCompleted && stop.IsCancellationRequested;
        if (stopped) await StopAsync(pid, exit.Task, spec.InterruptGracePeriod, graceful, forceful);

        await Task.WhenAny(exit.Task, run);
        drained.CancelAfter(spec.OutputDrainTimeout);
        try
        {
            await run;
        }
        catch (OperationCanceledException) when (stopped)
        {
            // CliWrap reports a stopped command as cancelled; the result below says how and why.
        }
        if (readerError is not null) ExceptionDispatchInfo.Throw(readerError);
        clock.Stop();
        var cancelled = stopped && cancellationToken.IsCancellationRequested;
        var timedOut = stopped && !cancelled && timer.IsCancellationRequested;
        return new ProcessResult(await exit.Task, timedOut, cancelled, clock.Elapsed, sink.Tail(), spec.LogPath);
    }

    /// <summary>
    /// SIGINT to the tool (CliWrap's graceful cancellation) and to its descendants, as Ctrl-C sends it to a terminal's
    /// foreground processes; then, once the tool has exited or the grace period passed, CliWrap's forceful
    /// cancellation, which kills the tool with its current tree, and SIGKILL to whatever else of the tree still runs.
    /// </summary>
    private static async Task StopAsync(
        int pid, Task exited, TimeSpan grace, CancellationTokenSource graceful, CancellationTokenSource forceful)
    {
        // Listed before the first signal: children orphaned by the tool's exit are out of its tree afterwards.
        var tree = ProcessTree.Descendants([pid]);
        ProcessTree.Signal(tree, Signum.SIGINT);
        await graceful.CancelAsync();
        await Task.WhenAny(exited, Task.Delay(grace));

        // Walked again from every member still running (and the tool, if it is): children started after the list.
        var roots = tree.Where(ProcessTree.IsRunning).Select(p => p.Pid);
        if (!exited.IsCompleted) roots = roots.Append(pid);
        var rest = tree.Concat(ProcessTree.Descendants(roots)).ToList();
        // The tool goes first, so its exit code says it was killed rather than that its children were.
        await forceful.CancelAsync();
        ProcessTree.Signal(rest, Signum.SIGKILL);
    }
}
