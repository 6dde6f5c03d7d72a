using FpgaGen.Toolchains.Amd;
using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Toolchains.Projects;

/// <summary>How a compile ended. A timeout or cancellation has killed the tool's whole process tree.</summary>
public enum BuildStatus { Ok, Failed, Timeout, Cancelled }

/// <summary>One compile of one project for one target: how it ended, its logs, binaries and parsed reports.</summary>
public sealed record BuildResult(BuildProject Project, CompileTarget Target, BuildStatus Status, string? Error, TimeSpan Duration)
{
    public IReadOnlyList<InstalledTool> Tools { get; init; } = [];

    public IReadOnlyList<StepResult> Steps { get; init; } = [];

    /// <summary>build/&lt;target&gt;.log, every step's output.</summary>
    public required string LogPath { get; init; }

    /// <summary>build/&lt;target&gt;.report.json, this result as JSON.</summary>
    public required string SummaryPath { get; init; }

    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>The vendor figures, for targets that report resources and only when the build succeeded.</summary>
    public ReportedFigures? Reported { get; init; }

    public CsimLog? CSimulation { get; init; }

    public bool Succeeded => Status == BuildStatus.Ok;

    /// <summary>"ok", "failed", "timeout" or "cancelled", as the results log records it.</summary>
    public string StatusName => Status.ToString().ToLowerInvariant();
}
