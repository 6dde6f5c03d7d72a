namespace FpgaGen.Toolchains.Processes;

/// <summary>Which stream a line of tool output came from.</summary>
public enum OutputStream { Stdout, Stderr }

/// <summary>One line of tool output, without its line ending.</summary>
public readonly record struct OutputLine(OutputStream Stream, string Text);

/// <summary>
/// What to run and how. Arguments are passed one by one (CliWrap's argument list, which escapes each for the runtime's
/// own parser), never through a shell, so spaces and quotes in paths or -D values need no escaping.
/// </summary>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Folder the tool runs in; null means the current folder.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables to set for the child only; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>File that receives every output line as it arrives (both streams, in arrival order).</summary>
    public string? LogPath { get; init; }

    /// <summary>Wall-clock limit; the tool is stopped (see <see cref="InterruptGracePeriod"/>) when it passes.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// On timeout or cancellation the tool and its descendants first get SIGINT, as Ctrl-C in a terminal gives them,
    /// so a vendor compiler can stop its own children and release its licence. Whatever of the tree is still running
    /// once the tool has exited, or this long after the SIGINT, is killed.
    /// </summary>
    public TimeSpan InterruptGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Called for every line as it arrives, one call at a time (never concurrently), e.g. to show progress.
    /// It runs on the reader's thread, so it should be quick.
    /// </summary>
    public Action<OutputLine>? OnLine { get; init; }

    /// <summary>How many of the last lines the result keeps.</summary>
    public int TailLines { get; init; } = 40;

    /// <summary>
    /// How long to keep reading after the tool exits. A background child that inherited the output pipes can keep them
    /// open long after its parent is gone; we stop waiting for it after this.
    /// </summary>
    public TimeSpan OutputDrainTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The command as a user could paste it into a POSIX shell (for logs and messages only).</summary>
    public string CommandLine => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(ShellQuote));

    internal static string ShellQuote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c))
            ? arg
            : "'" + arg.Replace("'", "'\\''") + "'";
}
