using System.Globalization;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Amd;

public sealed record EstimateTiming(string ComputeUnit, string Kernel, string Module, double? TargetMhz, double? EstimatedMhz);

public sealed record EstimateLatency(string ComputeUnit, string Kernel, string Module, CycleRange StartInterval, CycleRange Latency, long? AverageCycles);

public sealed record EstimateArea(string ComputeUnit, string Kernel, string Module, ResourceCounts Resources);

/// <summary>
/// v++'s link-time estimate, _x/reports/link/system_estimate_&lt;name&gt;.xtxt (hw and hw_emu targets). Three
/// whitespace-aligned tables (Timing Information (MHz), Latency Information, Area Information) with one row per
/// compute unit and module; the row whose module is the kernel itself holds the kernel's totals. Cells may contain
/// spaces ("162 ~ 770"), so columns are cut at the positions given by the dashed underline row, or by the header
/// when a copy lost that row (docs/vendor-formats.md §2.1).
/// </summary>
public sealed record SystemEstimate(
    string? DesignName,
    string? TargetDevice,
    double? TargetClockMhz,
    IReadOnlyList<EstimateTiming> Timing,
    IReadOnlyList<EstimateLatency> Latency,
    IReadOnlyList<EstimateArea> Area)
{
    public static SystemEstimate Parse(string path) => ParseText(ReportFile.Read(path), path);

    public static SystemEstimate ParseText(string text, string file)
    {
        var lines = text.Replace("\r", "").Split('\n');
        string? Header(string key) =>
            lines.FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal)) is { } l ? l[(key.Length + 1)..].Trim() : null;

        var timing = TextTable.Find(lines, "Timing Information (MHz)", file)?.Rows(file).Select(row => new EstimateTiming(
            row.Cell("Compute Unit"), row.Cell("Kernel Name"), row.Cell("Module Name"),
            row.Number("Target Frequency"), row.Number("Estimated Frequency"))).ToList() ?? [];
        var latency = TextTable.Find(lines, "Latency Information", file)?.Rows(file).Select(row => new EstimateLatency(
            row.Cell("Compute Unit"), row.Cell("Kernel Name"), row.Cell("Module Name"),
            row.Cycles("Start Interval"),
            new CycleRange(row.Cycles("Best (cycles)").Min, row.Cycles("Worst (cycles)").Max),
            row.Cycles("Avg (cycles)").Min)).ToList() ?? [];
        var area = TextTable.Find(lines, "Area Information", file)?.Rows(file).Select(row => new EstimateArea(
            row.Cell("Compute Unit"), row.Cell("Kernel Name"), row.Cell("Module Name"),
            new ResourceCounts
            {
                Registers = row.Number("FF"), Luts = row.Number("LUT"), Dsps = row.Number("DSP"),
                RamBlocks = row.Number("BRAM"), Urams = row.Number("URAM"),
            })).ToList() ?? [];
        if (timing.Count + latency.Count + area.Count == 0)
            throw new ReportFormatException(file, "no 'Timing Information', 'Latency Information' or 'Area Information' table rows (cut off, or a sw_emu build?)");

        var clock = Header("Target Clock")?.Replace("MHz", "");
        return new SystemEstimate(
            Header("Design Name"),
            Header("Target Device"),
            double.TryParse(clock, NumberStyles.Float, CultureInfo.InvariantCulture, out var mhz) ? mhz : null,
            timing, latency, area);
    }

    /// <summary>The compute units named in any table, in file order.</summary>
    public IReadOnlyList<string> ComputeUnits =>
        Timing.Select(t => t.ComputeUnit).Concat(Area.Select(a => a.ComputeUnit)).Concat(Latency.Select(l => l.ComputeUnit)).Distinct().ToList();

    /// <summary>A compute unit's own row (module == kernel), which holds the kernel's totals; likewise below.</summary>
    public EstimateTiming? TimingOf(string computeUnit) => Timing.FirstOrDefault(t => t.ComputeUnit == computeUnit && t.Module == t.Kernel);

    public EstimateLatency? LatencyOf(string computeUnit) => Latency.FirstOrDefault(t => t.ComputeUnit == computeUnit && t.Module == t.Kernel);

    public EstimateArea? AreaOf(string computeUnit) => Area.FirstOrDefault(t => t.ComputeUnit == computeUnit && t.Module == t.Kernel);
}
