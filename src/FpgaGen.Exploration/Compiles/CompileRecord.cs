namespace FpgaGen.Exploration.Compiles;

/// <summary>Resource and clock figures of one design, as predicted or as a vendor tool reported them.</summary>
public sealed record Figures
{
    public double? Dsp { get; init; }
    public double? Bram { get; init; }
    public double? Logic { get; init; }
    public double? Ff { get; init; }
    public double? FmaxMhz { get; init; }
    public double? LatencyMs { get; init; }
}

/// <summary>
/// One finished compile of a sweep: which design, on which device and tool target, how it ended, and the predicted
/// and reported figures (for the same scope: both whole-device or both kernels-only).
/// </summary>
public sealed record CompileRecord
{
    /// <summary>Identifies the design in a sweep: "kernel|precision|batch|params|target".</summary>
    public required string Key { get; init; }
    public required string Device { get; init; }
    public required string Kernel { get; init; }
    /// <summary>The design's parameters, as in designs.json (older logs wrote them as "Tm=64,Tn=7"; both read).</summary>
    public required Documents.DesignParameters Params { get; init; }
    public required string Precision { get; init; }
    public required string Target { get; init; }
    public int Rank { get; init; }

    /// <summary>"ok", "failed", "timeout" or "cancelled".</summary>
    public required string Status { get; init; }
    public string? Error { get; init; }
    public required Figures Predicted { get; init; }
    public Figures? Reported { get; init; }

    /// <summary>What both figure sets cover and where the reported ones come from, e.g. "whole device; reported: aoc first-stage estimates".</summary>
    public string? Scope { get; init; }
    public double Seconds { get; init; }
    public DateTime FinishedUtc { get; init; }
    public string? Project { get; init; }

    /// <summary>The Slurm array task that compiled it ("&lt;array job id&gt;_&lt;task id&gt;"); null for a local compile.</summary>
    public string? SlurmJob { get; init; }
}
