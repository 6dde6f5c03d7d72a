using FpgaGen.Hardware;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Projects;

/// <summary>What a set of vendor figures covers: the kernels alone, or the whole device with the BSP/shell.</summary>
public enum FigureScope { Kernels, WholeDevice }

/// <summary>
/// The vendor reports of one build in the explorer's units, with what they cover: aoc's first-stage estimates and
/// Quartus's fit are whole-device figures (their totals include the board interface); HLS C synthesis and the v++
/// link estimate cover the kernels only. Several HLS reports (one per kernel) are summed; fmax is the slowest
/// kernel's. Latency is not carried over: vendor latencies are per kernel call, not the network's.
/// </summary>
public sealed record ReportedFigures(ReportKind Kind, FigureScope Scope, DesignFigures Figures, IReadOnlyList<SynthesisReport> Reports)
{
    /// <summary>Notes on units, e.g. that aoc estimates count ALUTs (taken as two per ALM).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Per-kernel-call latencies in cycles, e.g. "conv_tiled_top 1234 ~ 2468", or null when none is given.</summary>
    public string? LatencyCycles =>
        Reports.SelectMany(r => r.Kernels).Where(k => k.Latency is { IsKnown: true }).Select(k => $"{k.Name} {k.Latency}").ToList() is { Count: > 0 } list
            ? string.Join(", ", list)
            : null;

    public string Description => Kind switch
    {
        ReportKind.AocEstimate => "aoc first-stage estimates, whole device with the board interface",
        ReportKind.AocFit => "Quartus post-fit figures (acl_quartus_report.txt), whole device",
        ReportKind.HlsSynthesis => "HLS C-synthesis estimates (csynth.xml), kernels only",
        _ => "v++ link estimates (system_estimate), kernels only",
    };

    /// <summary>The figures as a whole-device total, the scope the explorer predicts and calibration corrects.</summary>
    public DesignFigures WholeDevice(Device device) => Scope == FigureScope.WholeDevice ? Figures : Figures.WithPlatform(device, +1);

    /// <summary>Null when there is no report; the most authoritative kind wins when a build left several.</summary>
    public static ReportedFigures? From(IReadOnlyList<SynthesisReport> reports, Device device)
    {
        if (reports.Count == 0) return null;
        var kind = new[] { ReportKind.AocFit, ReportKind.AocEstimate, ReportKind.VitisLinkEstimate, ReportKind.HlsSynthesis }
            .First(k => reports.Any(r => r.Kind == k));
        var used = reports.Where(r => r.Kind == kind).ToList();
        var sum = used.Aggregate(new ResourceCounts(), (total, r) => total + r.Resources);
        var fmax = used.Select(r => r.FmaxMhz).Where(f => f is not null).Min();
        var notes = new List<string>();
        double? logic;
        if (kind == ReportKind.AocEstimate)
        {
            logic = sum.Aluts / 2;
            notes.Add("aoc estimates count ALUTs; logic is ALUTs / 2 (two ALUTs per ALM)");
        }
        else
        {
            logic = kind == ReportKind.AocFit ? sum.Alms : sum.Luts;
        }
        var figures = new DesignFigures
        {
            Dsp = sum.Dsps,
            Ram = sum.RamBlocks,
            Uram = device.Ram.Count > 1 ? sum.Urams : null,
            Logic = logic,
            Registers = sum.Registers,
            FmaxMhz = fmax,
        };
        var scope = kind is ReportKind.AocEstimate or ReportKind.AocFit ? FigureScope.WholeDevice : FigureScope.Kernels;
        return new ReportedFigures(kind, scope, figures, used) { Notes = notes };
    }
}
