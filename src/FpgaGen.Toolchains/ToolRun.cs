using FpgaGen.Toolchains.Discovery;
using FpgaGen.Toolchains.Processes;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains;

/// <summary>How `fpgagen compile` runs the tools: where, with what environment and limits, and who sees the output.</summary>
public sealed record RunOptions(string WorkingDirectory)
{
    /// <summary>Folder for one log per step; null means &lt;WorkingDirectory&gt;/logs.</summary>
    public string? LogDirectory { get; init; }

    public ToolEnvironment Environment { get; init; } = ToolEnvironment.Inherited;

    /// <summary>Limit for each step (a full aoc or v++ hardware build takes hours).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Every output line with the name of its step, e.g. for a progress display with the last line.</summary>
    public Action<string, OutputLine>? OnLine { get; init; }

    public string LogFile(string step) =>
        Path.Combine(LogDirectory ?? Path.Combine(WorkingDirectory, "logs"), step + ".log");
}

/// <summary>One tool invocation of a run.</summary>
public sealed record StepResult(string Name, string CommandLine, ProcessResult Process);

/// <summary>
/// The outcome of a compile: its steps (each with a log), the parsed report, and for a failure a one-line Error
/// naming the tool, how it ended, its first error line and the log to read.
/// </summary>
public sealed record ToolRun(IReadOnlyList<StepResult> Steps, string? Error)
{
    public SynthesisReport? Report { get; init; }

    public Amd.CsimLog? CSimulation { get; init; }

    /// <summary>The binaries produced (.aocx/.aocr/.aoco, .xo/.xclbin).</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    public bool Succeeded => Error is null;
}

internal static class Steps
{
    public static async Task<StepResult> RunAsync(string name, InstalledTool tool, ToolCommand command, RunOptions options, CancellationToken ct)
    {
        Directory.CreateDirectory(options.WorkingDirectory);
        var callback = options.OnLine;
        var spec = command.ToSpec(tool, options.Environment, options.WorkingDirectory) with
        {
            LogPath = options.LogFile(name),
            Timeout = options.Timeout,
            OnLine = callback is null ? null : line => callback(name, line),
        };
        return new StepResult(name, spec.CommandLine, await ProcessRunner.RunAsync(spec, ct));
    }

    /// <summary>Null when the step succeeded, else e.g. "aoc failed with exit code 1: Error: ... (log: logs/aoc.log)".</summary>
    public static string? Failure(StepResult step, string tool)
    {
        var p = step.Process;
        if (p.Succeeded) return null;
        var first = p.TimedOut || p.Cancelled ? null : ToolLog.FirstErrorInFile(p.LogPath);
        return $"{tool} {p.Describe()}{(first is null ? "" : ": " + first)} (log: {p.LogPath})";
    }

    public static void Require(InstalledTool tool, ToolKind kind)
    {
        if (tool.Kind != kind) throw new ArgumentException($"expected {ToolSpec.For(kind).Executable}, got {tool.Name}", nameof(tool));
    }

    /// <summary>Reads the reports of a step that succeeded; a broken report becomes the run's error.</summary>
    public static ToolRun WithReport(IReadOnlyList<StepResult> steps, Func<SynthesisReport?> read, IReadOnlyList<string> outputs)
    {
        try
        {
            return new ToolRun(steps, null) { Report = read(), Outputs = outputs };
        }
        catch (DocumentFormatException e)
        {
            return new ToolRun(steps, e.Message) { Outputs = outputs };
        }
    }
}
