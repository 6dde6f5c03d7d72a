using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text;

namespace FpgaGen.Toolchains.Processes;

/// <summary>
/// Runs one external tool: reads stdout and stderr concurrently line by line (so a chatty tool never blocks on a
/// full pipe), enforces a timeout, and on timeout or cancellation kills the whole process tree, because vendor
/// compilers leave long-running children behind (aoc starts Quartus, v++ starts Vivado).
/// </summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        // A throwing OnLine callback stops its reader; the pipe would then fill and stall the tool until the timeout.
        // So the first such exception kills the tree and is rethrown. Declared first so it is disposed last.
        using var readerFailed = new CancellationTokenSource();
        Exception? readerError = null;
        void Fail(Exception e)
        {
            if (Interlocked.CompareExchange(ref readerError, e, null) is null) readerFailed.Cancel();
        }
        using var sink = new OutputSink(spec.LogPath, spec.OnLine, spec.TailLines);
        if (cancellationToken.IsCancellationRequested)
            return new ProcessResult(-1, false, true, clock.Elapsed, [], spec.LogPath);

        using var process = new Process { StartInfo = StartInfo(spec) };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InputException($"cannot start {spec.FileName}: {e.Message}", e);
        }
        // Tools that prompt (vitis_hls without -f drops into a Tcl shell) see end-of-input instead of hanging.
        process.StandardInput.Close();

        var pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, OutputStream.Stdout, sink, Fail),
            PumpAsync(process.StandardError, OutputStream.Stderr, sink, Fail));

        var (timedOut, cancelled) = await WaitAsync(process, spec.Timeout, cancellationToken, readerFailed.Token);
        try
        {
            await pumps.WaitAsync(spec.OutputDrainTimeout, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // A detached child still holds the pipes; what it writes from now on is not ours to wait for.
        }
        if (readerError is not null) ExceptionDispatchInfo.Throw(readerError);
        clock.Stop();
        return new ProcessResult(process.ExitCode, timedOut, cancelled, clock.Elapsed, sink.Tail(), spec.LogPath);
    }

    private static ProcessStartInfo StartInfo(ProcessSpec spec)
    {
        var psi = new ProcessStartInfo(spec.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = spec.WorkingDirectory ?? "",
        };
        foreach (var arg in spec.Arguments) psi.ArgumentList.Add(arg);
        foreach (var (name, value) in spec.Environment)
        {
            if (value is null) psi.Environment.Remove(name);
            else psi.Environment[name] = value;
        }
        return psi;
    }

    private static async Task<(bool TimedOut, bool Cancelled)> WaitAsync(
        Process process, TimeSpan? timeout, CancellationToken cancellationToken, CancellationToken readerFailed)
    {
        using var timer = timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token, readerFailed);
        try
        {
            await process.WaitForExitAsync(either.Token);
            return (false, false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None);
            var cancelled = cancellationToken.IsCancellationRequested;
            return (timer.IsCancellationRequested && !cancelled, cancelled);
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
        catch (Win32Exception)
        {
            // Part of the tree was already gone or not ours to kill; what could be killed was.
        }
    }

    private static async Task PumpAsync(StreamReader reader, OutputStream stream, OutputSink sink, Action<Exception> fail)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                try
                {
                    sink.Add(new OutputLine(stream, line));
                }
                catch (Exception e)
                {
                    fail(e);
                    return;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // We stopped waiting for a detached child and the process object closed the pipe under us.
        }
        catch (IOException)
        {
            // Same, seen as an I/O error on some platforms.
        }
    }
}
