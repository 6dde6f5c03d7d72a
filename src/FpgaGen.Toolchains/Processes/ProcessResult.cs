namespace FpgaGen.Toolchains.Processes;

/// <summary>How a run ended. A timed-out or cancelled run has had its whole process tree killed.</summary>
public sealed record ProcessResult(
    int ExitCode,
    bool TimedOut,
    bool Cancelled,
    TimeSpan Duration,
    IReadOnlyList<OutputLine> LastLines,
    string? LogPath)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut && !Cancelled;

    /// <summary>
    /// On Linux and macOS .NET reports a process killed by signal N as exit code 128 + N (e.g. 139 for SIGSEGV).
    /// </summary>
    public int? Signal => !OperatingSystem.IsWindows() && ExitCode is > 128 and < 160 ? ExitCode - 128 : null;

    /// <summary>A short phrase for messages, e.g. "timed out after 10 s" or "crashed with signal 11 (SIGSEGV)".</summary>
    public string Describe()
    {
        if (Cancelled) return $"was cancelled after {Seconds(Duration)}";
        if (TimedOut) return $"timed out after {Seconds(Duration)}";
        if (ExitCode == 0) return $"finished in {Seconds(Duration)}";
        if (Signal is { } s) return $"crashed with signal {s}{SignalName(s)}";
        return $"failed with exit code {ExitCode}";
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds < 10 ? $"{t.TotalSeconds:0.0} s" : $"{t.TotalSeconds:0} s";

    private static string SignalName(int signal) => signal switch
    {
        2 => " (SIGINT)",
        6 => " (SIGABRT)",
        8 => " (SIGFPE)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        _ => "",
    };
}
