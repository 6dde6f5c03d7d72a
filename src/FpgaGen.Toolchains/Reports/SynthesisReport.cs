namespace FpgaGen.Toolchains.Reports;

/// <summary>What a vendor report measured: an estimate before place and route, or the fitted design.</summary>
public enum ReportKind
{
    /// <summary>aoc's first-stage estimates (reports/lib: summary, area, loops).</summary>
    AocEstimate,

    /// <summary>aoc after Quartus fitted the design (acl_quartus_report.txt).</summary>
    AocFit,

    /// <summary>Vitis/Vivado HLS C synthesis (csynth.xml).</summary>
    HlsSynthesis,

    /// <summary>v++ link-time estimate (system_estimate_*.xtxt).</summary>
    VitisLinkEstimate,
}

/// <summary>One kernel (aoc kernel, HLS top function, v++ compute unit) of a report.</summary>
public sealed record KernelResult(string Name)
{
    public ResourceCounts Resources { get; init; } = new();

    /// <summary>Copies of the kernel (aoc num_compute_units) that the resources cover.</summary>
    public int? ComputeUnits { get; init; }

    public double? FmaxMhz { get; init; }

    public CycleRange? Latency { get; init; }

    /// <summary>Initiation interval: of the whole function (HLS), or the worst pipelined loop (aoc).</summary>
    public CycleRange? Ii { get; init; }
}

/// <summary>
/// The vendor-neutral summary that `fpgagen report` prints and calibration compares with its estimates. Null
/// fields are ones the report does not give (aoc estimates have no fmax; v++ estimates no device totals).
/// </summary>
public sealed record SynthesisReport(ReportKind Kind, string Source)
{
    public string? Design { get; init; }

    public string? ToolVersion { get; init; }

    public ResourceCounts Resources { get; init; } = new();

    public ResourceCounts? Available { get; init; }

    public double? FmaxMhz { get; init; }

    public CycleRange? Latency { get; init; }

    public CycleRange? Interval { get; init; }

    public IReadOnlyList<KernelResult> Kernels { get; init; } = [];
}
